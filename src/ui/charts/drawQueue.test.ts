import { describe, expect, it } from 'vitest';
import { DrawQueue } from './drawQueue';

/** A frame clock driven by hand. */
function frames() {
  let pending: (() => void)[] = [];
  return {
    nextFrame: (callback: () => void) => pending.push(callback),
    tick() {
      const now = pending;
      pending = [];
      for (const f of now) f();
    },
    get waiting() {
      return pending.length;
    },
  };
}

describe('DrawQueue', () => {
  it('draws one chart per frame, in the order they asked', () => {
    const clock = frames();
    const q = new DrawQueue(clock.nextFrame);
    const drawn: string[] = [];
    const [a, b, c] = [{}, {}, {}];
    q.add(a, () => drawn.push('a'));
    q.add(b, () => drawn.push('b'));
    q.add(c, () => drawn.push('c'));
    expect(clock.waiting).toBe(1);
    clock.tick();
    expect(drawn).toEqual(['a']);
    clock.tick();
    clock.tick();
    expect(drawn).toEqual(['a', 'b', 'c']);
    clock.tick();
    expect(clock.waiting).toBe(0);
  });

  it('keeps only the latest drawing of a chart that asks again before its turn, in its place', () => {
    const clock = frames();
    const q = new DrawQueue(clock.nextFrame);
    const drawn: string[] = [];
    const [a, b] = [{}, {}];
    q.add(a, () => drawn.push('a1'));
    q.add(b, () => drawn.push('b1'));
    q.add(a, () => drawn.push('a2'));
    expect(q.size).toBe(2);
    clock.tick();
    clock.tick();
    expect(drawn).toEqual(['a2', 'b1']);
  });

  it('cancels a waiting drawing, but not a newer one of the same chart', () => {
    const clock = frames();
    const q = new DrawQueue(clock.nextFrame);
    const drawn: string[] = [];
    const a = {};
    const cancelOld = q.add(a, () => drawn.push('old'));
    q.add(a, () => drawn.push('new'));
    cancelOld();
    clock.tick();
    expect(drawn).toEqual(['new']);
    const cancel = q.add(a, () => drawn.push('never'));
    cancel();
    clock.tick();
    expect(drawn).toEqual(['new']);
  });
});
