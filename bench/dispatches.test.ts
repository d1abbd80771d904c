import { describe, expect, it } from 'vitest';
import { countDispatches, installDispatchCounter } from './dispatches';

describe('the dispatch counter', () => {
  it('counts each launch through the wrapped methods, once however often it is installed', async () => {
    class Encoder {
      dispatchWorkgroups(x: number) {
        return x;
      }
      end() {}
    }
    const launchers = [[() => Encoder.prototype as unknown as Record<string, unknown>, ['dispatchWorkgroups', 'dispatchWorkgroupsIndirect']]] as const;
    expect(installDispatchCounter(launchers)).toBe(true);
    expect(installDispatchCounter(launchers)).toBe(true);
    const encoder = new Encoder();
    const n = await countDispatches(async () => {
      expect(encoder.dispatchWorkgroups(3)).toBe(3);
      encoder.end();
      await Promise.resolve();
      encoder.dispatchWorkgroups(1);
    });
    expect(n).toBe(2);
    expect(installDispatchCounter([[() => undefined, ['drawArrays']]])).toBe(false);
  });
});
