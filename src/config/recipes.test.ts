import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, modelFromPreset, presetOf } from './presets';
import { applyRecipe, recipeById, recipeOf, RECIPES } from './recipes';
import { validateConfig } from './validate';
import type { Config } from './types';

const USER: Config = {
  ...DEFAULT_CONFIG,
  train: { ...DEFAULT_CONFIG.train, seed: 7, backend: 'wasm', epochs: 9, freeze: 'stage2', headLrScale: 10 },
  data: { ...DEFAULT_CONFIG.data, dataset: 'fashion', trainSubset: 64, randomCrop: true, dataUrl: 'https://example.org/c.tgz' },
};

describe('recipes', () => {
  it('have unique ids and build valid configs', () => {
    expect(new Set(RECIPES.map((r) => r.id)).size).toBe(RECIPES.length);
    for (const r of RECIPES) expect(validateConfig(applyRecipe(USER, r))).toEqual([]);
  });

  it("the article's recipe: ResNet-50 at 224 from torchvision's ImageNet weights on CIFAR-10, torch SGD with momentum", () => {
    const c = applyRecipe(USER, recipeById('article-finetune')!);
    expect(c.model).toEqual({ ...modelFromPreset('resnet50'), inputSize: 224 });
    expect(presetOf({ ...c.model, inputSize: 0 })).toBe('resnet50');
    expect(c.train).toMatchObject({ optimizer: 'momentum', learningRate: 0.001, momentum: 0.9, weightDecay: 0, schedule: 'constant', epochs: 5, batchSize: 8, maxSteps: 0, initWeights: 'torchvision/resnet50', freeze: 'none', headLrScale: 1 });
    expect(c.data).toMatchObject({ dataset: 'cifar10', normalize: 'imagenet', randomCrop: false, horizontalFlip: false, cutout: false, trainSubset: 0, testSubset: 0 });
  });

  it('the two variants differ only in what is frozen', () => {
    const full = applyRecipe(USER, recipeById('article-finetune')!);
    const probe = applyRecipe(USER, recipeById('article-probe')!);
    expect(probe.train.freeze).toBe('head');
    expect({ ...probe, train: { ...probe.train, freeze: 'none' } }).toEqual(full);
  });

  it("keep the user's seed, backend and mirror, and do not touch the config given", () => {
    const before = structuredClone(USER);
    const c = applyRecipe(USER, recipeById('article-finetune')!);
    expect(USER).toEqual(before);
    expect(c.train.seed).toBe(7);
    expect(c.train.backend).toBe('wasm');
    expect(c.data.dataUrl).toBe('https://example.org/c.tgz');
    // The preset's whole model: no knob of the previous net leaks in.
    const wide = applyRecipe({ ...USER, model: { ...USER.model, widthFactor: 2, se: 16 } }, recipeById('article-finetune')!);
    expect(wide.model).toEqual(c.model);
  });

  it('recipeOf names the recipe a config is, and nothing once a field differs', () => {
    for (const r of RECIPES) expect(recipeOf(applyRecipe(USER, r))?.id).toBe(r.id);
    const c = applyRecipe(USER, recipeById('article-finetune')!);
    expect(recipeOf({ ...c, train: { ...c.train, learningRate: 0.01 } })).toBeUndefined();
    expect(recipeOf({ ...c, model: { ...c.model, inputSize: 0 } })).toBeUndefined();
    expect(recipeOf(USER)).toBeUndefined();
    expect(recipeOf(DEFAULT_CONFIG)).toBeUndefined();
  });
});

describe('training recipes', () => {
  it('He et al. 2015 §4.2: batch 128, momentum 0.9, lr 0.1 ÷10 at 50% and 75%, weight decay 1e-4, crop + flip, on the user\'s model', () => {
    const c = applyRecipe(USER, recipeById('he2015')!);
    expect(c.model).toEqual(USER.model);
    expect(c.train).toMatchObject({ batchSize: 128, optimizer: 'momentum', momentum: 0.9, learningRate: 0.1, schedule: 'multistep', decayFactor: 0.1, weightDecay: 1e-4, labelSmoothing: 0, initWeights: '', freeze: 'none', headLrScale: 1, seed: 7, backend: 'wasm' });
    expect(c.data).toMatchObject({ dataset: 'cifar10', randomCrop: true, horizontalFlip: true, cutout: false, trainSubset: 0 });
  });

  it('the fast recipe: one-cycle, Nesterov, label smoothing, crop + flip', () => {
    const c = applyRecipe(USER, recipeById('fast')!);
    expect(c.train).toMatchObject({ optimizer: 'nesterov', schedule: 'onecycle', labelSmoothing: 0.1 });
    expect(c.data).toMatchObject({ randomCrop: true, horizontalFlip: true });
  });

  it('a training recipe clears the starting weights a transfer recipe set', () => {
    const transfer = applyRecipe(USER, recipeById('article-probe')!);
    const c = applyRecipe(transfer, recipeById('he2015')!);
    expect(c.train).toMatchObject({ initWeights: '', freeze: 'none' });
    expect(recipeOf(c)?.id).toBe('he2015');
  });
});
