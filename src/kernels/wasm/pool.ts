// Threads for our SIMD kernels (simd.ts): helper workers (helper.ts)
// that instantiate the same module on the WASM backend's shared memory and
// split a job with the engine thread. TF.js's XNNPACK thread pool is not
// reachable from outside its binary, so the kernels bring their own. A job is synchronous, as a TF.js kernel must be: the engine thread
// posts each helper's arguments in a control block on the heap, wakes them
// (Atomics.notify), runs its own share and waits (Atomics.wait, allowed in a
// worker) until every helper is done. Only where the memory is shared (the
// threaded build, a cross-origin isolated page) and Worker exists; no tfjs.

/** The control block: Int32 slots on the shared heap. */
export const CONTROL = {
  seq: 0, // bumped to post a job
  done: 1, // helpers finished with the current job
  job: 2, // index into jobs, -1 to stop
  ready: 3, // helpers started
  failed: 4, // a helper's share threw
  args: 8, // then argsPerHelper slots per helper
  argsPerHelper: 20,
  ints: 8 + 20 * 16,
  /** The exports a job may run, by index. */
  jobs: ['conv2d_kernel_grad', 'conv2d_forward', 'conv2d_input_grad', 'winograd_forward', 'winograd_kernel_grad'] as const,
} as const;

/**
 * Atomic loads the engine thread makes before it sleeps in Atomics.wait,
 * about a millisecond: the helpers' shares end about when its own does, and
 * a futex wake costs more. (Helpers do not spin: between jobs the page and
 * XNNPACK's threads need the cores.)
 */
const SPINS = 200_000;

/** A job's share takes milliseconds; a helper this late is gone. */
const JOB_TIMEOUT_MS = 60_000;

export type Job = (typeof CONTROL.jobs)[number];

/** The message that starts a helper. */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
  index: number;
}

export interface Pool {
  /** How many helper threads (the engine thread makes one more). */
  readonly helpers: number;
  /** Whether every helper started (until then, jobs run on the engine thread alone). */
  ready(): boolean;
  /**
   * Runs `job` with argsPerHelper[h] on helper h and `own` on this thread,
   * returning when all are done. Every argument is an i32.
   */
  run(job: Job, argsPerHelper: readonly (readonly number[])[], own: () => void): void;
  close(): void;
}

export function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, helpers: number): Pool | null {
  if (helpers < 1 || typeof Worker === 'undefined' || typeof Atomics.wait !== 'function') return null;
  const ctl = new Int32Array(memory.buffer, control, CONTROL.ints);
  ctl.fill(0);
  const workers: Worker[] = [];
  for (let index = 0; index < Math.min(helpers, 16); index++) {
    const w = new Worker(new URL('./helper.ts', import.meta.url), { type: 'module', name: `simd-helper-${index}` });
    w.postMessage({ module, memory, control, index } satisfies HelperStart);
    workers.push(w);
  }
  return {
    helpers: workers.length,
    ready: () => Atomics.load(ctl, CONTROL.ready) >= workers.length,
    run(job, argsPerHelper, own) {
      if (argsPerHelper.length !== workers.length) throw new Error(`simd pool: ${argsPerHelper.length} argument lists for ${workers.length} helpers`);
      argsPerHelper.forEach((args, h) => ctl.set(args, CONTROL.args + h * CONTROL.argsPerHelper));
      Atomics.store(ctl, CONTROL.done, 0);
      Atomics.store(ctl, CONTROL.failed, 0);
      Atomics.store(ctl, CONTROL.job, CONTROL.jobs.indexOf(job));
      Atomics.add(ctl, CONTROL.seq, 1);
      Atomics.notify(ctl, CONTROL.seq);
      own();
      // The helpers' shares end about when ours does: spin a little before sleeping (a futex wake costs more).
      for (let spins = 0; spins < SPINS && Atomics.load(ctl, CONTROL.done) < workers.length; spins++);
      const deadline = performance.now() + JOB_TIMEOUT_MS;
      for (let done = Atomics.load(ctl, CONTROL.done); done < workers.length; done = Atomics.load(ctl, CONTROL.done)) {
        if (performance.now() > deadline) throw new Error(`simd pool: ${workers.length - done} of ${workers.length} helpers did not finish ${job} within ${JOB_TIMEOUT_MS / 1000} s`);
        Atomics.wait(ctl, CONTROL.done, done, 1000);
      }
      if (Atomics.load(ctl, CONTROL.failed)) throw new Error(`simd pool: a helper failed in ${job} (its console has the error)`);
    },
    close() {
      Atomics.store(ctl, CONTROL.job, -1);
      Atomics.add(ctl, CONTROL.seq, 1);
      Atomics.notify(ctl, CONTROL.seq);
      for (const w of workers) w.terminate();
    },
  };
}
