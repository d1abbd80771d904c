import { describe, expect, it } from 'vitest';
import { minMaxIndices, recentMedian, sampleIndices, smooth, StepSeries } from './series';

describe('chart series', () => {
  it('smooths like TensorBoard: debiased, so the first point is the first value', () => {
    expect(smooth([4, 4, 4], 0.9)).toEqual([4, 4, 4].map(() => expect.closeTo(4, 10)));
    const s = smooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(10 * 0.5 / (1 - 0.25), 10);
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it('passes non-finite values through without poisoning the average', () => {
    const s = smooth([1, NaN, 1], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 10);
  });

  it('derives a growing list incrementally, equal to deriving it whole', () => {
    const steps = Array.from({ length: 300 }, (_, i) => ({ loss: i % 7 === 3 ? NaN : Math.sin(i) + 2 }));
    const series = new StepSeries((s: { loss: number }) => s.loss, 0.9);
    const picked: number[] = [];
    const counted = new StepSeries((s: { loss: number }) => (picked.push(s.loss), s.loss), 0.9);
    for (const end of [1, 2, 50, 50, 51, 200, 300]) {
      // A new array each time, as the store's concat hands out.
      const items = steps.slice(0, end);
      series.update(items);
      counted.update(items);
      expect(series.raw).toEqual(items.map((s) => s.loss));
      expect(series.smoothed).toEqual(smooth(items.map((s) => s.loss), 0.9));
    }
    // Each item was read once over all the updates, not once per update.
    expect(picked).toHaveLength(300);
  });

  it('starts over for another list, or when the list was cut back and grew again', () => {
    const a = Array.from({ length: 10 }, (_, i) => ({ loss: i }));
    const series = new StepSeries((s: { loss: number }) => s.loss, 0);
    series.update(a);
    const b = Array.from({ length: 4 }, (_, i) => ({ loss: 100 + i }));
    expect(series.update(b).raw).toEqual([100, 101, 102, 103]);
    // A resume: the first 6 kept, then new steps past the old length, in one update.
    series.update(a);
    const resumed = [...a.slice(0, 6), ...Array.from({ length: 8 }, (_, i) => ({ loss: -i }))];
    expect(series.update(resumed).raw).toEqual(resumed.map((s) => s.loss));
  });

  it('downsamples to at most max points, keeping both ends', () => {
    expect(sampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const idx = sampleIndices(10_000, 2000);
    expect(idx).toHaveLength(2000);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(9999);
    expect(new Set(idx).size).toBe(2000);
  });

  it('takes the median of the recent window', () => {
    expect(recentMedian([100, 1, 2, 3], 3)).toBe(2);
    expect(recentMedian([1, 2, 3, 4], 4)).toBe(2.5);
    expect(Number.isNaN(recentMedian([], 5))).toBe(true);
  });

  it('downsamples by min and max per bucket: bounded, ordered, spikes kept', () => {
    expect(minMaxIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 100));
    values[4321] = 50;
    values[7777] = -50;
    const idx = minMaxIndices(values, 2000);
    expect(idx.length).toBeLessThanOrEqual(2000);
    expect(idx.length).toBeGreaterThan(1900);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(9999);
    expect(idx.every((v, i) => i === 0 || v > (idx[i - 1] as number))).toBe(true);
    expect(idx).toContain(4321);
    expect(idx).toContain(7777);
    // Non-finite values are skipped, never chosen.
    const gaps = minMaxIndices([1, NaN, NaN, NaN, 2, NaN, 5, 0], 4);
    expect(gaps.every((i) => i === 0 || i === 7 || Number.isFinite([1, NaN, NaN, NaN, 2, NaN, 5, 0][i]))).toBe(true);
  });
});
