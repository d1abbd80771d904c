// The gradient-flow headline's definition: first conv over last conv, the
// conv kernels told by name, checked against the layer tree of every preset.
import { describe, expect, it } from 'vitest';
import { MODEL_PRESET_IDS, modelFromPreset } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { buildArch, summarize } from './arch';
import { firstLastConv, firstOverLast, isConvKernel } from './gradflow';

function summary(model: ModelConfig) {
  return summarize(buildArch(model, 10), model.family === 'cifar-resnet' ? [32, 32, 3] : [224, 224, 3]);
}

describe('the first/last convolution ratio', () => {
  it.each(MODEL_PRESET_IDS)('%s: the kernels called convolutions are exactly its conv layers', (id) => {
    for (const variant of [{}, { shortcut: 'B' }, { se: 16 }] as const) {
      const s = summary({ ...modelFromPreset(id), ...variant });
      const convs = s.layers.filter((l) => l.op === 'conv').map((l) => l.name);
      expect(s.kernelNames.filter(isConvKernel)).toEqual(convs);
    }
  });

  it('takes the stem conv and the last block conv2 of a CIFAR ResNet, as torch_gradflow.py', () => {
    const names = summary(modelFromPreset('resnet110')).kernelNames;
    const pair = firstLastConv(names);
    expect(pair && [names[pair.first], names[pair.last]]).toEqual(['stem.conv', 'stage3.block17.conv2']);
  });

  it('skips dense kernels at either end: the classifier, hidden fc layers, SE and attention', () => {
    expect(firstLastConv(['stem.conv', 'stage1.block0.conv1', 'stage3.block0.conv2', 'fc'])).toEqual({ first: 0, last: 2 });
    expect(firstLastConv(['stage1.conv1', 'stage5.conv3', 'head.fc1', 'head.fc2', 'fc'])).toEqual({ first: 0, last: 1 });
    expect(firstLastConv(['stem.conv', 'stage4.block2.conv3', 'stage4.block2.se.fc1', 'stage4.block2.se.fc2', 'fc'])).toEqual({ first: 0, last: 1 });
    expect(firstLastConv(['stem.conv', 'encoder.proj', 'encoder.layer0.attn.qkv', 'encoder.layer0.attn.proj', 'encoder.layer0.mlp.fc2', 'fc'])).toEqual({ first: 0, last: 1 });
    expect(firstLastConv(['conv1', 'head.fc1', 'fc'])).toEqual({ first: 0, last: 0 });
    expect(firstLastConv(['fc'])).toBeNull();
    expect(firstLastConv([])).toBeNull();
  });

  it('divides the two norms, NaN when one is missing or the last is 0', () => {
    const names = ['stem.conv', 'stage1.block0.conv1', 'stage3.block0.conv2', 'fc'];
    expect(firstOverLast(names, [1e-3, 5, 1, 100])).toBeCloseTo(1e-3);
    const sparse: number[] = [];
    sparse[0] = 6;
    sparse[2] = 3;
    expect(firstOverLast(names, sparse)).toBe(2);
    expect(firstOverLast(names, [1, 1, 0, 1])).toBeNaN();
    expect(firstOverLast(names, [1])).toBeNaN();
    expect(firstOverLast([], [])).toBeNaN();
  });
});
