// The per-epoch evaluation: the confusion matrix agrees with the loss pass's
// accuracy and with each image's own prediction, and the top-3 guesses are
// the model's softmax, ranked.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { syntheticDataset } from '../testing/synthetic';
import { buildModel } from '../model/build';
import { Batcher, channelStats } from './batches';
import { evaluate, EXAMPLES_PER_EPOCH } from './evaluate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluate', () => {
  it('counts every image once in the confusion matrix, consistent with accuracy and predictions', async () => {
    const d = syntheticDataset(50, 4, 7);
    const model = buildModel({ ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 4 }, [8, 8, 1], 4, 3);
    const batcher = new Batcher(d, channelStats(d.train, 1));
    const before = tf.memory().numTensors;
    const r = await evaluate(model, batcher, 45, 16);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(45);
    expect(r.confusion.reduce((a, b) => a + b, 0)).toBe(45);
    const diagonal = [0, 1, 2, 3].reduce((s, c) => s + (r.confusion[c * 4 + c] ?? 0), 0);
    expect(r.acc).toBeCloseTo(diagonal / 45, 10);
    expect(Array.from(r.labels)).toEqual(Array.from(d.test.labels.subarray(0, 45)));
    const counted = new Array<number>(16).fill(0);
    r.predictions.forEach((p, i) => (counted[(r.labels[i] as number) * 4 + p] = (counted[(r.labels[i] as number) * 4 + p] ?? 0) + 1));
    expect(counted).toEqual(r.confusion);

    // The top-3 of the first images: the model's own softmax, ranked, the first being its prediction.
    expect(r.examples.map((e) => e.index)).toEqual(Array.from({ length: EXAMPLES_PER_EPOCH }, (_, i) => i));
    const { x } = batcher.batch(d.test, r.examples.map((e) => e.index));
    const probs = tf.tidy(() => tf.softmax(model.forward(x, false)).arraySync() as number[][]);
    x.dispose();
    for (const e of r.examples) {
      expect(e.top).toHaveLength(3);
      expect(e.top[0]?.label).toBe(r.predictions[e.index]);
      for (const g of e.top) expect(g.p).toBeCloseTo(probs[e.index]?.[g.label] ?? NaN, 5);
      expect(e.top[0]!.p).toBeGreaterThanOrEqual(e.top[1]!.p);
      expect(e.top[1]!.p).toBeGreaterThanOrEqual(e.top[2]!.p);
    }
    model.dispose();
  });
});
