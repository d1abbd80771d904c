// The typed run configuration: what a user can set, and nothing derived.
// Pure TS: imports no tfjs and no React, so the page, the worker, the CLI
// and the URL codec all share it.

/** Backends the engine can run on. 'auto' tries them in order of speed. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

/**
 * 'mnist' and 'fashion' (Fashion-MNIST) are served with the app; 'cifar10'
 * and 'cifar100' come from their official binary tarballs (src/data/cifar.ts).
 */
/** The data sets; 'folder' is one's own images (data.images names them, src/data/imagefolder.ts). */
export type DatasetId = 'mnist' | 'fashion' | 'cifar10' | 'cifar100' | 'folder';

/**
 * Architecture family. One builder reads every family (src/arch/arch.ts);
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
  /**
   * Square resolution the images are resized to (bilinear) before the first
   * layer; 0 keeps the data set's own. Lets a net run at its ImageNet shape
   * (e.g. AlexNet at 224) on 28×28 or 32×32 data, at that shape's cost.
   */
  inputSize: number;
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
  'cifar-resnet': ['inputSize', 'blocksPerStage', 'baseWidth', 'blockType', 'stem', 'cardinality', 'groupWidth', 'widthFactor', 'se', 'preact', 'dropout', 'dropPath', 'skip', 'batchNorm', 'shortcut', 'init'],
  resnet: ['inputSize', 'stageBlocks', 'baseWidth', 'blockType', 'stem', 'cardinality', 'groupWidth', 'widthFactor', 'se', 'preact', 'dropout', 'dropPath', 'skip', 'batchNorm', 'shortcut', 'init', 'transformerLayers', 'transformerWidth', 'heads', 'mlpRatio'],
  vgg: ['inputSize', 'stageBlocks', 'baseWidth', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  alexnet: ['inputSize', 'baseWidth', 'stem', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  densenet: ['inputSize', 'stageBlocks', 'baseWidth', 'stem', 'growthRate', 'batchNorm', 'init'],
  efficientnet: ['inputSize', 'widthFactor', 'depthFactor', 'dropout', 'dropPath', 'skip', 'batchNorm', 'init'],
} as const satisfies Record<ArchFamily, readonly (Exclude<keyof ModelConfig, 'family'>)[]>;

/**
 * 'sgd': plain SGD. 'momentum': heavy-ball momentum, v = μv + g, w -= lr·v
 * (torch's SGD; He et al. 2015 §3.4 use 0.9). 'nesterov': Nesterov's momentum
 * in torch's form, w -= lr·(g + μv) (Sutskever et al. 2013 §3). 'adam': Adam
 * (Kingma & Ba 2015), weight decay as an L2 term in the gradient. 'adamw':
 * Adam with decoupled weight decay, w -= lr·λ·w apart from the adaptive step
 * (Loshchilov & Hutter 2019, Algorithm 2; torch's AdamW).
 */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'adamw';

/**
 * The learning rate over the run (src/config/schedule.ts has the formulas):
 * 'constant'; 'step': times decayFactor every decayEvery epochs (He et al.
 * 2015 §4.2 divide by 10); 'multistep': times decayFactor at 50% and again at
 * 75% of the run (He et al. 2015 §4.2: at 32k and 48k of 64k iterations;
 * torch's MultiStepLR); 'cosine': half a cosine from the rate down to 0
 * (Loshchilov & Hutter 2017, SGDR without restarts), after warmupEpochs of
 * linear warm-up; 'onecycle': up from rate/25 to the rate over the first 30%,
 * then down to rate/25e4, both halves cosine (Smith & Topin 2019; torch's
 * OneCycleLR defaults); 'warmup': linear warm-up over warmupEpochs, then
 * constant (Goyal et al. 2017 §2.2).
 */
export type ScheduleName = 'constant' | 'step' | 'multistep' | 'cosine' | 'onecycle' | 'warmup';

/**
 * What a run from pretrained weights trains (src/weights/freeze.ts): 'none'
 * all of it (full fine-tuning); 'head' the classifier only (a linear probe:
 * the frozen body's features are computed once per image); 'stageN' all but
 * the stem and stages 1..N.
 */
export type FreezePolicy = 'none' | 'head' | 'stage1' | 'stage2' | 'stage3' | 'stage4' | 'stage5';

export interface TrainConfig {
  batchSize: number;
  optimizer: OptimizerName;
  /** The peak rate: where the schedule starts, or what one-cycle and warm-up climb to. */
  learningRate: number;
  schedule: ScheduleName;
  /** 'warmup' and 'cosine': epochs of linear warm-up from lr/steps to lr (fractions allowed). */
  warmupEpochs: number;
  /** 'step': epochs between decays. */
  decayEvery: number;
  /** 'step' and 'multistep': the factor each decay multiplies the rate by (0.1 in He et al. 2015). */
  decayFactor: number;
  /** Used by 'momentum' and 'nesterov'. */
  momentum: number;
  /**
   * On kernels only (not BN or biases). An L2 term added to the gradient for
   * sgd, momentum, nesterov and adam (torch's weight_decay); decoupled for adamw.
   */
  weightDecay: number;
  /**
   * Label smoothing ε (Szegedy et al. 2016 §7): the target is (1 - ε)·one-hot
   * + ε/classes, in the training loss only; 0 for none.
   */
  labelSmoothing: number;
  epochs: number;
  /** Stop after this many steps even mid-epoch; 0 means run all epochs. */
  maxSteps: number;
  seed: number;
  backend: BackendChoice;
  /**
   * Where the starting weights come from, '' for none (the init above). On
   * the page, a kept weights entry's id (src/data/weights-cache.ts: a
   * catalogue id such as 'torchvision/resnet50', 'file/NAME', 'run/ID'); on
   * the command line, a file's path.
   */
  initWeights: string;
  /** With initWeights: what trains. */
  freeze: FreezePolicy;
  /**
   * The classifier's learning rate as a multiple of learningRate, as torch's
   * parameter groups give a new head its own rate: a new head starts from
   * nothing while the body is near a good solution (fastai's discriminative
   * rates; Howard & Ruder 2018 §3.2). 1: one rate for all.
   */
  headLrScale: number;
}

/**
 * Per-channel normalization of the images: 'dataset', the training split's
 * own mean and std; 'imagenet', ImageNet's (0.485, 0.456, 0.406) and
 * (0.229, 0.224, 0.225), which torchvision's and timm's pretrained weights
 * were trained with (their transforms' Normalize).
 */
export type Normalization = 'dataset' | 'imagenet';

export interface DataConfig {
  dataset: DatasetId;
  /** Train on the first N shuffled training images; 0 means all. */
  trainSubset: number;
  /** Evaluate on the first N test images; 0 means all. */
  testSubset: number;
  /** Training augmentation (He et al. 2015 §4.2): pad 4 pixels with zeros, then a random crop of the original size. */
  randomCrop: boolean;
  /** Training augmentation: mirror left-right with probability 1/2 (He et al. 2015 §4.2). */
  horizontalFlip: boolean;
  /** Training augmentation: zero a random square of half the image side, after normalization (DeVries & Taylor 2017). */
  cutout: boolean;
  /**
   * A CORS-enabled mirror of the CIFAR tarball, fetched in the data panel
   * only when the user clicks (the download size is capped); '' for none.
   */
  dataUrl: string;
  normalize: Normalization;
  /**
   * dataset 'folder': one's own images, as torchvision's ImageFolder
   * (CLASS/IMAGE, or train/ and test/ above them): on the page the name of
   * the folder or zip imported (its cache entry), in the CLI its path.
   */
  images: string;
  /** dataset 'folder': the side images are fitted to (32, 64, 96, 128 or 224). */
  imageSize: number;
  /** dataset 'folder': 'crop' keeps the centre square, 'pad' the whole image on black. */
  fit: 'crop' | 'pad';
  /** dataset 'folder' without train/ and test/ folders: each class's share held out for testing, seeded. */
  testShare: number;
  /** dataset 'folder': its classes (folders), known once imported: the classifier's outputs. */
  classes: number;
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
