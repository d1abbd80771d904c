// Every preset gets the same checks, as timm's tests/test_models.py does for
// every registered model: build it on the TF.js CPU backend (the first of
// each family: CPU_SKIPS) at a small
// input, run one training-mode forward and backward pass on a batch of 2,
// and check the output shape, that nothing is NaN, and that every trainable
// variable receives a non-zero, finite gradient; then the same on the WASM
// backend (its gradients against the CPU's: wasm.test.ts). Counts and MACs
// against the references live in arch.test.ts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PRESET_IDS, modelFromPreset, type ModelPresetId } from '../config/presets';
import type { ModelConfig } from '../config/types';
import type { Shape } from '../arch/arch';
import { installKernels } from '../kernels/install';
import { buildModel } from './build';

beforeAll(async () => {
  installKernels('wasm');
  await tf.setBackend('cpu');
});

const CLASSES = 10;
const BATCH = 2;

/**
 * The input each preset is tested at, and any shrinking, by knobs the user
 * also has, that keeps its test fast on the CPU backend. 32×32 reaches a 1×1
 * map through every ImageNet stem; AlexNet's 11×11 /4 conv and three
 * max-pools need at least 63×63.
 */
const CASES: Partial<Record<ModelPresetId, { input?: Shape; model?: Partial<ModelConfig> }>> = {
  // The 4096-wide classifiers hold most of these nets' weights (102 M of VGG-16's 138 M); 256 hidden units keep every layer.
  vgg16: { model: { hiddenUnits: 256 } },
  alexnet: { input: [64, 64, 3], model: { hiddenUnits: 256 } },
  // Stochastic depth may drop a block for both images of the batch, and a
  // dropped block rightly gets no gradient; build.test.ts checks it apart.
  efficientnet_b0: { model: { dropPath: 0 } },
  // A quarter of the widths keeps every layer (3 stages, 2 encoder layers of 4 heads) at a fraction of the cost.
  resnet_transformer: { model: { baseWidth: 16, transformerWidth: 64 } },
};

/**
 * Deeper members of a family build the same layers as its first, only more
 * of them; on the slow CPU backend the first stands for them (on WASM every
 * preset runs).
 */
const CPU_SKIPS: ReadonlySet<ModelPresetId> = new Set<ModelPresetId>(['resnet32', 'resnet44', 'resnet56', 'resnet110', 'resnet34', 'resnet101', 'resnet152']);

function testCase(id: ModelPresetId): { model: ModelConfig; input: Shape } {
  const c = CASES[id] ?? {};
  return { model: { ...modelFromPreset(id), ...c.model }, input: c.input ?? [32, 32, 3] };
}

describe.each(MODEL_PRESET_IDS)('preset %s', (id) => {
  it.each(CPU_SKIPS.has(id) ? ['wasm'] : ['cpu', 'wasm'])('trains on %s: output [2, 10], no NaN, every trainable variable gets a gradient', async (backend) => {
    await tf.setBackend(backend);
    const { model: cfg, input } = testCase(id);
    const model = buildModel(cfg, input, CLASSES, 1);
    const x = tf.randomNormal([BATCH, ...input], 0, 1, 'float32', 7) as tf.Tensor4D; // [2, H, W, 3]
    const y = tf.oneHot(tf.tensor1d([3, 8], 'int32'), CLASSES).toFloat() as tf.Tensor2D; // [2, 10]
    let shape: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(x, true); // [2, 10]
      shape = logits.shape;
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, [...model.params.values()]);
    expect(shape).toEqual([BATCH, CLASSES]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const names = [...model.params.keys()];
    const norms = tf.tidy(() => tf.stack(names.map((n) => tf.norm(grads[model.params.get(n)!.name] as tf.Tensor))).dataSync());
    const bad = names.filter((_, i) => !(Number.isFinite(norms[i]) && norms[i]! > 0));
    expect(bad, 'variables without a finite non-zero gradient').toEqual([]);
    tf.dispose([value, x, y, ...Object.values(grads)]);
    model.dispose();
  });
});
