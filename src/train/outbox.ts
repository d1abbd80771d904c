// Batches step metrics so the worker posts at most MAX_MESSAGES_PER_SECOND
// step messages; everything else (phase, epoch, error, done) goes at once,
// after the steps queued before it, so order is kept.
import { MAX_MESSAGES_PER_SECOND, type Event, type RunId, type StepMetrics } from '../protocol/messages';

export class Outbox {
  private steps: StepMetrics[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = -Infinity;
  private readonly interval = 1000 / MAX_MESSAGES_PER_SECOND;

  constructor(private readonly post: (event: Event) => void, private readonly now: () => number = () => performance.now()) {}

  step(runId: RunId, metrics: StepMetrics): void {
    this.steps.push(metrics);
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.interval - this.now());
    this.timer = setTimeout(() => this.flush(runId), wait);
  }

  /** Posts an event right away, after any queued steps. */
  send(event: Event): void {
    if ('runId' in event) this.flush(event.runId);
    this.post(event);
  }

  flush(runId: RunId): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.steps.length === 0) return;
    const steps = this.steps;
    this.steps = [];
    this.lastFlush = this.now();
    this.post({ type: 'steps', runId, steps });
  }
}
