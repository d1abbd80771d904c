// Presets are data: each is a partial ModelConfig over DEFAULT_MODEL, read by
// the one builder in src/arch/arch.ts. Ids follow torchvision and timm. A
// new variant is a new record, never a new builder. Pure TS: no tfjs, no React.
import { FAMILY_FIELDS, type Config, type ModelConfig } from './types';

/** torchvision's ImageNet ResNets: `resnet50` is its block type and [3, 4, 6, 3]. */
const IMAGENET_RESNET = { family: 'resnet', stem: 'imagenet', baseWidth: 64, shortcut: 'B' } as const;

/**
 * Every preset. Counts at 224×224×3 and 1000 classes, CIFAR ones at 32×32×3
 * and 10 classes, are asserted in src/arch/arch.test.ts (resnet_transformer's
 * in src/model/transformer.test.ts).
 *
 * | id               | source      | what it is                                              |
 * |------------------|-------------|---------------------------------------------------------|
 * | resnet20…110     | He 2015 §4.2| CIFAR ResNets, 6n+2 layers, 16/32/64 channels, option A  |
 * | resnet18, 34     | torchvision | basic blocks, [2,2,2,2] and [3,4,6,3]                    |
 * | resnet50…152     | torchvision | bottlenecks, [3,4,6,3], [3,4,23,3], [3,8,36,3]           |
 * | resnext50_32x4d  | torchvision | 32 groups of 4 channels in the 3×3                       |
 * | wide_resnet50_2  | torchvision | bottleneck inner width ×2                                |
 * | seresnet50       | timm        | squeeze-and-excitation, r = 16                          |
 * | resnet50d        | timm        | deep 3×3 stem, average pool in the projection shortcut   |
 * | vgg16            | torchvision | 13 3×3 convolutions, 3 dense layers, no BN               |
 * | alexnet          | torchvision | 5 convolutions, 3 dense layers, no BN                    |
 * | densenet121      | torchvision | growth 32, [6,12,24,16] layers                           |
 * | efficientnet_b0  | torchvision | MBConv stages, width and depth 1.0                       |
 * | resnet_transformer | ViT-hybrid| ResNet-18's first 3 stages, then 2 encoder layers, D 256 |
 */
export const MODEL_PRESETS = {
  resnet20: { family: 'cifar-resnet', blocksPerStage: 3 },
  resnet32: { family: 'cifar-resnet', blocksPerStage: 5 },
  resnet44: { family: 'cifar-resnet', blocksPerStage: 7 },
  resnet56: { family: 'cifar-resnet', blocksPerStage: 9 },
  resnet110: { family: 'cifar-resnet', blocksPerStage: 18 },
  resnet18: { ...IMAGENET_RESNET, blockType: 'basic', stageBlocks: [2, 2, 2, 2] },
  resnet34: { ...IMAGENET_RESNET, blockType: 'basic', stageBlocks: [3, 4, 6, 3] },
  resnet50: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 6, 3] },
  resnet101: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 23, 3] },
  resnet152: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 8, 36, 3] },
  resnext50_32x4d: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 6, 3], cardinality: 32, groupWidth: 4 },
  wide_resnet50_2: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 6, 3], widthFactor: 2 },
  seresnet50: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 6, 3], se: 16 },
  resnet50d: { ...IMAGENET_RESNET, blockType: 'bottleneck', stageBlocks: [3, 4, 6, 3], stem: 'deep', shortcut: 'avgDown' },
  vgg16: { family: 'vgg', stageBlocks: [2, 2, 3, 3, 3], baseWidth: 64, batchNorm: false, hiddenUnits: 4096, dropout: 0.5 },
  alexnet: { family: 'alexnet', stem: 'imagenet', baseWidth: 64, batchNorm: false, hiddenUnits: 4096, dropout: 0.5 },
  densenet121: { family: 'densenet', stem: 'imagenet', stageBlocks: [6, 12, 24, 16], baseWidth: 64, growthRate: 32 },
  efficientnet_b0: { family: 'efficientnet', widthFactor: 1, depthFactor: 1, dropout: 0.2, dropPath: 0.2 },
  // ViT-hybrid (Dosovitskiy et al. 2021 §3.1) scaled to 32×32 inputs. The
  // paper's R50+ViT-B/16 keeps ResNet-50's first 3 stages, so tokens come from
  // a stride-16 map (14×14 at 224). Here ResNet-18's basic [2, 2, 2] with the
  // CIFAR stem give a stride-4 map: 8×8 = 64 tokens of 256 channels at 32×32,
  // enough positions for attention to matter at a CIFAR-sized cost. D = 256
  // keeps the stage-3 width (the 1×1 projection stays square); 4 heads of 64
  // channels are ViT's head size; mlpRatio 4 is ViT's; 2 layers keep the
  // encoder (~1.6 M parameters) below the convolutional part (~2.8 M).
  resnet_transformer: {
    family: 'resnet', stem: 'cifar', baseWidth: 64, blockType: 'basic', stageBlocks: [2, 2, 2], shortcut: 'B',
    transformerLayers: 2, transformerWidth: 256, heads: 4, mlpRatio: 4,
  },
} as const satisfies Record<string, Partial<ModelConfig>>;

export type ModelPresetId = keyof typeof MODEL_PRESETS;
export const MODEL_PRESET_IDS = Object.keys(MODEL_PRESETS) as ModelPresetId[];

export function isModelPresetId(id: string): id is ModelPresetId {
  return Object.prototype.hasOwnProperty.call(MODEL_PRESETS, id);
}

/** The CIFAR family (He et al. 2015, §4.2), the depth picker's list: the same records as MODEL_PRESETS. */
export const PRESETS = {
  resnet20: MODEL_PRESETS.resnet20,
  resnet32: MODEL_PRESETS.resnet32,
  resnet44: MODEL_PRESETS.resnet44,
  resnet56: MODEL_PRESETS.resnet56,
  resnet110: MODEL_PRESETS.resnet110,
} as const;

export type PresetId = keyof typeof PRESETS;
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

export function isPresetId(id: string): id is PresetId {
  return Object.prototype.hasOwnProperty.call(PRESETS, id);
}

export const DEFAULT_MODEL: ModelConfig = {
  family: 'cifar-resnet',
  blocksPerStage: 3,
  stageBlocks: [2, 2, 2, 2],
  baseWidth: 16,
  blockType: 'basic',
  stem: 'cifar',
  inputSize: 0,
  cardinality: 1,
  groupWidth: 64,
  widthFactor: 1,
  se: 0,
  preact: false,
  growthRate: 32,
  depthFactor: 1,
  hiddenUnits: 4096,
  dropout: 0,
  dropPath: 0,
  skip: true,
  batchNorm: true,
  shortcut: 'A',
  init: 'he-normal',
  transformerLayers: 0,
  transformerWidth: 256,
  heads: 4,
  mlpRatio: 4,
};

export const DEFAULT_CONFIG: Config = {
  model: DEFAULT_MODEL,
  train: {
    batchSize: 32,
    optimizer: 'momentum',
    // He et al. 2015 §4.2 start at 0.1 with batch 128; scaled linearly to batch 32.
    learningRate: 0.025,
    schedule: 'constant',
    warmupEpochs: 1,
    decayEvery: 1,
    decayFactor: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    labelSmoothing: 0,
    epochs: 2,
    maxSteps: 0,
    seed: 1,
    backend: 'auto',
    initWeights: '',
    freeze: 'none',
    headLrScale: 1,
  },
  // Augmentation off by default: flips and crops suit CIFAR, not digits.
  data: { dataset: 'mnist', trainSubset: 0, testSubset: 0, randomCrop: false, horizontalFlip: false, cutout: false, dataUrl: '', normalize: 'dataset', images: '', imageSize: 64, fit: 'crop', testShare: 0.2, classes: 0 },
};

/** A preset's whole model: DEFAULT_MODEL with the record over it (a fresh copy). */
export function modelFromPreset(id: ModelPresetId): ModelConfig {
  return structuredClone({ ...DEFAULT_MODEL, ...MODEL_PRESETS[id] }) as ModelConfig;
}

/**
 * A fresh config with one preset's model; train and data come from `base`.
 * The model is the preset's alone (not merged over base.model), so that
 * knobs of the previous architecture, say ResNeXt's groups, do not leak in.
 */
export function configFromPreset(id: ModelPresetId, base: Config = DEFAULT_CONFIG): Config {
  return { model: modelFromPreset(id), train: { ...base.train }, data: { ...base.data } };
}

/** Whether two values of a ModelConfig field are equal (arrays element by element). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Options the issue puts on every architecture: a preset matches whatever they are, unless it sets them. */
const OPTIONS: readonly (keyof ModelConfig)[] = ['skip', 'batchNorm', 'init'];

/**
 * The preset whose architecture a model config is (e.g. for labels): the
 * same family and the same value in every field that family reads, except
 * the options (skip, batch norm, init) the preset leaves open.
 */
export function presetOf(model: ModelConfig): ModelPresetId | undefined {
  return MODEL_PRESET_IDS.find((id) => {
    const record: Partial<ModelConfig> = MODEL_PRESETS[id];
    const full = modelFromPreset(id);
    if (full.family !== model.family) return false;
    const keys = (FAMILY_FIELDS[model.family] as readonly (keyof ModelConfig)[]).filter((k) => !OPTIONS.includes(k) || k in record);
    return keys.every((k) => sameValue(model[k], full[k]));
  });
}

/**
 * Each preset's published ImageNet-1k top-1 (%, validation set, 224×224
 * centre crop), from torchvision's model cards (the IMAGENET1K_V1 weights):
 * what the architecture reaches when trained in full on ImageNet. The CIFAR
 * ResNets and the hybrid have none; seresnet50 and resnet50d have timm
 * cards only, for several weights and resolutions, so none is named here.
 */
export const PUBLISHED_TOP1: Partial<Record<ModelPresetId, number>> = {
  resnet18: 69.758,
  resnet34: 73.314,
  resnet50: 76.13,
  resnet101: 77.374,
  resnet152: 78.312,
  resnext50_32x4d: 77.618,
  wide_resnet50_2: 78.468,
  vgg16: 71.592,
  alexnet: 56.522,
  densenet121: 74.434,
  efficientnet_b0: 77.692,
};
