import { describe, expect, it } from 'vitest';
import { extent, linearTicks, logTicks, nearest } from './axes';

describe('canvas chart axes', () => {
  it('linear ticks fall on 1, 2, 5 × 10^k inside the range', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(3, 97, 5)).toEqual([20, 40, 60, 80]);
    expect(linearTicks(2, 2)).toEqual([2]);
  });
  it('a range a few ulps wide gives its two ends, not an endless loop', () => {
    // The diverging-loss run in e2e/errors.spec.ts drew a loss chart whose
    // values differed by one ulp; the running sum never passed the top.
    const lo = 339.6419627588015;
    const hi = 339.6419627588016;
    expect(linearTicks(lo, hi)).toEqual([lo, hi]);
    for (let k = 1; k <= 8; k++) {
      let top = 1e30;
      for (let j = 0; j < k; j++) top += top * 2 ** -52;
      expect(linearTicks(1e30, top).length).toBeLessThanOrEqual(20);
    }
  });
  it('log ticks are powers of ten, thinned', () => {
    expect(logTicks(0.05, 200)).toEqual([0.1, 1, 10, 100]);
    expect(logTicks(1e-12, 1e6, 4).length).toBeLessThanOrEqual(4);
    expect(logTicks(0, 1)).toEqual([]);
  });
  it('extent skips non-finite (and on log axes non-positive) values', () => {
    expect(extent([1, NaN, 3], false)).toEqual([0.9, 3.1]);
    expect(extent([0, -1, 10, 100], true)).toEqual([10, 100]);
    expect(extent([NaN], false)).toBeNull();
  });
  it('nearest finds the closest x by binary search', () => {
    expect(nearest([1, 2, 5, 9], 6)).toBe(2);
    expect(nearest([1, 2, 5, 9], 8)).toBe(3);
    expect(nearest([1, 2, 5, 9], -3)).toBe(0);
    expect(nearest([], 1)).toBe(-1);
  });
});
