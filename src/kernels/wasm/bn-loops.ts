// Batch norm in training mode as plain loops over channel-last data (x is
// [N, C] flattened: N = B·H·W positions, C channels), for backends whose
// tensors are typed arrays in memory (the WASM heap). Each function is one or
// two passes over the activation, where the same math as tf ops takes 5-10
// full-size kernels (sub, mul, add, square, the per-channel sums). Sums
// accumulate in float64, four rows per accumulator update (the loops are
// bound by the accumulators' loads and stores, not by memory). Pure: no tfjs.

/** Σ over rows of f(x[r, k]) per channel k of x [N, C], into out [C]; f(v, k) a per-channel map. */
function rowSums(x: Float32Array, c: number, out: Float64Array, shift: Float64Array | null): void {
  const n = x.length / c;
  const n4 = n - (n % 4);
  const s = shift ?? new Float64Array(c);
  const sq = shift !== null;
  for (let k = 0; k < c; k++) {
    // Per channel, strided: the accumulator stays in a register.
    const m = s[k] as number;
    let a0 = 0;
    let a1 = 0;
    let r = 0;
    for (let i = k; r < n4; r += 4, i += 4 * c) {
      const v0 = (x[i] as number) - m;
      const v1 = (x[i + c] as number) - m;
      const v2 = (x[i + 2 * c] as number) - m;
      const v3 = (x[i + 3 * c] as number) - m;
      if (sq) {
        a0 += v0 * v0 + v1 * v1;
        a1 += v2 * v2 + v3 * v3;
      } else {
        a0 += v0 + v1;
        a1 += v2 + v3;
      }
    }
    for (let i = k + r * c; r < n; r++, i += c) {
      const v = (x[i] as number) - m;
      a0 += sq ? v * v : v;
    }
    out[k] = a0 + a1;
  }
}

/** Per-channel mean and biased variance of x [N, C], two passes. */
export function bnMoments(x: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const c = mean.length;
  const n = x.length / c;
  const sum = new Float64Array(c);
  rowSums(x, c, sum, null);
  for (let k = 0; k < c; k++) sum[k] = (sum[k] as number) / n;
  const sq = new Float64Array(c);
  rowSums(x, c, sq, sum);
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
  const scale = Float32Array.from(inv, (s, k) => s * (gamma[k] as number));
  const shift = Float32Array.from(scale, (s, k) => (beta[k] as number) - (mean[k] as number) * s);
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
  const n2 = n - (n % 2);
  const inv = invStd(variance, epsilon);
  const sumDy = new Float64Array(c);
  const sumDyXc = new Float64Array(c); // Σ dy·(x - mean)
  for (let k = 0; k < c; k++) {
    const m = mean[k] as number;
    let s0 = 0;
    let s1 = 0;
    let p0 = 0;
    let p1 = 0;
    let r = 0;
    for (let i = k; r < n2; r += 2, i += 2 * c) {
      const g0 = dy[i] as number;
      const g1 = dy[i + c] as number;
      s0 += g0;
      s1 += g1;
      p0 += g0 * ((x[i] as number) - m);
      p1 += g1 * ((x[i + c] as number) - m);
    }
    for (let i = k + r * c; r < n; r++, i += c) {
      const g = dy[i] as number;
      s0 += g;
      p0 += g * ((x[i] as number) - m);
    }
    sumDy[k] = s0 + s1;
    sumDyXc[k] = p0 + p1;
  }
  // dx = a·dy + b·x + d per channel, folding the constants.
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const d = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const s = inv[k] as number;
    const dg = (sumDyXc[k] as number) * s;
    const ak = (gamma[k] as number) * s;
    const bk = -ak * s * (dg / n);
    dGamma[k] = dg;
    dBeta[k] = sumDy[k] as number;
    a[k] = ak;
    b[k] = bk;
    d[k] = -ak * ((sumDy[k] as number) / n) - bk * (mean[k] as number);
  }
  for (let r = 0, i = 0; r < n; r++)
    for (let k = 0; k < c; k++, i++) dx[i] = (a[k] as number) * (dy[i] as number) + (b[k] as number) * (x[i] as number) + (d[k] as number);
}
