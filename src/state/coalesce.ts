// Coalesces high-rate updates into one per animation frame, at most one per
// `minIntervalMs` (the charts redraw at most ~10 times a second however the
// worker's messages bunch up). Pure scheduling: no React, no tfjs.

export interface Scheduler {
  /** requestAnimationFrame where there is one (a visible page), else a timer. */
  frame(run: () => void): void;
  now(): number;
  later(run: () => void, ms: number): void;
}

export const browserScheduler: Scheduler = {
  // A hidden page runs no animation frames: a timer there, so that the
  // store (and the kept run, written from it) follows the worker in the
  // background and the charts redraw from it on return.
  frame: (run) => (typeof requestAnimationFrame === 'function' && !(typeof document !== 'undefined' && document.hidden) ? requestAnimationFrame(() => run()) : setTimeout(run, 16)),
  now: () => performance.now(),
  later: (run, ms) => setTimeout(run, ms),
};

/**
 * Collects items with `push`, and hands all collected so far to `flush` in
 * one call: on the next frame, no sooner than `minIntervalMs` after the last
 * flush. `flushNow` hands them over at once (before an event that must land
 * after them, e.g. the end of a run).
 */
export class FrameCoalescer<T> {
  private items: T[] = [];
  private scheduled = false;
  private lastFlush = -Infinity;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly minIntervalMs = 100,
    private readonly scheduler: Scheduler = browserScheduler,
  ) {}

  push(...items: T[]): void {
    this.items.push(...items);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastFlush + this.minIntervalMs - this.scheduler.now();
    if (wait > 0) this.scheduler.later(() => this.scheduler.frame(() => this.flushNow()), wait);
    else this.scheduler.frame(() => this.flushNow());
  }

  flushNow(): void {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.lastFlush = this.scheduler.now();
    this.flush(items);
  }

  /** Drops what is queued (a new run replaced the old one). */
  clear(): void {
    this.items = [];
  }
}
