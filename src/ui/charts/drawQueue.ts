// Canvas redraws, one per animation frame. When a batch of steps lands, every
// chart wants to redraw at once; drawn together, their rasterising and
// compositing fall into one frame, which (in software rendering especially)
// becomes a main-thread task of 100 ms or more. Queued here, each chart draws
// in a frame of its own, round robin, and a chart that asks again before its
// turn keeps its place with only its latest drawing (nothing piles up, also
// in a hidden tab, where frames stop and resume with the latest picture).

type Frame = (callback: () => void) => unknown;

export class DrawQueue {
  private readonly queue = new Map<object, () => void>();
  private scheduled = false;

  constructor(private readonly nextFrame: Frame) {}

  /** Draws `draw` for `key` in a coming frame, replacing any drawing of `key` still waiting; returns a cancel. */
  add(key: object, draw: () => void): () => void {
    this.queue.set(key, draw); // a key already waiting keeps its place
    this.schedule();
    return () => {
      if (this.queue.get(key) === draw) this.queue.delete(key);
    };
  }

  get size(): number {
    return this.queue.size;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.size === 0) return;
    this.scheduled = true;
    this.nextFrame(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const next = this.queue.entries().next();
    if (!next.done) {
      const [key, draw] = next.value;
      this.queue.delete(key);
      draw();
    }
    this.schedule();
  }
}

/** The page's queue, on requestAnimationFrame. */
export const drawQueue = new DrawQueue((callback) => requestAnimationFrame(callback));
