// Weights out as PyTorch's state dict, and back in: for every zoo preset
// that has PyTorch names (every family: the CIFAR ResNets under akamaster's
// names, the ImageNet ResNets and their variants, VGG, AlexNet, DenseNet and
// EfficientNet under torchvision's, SE and ResNet-D under timm's), a net's
// variables -> stateDictOf -> safetensors -> the import (model/weights.ts)
// into a net of another seed give every tensor back bit for bit, and each BN
// carries num_batches_tracked for torch's strict load. Widths are cut where
// the names do not depend on them, to keep the test small.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PRESET_IDS, modelFromPreset } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { decodeSafetensors, encodeSafetensors } from '../data/safetensors';
import { buildModel } from './build';
import { loadTorchWeights } from './weights';
import { stateDictOf } from '../weights/export';
import { buildArch } from '../arch/arch';
import { NamingError, namingsFor, torchNames, type Naming } from '../weights/torch-names';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The preset at a width that keeps the test small; names and layouts do not depend on it. */
function small(id: (typeof MODEL_PRESET_IDS)[number]): ModelConfig {
  const cfg = modelFromPreset(id);
  if (cfg.family === 'vgg' || cfg.family === 'alexnet') return { ...cfg, baseWidth: 8, hiddenUnits: 32 };
  if (cfg.family === 'resnet' && cfg.transformerLayers === 0) return { ...cfg, baseWidth: 8, ...(cfg.cardinality > 1 ? { cardinality: 4 } : {}) };
  if (cfg.family === 'densenet') return { ...cfg, baseWidth: 8, growthRate: 4 };
  if (cfg.family === 'efficientnet') return { ...cfg, widthFactor: 0.25 };
  return cfg;
}

/** Whether the net has names under `naming` (SE and the deep stem have timm's only). */
function named(cfg: ModelConfig, naming: Naming): boolean {
  try {
    torchNames(cfg, buildArch(cfg, 10), naming);
    return true;
  } catch (e) {
    if (e instanceof NamingError) return false;
    throw e;
  }
}

// The deeper members of a family (resnet32…110, resnet101/152) repeat their blocks' names.
const SAME_NAMES_AS_SHALLOWER = new Set(['resnet32', 'resnet44', 'resnet56', 'resnet110', 'resnet101', 'resnet152']);
const cases = MODEL_PRESET_IDS.filter((id) => !SAME_NAMES_AS_SHALLOWER.has(id)).flatMap((id) => namingsFor(small(id)).filter((naming) => named(small(id), naming)).map((naming) => [id, naming] as const));
/** Knobs no preset turns on, on a preset: pre-activation with BN and without, with option A and B shortcuts. */
const KNOBS: ReadonlyArray<[(typeof MODEL_PRESET_IDS)[number], Naming, Partial<ModelConfig>]> = [
  ['resnet20', 'akamaster', { preact: true }],
  ['resnet20', 'akamaster', { preact: true, shortcut: 'B', batchNorm: false }],
  ['resnet50', 'torchvision', { preact: true }],
  ['resnet18', 'torchvision', { preact: true, batchNorm: false }],
];

describe('weights out to PyTorch and back', () => {
  it('covers every family and every preset, the hybrid too', () => {
    expect(new Set(cases.map(([id]) => modelFromPreset(id).family))).toEqual(new Set(['cifar-resnet', 'resnet', 'vgg', 'alexnet', 'densenet', 'efficientnet']));
    expect(MODEL_PRESET_IDS.filter((id) => !SAME_NAMES_AS_SHALLOWER.has(id) && !cases.some(([c]) => c === id))).toEqual([]);
  });

  it.each([...cases.map(([id, naming]) => [id, naming, {}] as const), ...KNOBS])('%s under %s names %j: export then import gives every tensor back bit for bit', (id, naming, knobs) => {
    const cfg = { ...small(id), ...knobs };
    const input: [number, number, number] = cfg.family === 'cifar-resnet' ? [32, 32, 3] : [64, 64, 3];
    const a = buildModel(cfg, input, 10, 1);
    const b = buildModel(cfg, input, 10, 2);
    try {
      const variables = new Map([...a.params, ...a.state].map(([k, v]) => [k, { shape: v.shape, values: v.dataSync() as Float32Array }]));
      const dict = stateDictOf(cfg, 10, variables, naming, 123);
      const file = encodeSafetensors(Object.fromEntries(dict));
      const { tensors } = decodeSafetensors(file);
      const counters = [...tensors].filter(([k]) => k.endsWith('num_batches_tracked'));
      expect(counters.length).toBe([...a.state.keys()].filter((k) => k.endsWith('.movingVariance')).length);
      for (const [, t] of counters) expect([t.dtype, t.shape, Array.from(t.values)]).toEqual(['I64', [], [123]]);
      const report = loadTorchWeights(b, cfg, tensors, naming);
      expect(report.unexpected).toEqual([]);
      const differ = [...variables].filter(([k, t]) => {
        const back = ((b.params.get(k) ?? b.state.get(k)) as tf.Variable).dataSync();
        return back.length !== t.values.length || back.some((v, i) => !Object.is(v, t.values[i]));
      });
      expect(differ.map(([k]) => k)).toEqual([]);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
