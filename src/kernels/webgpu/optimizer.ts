// OPTIMIZER_STEP on WebGPU (names.ts): each variable's update in one
// dispatch that reads the weight, its gradient and its slots once and writes
// the new weight and slots (TF.js's ops take five to seven dispatches a
// variable, each a pass over it), as PyTorch's fused and foreach optimizers
// do. The same pass sums each workgroup's ‖g‖², ‖w‖² and ‖Δw‖² into one
// scratch buffer shared by every dispatch of the step, and one last dispatch
// turns them into every layer's three norms.
import type * as tf from '@tensorflow/tfjs';
import type { OptimizerStepAttrs } from '../names';
import { dispose, dispatch, makeTensor, makeTensorWith } from './run';

const WG = 256;
/** Most workgroups per variable: past this each thread takes more than one element (a grid-stride loop). */
const MAX_GROUPS = 1024;

type Kind = OptimizerStepAttrs['optimizer'] | 'normsOnly';

/** The update of one element: `w`, `grad` in; `next` and the slots' new values out. */
const UPDATE: Record<Kind, string> = {
  // torch.optim.SGD without momentum: w ← w − lr (g + λw).
  sgd: 'let d = grad + u.wd * w; let next = w - u.lr * d;',
  // torch.optim.SGD with momentum: buf ← μ buf + g + λw; w ← w − lr buf.
  momentum: 'let d = grad + u.wd * w; let buf = u.mu * a[i] + d; aOut[i] = buf; let next = w - u.lr * buf;',
  // With nesterov=True the direction is g + λw + μ buf.
  nesterov: 'let d = grad + u.wd * w; let buf = u.mu * a[i] + d; aOut[i] = buf; let next = w - u.lr * (d + u.mu * buf);',
  // torch.optim.Adam: the decay joins the gradient.
  adam: `let d = grad + u.wd * w;
    let m = u.mu * a[i] + u.mu1 * d; let s = u.beta2 * b[i] + u.beta21 * d * d; aOut[i] = m; bOut[i] = s;
    let next = w - u.lr * ((m / u.c1) / (sqrt(s / u.c2) + u.eps));`,
  // torch.optim.AdamW: decoupled, w (1 − lr λ) before the Adam step (Loshchilov & Hutter 2019, Algorithm 2).
  adamw: `let m = u.mu * a[i] + u.mu1 * grad; let s = u.beta2 * b[i] + u.beta21 * grad * grad; aOut[i] = m; bOut[i] = s;
    let next = w * (1.0 - u.lr * u.wd) - u.lr * ((m / u.c1) / (sqrt(s / u.c2) + u.eps));`,
  normsOnly: 'let next = w;',
};

const SLOTS: Record<Kind, number> = { sgd: 0, momentum: 1, nesterov: 1, adam: 2, adamw: 2, normsOnly: 0 };

function updateShader(kind: Kind): string {
  const slots = SLOTS[kind];
  const grad = kind !== 'normsOnly';
  const ins = ['v', ...(grad ? ['g'] : []), ...['a', 'b'].slice(0, slots)];
  const outs = [...(grad ? ['vOut'] : []), ...['aOut', 'bOut'].slice(0, slots), 'stats'];
  const bind = (name: string, i: number, access: string) => `@group(0) @binding(${i}) var<storage, ${access}> ${name}: array<f32>;`;
  return `
${ins.map((n, i) => bind(n, i, 'read')).join('\n')}
${outs.map((n, i) => bind(n, ins.length + i, 'read_write')).join('\n')}
// mu1 = 1 − μ and beta21 = 1 − β2 come computed in double, as torch's and TF.js's scalars do (in f32, 1 − 0.999 is 1.3e-5 off).
struct U { n: u32, statsAt: i32, lr: f32, wd: f32, mu: f32, beta2: f32, eps: f32, c1: f32, c2: f32, mu1: f32, beta21: f32 }
@group(0) @binding(${ins.length + outs.length}) var<uniform> u: U;
var<workgroup> red: array<vec3<f32>, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  var acc = vec3<f32>(0.0);
  for (var i = wid.x * ${WG}u + lid.x; i < u.n; i = i + groups.x * ${WG}u) {
    let w = v[i];
    let grad = ${grad ? 'g[i]' : '0.0'};
    ${UPDATE[kind]}
    ${grad ? 'vOut[i] = next;' : ''}
    acc = acc + vec3<f32>(grad * grad, w * w, (next - w) * (next - w));
  }
  red[lid.x] = acc;
  workgroupBarrier();
  for (var k = ${WG / 2}u; k > 0u; k = k >> 1u) {
    if (lid.x < k) { red[lid.x] = red[lid.x] + red[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u && u.statsAt >= 0) {
    let at = (u32(u.statsAt) + wid.x) * 3u;
    stats[at] = red[0].x; stats[at + 1u] = red[0].y; stats[at + 2u] = red[0].z;
  }
}`;
}

/** Per norm j: its partials stats[table[2j] .. + table[2j+1]] summed -> norms [grad L, weight L, update L], square-rooted. */
const REDUCE = `
@group(0) @binding(0) var<storage, read> stats: array<f32>;
@group(0) @binding(1) var<storage, read> table: array<i32>;
@group(0) @binding(2) var<storage, read_write> norms: array<f32>;
struct U { count: u32 }
@group(0) @binding(3) var<uniform> u: U;
var<workgroup> red: array<vec3<f32>, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let at = u32(table[2u * wid.x]);
  let count = u32(table[2u * wid.x + 1u]);
  var acc = vec3<f32>(0.0);
  for (var p = lid.x; p < count; p = p + ${WG}u) {
    let q = (at + p) * 3u;
    acc = acc + vec3<f32>(stats[q], stats[q + 1u], stats[q + 2u]);
  }
  red[lid.x] = acc;
  workgroupBarrier();
  for (var k = ${WG / 2}u; k > 0u; k = k >> 1u) {
    if (lid.x < k) { red[lid.x] = red[lid.x] + red[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    norms[wid.x] = sqrt(red[0].x);
    norms[u.count + wid.x] = sqrt(red[0].y);
    norms[2u * u.count + wid.x] = sqrt(red[0].z);
  }
}`;

const SHADERS = new Map<Kind, string>();
const shaderFor = (kind: Kind) => SHADERS.get(kind) ?? (SHADERS.set(kind, updateShader(kind)), SHADERS.get(kind) as string);

export function optimizerStep(inputs: tf.NamedTensorInfoMap, backend: tf.KernelBackend, attrs: OptimizerStepAttrs): tf.TensorInfo[] {
  const { optimizer, updated, rates, decays, normIndex, norms } = attrs;
  const groupsOf = (n: number) => Math.min(MAX_GROUPS, Math.ceil(n / WG));
  // Partials: each normed entry's workgroups in a row; -> the offset of each.
  const table = new Int32Array(2 * norms);
  let partials = 0;
  normIndex.forEach((j, i) => {
    if (j < 0) return;
    const count = groupsOf(sizeOf(inputs[`v${i}`] as tf.TensorInfo));
    table.set([partials, count], 2 * j);
    partials += count;
  });
  const stats = makeTensor(backend, [Math.max(1, partials) * 3]);
  const out: tf.TensorInfo[] = [];
  normIndex.forEach((j, i) => {
    if (!updated[i] && j < 0) return;
    const v = inputs[`v${i}`] as tf.TensorInfo;
    const n = sizeOf(v);
    const kind: Kind = updated[i] ? optimizer : 'normsOnly';
    const slots = SLOTS[kind];
    const ins = [v, ...(updated[i] ? [inputs[`g${i}`] as tf.TensorInfo] : []), ...['a', 'b'].slice(0, slots).map((s) => inputs[`${s}${i}`] as tf.TensorInfo)];
    const made = updated[i] ? Array.from({ length: 1 + slots }, () => v.shape) : [];
    const statsAt = j < 0 ? -1 : (table[2 * j] as number);
    const written = dispatch(backend, {
      code: shaderFor(kind),
      inputs: ins,
      outputs: [...made, stats],
      uniforms: [['u32', n], ['i32', statsAt], ['f32', rates[i] as number], ['f32', decays[i] as number], ['f32', attrs.momentum], ['f32', attrs.beta2], ['f32', attrs.epsilon], ['f32', attrs.c1], ['f32', attrs.c2], ['f32', 1 - attrs.momentum], ['f32', 1 - attrs.beta2]],
      workgroups: [groupsOf(n)],
    });
    out.push(...written.slice(0, made.length));
  });
  if (norms > 0) {
    const tableT = makeTensorWith(backend, [2 * norms], 'int32', table);
    const [normsT] = dispatch(backend, { code: REDUCE, inputs: [stats, tableT], outputs: [[3 * norms]], uniforms: [['u32', norms]], workgroups: [norms] });
    dispose(backend, tableT);
    out.push(normsT as tf.TensorInfo);
  }
  dispose(backend, stats);
  return out;
}

/** Elements in t. */
function sizeOf(t: tf.TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}
