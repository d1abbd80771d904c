// Counts what a GPU backend launches, by wrapping the API calls that launch
// work: WebGPU compute dispatches (GPUComputePassEncoder.dispatchWorkgroups
// and its indirect form) and WebGL programs run (drawArrays and drawElements:
// TF.js's WebGL backend runs every program as one draw). The launches, not
// TF.js's kernels, are what a driver pays for (20-100 µs each: issue 21).

type Launchers = Record<string, unknown> | undefined;
export type LauncherTable = readonly (readonly [() => Launchers, readonly string[]])[];

const prototypeOf = (name: string) => () => (globalThis as unknown as Record<string, { prototype: Record<string, unknown> } | undefined>)[name]?.prototype;

/** The prototypes and methods that launch GPU work, where this environment has them. */
const LAUNCHERS: LauncherTable = [
  [prototypeOf('GPUComputePassEncoder'), ['dispatchWorkgroups', 'dispatchWorkgroupsIndirect']],
  [prototypeOf('WebGL2RenderingContext'), ['drawArrays', 'drawElements']],
  [prototypeOf('WebGLRenderingContext'), ['drawArrays', 'drawElements']],
];

let launched = 0;
const wrapped = new WeakSet<object>();

/** Wraps the launching methods once (idempotent); -> whether any was found. */
export function installDispatchCounter(launchers: LauncherTable = LAUNCHERS): boolean {
  let found = false;
  for (const [prototypeOf, names] of launchers) {
    const proto = prototypeOf();
    if (!proto) continue;
    for (const name of names) {
      const original = proto[name];
      if (typeof original !== 'function') continue;
      found = true;
      if (wrapped.has(original)) continue;
      const counting = function (this: unknown, ...args: unknown[]) {
        launched += 1;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
      wrapped.add(counting);
      proto[name] = counting;
    }
  }
  return found;
}

/** GPU launches while `run` runs (and its promise settles). */
export async function countDispatches(run: () => Promise<unknown>): Promise<number> {
  const before = launched;
  await run();
  return launched - before;
}
