// Presets are data: each is a partial ModelConfig over the defaults, read by
// the one builder in src/model/arch.ts. Pure TS: no tfjs, no React.
import type { Config, ModelConfig } from './types';

/** The CIFAR ResNets of He et al. 2015, §4.2: depth 6n+2, 16/32/64 channels, option A. */
export const PRESETS = {
  resnet20: { family: 'cifar-resnet', blocksPerStage: 3 },
  resnet32: { family: 'cifar-resnet', blocksPerStage: 5 },
  resnet44: { family: 'cifar-resnet', blocksPerStage: 7 },
  resnet56: { family: 'cifar-resnet', blocksPerStage: 9 },
  resnet110: { family: 'cifar-resnet', blocksPerStage: 18 },
} as const satisfies Record<string, Partial<ModelConfig>>;

export type PresetId = keyof typeof PRESETS;
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

export function isPresetId(id: string): id is PresetId {
  return Object.prototype.hasOwnProperty.call(PRESETS, id);
}

export const DEFAULT_MODEL: ModelConfig = {
  family: 'cifar-resnet',
  blocksPerStage: 3,
  baseWidth: 16,
  skip: true,
  batchNorm: true,
  shortcut: 'A',
  init: 'he-normal',
};

export const DEFAULT_CONFIG: Config = {
  model: DEFAULT_MODEL,
  train: {
    batchSize: 32,
    optimizer: 'momentum',
    // He et al. 2015 §4.2 start at 0.1 with batch 128; scaled linearly to batch 32.
    learningRate: 0.025,
    momentum: 0.9,
    weightDecay: 1e-4,
    epochs: 2,
    maxSteps: 0,
    seed: 1,
    backend: 'auto',
  },
  data: { dataset: 'mnist', trainSubset: 0, testSubset: 0 },
};

/** A fresh copy of the defaults with one preset applied. */
export function configFromPreset(id: PresetId, base: Config = DEFAULT_CONFIG): Config {
  return { ...base, model: { ...base.model, ...PRESETS[id] }, train: { ...base.train }, data: { ...base.data } };
}

/** The preset id that matches a model config exactly, if any (e.g. for labels). */
export function presetOf(model: ModelConfig): PresetId | undefined {
  return PRESET_IDS.find((id) =>
    Object.entries(PRESETS[id]).every(([k, v]) => model[k as keyof ModelConfig] === v),
  );
}
