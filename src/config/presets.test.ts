// Presets are data: every record is a valid config over the defaults, the
// CIFAR list is the same records, and presetOf finds a preset's architecture
// back whatever its open options (skip, batch norm, init).
import { describe, expect, it } from 'vitest';
import { configFromPreset, DEFAULT_CONFIG, DEFAULT_MODEL, isModelPresetId, MODEL_PRESET_IDS, MODEL_PRESETS, modelFromPreset, PRESET_IDS, PRESETS, presetOf, PUBLISHED_TOP1 } from './presets';
import { validateConfig } from './validate';

describe('presets', () => {
  it('are valid configs, and the CIFAR list shares their records', () => {
    for (const id of MODEL_PRESET_IDS) expect(validateConfig(configFromPreset(id)), id).toEqual([]);
    for (const id of PRESET_IDS) expect(PRESETS[id]).toBe(MODEL_PRESETS[id]);
    expect(PRESET_IDS).toEqual(['resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110']);
  });

  it("each torchvision preset names its model card's ImageNet top-1; the CIFAR nets none", () => {
    expect(PUBLISHED_TOP1.resnet50).toBe(76.13);
    expect(PUBLISHED_TOP1.resnet20).toBeUndefined();
    for (const [id, top1] of Object.entries(PUBLISHED_TOP1)) {
      expect(isModelPresetId(id), id).toBe(true);
      expect(top1).toBeGreaterThan(50);
      expect(top1).toBeLessThan(85);
    }
  });

  it('the default model is resnet20', () => {
    expect(modelFromPreset('resnet20')).toEqual(DEFAULT_MODEL);
    expect(presetOf(DEFAULT_MODEL)).toBe('resnet20');
  });

  it("a preset's model replaces the base model, and copies its lists", () => {
    const base = configFromPreset('resnext50_32x4d');
    const c = configFromPreset('resnet50', { ...base, train: { ...base.train, batchSize: 7 } });
    expect(c.model.cardinality).toBe(1);
    expect(c.train.batchSize).toBe(7);
    (c.model.stageBlocks as number[])[0] = 99;
    expect(MODEL_PRESETS.resnet50.stageBlocks[0]).toBe(3);
    expect(DEFAULT_CONFIG.model.stageBlocks[0]).toBe(2);
  });

  it('presetOf names each preset, ignores the open options and fields its family does not read', () => {
    for (const id of MODEL_PRESET_IDS) expect(presetOf(modelFromPreset(id))).toBe(id);
    expect(presetOf({ ...modelFromPreset('resnet50'), skip: false, init: 'he-normal-zero-gamma' })).toBe('resnet50');
    expect(presetOf({ ...modelFromPreset('resnet56'), growthRate: 12, stageBlocks: [1] })).toBe('resnet56');
    expect(presetOf({ ...modelFromPreset('resnet50'), se: 8 })).toBeUndefined();
    // vgg16 sets batch norm off itself, so vgg16 with BN is another net (torchvision's vgg16_bn).
    expect(presetOf({ ...modelFromPreset('vgg16'), batchNorm: true })).toBeUndefined();
  });
});
