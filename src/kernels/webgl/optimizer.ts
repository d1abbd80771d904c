// OPTIMIZER_STEP on WebGL (names.ts): a program per value written (one
// output each, where WebGPU's one dispatch writes the weight and its slots):
// the slots, then the weight, one pass each, for TF.js's five to seven a
// variable; each normed variable's ‖g‖², ‖w‖² and ‖Δw‖² as partial sums in
// one program and their totals in one more; then every layer's three norms
// in one concat and one program. The step's scalars are uniforms, so a
// schedule's new rate each step compiles nothing.
import * as tf from '@tensorflow/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { OptimizerStepAttrs } from '../names';

/** Values a fragment of the norms' first program sums. */
const SLICE = 1024;

const UNIFORMS = ['lr', 'wd', 'mu', 'mu1', 'beta2', 'beta21', 'eps', 'c1', 'c2'] as const;

interface Program { variableNames: string[]; outputShape: number[]; userCode: string; customUniforms?: { name: string; type: 'float' }[] }
const webgl = (backend: tf.KernelBackend) => backend as unknown as MathBackendWebGL;

function elementwise(backend: tf.KernelBackend, names: string[], inputs: tf.TensorInfo[], expression: string, scalars: number[]): tf.TensorInfo {
  const reads = names.map((n) => `float ${n} = get${n[0]!.toUpperCase()}${n.slice(1)}AtOutCoords();`).join(' ');
  const program: Program = {
    variableNames: names,
    outputShape: [...(inputs[0] as tf.TensorInfo).shape],
    userCode: `void main() { ${reads} setOutput(${expression}); }`,
    customUniforms: UNIFORMS.map((name) => ({ name, type: 'float' })),
  };
  return webgl(backend).runWebGLProgram(program, inputs, 'float32', scalars.map((v) => [v]));
}

/** Per optimizer: its slots' new values, then the weight's, as GLSL over w, g, a, b and the new slots a2, b2. */
const UPDATES: Record<OptimizerStepAttrs['optimizer'], { slots: string[]; weight: string }> = {
  sgd: { slots: [], weight: 'w - lr * (g + wd * w)' },
  momentum: { slots: ['mu * a + (g + wd * w)'], weight: 'w - lr * a2' },
  nesterov: { slots: ['mu * a + (g + wd * w)'], weight: 'w - lr * ((g + wd * w) + mu * a2)' },
  adam: { slots: ['mu * a + mu1 * (g + wd * w)', 'beta2 * b + beta21 * (g + wd * w) * (g + wd * w)'], weight: 'w - lr * ((a2 / c1) / (sqrt(b2 / c2) + eps))' },
  adamw: { slots: ['mu * a + mu1 * g', 'beta2 * b + beta21 * g * g'], weight: 'w * (1.0 - lr * wd) - lr * ((a2 / c1) / (sqrt(b2 / c2) + eps))' },
};

/** [3]: ‖g‖², ‖w‖², ‖w' − w‖² of one entry (g absent: 0). */
function squaredNorms(backend: tf.KernelBackend, w: tf.TensorInfo, g: tf.TensorInfo | null, next: tf.TensorInfo): tf.TensorInfo {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const slices = Math.ceil(n / SLICE);
  // Each as 1-D through TF.js's Reshape (no copy, unless a packed texture's layout needs one).
  const reshape = tf.getKernel('Reshape', 'webgl')!.kernelFunc;
  const views = [w, next, ...(g ? [g] : [])].map((t) => reshape({ inputs: { x: t }, backend, attrs: { shape: [n] } }) as tf.TensorInfo);
  const partial = webgl(backend).runWebGLProgram({
    variableNames: ['w', 'next', ...(g ? ['g'] : [])],
    outputShape: [3, slices],
    userCode: `
      void main() {
        ivec2 kp = getOutputCoords();
        int first = kp.y * ${SLICE};
        float total = 0.0;
        for (int i = 0; i < ${SLICE}; i++) {
          int j = first + i;
          if (j >= ${n}) { break; }
          float v = kp.x == 0 ? ${g ? 'getG(j)' : '0.0'} : kp.x == 1 ? getW(j) : getNext(j) - getW(j);
          total += v * v;
        }
        setOutput(total);
      }`,
  }, views, 'float32');
  for (const v of views) webgl(backend).disposeIntermediateTensorInfo(v);
  const totals = webgl(backend).runWebGLProgram({
    variableNames: ['part'],
    outputShape: [3],
    userCode: `
      void main() {
        int k = getOutputCoords();
        float total = 0.0;
        for (int p = 0; p < ${slices}; p++) { total += getPart(k, p); }
        setOutput(total);
      }`,
  }, [partial], 'float32');
  webgl(backend).disposeIntermediateTensorInfo(partial);
  return totals;
}

export function optimizerStep(inputs: tf.NamedTensorInfoMap, backend: tf.KernelBackend, attrs: OptimizerStepAttrs): tf.TensorInfo[] {
  const { optimizer, updated, rates, decays, normIndex, norms } = attrs;
  const update = UPDATES[optimizer];
  const out: tf.TensorInfo[] = [];
  const squared: tf.TensorInfo[] = new Array<tf.TensorInfo>(norms);
  updated.forEach((isUpdated, i) => {
    const w = inputs[`v${i}`] as tf.TensorInfo;
    const g = isUpdated ? (inputs[`g${i}`] as tf.TensorInfo) : null;
    let next = w;
    if (g) {
      const scalars = [rates[i] as number, decays[i] as number, attrs.momentum, 1 - attrs.momentum, attrs.beta2, 1 - attrs.beta2, attrs.epsilon, attrs.c1, attrs.c2];
      const slots = update.slots.map((_, k) => inputs[`${'ab'[k]}${i}`] as tf.TensorInfo);
      const slotNames = ['a', 'b'].slice(0, slots.length);
      const newSlots = update.slots.map((expression) => elementwise(backend, ['w', 'g', ...slotNames], [w, g, ...slots], expression, scalars));
      next = elementwise(backend, ['w', 'g', ...slotNames.map((s) => `${s}2`)], [w, g, ...newSlots], update.weight, scalars);
      out.push(next, ...newSlots);
    }
    const j = normIndex[i] as number;
    if (j >= 0) squared[j] = squaredNorms(backend, w, g, next);
  });
  if (norms > 0) {
    const concat = tf.getKernel('Concat', 'webgl')!.kernelFunc({ inputs: squared as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } }) as tf.TensorInfo; // [3L]: entry by entry
    const all = webgl(backend).runWebGLProgram({
      variableNames: ['sq'],
      outputShape: [3 * norms],
      userCode: `void main() { int i = getOutputCoords(); int k = i / ${norms}; setOutput(sqrt(getSq(imod(i, ${norms}) * 3 + k))); }`,
    }, [concat], 'float32');
    for (const t of [...squared, concat]) webgl(backend).disposeIntermediateTensorInfo(t);
    out.push(all);
  }
  return out;
}
