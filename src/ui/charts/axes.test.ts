import { describe, expect, it } from 'vitest';
import { extent, linearTicks, logTicks, nearest } from './axes';

describe('canvas chart axes', () => {
  it('linear ticks fall on 1, 2, 5 × 10^k inside the range', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(3, 97, 5)).toEqual([20, 40, 60, 80]);
    expect(linearTicks(2, 2)).toEqual([2]);
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
