// The generated parts of train.py: Python literals, the run's config as
// three commented dicts (MODEL, TRAIN, DATA: only what train.py reads), and
// the table of each layer's weight by the playground's name and PyTorch's.
// Pure TS: no TF.js.
import type { Config } from '../config/types';

/** A JSON-like value as a Python literal: True/False/None, single-quoted strings, lists. */
export function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${v} has no Python literal here`);
    return String(v);
  }
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  throw new Error(`no Python literal for ${typeof v}`);
}

/** What each key train.py reads means, in a few words (src/config/types.ts has the long story). */
const MODEL_NOTES: Readonly<Record<string, string>> = {
  family: "'cifar-resnet' (He et al. 2015 §4.2, 3 stages), 'resnet' (the ImageNet ResNets), 'vgg', 'alexnet', 'densenet' or 'efficientnet'",
  blocksPerStage: 'cifar-resnet: n blocks in each of the 3 stages (6n+2 layers)',
  stageBlocks: 'blocks per stage (vgg: convs; densenet: dense layers)',
  growthRate: "densenet: channels each dense layer adds",
  hiddenUnits: 'vgg, alexnet: width of the two hidden classifier layers',
  baseWidth: "the first stage's planes, doubled each stage (also the stem's width)",
  blockType: "'basic' (3x3, 3x3) or 'bottleneck' (1x1, 3x3, 1x1, x4)",
  stem: "'cifar' 3x3 s1; 'imagenet' 7x7 s2 + max-pool; 'deep' three 3x3 + max-pool",
  inputSize: 'images resized (bilinear) to this side inside the net; 0 keeps them',
  cardinality: "groups of a bottleneck's 3x3 (ResNeXt)",
  groupWidth: "channels per group at planes 64 (torchvision's width_per_group)",
  widthFactor: "Wide ResNet's k: the 3x3 convolutions widened (efficientnet: every width, to multiples of 8)",
  depthFactor: 'efficientnet: layers per stage multiplied (rounded up)',
  se: 'squeeze-and-excitation ratio r, 0 for none',
  dropout: 'dropout before the classifier (vgg, alexnet: in it), 0 for none',
  dropPath: 'stochastic depth: the last block\'s drop rate, rising linearly from 0',
  preact: 'pre-activation blocks (He et al. 2016): BN-ReLU before each conv, a final BN-ReLU',
  skip: 'residual connections; False: the plain twin',
  batchNorm: 'batch norm after each convolution; False: a conv bias instead',
  shortcut: "where the shape changes: 'A' zero-pad, 'B' 1x1 projection, 'avgDown' pool + projection",
  transformerLayers: 'resnet: Transformer encoder layers after the last stage (the hybrid), 0 for none',
  transformerWidth: "the hybrid: the tokens' width D",
  heads: 'the hybrid: attention heads',
  mlpRatio: "the hybrid: the encoder MLP's width per D",
  init: "'he-normal', or 'he-normal-zero-gamma' (each branch's last BN at 0)",
};

const TRAIN_NOTES: Readonly<Record<string, string>> = {
  batchSize: 'images a step',
  optimizer: "'sgd', 'momentum', 'nesterov', 'adam' or 'adamw' (torch's forms)",
  learningRate: 'the peak rate',
  schedule: "'constant', 'step', 'multistep', 'warmup', 'cosine' or 'onecycle'",
  warmupEpochs: "'warmup' and 'cosine': epochs of linear warm-up",
  decayEvery: "'step': epochs between decays",
  decayFactor: "'step': the factor of each decay",
  momentum: "'momentum' and 'nesterov': mu",
  weightDecay: 'on conv and linear weights only (not BN, not biases)',
  labelSmoothing: 'epsilon of the training loss',
  epochs: 'epochs (--epochs)',
  maxSteps: 'stop after this many steps, 0 for none (--steps)',
  seed: 'the pool, the batches, the augmentation, a fresh net (--seed)',
  freeze: "'none', 'head' (a linear probe) or 'stageN' (the stem and stages 1..N frozen)",
  headLrScale: "the classifier's rate as a multiple of the rate",
};

const DATA_NOTES: Readonly<Record<string, string>> = {
  dataset: 'what --data holds',
  trainSubset: 'train on the first N of a seeded permutation, 0 for all (--subset)',
  testSubset: 'evaluate on the first N test images, 0 for all',
  randomCrop: 'pad 4 with zeros, crop back at random (He et al. 2015 §4.2)',
  horizontalFlip: 'mirror with probability 1/2',
  cutout: 'zero a square of half the side after normalization (DeVries & Taylor 2017)',
  normalize: "'dataset': the training split's per-channel mean and std; 'imagenet': ImageNet's",
  imageSize: "'folder': the side images are fitted to",
  fit: "'folder': 'crop' the centre square, or 'pad' the whole image on black",
  testShare: "'folder' without train/ and test/: each class's share held out, seeded",
  classes: "'folder': its classes (subfolders)",
};

/** One dict of the config: `NAME = dict(` then a commented line a key (those of `keys`). */
function pyDict(name: string, values: object, notes: Readonly<Record<string, string>>, keys: readonly string[] = Object.keys(notes)): string {
  const entries = keys.map((k) => [`    ${k}=${pyValue((values as Record<string, unknown>)[k])},`, notes[k] as string] as const);
  const column = Math.max(...entries.map(([code]) => code.length)) + 2;
  return [`${name} = dict(`, ...entries.map(([code, note]) => `${code.padEnd(column)}# ${note}`), ')'].join('\n');
}

/** The MODEL keys each family's Python reads (the ResNets: all but the other families' and the other depth field). */
const FAMILY_KEYS: Readonly<Record<string, readonly string[]>> = {
  vgg: ['family', 'stageBlocks', 'baseWidth', 'inputSize', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  alexnet: ['family', 'baseWidth', 'stem', 'inputSize', 'hiddenUnits', 'dropout', 'batchNorm', 'init'],
  densenet: ['family', 'stageBlocks', 'baseWidth', 'growthRate', 'stem', 'inputSize', 'batchNorm', 'init'],
  efficientnet: ['family', 'widthFactor', 'depthFactor', 'inputSize', 'dropout', 'dropPath', 'skip', 'batchNorm', 'init'],
};

/** MODEL, TRAIN and DATA as train.py reads them. */
export function configSection(config: Config): string {
  const family = config.model.family;
  // Each family reads its own fields; the ResNets their own depth field.
  const skipped = new Set(['growthRate', 'hiddenUnits', 'depthFactor', ...(family === 'cifar-resnet' ? ['stageBlocks', 'transformerLayers', 'transformerWidth', 'heads', 'mlpRatio'] : ['blocksPerStage'])]);
  const modelKeys = FAMILY_KEYS[family] ?? Object.keys(MODEL_NOTES).filter((k) => !skipped.has(k));
  const folder = ['imageSize', 'fit', 'testShare', 'classes'];
  const dataKeys = Object.keys(DATA_NOTES).filter((k) => config.data.dataset === 'folder' || !folder.includes(k));
  return [pyDict('MODEL', config.model, MODEL_NOTES, modelKeys), pyDict('TRAIN', config.train, TRAIN_NOTES), pyDict('DATA', config.data, DATA_NOTES, dataKeys)].join('\n');
}

/** LAYERS: each weighted layer's kernel, the playground's layer name (gradient norms are keyed by it) and PyTorch's parameter. */
export function layersSection(layers: ReadonlyArray<readonly [string, string]>): string {
  const column = Math.max(...layers.map(([name]) => pyValue(name).length)) + 1;
  return ['LAYERS = [', ...layers.map(([name, torch]) => `    (${`${pyValue(name)},`.padEnd(column + 1)}${pyValue(torch)}),`), ']'].join('\n');
}

/** STAGE_OF: the playground's stage of the stem's and the stages' modules (0 the stem), by name or prefix; freeze stageN reads it. */
export function stagesSection(table: ReadonlyArray<readonly [string, number]>): string {
  const byStage = new Map<number, string[]>();
  for (const [name, stage] of table) byStage.set(stage, [...(byStage.get(stage) ?? []), `${pyValue(name)}: ${stage}`]);
  return [
    "# The playground's stage of each module of the stem (0) and the stages, by its name or a prefix: freeze stageN freezes 0..N.",
    'STAGE_OF = {',
    ...[...byStage.values()].map((entries) => `    ${entries.join(', ')},`),
    '}',
  ].join('\n');
}
