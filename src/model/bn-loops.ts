// Batch norm in training mode as plain loops over channel-last data (x is
// [N, C] flattened: N = B·H·W positions, C channels), for backends whose
// tensors are typed arrays in memory (the WASM heap). Each function is one or
// two passes over the activation, where the same math as tf ops takes 5-10
// full-size kernels (sub, mul, add, square, the per-channel sums). Sums
// accumulate in float64. Pure: no tfjs.

/** Kernel names of these loops where a backend registers them (src/model/wasm-kernels.ts); batchnorm.ts runs them. */
export const BN_KERNELS = { moments: 'PlaygroundBatchNormMoments', apply: 'PlaygroundBatchNormApply', grad: 'PlaygroundBatchNormGrad' } as const;

/** Per-channel mean and biased variance of x [N, C], two passes. */
export function bnMoments(x: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const c = mean.length;
  const n = x.length / c;
  const sum = new Float64Array(c);
  for (let r = 0, i = 0; r < n; r++) for (let k = 0; k < c; k++, i++) sum[k] = (sum[k] as number) + (x[i] as number);
  for (let k = 0; k < c; k++) sum[k] = (sum[k] as number) / n;
  const sq = new Float64Array(c);
  for (let r = 0, i = 0; r < n; r++)
    for (let k = 0; k < c; k++, i++) {
      const d = (x[i] as number) - (sum[k] as number);
      sq[k] = (sq[k] as number) + d * d;
    }
  for (let k = 0; k < c; k++) {
    mean[k] = sum[k] as number;
    variance[k] = (sq[k] as number) / n;
  }
}

/** 1/sqrt(variance + eps) per channel. */
function invStd(variance: Float32Array, epsilon: number): Float64Array {
  return Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
}

/** y = (x - mean)·invStd·gamma + beta, one pass. */
export function bnApply(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number, y: Float32Array): void {
  const c = mean.length;
  const n = x.length / c;
  const inv = invStd(variance, epsilon);
  // y = x·scale + shift with scale = gamma·invStd, shift = beta - mean·scale.
  const scale = Float64Array.from(inv, (s, k) => s * (gamma[k] as number));
  const shift = Float64Array.from(scale, (s, k) => (beta[k] as number) - (mean[k] as number) * s);
  for (let r = 0, i = 0; r < n; r++) for (let k = 0; k < c; k++, i++) y[i] = (x[i] as number) * (scale[k] as number) + (shift[k] as number);
}

/**
 * The gradient of bnApply with the batch's own statistics (they depend on x):
 * with x̂ = (x - mean)·invStd, dβ = Σ dy, dγ = Σ dy·x̂,
 * dx = γ·invStd·(dy − dβ/N − x̂·dγ/N). Two passes.
 */
export function bnGrad(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, epsilon: number, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void {
  const c = mean.length;
  const n = x.length / c;
  const inv = invStd(variance, epsilon);
  const sumDy = new Float64Array(c);
  const sumDyXc = new Float64Array(c); // Σ dy·(x - mean)
  for (let r = 0, i = 0; r < n; r++)
    for (let k = 0; k < c; k++, i++) {
      const g = dy[i] as number;
      sumDy[k] = (sumDy[k] as number) + g;
      sumDyXc[k] = (sumDyXc[k] as number) + g * ((x[i] as number) - (mean[k] as number));
    }
  // dx = a·dy + b·x + d per channel, folding the constants.
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  const d = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const s = inv[k] as number;
    const dg = (sumDyXc[k] as number) * s;
    dGamma[k] = dg;
    dBeta[k] = sumDy[k] as number;
    a[k] = (gamma[k] as number) * s;
    b[k] = -(a[k] as number) * s * (dg / n);
    d[k] = -(a[k] as number) * ((sumDy[k] as number) / n) - (b[k] as number) * (mean[k] as number);
  }
  for (let r = 0, i = 0; r < n; r++)
    for (let k = 0; k < c; k++, i++) dx[i] = (a[k] as number) * (dy[i] as number) + (b[k] as number) * (x[i] as number) + (d[k] as number);
}
