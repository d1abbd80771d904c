// One training step's numbers: the schedule's rate at every step, label
// smoothing in the loss that is minimised, and the per-layer weight norms and
// update/weight ratios read with the gradient norms in one packed tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { learningRateAt } from '../config/schedule';
import type { Config } from '../config/types';
import { loadMnistNode } from '../data/mnist-node';
import type { Dataset } from '../data/types';
import { buildModel } from '../model/build';
import type { StepMetrics } from '../protocol/messages';
import { Batcher, channelStats } from './batches';
import { makeOptimizer, train, trainStep, unpackStep } from './engine';

let mnist: Dataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.enableProdMode();
  mnist = await loadMnistNode();
});

function tiny(train: Partial<Config['train']> = {}): Config {
  return {
    model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 4 },
    train: { ...DEFAULT_CONFIG.train, batchSize: 8, epochs: 3, maxSteps: 0, learningRate: 0.05, ...train },
    data: { ...DEFAULT_CONFIG.data, trainSubset: 32, testSubset: 8 },
  };
}

/** One step of a fresh tiny model on the first 8 training images. */
function oneStep(config: Config, lr: number) {
  const model = buildModel(config.model, [28, 28, 1], 10, 3);
  const optimizer = makeOptimizer(config.train);
  const batcher = new Batcher(mnist, channelStats(mnist.train, 1, 1000));
  const { x, y } = batcher.batch(mnist.train, [0, 1, 2, 3, 4, 5, 6, 7]);
  const packed = trainStep(model, optimizer, x, y, { lr, labelSmoothing: config.train.labelSmoothing, withNorms: true });
  const out = unpackStep(packed.dataSync(), model.kernels.length);
  [packed, x, y].forEach((t) => t.dispose());
  optimizer.dispose();
  model.dispose();
  return out;
}

describe('a training step', () => {
  it('runs at the schedule rate of every step and reports it', async () => {
    const steps: StepMetrics[] = [];
    // 32 images at batch 8: 4 steps an epoch, 12 in all.
    const config = tiny({ schedule: 'cosine', warmupEpochs: 1 });
    await train({ config, data: mnist, hooks: { onStep: (m) => steps.push(m) } });
    expect(steps.map((s) => s.lr)).toEqual(Array.from({ length: 12 }, (_, i) => learningRateAt(config.train, i, 4, 12)));
    expect(steps[3]?.lr).toBe(0.05);
    expect(steps[11]?.lr).toBeLessThan(0.005);
  }, 60_000);

  it('packs weight norms and update/weight ratios; for SGD the update is exactly lr × gradient', () => {
    const s = oneStep(tiny({ optimizer: 'sgd', weightDecay: 0 }), 0.05);
    expect(s.gradNorms).toHaveLength(8);
    expect(s.weightNorms).toHaveLength(8);
    expect(s.updateRatios).toHaveLength(8);
    s.gradNorms.forEach((g, i) => {
      expect(s.weightNorms[i]).toBeGreaterThan(0);
      // ‖ΔW‖ = lr·‖g‖ for plain SGD without decay.
      expect((s.updateRatios[i] as number) * (s.weightNorms[i] as number)).toBeCloseTo(0.05 * g, 4);
    });
  });

  it('with Adam each weight moves by about lr on the first step, whatever its gradient', () => {
    const s = oneStep(tiny({ optimizer: 'adam', weightDecay: 0 }), 0.001);
    // The stem kernel has 3·3·1·4 = 36 weights: ‖ΔW‖ ≈ 0.001·√36.
    expect((s.updateRatios[0] as number) * (s.weightNorms[0] as number)).toBeCloseTo(0.006, 4);
  });

  it('minimises the smoothed loss, and reports the plain cross-entropy', () => {
    const plain = oneStep(tiny(), 0.05);
    const smoothed = oneStep(tiny({ labelSmoothing: 0.2 }), 0.05);
    // Same weights, same batch: the same reported loss ...
    expect(smoothed.loss).toBeCloseTo(plain.loss, 5);
    // ... but a different gradient, most of all at the classifier.
    const fc = plain.gradNorms.length - 1;
    expect(Math.abs((smoothed.gradNorms[fc] as number) - (plain.gradNorms[fc] as number))).toBeGreaterThan(1e-3 * (plain.gradNorms[fc] as number));
  });
});
