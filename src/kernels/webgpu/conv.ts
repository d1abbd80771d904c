// The convolution gradients on WebGPU as tiled implicit GEMMs (issue 21,
// point 3). TF.js 4.22's Conv2DDerFilterProgram gives each filter weight one
// invocation that loops over batch × output height × output width (131,072
// terms for ResNet-20's first stage at batch 128, on a few thousand
// invocations), and its input gradient defaults to a naive shader.
//
// Both here are C[rows, cols] = Σ_r A[rows, r] · B[r, cols] with A gathered
// from the tensors as it is read (no im2col buffer), in 32 × 32 tiles of
// 16 × 16 invocations that each keep a 2 × 2 block, stepping the sum through
// workgroup memory 16 terms at a time:
// - kernel gradient: rows k = (i, j, c) of the [kh, kw, C, O] kernel, cols o,
//   sum over m = (b, y, x) of x[b, y·s + i − p, x·s + j − p, c] · dy[b, y, x, o];
//   split-K: each workgroup takes at most SPLIT terms of m and writes a
//   partial, and a second dispatch sums the partials, so no invocation loops
//   over more than SPLIT terms however large the batch (Lavin's and CUTLASS's
//   "split-K"/"sliced-K" GEMM for wide reductions).
// - input gradient: rows (b, y, x) of dx, cols c, sum over (i, j, o) of
//   dy[b, (y + p − i)/s, (x + p − j)/s, o] · w[i, j, c, o] where the division is
//   exact and in range (0 elsewhere): kh·kw·O terms, no split needed.
import type * as tf from '@tensorflow/tfjs';
import type { ConvInputGradAttrs, ConvKernelGradAttrs } from '../names';
import { dispose, dispatch, maxWorkgroups } from './run';

/** Most terms of the kernel gradient's sum one workgroup takes (its longest serial loop). */
export const SPLIT = 2048;
const TILE = 32;
const STEP = 16;

const UNIFORMS = 'struct U { rows: u32, cols: u32, red: u32, chunk: u32, b: u32, h: u32, w: u32, c: u32, oh: u32, ow: u32, o: u32, kh: u32, kw: u32, stride: u32, padTop: u32, padLeft: u32 }';

/**
 * The GEMM: `loadA(row, r)` and `loadB(r, col)` return 0 outside the
 * matrices; workgroup (x, y, z) takes tile (x, y) of C over terms
 * [z·chunk, (z + 1)·chunk) and `store(row, col, z, value)` writes it.
 * `aRowFast`: A's loads run along rows across invocations (where rows are
 * contiguous in memory), else along the sum.
 */
function gemm(bindings: string, functions: string, aRowFast: boolean): string {
  const loadA = aRowFast
    ? `let ar = t % ${TILE}u; let aq = t / ${TILE}u;
      tileA[aq][ar] = select(0.0, loadA(row0 + ar, r0 + aq), r0 + aq < last);
      tileA[aq + 8u][ar] = select(0.0, loadA(row0 + ar, r0 + aq + 8u), r0 + aq + 8u < last);`
    : `let aq = t % ${STEP}u; let ar = t / ${STEP}u;
      tileA[aq][ar] = select(0.0, loadA(row0 + ar, r0 + aq), r0 + aq < last);
      tileA[aq][ar + 16u] = select(0.0, loadA(row0 + ar + 16u, r0 + aq), r0 + aq < last);`;
  return `
${bindings}
${UNIFORMS}
@group(0) @binding(3) var<uniform> u: U;
${functions}
var<workgroup> tileA: array<array<f32, ${TILE}>, ${STEP}>;
var<workgroup> tileB: array<array<f32, ${TILE}>, ${STEP}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let t = lid.y * 16u + lid.x;
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let first = wid.z * u.chunk;
  let last = min(first + u.chunk, u.red);
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var r0 = first; r0 < last; r0 = r0 + ${STEP}u) {
    {
      ${loadA}
      let bc = t % ${TILE}u; let bq = t / ${TILE}u;
      tileB[bq][bc] = select(0.0, loadB(r0 + bq, col0 + bc), r0 + bq < last);
      tileB[bq + 8u][bc] = select(0.0, loadB(r0 + bq + 8u, col0 + bc), r0 + bq + 8u < last);
    }
    workgroupBarrier();
    for (var q = 0u; q < ${STEP}u; q = q + 1u) {
      let a0 = tileA[q][lid.y * 2u];
      let a1 = tileA[q][lid.y * 2u + 1u];
      let b0 = tileB[q][lid.x * 2u];
      let b1 = tileB[q][lid.x * 2u + 1u];
      acc[0] = acc[0] + a0 * b0;
      acc[1] = acc[1] + a0 * b1;
      acc[2] = acc[2] + a1 * b0;
      acc[3] = acc[3] + a1 * b1;
    }
    workgroupBarrier();
  }
  for (var e = 0u; e < 4u; e = e + 1u) {
    let row = row0 + lid.y * 2u + e / 2u;
    let col = col0 + lid.x * 2u + e % 2u;
    if (row < u.rows && col < u.cols) { store(row, col, wid.z, acc[e]); }
  }
}`;
}

// Shared index helpers: a kernel tap (i, j, c) from row k, a position (b, y, x) from m.
const HELPERS = `
fn tap(k: u32) -> vec3<u32> { let c = k % u.c; let ij = k / u.c; return vec3<u32>(ij / u.kw, ij % u.kw, c); }
fn outPos(m: u32) -> vec3<u32> { let x = m % u.ow; let by = m / u.ow; return vec3<u32>(by / u.oh, by % u.oh, x); }
`;

/** Rows k of [kh, kw, C, O], cols o, sum over m = (b, y, x) of the output. */
const KERNEL_GRAD = gemm(
  `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;`,
  `${HELPERS}
fn loadA(k: u32, m: u32) -> f32 {
  if (k >= u.rows || m >= u.red) { return 0.0; }
  let p = tap(k);
  let q = outPos(m);
  let yy = i32(q.y * u.stride + p.x) - i32(u.padTop);
  let xx = i32(q.z * u.stride + p.y) - i32(u.padLeft);
  if (yy < 0 || xx < 0 || yy >= i32(u.h) || xx >= i32(u.w)) { return 0.0; }
  return x[((q.x * u.h + u32(yy)) * u.w + u32(xx)) * u.c + p.z];
}
fn loadB(m: u32, o: u32) -> f32 {
  if (o >= u.cols || m >= u.red) { return 0.0; }
  return dy[m * u.o + o];
}
fn store(k: u32, o: u32, split: u32, v: f32) { part[(split * u.rows + k) * u.cols + o] = v; }`,
  true,
);

/** The splits' partials summed: part [splits, n] -> out [n]. */
const SUM_SPLITS = `
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct U { n: u32, splits: u32 }
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = gid.x; i < u.n; i = i + groups.x * 256u) {
    var s = 0.0;
    for (var z = 0u; z < u.splits; z = z + 1u) { s = s + part[z * u.n + i]; }
    out[i] = s;
  }
}`;

/** Rows m = (b, y, x) of dx, cols c, sum over (i, j, o). */
const INPUT_GRAD = gemm(
  `@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;`,
  `fn loadA(m: u32, r: u32) -> f32 {
  if (m >= u.rows || r >= u.red) { return 0.0; }
  let o = r % u.o;
  let ij = r / u.o;
  let i = ij / u.kw;
  let j = ij % u.kw;
  let xx = m % u.w;
  let by = m / u.w;
  let yy = by % u.h;
  let b = by / u.h;
  let ty = i32(yy + u.padTop) - i32(i);
  let tx = i32(xx + u.padLeft) - i32(j);
  if (ty < 0 || tx < 0) { return 0.0; }
  let s = u.stride;
  if (u32(ty) % s != 0u || u32(tx) % s != 0u) { return 0.0; }
  let oy = u32(ty) / s;
  let ox = u32(tx) / s;
  if (oy >= u.oh || ox >= u.ow) { return 0.0; }
  return dy[((b * u.oh + oy) * u.ow + ox) * u.o + o];
}
fn loadB(r: u32, c: u32) -> f32 {
  if (c >= u.cols || r >= u.red) { return 0.0; }
  let o = r % u.o;
  let ij = r / u.o;
  return w[(ij * u.c + c) * u.o + o];
}
fn store(m: u32, c: u32, split: u32, v: f32) { dx[m * u.cols + c] = v; }`,
  false,
);

const groupsFor = (n: number) => Math.max(1, Math.min(4096, Math.ceil(n / 256)));

/** x [B, H, W, C], dy [B, OH, OW, O] -> dKernel [kh, kw, C, O]. */
export function convKernelGrad(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: ConvKernelGradAttrs): tf.TensorInfo {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow, o] = dy.shape as [number, number, number, number];
  const { kernelHeight: kh, kernelWidth: kw, stride, padTop, padLeft } = attrs;
  const rows = kh * kw * c;
  const red = b * oh * ow;
  const splits = Math.min(Math.ceil(red / SPLIT), maxWorkgroups(backend));
  const chunk = Math.ceil(red / splits / STEP) * STEP;
  const uniforms = [rows, o, red, chunk, b, h, w, c, oh, ow, o, kh, kw, stride, padTop, padLeft].map((v) => ['u32', v] as const);
  const [part] = dispatch(backend, { code: KERNEL_GRAD, inputs: [x, dy], outputs: [[splits * rows * o]], uniforms, workgroups: [Math.ceil(o / TILE), Math.ceil(rows / TILE), splits] });
  if (splits === 1) return { ...(part as tf.TensorInfo), shape: [kh, kw, c, o] };
  const [out] = dispatch(backend, { code: SUM_SPLITS, inputs: [part as tf.TensorInfo], outputs: [[kh, kw, c, o]], uniforms: [['u32', rows * o], ['u32', splits]], workgroups: [groupsFor(rows * o)] });
  dispose(backend, part as tf.TensorInfo);
  return out as tf.TensorInfo;
}

/** dy [B, OH, OW, O], kernel [kh, kw, C, O] -> dx [B, H, W, C]. */
export function convInputGrad(backend: tf.KernelBackend, dy: tf.TensorInfo, kernel: tf.TensorInfo, attrs: ConvInputGradAttrs): tf.TensorInfo {
  const [b, oh, ow, o] = dy.shape as [number, number, number, number];
  const [kh, kw, c] = kernel.shape as [number, number, number, number];
  const { inHeight: h, inWidth: w, stride, padTop, padLeft } = attrs;
  const rows = b * h * w;
  const red = kh * kw * o;
  const uniforms = [rows, c, red, red, b, h, w, c, oh, ow, o, kh, kw, stride, padTop, padLeft].map((v) => ['u32', v] as const);
  const tilesY = Math.ceil(rows / TILE);
  const limit = maxWorkgroups(backend);
  if (tilesY > limit) throw new Error(`convInputGrad: ${rows} output rows need ${tilesY} workgroups in one dimension; this device allows ${limit}`);
  const [dx] = dispatch(backend, { code: INPUT_GRAD, inputs: [dy, kernel], outputs: [[b, h, w, c]], uniforms, workgroups: [Math.ceil(c / TILE), tilesY, 1] });
  return dx as tf.TensorInfo;
}
