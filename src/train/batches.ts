// Turns a uint8 Dataset into normalized float batches: per-channel mean/std
// from the training split, a seeded shuffle per epoch, and fixed subsets.
import * as tf from '@tensorflow/tfjs';
import { augments, drawAugment, mapOf, PADDED, type AugmentDecision, type Augmentation } from '../data/augment';
import type { Dataset, ImageSet } from '../data/types';
import { mulberry32 } from '../arch/rng';

export { permutation } from '../arch/rng';

export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Per-channel mean and standard deviation (population) of the given images, in 0..1 units, over the first `limit` (default: all). */
export function channelStats(set: ImageSet, channels: number, limit = set.count): ChannelStats {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  const n = Math.min(limit, set.count) * (set.images.length / set.count);
  for (let i = 0; i < n; i++) {
    const v = (set.images[i] ?? 0) / 255;
    const c = i % channels;
    sum[c] = (sum[c] as number) + v;
    sq[c] = (sq[c] as number) + v * v;
  }
  const perChannel = n / channels;
  const mean = [...sum].map((s) => s / perChannel);
  const std = [...sq].map((s, c) => Math.sqrt(Math.max(s / perChannel - (mean[c] ?? 0) ** 2, 1e-12)));
  return { mean, std };
}

export class Batcher {
  readonly pixels: number;
  /**
   * Every byte's normalized value per channel, [channels × 256]: the float32
   * arithmetic of torchvision's ToTensor and Normalize, ((v / 255) - mean) /
   * std, each operation rounded to float32, so a batch equals torchvision's
   * bit for bit (src/train/batches.torch.test.ts).
   */
  private readonly table: Float32Array;
  /**
   * `augment` applies to training batches only (batch(..., true)), its random
   * choices drawn from `rand`, which the engine seeds from the run's seed.
   */
  constructor(readonly data: Dataset, readonly stats: ChannelStats, private readonly augment?: Augmentation, private readonly rand: () => number = Math.random) {
    this.pixels = data.height * data.width * data.channels;
    const f = Math.fround;
    this.table = new Float32Array(data.channels * 256);
    for (let c = 0; c < data.channels; c++) {
      const mean = f(stats.mean[c] ?? 0);
      const std = f(stats.std[c] ?? 1);
      for (let v = 0; v < 256; v++) this.table[c * 256 + v] = f(f(v / 255) - mean) / std;
    }
  }

  /**
   * Images at `indices` of a split as x [B, H, W, C] and one-hot y
   * [B, classes]; in training, each image's augmentation choices too (empty
   * without augmentation).
   */
  batch(set: ImageSet, indices: ArrayLike<number>, training = false): { x: tf.Tensor4D; y: tf.Tensor2D; labels: Int32Array; decisions: AugmentDecision[] } {
    const { height, width, channels, numClasses } = this.data;
    const b = indices.length;
    const xs = new Float32Array(b * this.pixels);
    const labels = new Int32Array(b);
    const decisions: AugmentDecision[] = [];
    const augment = training && this.augment && augments(this.augment) ? this.augment : null;
    for (let i = 0; i < b; i++) {
      const src = (indices[i] as number) * this.pixels;
      const dst = i * this.pixels;
      if (augment) {
        const decision = drawAugment(augment, height, width, this.rand);
        decisions.push(decision);
        this.augmented(set.images, src, xs, dst, mapOf(decision, height, width));
      } else for (let j = 0; j < this.pixels; j++) xs[dst + j] = this.table[(j % channels) * 256 + (set.images[src + j] as number)] as number;
      labels[i] = set.labels[indices[i] as number] as number;
    }
    const x = tf.tensor4d(xs, [b, height, width, channels]); // [B, H, W, C]
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D); // [B, classes]
    return { x, y, labels, decisions };
  }

  /** One image through a pixel map: padding is a black pixel normalized (torchvision pads before ToTensor); cutout is 0 after normalization. */
  private augmented(images: Uint8Array, src: number, xs: Float32Array, dst: number, map: Int32Array): void {
    const channels = this.data.channels;
    for (let p = 0; p < map.length; p++) {
      const s = map[p] as number;
      for (let c = 0; c < channels; c++) {
        const byte = s >= 0 ? (images[src + s * channels + c] as number) : 0;
        xs[dst + p * channels + c] = s < 0 && s !== PADDED ? 0 : (this.table[c * 256 + byte] as number);
      }
    }
  }
}
