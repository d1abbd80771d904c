// The builder's training-only randomness: dropout and stochastic depth act in
// training and vanish in evaluation, and a model's seed fixes both its
// weights and its random masks. Small nets on the CPU backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { buildModel } from './build';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny: ModelConfig = { ...DEFAULT_MODEL, blocksPerStage: 2, baseWidth: 4 };

/** Logits in evaluation (before training passes update BN's moving statistics), then of two training passes, for a fresh model from `seed`. */
function passes(cfg: ModelConfig, seed: number): { train: number[][]; evaluation: number[] } {
  const model = buildModel(cfg, [8, 8, 3], 5, seed);
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
  const evaluation = tf.tidy(() => Array.from(model.forward(x, false).dataSync()));
  const train = [0, 1].map(() => tf.tidy(() => Array.from(model.forward(x, true).dataSync())));
  x.dispose();
  model.dispose();
  return { train, evaluation };
}

describe('training-only randomness', () => {
  it('stochastic depth drops branches in training only, reproducibly from the seed', () => {
    const dropped = passes({ ...tiny, dropPath: 0.9 }, 3);
    const kept = passes(tiny, 3);
    // The same weights (stochastic depth draws no weights), so evaluation agrees; training differs.
    expect(dropped.evaluation).toEqual(kept.evaluation);
    expect(dropped.train[0]).not.toEqual(kept.train[0]);
    expect(passes({ ...tiny, dropPath: 0.9 }, 3).train).toEqual(dropped.train);
  });

  it('dropout before the classifier acts in training only', () => {
    // BN is off so that two training passes differ only by their masks.
    const cfg = { ...tiny, batchNorm: false };
    const withDropout = passes({ ...cfg, dropout: 0.5 }, 4);
    const without = passes(cfg, 4);
    expect(withDropout.evaluation).toEqual(without.evaluation);
    expect(without.train[0]).toEqual(without.train[1]);
    expect(withDropout.train[0]).not.toEqual(withDropout.train[1]);
  });
});

/** The knobs in combination, on small nets: each trains with a gradient for every variable. */
const VARIANTS: [string, Partial<ModelConfig>][] = [
  ['pre-activation, option A, no BN', { preact: true, batchNorm: false }],
  ['pre-activation bottleneck, projections, SE', { preact: true, blockType: 'bottleneck', shortcut: 'B', se: 4 }],
  ['ResNeXt with avgDown and the deep stem at an odd size', { blockType: 'bottleneck', cardinality: 4, groupWidth: 32, shortcut: 'avgDown', stem: 'deep' }],
  ['plain twin of a projection net', { skip: false, shortcut: 'B', blockType: 'bottleneck' }],
  ['ImageNet stem, wide basic blocks, dropout', { stem: 'imagenet', widthFactor: 2, dropout: 0.2 }],
  ['DenseNet without BN', { family: 'densenet', stageBlocks: [2, 2], growthRate: 4, baseWidth: 8, batchNorm: false, stem: 'cifar' }],
  ['VGG with BN', { family: 'vgg', stageBlocks: [1, 2], baseWidth: 4, hiddenUnits: 16, batchNorm: true, dropout: 0.5 }],
  ['AlexNet with its CIFAR stem', { family: 'alexnet', stem: 'cifar', baseWidth: 8, hiddenUnits: 16, batchNorm: false }],
  ['AlexNet at its ImageNet stem, the 17×17 input resized to 64×64', { family: 'alexnet', inputSize: 64, baseWidth: 8, hiddenUnits: 16, batchNorm: false }],
  ['EfficientNet at quarter width, plain', { family: 'efficientnet', widthFactor: 0.25, depthFactor: 0.5, skip: false }],
];

describe('variants', () => {
  it.each(VARIANTS)('%s trains, every variable getting a gradient', (_, patch) => {
    const model = buildModel({ ...tiny, blocksPerStage: 1, baseWidth: 8, ...patch }, [17, 17, 3], 5, 2);
    const x = tf.randomNormal([3, 17, 17, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 5).toFloat() as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, true)) as tf.Scalar, [...model.params.values()]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const none = [...model.params].filter(([, v]) => !(tf.tidy(() => tf.norm(grads[v.name] as tf.Tensor).dataSync()[0]!) > 0)).map(([n]) => n);
    expect(none).toEqual([]);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  });
});

describe('variables', () => {
  it('names SE and grouped kernels by layer, with torch-like shapes', () => {
    const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage: 1, baseWidth: 16, blockType: 'bottleneck', cardinality: 4, groupWidth: 16, se: 16 }, [8, 8, 3], 5, 1);
    const shape = (n: string) => model.params.get(n)?.shape;
    expect(shape('stage1.block0.conv2.kernel')).toEqual([3, 3, 4, 16]); // 16 channels in 4 groups of 4
    expect(shape('stage1.block0.se.fc1.kernel')).toEqual([64, 8]);
    expect(shape('stage1.block0.se.fc2.bias')).toEqual([64]);
    expect(model.kernels.map((k) => k.name.replace(/^m\d+\//, ''))).toEqual(model.summary.kernelNames.map((n) => `${n}.kernel`));
    model.dispose();
  });
});
