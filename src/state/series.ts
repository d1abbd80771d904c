// Pure helpers that turn metric arrays into chart series: TensorBoard-style
// debiased exponential smoothing and stride downsampling. No tfjs, no React.

/**
 * Exponential moving average with the zero-start bias removed, as
 * TensorBoard's smoothing slider: s_t = w s_{t-1} + (1 - w) x_t, divided by 1 - w^t.
 * Non-finite values pass through without touching the average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  return new StepSeries((v: number) => v, weight).update(values).smoothed;
}

/**
 * One metric of an append-only list (a live run's steps), raw and smoothed,
 * derived incrementally: an update reads only the items added since the
 * last, so a chart's cost per update does not grow with the run. The store
 * hands out a new array on every update, so identity cannot tell "the same
 * list, grown"; the first item and the last item seen can. When either has
 * changed (another run, a resume that cut the list back and grew it again),
 * the series starts over.
 */
export class StepSeries<T> {
  readonly raw: number[] = [];
  /** As smooth(raw, weight). */
  readonly smoothed: number[] = [];
  private first: T | undefined;
  private lastSeen: T | undefined;
  private average = 0;
  private finite = 0;

  constructor(
    private readonly pick: (item: T) => number,
    readonly weight: number,
  ) {}

  update(items: readonly T[]): this {
    const seen = this.raw.length;
    if (seen > 0 && !(items.length >= seen && items[0] === this.first && items[seen - 1] === this.lastSeen)) this.reset();
    for (let i = this.raw.length; i < items.length; i++) {
      const v = this.pick(items[i] as T);
      this.raw.push(v);
      this.smoothed.push(this.next(v));
    }
    this.first = items[0];
    this.lastSeen = items[items.length - 1];
    return this;
  }

  private next(v: number): number {
    if (!Number.isFinite(v)) return v;
    this.average = this.average * this.weight + (1 - this.weight) * v;
    this.finite += 1;
    return this.weight === 0 ? v : this.average / (1 - this.weight ** this.finite);
  }

  private reset(): void {
    this.raw.length = 0;
    this.smoothed.length = 0;
    this.average = 0;
    this.finite = 0;
  }
}

/** Indices of at most `max` evenly spaced points, always keeping the first and last. */
export function sampleIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const stride = (length - 1) / (max - 1);
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(Math.round(i * stride));
  return out;
}

/**
 * Indices of at most `max` points that keep a line's shape: the values are
 * cut into max/2 buckets of consecutive indices, and each bucket keeps its
 * smallest and its largest finite value (in index order), as TensorBoard
 * and W&B do for long runs, so spikes survive where a stride would skip
 * them. The first and last index are always kept. O(length).
 */
export function minMaxIndices(values: ArrayLike<number>, max: number): number[] {
  const n = values.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const size = n / buckets;
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < (values[lo] as number)) lo = i;
      if (hi < 0 || v > (values[hi] as number)) hi = i;
    }
    if (lo < 0) continue;
    const [a, c] = lo < hi ? [lo, hi] : [hi, lo];
    if (a > (out[out.length - 1] as number)) out.push(a);
    if (c > (out[out.length - 1] as number)) out.push(c);
  }
  if ((out[out.length - 1] as number) < n - 1) out.push(n - 1);
  return out;
}

/** Median of the last `window` values (robust ms/step against GC pauses). */
export function recentMedian(values: readonly number[], window: number): number {
  const tail = values.slice(-window).filter(Number.isFinite).sort((a, b) => a - b);
  if (tail.length === 0) return NaN;
  const mid = Math.floor(tail.length / 2);
  return tail.length % 2 ? (tail[mid] as number) : ((tail[mid - 1] as number) + (tail[mid] as number)) / 2;
}
