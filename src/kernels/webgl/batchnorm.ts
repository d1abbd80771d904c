// Batch norm in training mode on WebGL (BN_KERNELS and BN_FUSED, names.ts)
// as GLSL programs of one output each: the statistics in four (partial sums
// over slabs of SLAB rows, then per channel; the variance two-pass about the
// batch mean), the running ones in two more, the normalization with its ReLU
// in one, the gradient in five. TF.js's moments, batchNorm and their
// gradients run about forty programs a layer, through transposes and tiles.
// x is [B, H, W, C]; a row r is a position (b, y, x), N = B·H·W rows.
import type * as tf from '@tensorflow/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';

/** Rows a fragment sums (the longest loop). */
const SLAB = 1024;

interface Program { variableNames: string[]; outputShape: number[]; userCode: string }
const run = (backend: tf.KernelBackend, program: Program, inputs: tf.TensorInfo[]) => (backend as unknown as MathBackendWebGL).runWebGLProgram(program, inputs, 'float32');
const free = (backend: tf.KernelBackend, ...ts: tf.TensorInfo[]) => ts.forEach((t) => (backend as unknown as MathBackendWebGL).disposeIntermediateTensorInfo(t));

function dims(x: tf.TensorInfo) {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const n = b * h * w;
  return { h, w, c, n, slabs: Math.ceil(n / SLAB) };
}

/** GLSL: the value of `name` (a [B, H, W, C] input) at row r, channel c. */
const atRow = (name: string, h: number, w: number) => `get${name}(r / ${h * w}, imod(r / ${w}, ${h}), imod(r, ${w}), c)`;

/** [slabs, C]: Σ over each slab's rows of `term` (GLSL over v = x's value at (r, c), and the other inputs). */
function slabSums(backend: tf.KernelBackend, x: tf.TensorInfo, inputs: tf.TensorInfo[], names: string[], term: string): tf.TensorInfo {
  const { c, n, slabs } = dims(x);
  return run(backend, {
    variableNames: names,
    outputShape: [slabs, c],
    userCode: `
      void main() {
        ivec2 sc = getOutputCoords();
        int c = sc.y;
        int first = sc.x * ${SLAB};
        float total = 0.0;
        for (int i = 0; i < ${SLAB}; i++) {
          int r = first + i;
          if (r >= ${n}) { break; }
          ${term}
        }
        setOutput(total);
      }`,
  }, inputs);
}

/** [C]: the slabs' partials summed, times `scale`. */
function channelTotals(backend: tf.KernelBackend, part: tf.TensorInfo, scale: number): tf.TensorInfo {
  const [slabs, c] = part.shape as [number, number];
  return run(backend, {
    variableNames: ['part'],
    outputShape: [c],
    userCode: `
      void main() {
        int c = getOutputCoords();
        float total = 0.0;
        for (int s = 0; s < ${slabs}; s++) { total += getPart(s, c); }
        setOutput(total * ${scale.toExponential(10)});
      }`,
  }, [part]);
}

/** x -> [mean, biased variance]. */
export function bnMoments(backend: tf.KernelBackend, x: tf.TensorInfo): [tf.TensorInfo, tf.TensorInfo] {
  const { h, w, n } = dims(x);
  const sums = slabSums(backend, x, [x], ['x'], `total += ${atRow('X', h, w)};`);
  const mean = channelTotals(backend, sums, 1 / n);
  const squares = slabSums(backend, x, [x, mean], ['x', 'mean'], `float d = ${atRow('X', h, w)} - getMean(c); total += d * d;`);
  const variance = channelTotals(backend, squares, 1 / n);
  free(backend, sums, squares);
  return [mean, variance];
}

/** The running statistics, as torch updates them: (1 − m)·running + m·batch, the variance unbiased. */
export function bnRunning(backend: tf.KernelBackend, x: tf.TensorInfo, mean: tf.TensorInfo, variance: tf.TensorInfo, runMean: tf.TensorInfo, runVar: tf.TensorInfo, momentum: number): [tf.TensorInfo, tf.TensorInfo] {
  const { c, n } = dims(x);
  const blend = (batch: tf.TensorInfo, running: tf.TensorInfo, scale: number) =>
    run(backend, {
      variableNames: ['batch', 'running'],
      outputShape: [c],
      userCode: `void main() { setOutput(${(1 - momentum).toExponential(10)} * getRunningAtOutCoords() + ${(momentum * scale).toExponential(10)} * getBatchAtOutCoords()); }`,
    }, [batch, running]);
  return [blend(mean, runMean, 1), blend(variance, runVar, n / Math.max(n - 1, 1))];
}

export function bnApply(backend: tf.KernelBackend, x: tf.TensorInfo, mean: tf.TensorInfo, variance: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, epsilon: number, relu: boolean): tf.TensorInfo {
  return run(backend, {
    variableNames: ['x', 'mean', 'variance', 'gamma', 'beta'],
    outputShape: [...x.shape],
    userCode: `
      void main() {
        int c = getOutputCoords().w;
        float v = (getXAtOutCoords() - getMean(c)) * inversesqrt(getVariance(c) + ${epsilon.toExponential(10)}) * getGamma(c) + getBeta(c);
        setOutput(${relu ? 'max(v, 0.0)' : 'v'});
      }`,
  }, [x, mean, variance, gamma, beta]);
}

/** -> [dx, dγ, dβ]; `y` (the output after the ReLU) masks dy where the layer fused one. */
export function bnGrad(backend: tf.KernelBackend, dy: tf.TensorInfo, x: tf.TensorInfo, mean: tf.TensorInfo, variance: tf.TensorInfo, gamma: tf.TensorInfo, epsilon: number, y: tf.TensorInfo | null): tf.TensorInfo[] {
  const { h, w, n } = dims(x);
  const eps = epsilon.toExponential(10);
  const masked = y ? [y] : [];
  const names = ['dy', 'x', 'mean', 'variance', ...(y ? ['y'] : [])];
  const g = y ? `(${atRow('Y', h, w)} > 0.0 ? ${atRow('Dy', h, w)} : 0.0)` : atRow('Dy', h, w);
  const betaParts = slabSums(backend, x, [dy, x, mean, variance, ...masked], names, `total += ${g};`);
  const gammaParts = slabSums(backend, x, [dy, x, mean, variance, ...masked], names, `total += ${g} * (${atRow('X', h, w)} - getMean(c)) * inversesqrt(getVariance(c) + ${eps});`);
  const dBeta = channelTotals(backend, betaParts, 1);
  const dGamma = channelTotals(backend, gammaParts, 1);
  const gOut = y ? '(getYAtOutCoords() > 0.0 ? getDyAtOutCoords() : 0.0)' : 'getDyAtOutCoords()';
  const dx = run(backend, {
    variableNames: ['dy', 'x', 'mean', 'variance', 'gamma', 'dBeta', 'dGamma', ...(y ? ['y'] : [])],
    outputShape: [...x.shape],
    userCode: `
      void main() {
        int c = getOutputCoords().w;
        float inv = inversesqrt(getVariance(c) + ${eps});
        float xhat = (getXAtOutCoords() - getMean(c)) * inv;
        setOutput(getGamma(c) * inv * (${gOut} - getDBeta(c) / ${n}.0 - xhat * getDGamma(c) / ${n}.0));
      }`,
  }, [dy, x, mean, variance, gamma, dBeta, dGamma, ...masked]);
  free(backend, betaParts, gammaParts);
  return [dx, dGamma, dBeta];
}
