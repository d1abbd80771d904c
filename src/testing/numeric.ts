// Numbers for tests that compare backends: seeded inputs and one error measure.

/** A seeded stream of n values in [-1, 1) (a linear congruential generator: the same on every backend and run). */
export function seededValues(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

/** max |a − b| over max |b|: how far a is from the reference b, relative to b's scale. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

/** Where WebGPU in Node is there (the optional webgpu package, a Vulkan adapter): its name, or why not. */
export async function nodeWebGpu(start: () => Promise<string>, what: string): Promise<{ name: string | null; missing: string | null }> {
  const adapter = await start().then(
    (name) => ({ name, missing: null }),
    (e: unknown) => ({ name: null, missing: e instanceof Error ? e.message : String(e) }),
  );
  if (adapter.missing) console.warn(`skipping ${what}: ${adapter.missing}`);
  return adapter;
}
