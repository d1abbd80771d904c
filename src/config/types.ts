// The typed run configuration: what a user can set, and nothing derived.
// Pure TS: imports no tfjs and no React, so the page, the worker, the CLI
// and the URL codec all share it.

/** Backends the engine can run on. 'auto' tries them in order of speed. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export type DatasetId = 'mnist';

/**
 * Architecture family. One builder reads every family (src/model/arch.ts);
 * FAMILY_FIELDS below says which ModelConfig fields each one reads.
 * 'cifar-resnet': He et al. 2015 §4.2, 3 stages of n blocks (6n+2 layers).
 * 'resnet': the ImageNet ResNets (He et al. 2015 Table 1) and their
 * variants (ResNeXt, Wide, SE, ResNet-D, pre-activation), as torchvision/timm,
 * and, with transformerLayers > 0, the ResNet + Transformer hybrid (ViT-hybrid,
 * Dosovitskiy et al. 2021 §3.1).
 * 'vgg', 'alexnet', 'densenet', 'efficientnet': the comparison nets, as torchvision.
 */
export type ArchFamily = 'cifar-resnet' | 'resnet' | 'vgg' | 'alexnet' | 'densenet' | 'efficientnet';

/**
 * Shortcut where a block changes shape (He et al. 2015, §4.1 and §4.2):
 * 'A' = strided identity with zero-padded channels, no parameters (the
 * paper's choice for CIFAR); 'B' = 1×1 projection (+ batch norm), as
 * torchvision; 'avgDown' = 2×2 average pool, then a stride-1 1×1 projection
 * (ResNet-D, He et al. 2019 "Bag of Tricks" §4.1; timm's avg_down).
 */
export type ShortcutType = 'A' | 'B' | 'avgDown';

/** Residual block: two 3×3 convolutions, or 1×1 -> 3×3 -> 1×1 with expansion 4 (He et al. 2015, §4.1). */
export type BlockType = 'basic' | 'bottleneck';

/**
 * The layers before the first stage. 'cifar': 3×3 stride-1 convolution, no
 * pooling (§4.2). 'imagenet': 7×7 stride-2 convolution, then a 3×3 stride-2
 * max-pool (Table 1). 'deep': three 3×3 convolutions (baseWidth/2,
 * baseWidth/2, baseWidth), the first with stride 2, then the max-pool
 * (ResNet-C/D of "Bag of Tricks" §4.2; timm's stem_type='deep').
 * ResNets and DenseNet read it; AlexNet reads 'cifar' as a 3×3 stride-1 conv1.
 */
export type StemType = 'cifar' | 'imagenet' | 'deep';

/**
 * 'he-normal': He et al. 2015 ("Delving Deep into Rectifiers") fan-in normal.
 * 'he-normal-zero-gamma': also zero the last BN gamma of each residual branch,
 * so every block starts as the identity (Goyal et al. 2017, §5.1).
 */
export type InitName = 'he-normal' | 'he-normal-zero-gamma';

/**
 * The model, as flat named knobs. A preset (src/config/presets.ts) is a
 * partial record over DEFAULT_MODEL; a family ignores the fields it does not
 * read (FAMILY_FIELDS). Input size and class count come from the data set.
 */
export interface ModelConfig {
  family: ArchFamily;
  /** cifar-resnet: n in the paper's 6n+2 layers, residual blocks in each of the 3 stages. */
  blocksPerStage: number;
  /**
   * Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50; for vgg the
   * convolutions per stage ([2, 2, 3, 3, 3] for VGG-16); for densenet the
   * layers per dense block ([6, 12, 24, 16] for DenseNet-121).
   */
  stageBlocks: readonly number[];
  /**
   * Channels of the first stage; each later stage doubles it (cifar-resnet:
   * 16/32/64; resnet: 64 planes, also the stem's width; vgg: 64, capped at 8×).
   * alexnet scales its 64/192/384/256/256 by baseWidth/64; densenet: the stem's width.
   */
  baseWidth: number;
  blockType: BlockType;
  stem: StemType;
  /** Groups of the bottleneck's 3×3 convolution (ResNeXt, Xie et al. 2017; torchvision `groups`). */
  cardinality: number;
  /**
   * Channels per group at base width 64 (torchvision `width_per_group`): a
   * bottleneck's inner width is floor(planes · groupWidth / 64) · cardinality · widthFactor.
   * 64 for ResNet-50, 4 for ResNeXt-50 32×4d.
   */
  groupWidth: number;
  /**
   * Wide ResNet's k (Zagoruyko & Komodakis 2016): widens a bottleneck's inner
   * width, or a basic block's channels (the stem stays). For efficientnet, the
   * width multiplier (Tan & Le 2019), channels rounded to multiples of 8.
   */
  widthFactor: number;
  /**
   * Squeeze-and-excitation reduction ratio r (Hu et al. 2018), 0 for none:
   * after a residual branch's last BN, C -> make_divisible(C / r, 8) -> C, as timm.
   */
  se: number;
  /** Pre-activation blocks, BN-ReLU before each convolution (He et al. 2016, "Identity Mappings"). */
  preact: boolean;
  /** densenet: channels each layer adds (Huang et al. 2017; 32 for DenseNet-121). */
  growthRate: number;
  /** efficientnet: depth multiplier, layers per stage = ceil(layers · depthFactor). */
  depthFactor: number;
  /** vgg and alexnet: width of the two hidden classifier layers (4096). */
  hiddenUnits: number;
  /** Dropout rate before the classifier (and between vgg/alexnet's hidden layers); 0 for none. */
  dropout: number;
  /**
   * Stochastic depth (Huang et al. 2016): the largest rate at which a
   * residual branch is dropped per sample in training, rising linearly over
   * the blocks as in torchvision's EfficientNet (0.2 for B0) and timm's
   * drop_path_rate; 0 for none.
   */
  dropPath: number;
  /** Residual additions on; off builds the plain twin with the same layers (projection shortcuts dropped). */
  skip: boolean;
  /** Batch norm after each convolution; off gives those convolutions a bias instead. */
  batchNorm: boolean;
  shortcut: ShortcutType;
  init: InitName;
  /**
   * resnet: pre-LN Transformer encoder layers after the last stage, 0 for
   * none (the ViT hybrid, Dosovitskiy et al. 2021 §3.1): the last feature
   * map's H·W positions become tokens, projected 1×1 to transformerWidth,
   * with a class token and learned position embeddings; the class token,
   * after a final LayerNorm, feeds 'fc' instead of global average pooling.
   */
  transformerLayers: number;
  /** Token width D of the encoder (ViT's hidden size; 768 for ViT-B). Must be a multiple of heads. */
  transformerWidth: number;
  /** Attention heads; each attends over D / heads channels (12 for ViT-B). */
  heads: number;
  /** The MLP's hidden width per token width: hidden = mlpRatio · D (4 in ViT). */
  mlpRatio: number;
}

/** The ModelConfig fields each family reads (for labels, controls and preset matching). */
export const FAMILY_FIELDS = {
  'cifar-resnet': ['blocksPerStage', 'baseWidth', 'blockType', 'stem', 'cardinality', 'groupWidth', 'widthFactor', 'se', 'preact', 'dropout', 'dropPath', 'skip', 'batchNorm', 'shortcut', 'init'],
  resnet: ['stageBlocks', 'baseWidth', 'blockType', 'stem', 'cardinality', 'groupWidth', 'widthFactor', 'se', 'preact', 'dropout', 'dropPath', 'skip', 'batchNorm', 'shortcut', 'init', 'transformerLayers', 'transformerWidth', 'heads', 'mlpRatio'],
  vgg: ['stageBlocks', 'baseWidth', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  alexnet: ['baseWidth', 'stem', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  densenet: ['stageBlocks', 'baseWidth', 'stem', 'growthRate', 'batchNorm', 'init'],
  efficientnet: ['widthFactor', 'depthFactor', 'dropout', 'dropPath', 'skip', 'batchNorm', 'init'],
} as const satisfies Record<ArchFamily, readonly (Exclude<keyof ModelConfig, 'family'>)[]>;

export type OptimizerName = 'sgd' | 'momentum' | 'adam';

export interface TrainConfig {
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Used by 'momentum'. */
  momentum: number;
  /** L2 penalty added to the loss, on kernels only (not BN or biases). */
  weightDecay: number;
  epochs: number;
  /** Stop after this many steps even mid-epoch; 0 means run all epochs. */
  maxSteps: number;
  seed: number;
  backend: BackendChoice;
}

export interface DataConfig {
  dataset: DatasetId;
  /** Train on the first N shuffled training images; 0 means all. */
  trainSubset: number;
  /** Evaluate on the first N test images; 0 means all. */
  testSubset: number;
}

export interface Config {
  model: ModelConfig;
  train: TrainConfig;
  data: DataConfig;
}

/** Depth as the paper counts it: 6n+2 weighted layers. */
export function cifarDepth(blocksPerStage: number): number {
  return 6 * blocksPerStage + 2;
}
