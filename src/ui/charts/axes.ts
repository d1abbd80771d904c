// Axis ticks for the canvas charts: "nice" linear steps (1, 2, 5 × 10^k) and
// powers of ten on log axes. Pure; no React.

/** Ticks covering [lo, hi] on a linear axis, about `count` of them, at 1/2/5 × 10^k. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.ceil(lo / step) * step;
  // A range only a few ulps wide (a loss stuck near one value) gives a step
  // below the numbers' resolution: `first + step` would equal `first` and a
  // running sum would never pass `hi`. Count the ticks instead and show the
  // ends when steps cannot be told apart.
  const n = Math.floor((hi - first) / step + 1e-9) + 1;
  if (!(n >= 1) || n > 4 * Math.max(1, count) || first + step === first) return [lo, hi];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = first + i * step;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/** Powers of ten within [lo, hi] (both > 0), thinned to at most `count`. */
export function logTicks(lo: number, hi: number, count = 6): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / count));
  const out: number[] = [];
  for (let k = a; k <= b; k += every) out.push(10 ** k);
  return out;
}

/** The range of the finite (and, for log axes, positive) values, padded a little; a single value gets a unit band. */
export function extent(values: Iterable<number>, log: boolean): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  if (log) return lo === hi ? [lo / 10, hi * 10] : [lo, hi];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Index of the x in sorted `xs` nearest to `x` (-1 when empty). */
export function nearest(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
  return lo;
}
