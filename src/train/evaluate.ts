// Evaluation on the test split after each epoch: loss and accuracy, the
// confusion matrix (every test image's prediction), and the top-3 guesses
// for a few fixed images. Eval mode: batch norm uses its moving statistics.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../model/build';
import type { EvalExample } from '../protocol/messages';
import type { RunControl } from './control';
import type { BatchSource } from './features';

/** Test images whose top-3 guesses are reported each epoch: the first ones of the split, so epochs compare. */
export const EXAMPLES_PER_EPOCH = 16;

export interface Evaluation {
  loss: number;
  acc: number;
  count: number;
  /** The predicted class of each evaluated test image, in split order. */
  predictions: Uint8Array | Uint16Array;
  /** The true class of each, in split order. */
  labels: Uint8Array | Uint16Array;
  /** Row-major classes × classes counts: row = true label, column = prediction. */
  confusion: number[];
  examples: EvalExample[];
}

/**
 * Mean loss, accuracy and the confusion matrix over the first `count` test
 * images (0: all). `forward` maps a batch to logits (default the whole net;
 * a linear probe's head on features).
 */
export async function evaluate(model: Model, batcher: BatchSource, count: number, batchSize: number, control?: RunControl, forward: (x: tf.Tensor, training: boolean) => tf.Tensor2D = (x, training) => model.forward(x as tf.Tensor4D, training)): Promise<Evaluation> {
  const set = batcher.data.test;
  const classes = batcher.data.numClasses;
  const n = Math.min(count > 0 ? count : set.count, set.count);
  const predictions = classes > 256 ? new Uint16Array(n) : new Uint8Array(n);
  const confusion = new Array<number>(classes * classes).fill(0);
  const examples: EvalExample[] = [];
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    if (control && !(await control.checkpoint())) break;
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const { x, y, labels } = batcher.batch(set, indices);
    const wanted = Math.max(0, Math.min(EXAMPLES_PER_EPOCH - start, indices.length));
    const [ce, predicted, top] = tf.tidy(() => {
      const logits = forward(x, false); // [B, classes]
      const loss = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM); // []
      const guesses = wanted > 0 ? tf.topk(tf.softmax(tf.slice(logits, [0, 0], [wanted, -1])), Math.min(3, classes)) : null; // [wanted, 3]
      return [loss, tf.cast(tf.argMax(logits, 1), 'int32'), guesses ? tf.concat([guesses.values, tf.cast(guesses.indices, 'float32')], 1) : null] as const;
    });
    x.dispose();
    y.dispose();
    const [lossValue, predictedValues, topValues] = await Promise.all([ce.data(), predicted.data(), top?.data()]);
    tf.dispose([ce, predicted, ...(top ? [top] : [])]);
    lossSum += lossValue[0] ?? 0;
    indices.forEach((index, i) => {
      const label = labels[i] as number;
      const guess = predictedValues[i] as number;
      predictions[index] = guess;
      confusion[label * classes + guess] = (confusion[label * classes + guess] ?? 0) + 1;
      if (label === guess) correct += 1;
    });
    if (topValues) examples.push(...topGuesses(topValues, wanted, Math.min(3, classes), indices, labels));
  }
  return { loss: lossSum / n, acc: correct / n, count: n, predictions, labels: set.labels.slice(0, n), confusion, examples };
}

/** Rows of [p1, p2, p3, c1, c2, c3] into examples. */
function topGuesses(values: ArrayLike<number>, rows: number, k: number, indices: number[], labels: Int32Array): EvalExample[] {
  return Array.from({ length: rows }, (_, r) => ({
    index: indices[r] as number,
    label: labels[r] as number,
    top: Array.from({ length: k }, (_, j) => ({ label: values[r * 2 * k + k + j] as number, p: values[r * 2 * k + j] as number })),
  }));
}
