import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameCoalescer, type Scheduler } from './coalesce';

const timers: Scheduler = { frame: (run) => setTimeout(run, 16), now: () => Date.now(), later: (run, ms) => setTimeout(run, ms) };

describe('FrameCoalescer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('hands a burst over in one flush on the next frame', () => {
    const flushed: number[][] = [];
    const c = new FrameCoalescer<number>((items) => flushed.push(items), 100, timers);
    c.push(1);
    c.push(2, 3);
    expect(flushed).toEqual([]);
    vi.advanceTimersByTime(16);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('flushes at most once per interval, however often items arrive', () => {
    const flushed: number[][] = [];
    const c = new FrameCoalescer<number>((items) => flushed.push(items), 100, timers);
    for (let t = 0; t < 1000; t += 10) {
      c.push(t);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(200);
    expect(flushed.length).toBeGreaterThanOrEqual(8);
    expect(flushed.length).toBeLessThanOrEqual(11);
    expect(flushed.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
  });

  it('flushNow hands over at once, and clear drops the queue', () => {
    const flushed: number[][] = [];
    const c = new FrameCoalescer<number>((items) => flushed.push(items), 100, timers);
    c.push(1);
    c.flushNow();
    expect(flushed).toEqual([[1]]);
    c.push(2);
    c.clear();
    vi.advanceTimersByTime(500);
    expect(flushed).toEqual([[1]]);
  });
});
