// The grouped convolution's formulations, timed forward and backward on one
// backend: the op-level figures behind the `grouped` kernel option's 'auto' choice
// (src/model/grouped.ts). Shared by Node (bench/kernels/grouped.ts) and the
// bench page in Chromium (bench/browser/grouped-page.ts).
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src/config/types';
import { installKernels } from '../../src/kernels/install';
import type { GroupedMode } from '../../src/kernels/options';
import { groupedConv2d } from '../../src/model/grouped';

export interface GroupedSpec {
  mode: GroupedMode;
  batch: number;
  /** Input height and width. */
  size: number;
  /** Input and output channels. */
  channels: number;
  groups: number;
  stride: number;
  steps: number;
  warmup: number;
}

export interface GroupedResult {
  /** Median milliseconds for y = conv(x, w) and both gradients of sum(y · dy). */
  ms: number;
  samples: number[];
  /** Kernel dispatches of one forward + backward pass. */
  kernels: number;
}

/** ResNeXt-50 32×4d's grouped 3×3 convolutions, one per stage, on the CIFAR stem's 32×32 input. */
export const RESNEXT_CIFAR_SHAPES = [
  { name: 'stage1', size: 32, channels: 128, groups: 32, stride: 1 },
  { name: 'stage2', size: 16, channels: 256, groups: 32, stride: 1 },
  { name: 'stage3', size: 8, channels: 512, groups: 32, stride: 1 },
  { name: 'stage4', size: 4, channels: 1024, groups: 32, stride: 1 },
] as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function benchGrouped(spec: GroupedSpec): Promise<GroupedResult> {
  installKernels(tf.getBackend() as BackendName, { grouped: spec.mode });
  const { batch, size, channels, groups, stride } = spec;
  const out = Math.floor((size + 2 - 3) / stride) + 1;
  const x = tf.randomNormal([batch, size, size, channels], 0, 1, 'float32', 1) as tf.Tensor4D; // [B, H, W, C]
  const w = tf.randomNormal([3, 3, channels / groups, channels], 0, 0.1, 'float32', 2) as tf.Tensor4D; // [3, 3, C/G, C]
  const dy = tf.randomNormal([batch, out, out, channels], 0, 1, 'float32', 3) as tf.Tensor4D; // [B, OH, OW, C]
  const pass = () =>
    tf.tidy(() => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(groupedConv2d(a as tf.Tensor4D, b as tf.Tensor4D, groups, stride, 1), dy));
      const [dx, dw] = tf.grads(f)([x, w]);
      // One scalar read waits for every dispatch of the pass.
      return tf.add(tf.sum(dx!), tf.sum(dw!));
    });
  try {
    const samples: number[] = [];
    for (let i = 0; i < spec.warmup + spec.steps; i++) {
      const t0 = performance.now();
      const s = pass();
      await s.data();
      s.dispose();
      if (i >= spec.warmup) samples.push(performance.now() - t0);
    }
    const profile = await tf.profile(() => {
      pass().dispose();
    });
    return { ms: median(samples), samples, kernels: profile.kernels.length };
  } finally {
    tf.dispose([x, w, dy]);
  }
}
