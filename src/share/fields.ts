// The one table of every way a config is spelled, FIELDS: per Config leaf,
// its short URL key, its kind (which fixes the allowed values, with the
// limits of src/config/validate.ts), a line of help, and its command-line
// flag and aliases. The URL codec (url.ts), the JSON reader (json.ts) and the
// CLI's flags and help (src/cli/flags.ts) all read it, as tensorflow/
// playground's PROPS in src/state.ts is read by one serializer and one parser.
// Also here: a field's value from its text (parseValue), shared by them all.
// Pure TS: imports no tfjs and no React, and has no side effects.
import type { ConfigPath, PathOf, ValueAt } from '../config/path';
import { checkList, checkNumber, LIMITS, type ListField, type NumericField } from '../config/validate';

/**
 * A field's names on the command line: the flag (default: the URL key) and
 * the older names that still work. Every name means one field.
 */
interface CliNames {
  flag?: string;
  aliases?: readonly string[];
}

function spelling<const K extends string>(key: K, help: string, cli: CliNames = {}) {
  return { key, help, flag: cli.flag ?? key, aliases: cli.aliases ?? ([] as readonly string[]) };
}

/** A whole number or a float, ranged by LIMITS[path]; the kind follows LIMITS, so the two cannot disagree. */
function num<const K extends string, const P extends NumericField>(key: K, path: P, help: string, cli?: CliNames) {
  const kind: 'int' | 'float' = LIMITS[path].integer ? 'int' : 'float';
  return { ...spelling(key, help, cli), path, kind };
}
/** Written as on|off. */
function bool<const K extends string, const P extends PathOf<boolean>>(key: K, path: P, help: string, cli?: CliNames) {
  return { ...spelling(key, help, cli), path, kind: 'bool' as const };
}
/** A list of whole numbers, written joined by '-' (`blocks=3-4-6-3`), ranged by LIST_LIMITS[path]. */
function ints<const K extends string, const P extends ListField>(key: K, path: P, help: string, cli?: CliNames) {
  return { ...spelling(key, help, cli), path, kind: 'ints' as const };
}
/** A web address, http(s) only, or '' for none; kept as written. */
function address<const K extends string, const P extends PathOf<string>>(key: K, path: P, help: string, cli?: CliNames) {
  return { ...spelling(key, help, cli), path, kind: 'url' as const };
}
/** A name or a path, kept as written (printable, at most MAX_TEXT_LENGTH characters), or '' for none. */
function text<const K extends string, const P extends PathOf<string>>(key: K, path: P, help: string, cli?: CliNames) {
  return { ...spelling(key, help, cli), path, kind: 'text' as const };
}
/** The allowed values, as a record so that the compiler checks them against the type: none missing, none extra. */
function oneOf<const K extends string, const P extends PathOf<string>>(key: K, path: P, values: Record<ValueAt<P> & string, true>, help: string, cli?: CliNames) {
  return { ...spelling(key, help, cli), path, kind: 'enum' as const, values: Object.keys(values) as readonly string[] };
}

/**
 * The key table, in the order encode writes and the CLI's help lists. The
 * UI may read it (kinds, limits). CLI names: the URL key, except
 * model.stageBlocks, whose flag is --stage-blocks because --blocks has long
 * meant blocks per stage on the command line (an alias of n), and
 * train.initWeights, whose flag --init-weights says it takes a file.
 */
export const FIELDS = [
  oneOf('family', 'model.family', { 'cifar-resnet': true, resnet: true, vgg: true, alexnet: true, densenet: true, efficientnet: true }, 'architecture family'),
  num('n', 'model.blocksPerStage', 'cifar-resnet: blocks per stage, n in 6n+2 layers', { aliases: ['blocks'] }),
  ints('blocks', 'model.stageBlocks', 'blocks per stage, one number a stage (vgg: convs; densenet: layers)', { flag: 'stage-blocks' }),
  num('width', 'model.baseWidth', 'channels of the first stage'),
  oneOf('block', 'model.blockType', { basic: true, bottleneck: true }, 'residual block: two 3×3 convs, or 1×1-3×3-1×1'),
  oneOf('stem', 'model.stem', { cifar: true, imagenet: true, deep: true }, 'layers before the first stage'),
  num('input', 'model.inputSize', 'resize the images to N×N first (0: keep their size)'),
  num('groups', 'model.cardinality', "groups of the bottleneck's 3×3 conv (ResNeXt)"),
  num('groupwidth', 'model.groupWidth', 'channels per group at width 64', { aliases: ['group-width'] }),
  num('widen', 'model.widthFactor', 'width factor (Wide ResNet k; efficientnet width)'),
  num('se', 'model.se', 'squeeze-and-excitation reduction (0: none)'),
  bool('preact', 'model.preact', 'pre-activation blocks (BN-ReLU before each conv)'),
  num('growth', 'model.growthRate', 'densenet: channels each layer adds'),
  num('deepen', 'model.depthFactor', 'efficientnet: depth multiplier'),
  num('hidden', 'model.hiddenUnits', 'vgg, alexnet: width of the hidden classifier layers'),
  num('dropout', 'model.dropout', 'dropout before the classifier'),
  num('droppath', 'model.dropPath', 'stochastic depth: the largest drop rate'),
  bool('skip', 'model.skip', 'residual connections (off: the plain twin)'),
  bool('bn', 'model.batchNorm', 'batch norm (off: conv biases instead)'),
  oneOf('shortcut', 'model.shortcut', { A: true, B: true, avgDown: true }, 'where shapes change: A zero-pad, B 1×1 projection, avgDown ResNet-D'),
  oneOf('init', 'model.init', { 'he-normal': true, 'he-normal-zero-gamma': true }, "He normal; zero-gamma also zeroes each branch's last BN"),
  num('tlayers', 'model.transformerLayers', 'resnet: Transformer layers after the last stage (0: none)'),
  num('twidth', 'model.transformerWidth', 'token width of the Transformer'),
  num('heads', 'model.heads', 'attention heads'),
  num('mlpratio', 'model.mlpRatio', "the Transformer MLP's width per token width"),
  num('batch', 'train.batchSize', 'batch size'),
  oneOf('opt', 'train.optimizer', { sgd: true, momentum: true, nesterov: true, adam: true, adamw: true }, 'optimizer (adamw: decoupled weight decay)', { aliases: ['optimizer'] }),
  num('lr', 'train.learningRate', 'learning rate (the peak of the schedule)'),
  oneOf('sched', 'train.schedule', { constant: true, step: true, multistep: true, cosine: true, onecycle: true, warmup: true }, 'learning-rate schedule', { aliases: ['schedule'] }),
  num('warmup', 'train.warmupEpochs', 'warmup, cosine: epochs of linear warm-up', { aliases: ['warmup-epochs'] }),
  num('decayevery', 'train.decayEvery', 'step: epochs between decays', { aliases: ['decay-every'] }),
  num('decay', 'train.decayFactor', 'step: factor per decay', { aliases: ['decay-factor'] }),
  num('mom', 'train.momentum', 'momentum (momentum, nesterov; onecycle cycles it 0.95-0.85-0.95 as torch)'),
  num('wd', 'train.weightDecay', 'weight decay, on kernels', { aliases: ['weight-decay'] }),
  num('smooth', 'train.labelSmoothing', 'label smoothing ε', { aliases: ['label-smoothing'] }),
  num('epochs', 'train.epochs', 'epochs'),
  num('steps', 'train.maxSteps', 'stop after N steps (0: run all epochs)'),
  num('seed', 'train.seed', 'seed for weights and shuffling'),
  oneOf('backend', 'train.backend', { auto: true, webgpu: true, webgl: true, wasm: true, cpu: true }, 'backend (auto: the fastest that starts)'),
  text('weights', 'train.initWeights', 'start from these weights (CLI: a .pth/.safetensors file)', { flag: 'init-weights' }),
  oneOf('freeze', 'train.freeze', { none: true, head: true, stage1: true, stage2: true, stage3: true, stage4: true, stage5: true }, 'with weights: none, head (linear probe), stageN frozen'),
  num('headlr', 'train.headLrScale', "the classifier's rate as a multiple of lr"),
  oneOf('data', 'data.dataset', { mnist: true, fashion: true, cifar10: true, cifar100: true, folder: true }, 'data set (folder: your own images, --images)', { aliases: ['dataset'] }),
  num('subset', 'data.trainSubset', 'train on the first N images (0: all)'),
  num('test', 'data.testSubset', 'evaluate on the first N test images (0: all)', { aliases: ['test-subset'] }),
  bool('crop', 'data.randomCrop', 'augmentation: pad 4, then a random crop'),
  bool('flip', 'data.horizontalFlip', 'augmentation: random left-right mirror'),
  bool('cutout', 'data.cutout', 'augmentation: zero a random square'),
  oneOf('norm', 'data.normalize', { dataset: true, imagenet: true }, "normalize by the data's mean/std, or ImageNet's"),
  address('dataurl', 'data.dataUrl', "a mirror of the CIFAR tarball, for the page's Fetch"),
  text('images', 'data.images', 'data folder: a folder or zip of images, CLASS/IMAGE or train|test/CLASS/IMAGE'),
  num('size', 'data.imageSize', 'data folder: the side images are fitted to'),
  oneOf('fit', 'data.fit', { crop: true, pad: true }, 'data folder: crop to the centre square, or pad the whole image'),
  num('testshare', 'data.testShare', 'data folder without train/ and test/: the share of each class held out'),
  num('classes', 'data.classes', 'data folder: its classes (set when it is read)'),
] as const;

export type Field = (typeof FIELDS)[number];

// Compile-time check that every Config leaf has a row: a new Config field
// without a URL key fails here.
type Uncovered = Exclude<ConfigPath, Field['path']>;
const allCovered: [Uncovered] extends [never] ? true : Uncovered = true;
void allCovered;

// Maps, not objects, so that keys such as '__proto__' are plain misses.
const BY_KEY: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [f.key, f]));
const BY_PATH: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [f.path, f]));

/** The row of a URL key, e.g. 'n'; undefined for anything else. */
export function fieldByKey(key: string): Field | undefined {
  return BY_KEY.get(key);
}

/** The row of a Config path, e.g. 'model.skip'; undefined for anything else. */
export function fieldByPath(path: string): Field | undefined {
  return BY_PATH.get(path);
}

/** Shown in messages: quoted, escaped, and cut short. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

// Plain decimal or exponent notation only: Number() alone would also take
// '', ' ', '0x10', '0b1' and 'Infinity'.
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A field's value from its text as the URL writes it (formatValue's form).
 * `expected` when the text is not of the field's kind (the caller says
 * where, e.g. `${path} must be ${expected}, got ...`); `message` when it is
 * but out of range (naming the Config path).
 */
export function parseValue(field: Field, raw: string): { value: unknown } | { expected: string } | { message: string } {
  switch (field.kind) {
    case 'int':
    case 'float': {
      if (!NUMBER.test(raw)) return { expected: 'a number' };
      const value = Number(raw) + 0; // + 0 turns -0 into 0
      const message = checkNumber(field.path, value);
      return message ? { message } : { value };
    }
    case 'bool':
      if (raw === 'on' || raw === 'off') return { value: raw === 'on' };
      return { expected: 'on or off' };
    case 'enum':
      if (field.values.includes(raw)) return { value: raw };
      return { expected: `one of ${field.values.join(', ')}` };
    case 'url': {
      const message = checkAddress(field.path, raw);
      return message ? { message } : { value: raw };
    }
    case 'text': {
      const message = checkText(field.path, raw);
      return message ? { message } : { value: raw };
    }
    case 'ints': {
      const parts = raw.split('-');
      if (!parts.every((p) => /^\d{1,9}$/.test(p))) return { expected: "whole numbers joined by '-', e.g. 3-4-6-3" };
      const value = parts.map(Number);
      const message = checkList(field.path, value);
      return message ? { message } : { value };
    }
  }
}

/** Longest name or path accepted. */
export const MAX_TEXT_LENGTH = 500;

/** Why `raw` is not a usable name ('' is: it means none). */
export function checkText(path: string, raw: string): string | undefined {
  if (raw.length > MAX_TEXT_LENGTH) return `${path} must be at most ${MAX_TEXT_LENGTH} characters, got ${raw.length}`;
  // Control characters would garble a message or a terminal.
  if (/[\u0000-\u001f\u007f]/.test(raw)) return `${path} must be printable text, got ${quote(raw)}`;
  return undefined;
}

/** Longest address accepted: a mirror's URL, not a payload. */
export const MAX_ADDRESS_LENGTH = 2000;

/** Why `raw` is not a usable address ('' is: it means none). */
export function checkAddress(path: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.length > MAX_ADDRESS_LENGTH) return `${path} must be at most ${MAX_ADDRESS_LENGTH} characters, got ${raw.length}`;
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) return `${path} must be an http or https address, got ${quote(raw)}`;
  return undefined;
}
