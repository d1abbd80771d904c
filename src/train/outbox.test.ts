import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Event, StepMetrics } from '../protocol/messages';
import { Outbox } from './outbox';

const step = (n: number): StepMetrics => ({ step: n, epoch: 1, loss: 1, acc: 0, lr: 0.1, ms: 1, gradNorms: [], weightNorms: [], updateRatios: [], numTensors: 0 });

describe('Outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('posts step batches at most 10 times a second, losing none', () => {
    const posted: { at: number; event: Event }[] = [];
    const outbox = new Outbox((event) => posted.push({ at: Date.now(), event }), () => Date.now());
    // 1,000 steps over 2 s: one every 2 ms.
    for (let i = 1; i <= 1000; i++) {
      outbox.step(1, step(i));
      vi.advanceTimersByTime(2);
    }
    vi.runAllTimers();
    const batches = posted.filter((p) => p.event.type === 'steps');
    expect(batches.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < batches.length; i++) expect((batches[i]?.at ?? 0) - (batches[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(100);
    const all = batches.flatMap((b) => (b.event.type === 'steps' ? b.event.steps.map((s) => s.step) : []));
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('flushes queued steps before any other event, keeping order', () => {
    const posted: Event[] = [];
    const outbox = new Outbox((e) => posted.push(e));
    outbox.step(3, step(1));
    outbox.send({ type: 'done', runId: 3, reason: 'finished', steps: 1 });
    expect(posted.map((e) => e.type)).toEqual(['steps', 'done']);
  });
});
