// The gradient-flow headline, defined once for the page (src/state/gradflow.ts)
// and the engine's oracle (src/train/gradflow.ts): the first convolution's
// gradient norm over the last convolution's before the classifier, as
// bench/reference/torch_gradflow.py's first_over_last (the norms of every
// Conv2d weight gradient in module order, first over last; Linear layers
// are not in the list). Read from kernel names alone, so that a run loaded
// from a file, which keeps only its names and norms, reads the same way.
// Pure TS: no tfjs, no React.

/**
 * Whether a kernel (ArchSummary.kernelNames) is a convolution's: a name
 * ending in `conv` or `convN` (`stem.conv`, `stage3.block8.conv2`,
 * `stage2.block0.shortcut.conv`, `head.conv`), or the hybrid's 1×1 token
 * projection `encoder.proj`. Not convolutions: the classifier `fc`, VGG's
 * and AlexNet's `head.fcN`, SE's `se.fc1`/`se.fc2` and the Transformer's
 * `attn.qkv`, `attn.proj` and `mlp.fcN` (src/arch/gradflow.test.ts checks
 * this against the layer tree of every preset).
 */
export function isConvKernel(name: string): boolean {
  return /(^|\.)conv\d*$/.test(name) || name === 'encoder.proj';
}

/** Indices of the first and the last convolution kernel in `names` (forward order); null when there is none. */
export function firstLastConv(names: readonly string[]): { first: number; last: number } | null {
  const first = names.findIndex(isConvKernel);
  if (first < 0) return null;
  let last = first;
  for (let i = names.length - 1; i > first; i--) {
    if (isConvKernel(names[i] as string)) {
      last = i;
      break;
    }
  }
  return { first, last };
}

/**
 * The first convolution's gradient norm over the last one's, from norms
 * aligned with `names` (entries other than those two may be missing);
 * NaN when either is missing or the last is 0.
 */
export function firstOverLast(names: readonly string[], gradNorms: readonly number[]): number {
  const pair = firstLastConv(names);
  if (!pair) return NaN;
  const a = gradNorms[pair.first];
  const b = gradNorms[pair.last];
  return a === undefined || b === undefined || b === 0 ? NaN : a / b;
}
