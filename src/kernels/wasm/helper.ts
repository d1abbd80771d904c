// A helper thread of the SIMD kernels' pool (pool.ts): it instantiates
// the kernels on the WASM backend's shared memory and runs its share of each
// job the engine thread posts through the control block, blocking in
// Atomics.wait between jobs. No tfjs here.
import { CONTROL, type HelperStart } from './pool';

self.onmessage = (e: MessageEvent<HelperStart>) => {
  const { module, memory, control, index } = e.data;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
  const ctl = new Int32Array(memory.buffer, control, CONTROL.ints);
  const args = CONTROL.args + index * CONTROL.argsPerHelper;
  Atomics.add(ctl, CONTROL.ready, 1);
  Atomics.notify(ctl, CONTROL.ready);
  let seen = Atomics.load(ctl, CONTROL.seq);
  for (;;) {
    Atomics.wait(ctl, CONTROL.seq, seen);
    const seq = Atomics.load(ctl, CONTROL.seq);
    if (seq === seen) continue;
    seen = seq;
    const job = Atomics.load(ctl, CONTROL.job);
    if (job < 0) return; // the pool closed
    try {
      exports[CONTROL.jobs[job] as string]?.(...Array.from(ctl.subarray(args, args + CONTROL.argsPerHelper)));
    } catch (err) {
      Atomics.store(ctl, CONTROL.failed, 1); // the engine thread throws for the job
      console.error('simd helper:', err);
    } finally {
      Atomics.add(ctl, CONTROL.done, 1);
      Atomics.notify(ctl, CONTROL.done);
    }
  }
};
