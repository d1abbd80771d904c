// Batch norm in training mode on WebGPU (BN_KERNELS, names.ts): the
// statistics in two dispatches, the normalization (with the ReLU after it,
// where the layer tree has one) in one, the gradient in three; TF.js's
// moments, batchNorm and their gradients take about forty, through
// transposes and tiles (issue 21's dispatch count).
//
// x is [N, C] (NHWC with N = B·H·W). The reductions run over slabs: a
// workgroup of 16 channels × 16 lanes takes CHUNK rows, each lane every
// 16th row of them, so no invocation loops over more than CHUNK / 16 rows;
// a second dispatch combines the slabs' partials per channel. The variance
// is two-pass within a lane and Chan et al.'s pairwise update across lanes
// and slabs (Chan, Golub & LeVeque 1983), as exact as a two-pass variance
// over the whole batch, where a sum of squares loses digits when the mean is
// large against the spread.
import type * as tf from '@tensorflow/tfjs';
import { dispose, dispatch, makeTensor } from './run';

/** Rows per slab: 64 per lane. */
const CHUNK = 1024;

const slabHeader = (bindings: string) => `
${bindings}
@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let c = wid.y * 16u + lid.x;
  let first = wid.x * ${CHUNK}u;
  let last = min(first + ${CHUNK}u, u.n);
  let live = c < u.c;`;

const bind = (names: readonly string[], access: 'read' | 'read_write', from = 0) =>
  names.map((n, i) => `@group(0) @binding(${from + i}) var<storage, ${access}> ${n}: array<f32>;`).join('\n');

/** Per slab and channel: (rows, mean, M2) of its rows. */
const MOMENTS_PARTIAL = `${slabHeader(`${bind(['x'], 'read')}
${bind(['part'], 'read_write', 1)}
struct U { n: u32, c: u32 }
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> lane: array<vec3<f32>, 256>;`)}
  var count = 0.0;
  var sum = 0.0;
  if (live) {
    for (var r = first + lid.y; r < last; r = r + 16u) { sum = sum + x[r * u.c + c]; count = count + 1.0; }
  }
  let mean = select(0.0, sum / count, count > 0.0);
  var m2 = 0.0;
  if (live) {
    for (var r = first + lid.y; r < last; r = r + 16u) { let d = x[r * u.c + c] - mean; m2 = m2 + d * d; }
  }
  lane[lid.y * 16u + lid.x] = vec3<f32>(count, mean, m2);
  workgroupBarrier();
  if (lid.y == 0u && live) {
    var acc = lane[lid.x];
    for (var l = 1u; l < 16u; l = l + 1u) {
      let b = lane[l * 16u + lid.x];
      let n = acc.x + b.x;
      if (b.x > 0.0) {
        let delta = b.y - acc.y;
        acc = vec3<f32>(n, acc.y + delta * b.x / n, acc.z + b.z + delta * delta * acc.x * b.x / n);
      }
    }
    let at = (wid.x * u.c + c) * 3u;
    part[at] = acc.x; part[at + 1u] = acc.y; part[at + 2u] = acc.z;
  }
}`;

/** Per channel: the slabs combined -> mean, biased variance, and the running statistics updated as torch does (unbiased variance). */
const MOMENTS_COMBINE = `
${bind(['part', 'runMean', 'runVar'], 'read')}
${bind(['mean', 'variance', 'runMeanOut', 'runVarOut'], 'read_write', 3)}
struct U { c: u32, slabs: u32, momentum: f32 }
@group(0) @binding(7) var<uniform> u: U;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= u.c) { return; }
  var acc = vec3<f32>(part[c * 3u], part[c * 3u + 1u], part[c * 3u + 2u]);
  for (var s = 1u; s < u.slabs; s = s + 1u) {
    let at = (s * u.c + c) * 3u;
    let b = vec3<f32>(part[at], part[at + 1u], part[at + 2u]);
    let n = acc.x + b.x;
    let delta = b.y - acc.y;
    acc = vec3<f32>(n, acc.y + delta * b.x / n, acc.z + b.z + delta * delta * acc.x * b.x / n);
  }
  let variance_ = acc.z / acc.x;
  mean[c] = acc.y;
  variance[c] = variance_;
  runMeanOut[c] = (1.0 - u.momentum) * runMean[c] + u.momentum * acc.y;
  runVarOut[c] = (1.0 - u.momentum) * runVar[c] + u.momentum * variance_ * acc.x / max(acc.x - 1.0, 1.0);
}`;

function applyShader(relu: boolean): string {
  return `
${bind(['x', 'mean', 'variance', 'gamma', 'beta'], 'read')}
${bind(['y'], 'read_write', 5)}
struct U { size: u32, c: u32, eps: f32 }
@group(0) @binding(6) var<uniform> u: U;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = gid.x; i < u.size; i = i + groups.x * 256u) {
    let c = i % u.c;
    let v = (x[i] - mean[c]) * inverseSqrt(variance[c] + u.eps) * gamma[c] + beta[c];
    y[i] = ${relu ? 'max(v, 0.0)' : 'v'};
  }
}`;
}

/** Per slab and channel: Σ dy and Σ dy·x̂ (dy masked where y ≤ 0 after a ReLU). */
function gradPartialShader(relu: boolean): string {
  const ins = ['dy', 'x', 'mean', 'variance', ...(relu ? ['y'] : [])];
  return `${slabHeader(`${bind(ins, 'read')}
${bind(['part'], 'read_write', ins.length)}
struct U { n: u32, c: u32, eps: f32 }
@group(0) @binding(${ins.length + 1}) var<uniform> u: U;
var<workgroup> lane: array<vec2<f32>, 256>;`)}
  var acc = vec2<f32>(0.0);
  if (live) {
    let m = mean[c];
    let inv = inverseSqrt(variance[c] + u.eps);
    for (var r = first + lid.y; r < last; r = r + 16u) {
      let i = r * u.c + c;
      let g = ${relu ? 'select(0.0, dy[i], y[i] > 0.0)' : 'dy[i]'};
      acc = acc + vec2<f32>(g, g * (x[i] - m) * inv);
    }
  }
  lane[lid.y * 16u + lid.x] = acc;
  workgroupBarrier();
  if (lid.y == 0u && live) {
    var total = lane[lid.x];
    for (var l = 1u; l < 16u; l = l + 1u) { total = total + lane[l * 16u + lid.x]; }
    let at = (wid.x * u.c + c) * 2u;
    part[at] = total.x; part[at + 1u] = total.y;
  }
}`;
}

/** Per channel: dβ, dγ, and what dx needs: [γ/σ, dβ/N, dγ/N, mean, 1/σ]. */
const GRAD_COMBINE = `
${bind(['part', 'mean', 'variance', 'gamma'], 'read')}
${bind(['dGamma', 'dBeta', 'coef'], 'read_write', 4)}
struct U { c: u32, slabs: u32, eps: f32, n: f32 }
@group(0) @binding(7) var<uniform> u: U;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= u.c) { return; }
  var total = vec2<f32>(0.0);
  for (var s = 0u; s < u.slabs; s = s + 1u) { let at = (s * u.c + c) * 2u; total = total + vec2<f32>(part[at], part[at + 1u]); }
  dBeta[c] = total.x;
  dGamma[c] = total.y;
  let inv = inverseSqrt(variance[c] + u.eps);
  coef[c * 5u] = gamma[c] * inv;
  coef[c * 5u + 1u] = total.x / u.n;
  coef[c * 5u + 2u] = total.y / u.n;
  coef[c * 5u + 3u] = mean[c];
  coef[c * 5u + 4u] = inv;
}`;

/** dx = γ/σ · (dy − dβ/N − x̂·dγ/N), dy masked after a ReLU. */
function gradInputShader(relu: boolean): string {
  const ins = ['dy', 'x', 'coef', ...(relu ? ['y'] : [])];
  return `
${bind(ins, 'read')}
${bind(['dx'], 'read_write', ins.length)}
struct U { size: u32, c: u32 }
@group(0) @binding(${ins.length + 1}) var<uniform> u: U;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = gid.x; i < u.size; i = i + groups.x * 256u) {
    let c = (i % u.c) * 5u;
    let g = ${relu ? 'select(0.0, dy[i], y[i] > 0.0)' : 'dy[i]'};
    let xhat = (x[i] - coef[c + 3u]) * coef[c + 4u];
    dx[i] = coef[c] * (g - coef[c + 1u] - xhat * coef[c + 2u]);
  }
}`;
}

/** Workgroups for an elementwise pass over `size` values (a grid-stride loop beyond 4,096 of them). */
export const elementwiseGroups = (size: number) => Math.max(1, Math.min(4096, Math.ceil(size / 256)));

const dims = (x: tf.TensorInfo) => {
  const c = x.shape[x.shape.length - 1] as number;
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { c, n: size / c, size, slabs: Math.max(1, Math.ceil(size / c / CHUNK)) };
};

/** x -> [mean, variance, running mean, running variance] (the running ones updated with `momentum`). */
export function bnMoments(backend: tf.KernelBackend, x: tf.TensorInfo, runMean: tf.TensorInfo, runVar: tf.TensorInfo, momentum: number): tf.TensorInfo[] {
  const { c, n, slabs } = dims(x);
  const [part] = dispatch(backend, { code: MOMENTS_PARTIAL, inputs: [x], outputs: [[slabs * c * 3]], uniforms: [['u32', n], ['u32', c]], workgroups: [slabs, Math.ceil(c / 16)] });
  const outs = dispatch(backend, {
    code: MOMENTS_COMBINE,
    inputs: [part as tf.TensorInfo, runMean, runVar],
    outputs: [[c], [c], [c], [c]],
    uniforms: [['u32', c], ['u32', slabs], ['f32', momentum]],
    workgroups: [Math.ceil(c / 64)],
  });
  dispose(backend, part as tf.TensorInfo);
  return outs;
}

const SHADERS = new Map<string, string>();
const cached = (key: string, make: () => string) => SHADERS.get(key) ?? (SHADERS.set(key, make()), SHADERS.get(key) as string);

export function bnApply(backend: tf.KernelBackend, x: tf.TensorInfo, mean: tf.TensorInfo, variance: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, epsilon: number, relu: boolean): tf.TensorInfo {
  const { c, size } = dims(x);
  const [y] = dispatch(backend, {
    code: cached(`apply${relu}`, () => applyShader(relu)),
    inputs: [x, mean, variance, gamma, beta],
    outputs: [x.shape],
    uniforms: [['u32', size], ['u32', c], ['f32', epsilon]],
    workgroups: [elementwiseGroups(size)],
  });
  return y as tf.TensorInfo;
}

/** -> [dx, dγ, dβ]; `y` (the output after the ReLU) where the layer fused one. */
export function bnGrad(backend: tf.KernelBackend, dy: tf.TensorInfo, x: tf.TensorInfo, mean: tf.TensorInfo, variance: tf.TensorInfo, gamma: tf.TensorInfo, epsilon: number, y: tf.TensorInfo | null): tf.TensorInfo[] {
  const { c, n, size, slabs } = dims(x);
  const relu = y !== null;
  const masked = relu ? [y] : [];
  const [part] = dispatch(backend, {
    code: cached(`gradPartial${relu}`, () => gradPartialShader(relu)),
    inputs: [dy, x, mean, variance, ...masked],
    outputs: [[slabs * c * 2]],
    uniforms: [['u32', n], ['u32', c], ['f32', epsilon]],
    workgroups: [slabs, Math.ceil(c / 16)],
  });
  const [dGamma, dBeta, coef] = dispatch(backend, {
    code: GRAD_COMBINE,
    inputs: [part as tf.TensorInfo, mean, variance, gamma],
    outputs: [[c], [c], [5 * c]],
    uniforms: [['u32', c], ['u32', slabs], ['f32', epsilon], ['f32', n]],
    workgroups: [Math.ceil(c / 64)],
  }) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const [dx] = dispatch(backend, {
    code: cached(`gradInput${relu}`, () => gradInputShader(relu)),
    inputs: [dy, x, coef, ...masked],
    outputs: [x.shape],
    uniforms: [['u32', size], ['u32', c]],
    workgroups: [elementwiseGroups(size)],
  });
  dispose(backend, part as tf.TensorInfo);
  dispose(backend, coef);
  return [dx as tf.TensorInfo, dGamma, dBeta];
}
