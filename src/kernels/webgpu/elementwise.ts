// One pass each for what TF.js 4.22 runs as chains on WebGPU: ReLU's
// gradient (its Step, Cast and Multiply) and the option-A shortcut (He et
// al. 2015, §4.2) both ways (a strided pool and a Pad forward; an
// AvgPoolGrad and a Slice back), as the WASM kernels do (fused.ts).
import type * as tf from '@tensorflow/tfjs';
import type { ShortcutAttrs } from '../names';
import { elementwiseGroups } from './batchnorm';
import { dispatch } from './run';

const LOOP = (body: string, bindings: string, uniforms: string) => `
${bindings}
struct U { size: u32, ${uniforms} }
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = gid.x; i < u.size; i = i + groups.x * 256u) {
    ${body}
  }
}`;

/** dx = dy where y > 0, else 0. */
const RELU_GRAD = LOOP(
  'dx[i] = select(0.0, dy[i], y[i] > 0.0);',
  `@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: U;`,
  'pad: u32',
);

const SHORTCUT_UNIFORMS = 'h: u32, w: u32, c: u32, stride: u32, before: u32, filters: u32, oh: u32, ow: u32';
const SHORTCUT_BINDINGS = `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> u: U;`;

/** y [B, OH, OW, filters]: x's channels at [before, before + C) of every s-th position, zeros elsewhere. */
const SHORTCUT = LOOP(
  `let f = i % u.filters;
    let p = i / u.filters;
    let ox = p % u.ow;
    let q = p / u.ow;
    let oy = q % u.oh;
    let b = q / u.oh;
    var v = 0.0;
    if (f >= u.before && f < u.before + u.c) { v = src[((b * u.h + oy * u.stride) * u.w + ox * u.stride) * u.c + f - u.before]; }
    dst[i] = v;`,
  SHORTCUT_BINDINGS,
  SHORTCUT_UNIFORMS,
);

/** dx [B, H, W, C]: dy's channels [before, before + C) at every s-th position, zeros elsewhere. */
const SHORTCUT_GRAD = LOOP(
  `let ch = i % u.c;
    let p = i / u.c;
    let x = p % u.w;
    let q = p / u.w;
    let y = q % u.h;
    let b = q / u.h;
    var v = 0.0;
    if (y % u.stride == 0u && x % u.stride == 0u) { v = src[((b * u.oh + y / u.stride) * u.ow + x / u.stride) * u.filters + ch + u.before]; }
    dst[i] = v;`,
  SHORTCUT_BINDINGS,
  SHORTCUT_UNIFORMS,
);

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function reluGrad(backend: tf.KernelBackend, dy: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo {
  const size = sizeOf(dy.shape);
  return dispatch(backend, { code: RELU_GRAD, inputs: [dy, y], outputs: [dy.shape], uniforms: [['u32', size], ['u32', 0]], workgroups: [elementwiseGroups(size)] })[0] as tf.TensorInfo;
}

/** PAD_SHORTCUT (grad false: input x) or PAD_SHORTCUT_GRAD (grad true: input dy). */
export function shortcut(backend: tf.KernelBackend, input: tf.TensorInfo, attrs: ShortcutAttrs, grad: boolean): tf.TensorInfo {
  const { inHeight: h, inWidth: w, channels: c, stride, before, filters } = attrs;
  const b = input.shape[0] as number;
  const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
  const shape = grad ? [b, h, w, c] : [b, oh, ow, filters];
  const size = sizeOf(shape);
  const uniforms = [size, h, w, c, stride, before, filters, oh, ow].map((v) => ['u32', v] as const);
  return dispatch(backend, { code: grad ? SHORTCUT_GRAD : SHORTCUT, inputs: [input], outputs: [shape], uniforms, workgroups: [elementwiseGroups(size)] })[0] as tf.TensorInfo;
}
