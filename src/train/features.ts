// A linear probe's data: the frozen body's features, computed once per image
// in inference mode (no augmentation), then served as batches to the head
// for as many epochs as the run has, at the cost of one forward pass per
// image (Kornblith et al. 2019 §3: logistic regression on fixed features).
import * as tf from '@tensorflow/tfjs';
import type { LayerOp } from '../arch/ops';
import type { AugmentDecision } from '../data/augment';
import type { Dataset, ImageSet } from '../data/types';
import type { Model } from '../model/build';
import type { Batcher } from './batches';
import type { RunControl } from './control';

/** Where batches come from: images (Batcher) or a probe's features (FeatureBatcher). */
export interface BatchSource {
  readonly data: Dataset;
  batch(set: ImageSet, indices: ArrayLike<number>, training?: boolean): { x: tf.Tensor; y: tf.Tensor2D; labels: Int32Array; decisions: AugmentDecision[] };
}

/** The head a probe trains and the body it freezes: the classifier 'fc' with the dropout before it, and everything else. */
export function splitHead(arch: LayerOp[]): { body: LayerOp[]; head: LayerOp[] } {
  let i = arch.length - 1;
  if (i < 0 || arch[i]?.op !== 'dense' || (arch[i] as { name: string }).name !== 'fc') throw new Error("the net does not end in its classifier 'fc'");
  while (i > 0 && arch[i - 1]?.op === 'dropout') i--;
  return { body: arch.slice(0, i), head: arch.slice(i) };
}

/** Features of some images of a split: row `rowOf[image]` of `rows` (width floats each), -1 where not computed. */
export interface Features {
  width: number;
  rows: Float32Array;
  rowOf: Int32Array;
}

/**
 * The body's features of `indices` of `set`, `batchSize` images at a time;
 * null when the run is stopped meanwhile. `onBatch(done)` after each batch.
 */
export async function computeFeatures(model: Model, body: LayerOp[], batcher: Batcher, set: ImageSet, indices: ArrayLike<number>, batchSize: number, control: RunControl, onBatch: (done: number) => void): Promise<Features | null> {
  const rowOf = new Int32Array(set.count).fill(-1);
  let rows = new Float32Array(0);
  let width = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    if (!(await control.checkpoint())) return null;
    const chunk = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, i) => indices[start + i] as number);
    const { x, y } = batcher.batch(set, chunk, false);
    const f = tf.tidy(() => tf.reshape(model.run(body, x, false), [chunk.length, -1])); // [B, F]
    x.dispose();
    y.dispose();
    const values = (await f.data()) as Float32Array;
    if (width === 0) {
      width = f.shape[1] as number;
      rows = new Float32Array(indices.length * width);
    }
    f.dispose();
    rows.set(values, start * width);
    chunk.forEach((image, i) => (rowOf[image] = start + i));
    onBatch(start + chunk.length);
  }
  return { width, rows, rowOf };
}

/** Batches of precomputed features: the same indices as images, x [B, F]. */
export class FeatureBatcher implements BatchSource {
  constructor(readonly data: Dataset, private readonly train: Features, private readonly test: Features) {}

  batch(set: ImageSet, indices: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor2D; labels: Int32Array; decisions: AugmentDecision[] } {
    const f = set === this.data.train ? this.train : this.test;
    const b = indices.length;
    const xs = new Float32Array(b * f.width);
    const labels = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const image = indices[i] as number;
      const row = f.rowOf[image] as number;
      if (row < 0) throw new Error(`no features for image ${image}`);
      xs.set(f.rows.subarray(row * f.width, (row + 1) * f.width), i * f.width);
      labels[i] = set.labels[image] as number;
    }
    const x = tf.tensor2d(xs, [b, f.width]); // [B, F]
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), this.data.numClasses).toFloat() as tf.Tensor2D); // [B, classes]
    return { x, y, labels, decisions: [] };
  }
}
