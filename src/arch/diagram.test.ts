import { describe, expect, it } from 'vitest';
import { modelFromPreset } from '../config/presets';
import { buildArch } from './arch';
import { blockDiagram } from './diagram';

describe('the block diagram', () => {
  it("shows ResNet-50's first strided block as torchvision builds it: the stride on the 3×3 (V1.5), a 1×1 projection with stride 2", () => {
    expect(blockDiagram(buildArch(modelFromPreset('resnet50'), 1000))).toEqual({
      name: 'stage2.block0',
      branch: ['1×1 conv, 128 channels', 'batch norm', 'ReLU', '3×3 conv, 128 channels, stride 2', 'batch norm', 'ReLU', '1×1 conv, 512 channels', 'batch norm'],
      shortcut: ['1×1 conv, 512 channels, stride 2', 'batch norm'],
      after: ['ReLU'],
      skip: true,
    });
  });

  it("shows ResNet-20's option-A shortcut, and the plain twin's missing addition", () => {
    const residual = blockDiagram(buildArch(modelFromPreset('resnet20'), 10));
    expect(residual).toMatchObject({ name: 'stage2.block0', shortcut: ['identity, stride 2, channels zero-padded to 32 (option A: no parameters)'], skip: true });
    expect(residual?.branch[0]).toBe('3×3 conv, 32 channels, stride 2');
    const plain = blockDiagram(buildArch({ ...modelFromPreset('resnet20'), skip: false }, 10));
    expect(plain).toMatchObject({ name: 'stage2.block0', shortcut: [], skip: false, after: ['ReLU'] });
  });

  it('is null for a net without residual blocks', () => {
    expect(blockDiagram(buildArch(modelFromPreset('vgg16'), 10))).toBeNull();
  });
});
