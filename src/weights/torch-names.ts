// PyTorch's names for the engine's variables, and the layout each is stored
// in, read from the layer tree (src/arch). One table a preset family: the
// names users have in their checkpoints,
//
//   * the CIFAR ResNets as akamaster's resnet.py, the most used PyTorch
//     implementation (conv1, bn1, layer1.0.conv1, ..., linear; option A
//     shortcuts hold no weights, option B's are shortcut.0 and shortcut.1);
//   * the ImageNet ResNets as torchvision (conv1, bn1, layer1.0.conv1, ...,
//     layerN.0.downsample.0/1, fc), which timm's resnet.py keeps, with timm's
//     names for what only timm has: the deep stem (conv1.0/1/3/4/6, bn1),
//     avgDown shortcuts (downsample.0 the pool, .1 the conv, .2 the BN) and
//     squeeze-and-excitation (se.fc1, se.fc2, 1×1 convolutions);
//   * pre-activation ResNets under their family's names, the block's BNs
//     bn1..bn3 before the convolutions they feed and the final BN 'bn', as
//     bearpaw's pytorch-classification preresnet.py (the usual PyTorch
//     layout of He et al. 2016; timm's resnetv2 lays the net out otherwise);
//     the projection shortcut has no BN (downsample.0 / shortcut.0);
//   * the ResNet + Transformer hybrid: the ResNet under torchvision's or
//     timm's names, the encoder under timm's VisionTransformer's
//     (patch_embed.proj, cls_token, pos_embed, blocks.i.norm1, attn.qkv,
//     attn.proj, norm2, mlp.fc1, mlp.fc2, norm, head);
//   * VGG and AlexNet as torchvision (features.i, classifier.i, indices of
//     their nn.Sequential);
//   * DenseNet-121 as torchvision (features.conv0, norm0,
//     denseblockB.denselayerL.norm1/conv1/norm2/conv2, transitionT.norm/conv,
//     norm5, classifier);
//   * EfficientNet-B0 as torchvision (features.0.0/1 the stem's conv and BN,
//     features.S.B.block.i the MBConv's expand, depthwise, SE and project
//     modules in that order, i counting only those present, so from the
//     depthwise where there is no expand; features.8.0/1 the head's conv and
//     BN, classifier.1).
//
// Layouts: convolution kernels are [kh, kw, in/groups, out] here and
// [out, in/groups, kh, kw] in torch, a depthwise one [kh, kw, 1, C] against
// [C, 1, kh, kw] (the same permutation); dense kernels [in, out] here and
// [out, in] in torch (a Linear's weight); the first dense layer after a
// flatten also reorders its inputs, the engine flattening H, W, C and torch
// C, H, W; SE's fully connected layers are 1×1 convolutions in timm and
// torchvision's EfficientNet. BN's gamma, beta, running mean and variance
// are the same vectors.
// Pure TS: no TF.js.
import type { ModelConfig } from '../config/types';
import type { LayerOp } from '../arch/ops';

/** Whose names a checkpoint uses. */
export type Naming = 'torchvision' | 'timm' | 'akamaster';

/** How one tensor is laid out in torch against the engine. */
export type Layout =
  | { kind: 'same' }
  /** Engine [kh, kw, in, out] <-> torch [out, in, kh, kw]. */
  | { kind: 'conv' }
  /** Engine [in, out] <-> torch [out, in]. */
  | { kind: 'dense' }
  /** Engine [in, out] <-> torch [out, in, 1, 1] (timm's SE). */
  | { kind: 'dense1x1' }
  /** The same values, torch's shape with `ones` leading 1s (timm's cls_token [1, 1, D], pos_embed [1, T, D]). */
  | { kind: 'lead'; ones: number }
  /** A dense layer after a flatten of an h×w×c map: engine rows in (h, w, c) order, torch columns in (c, h, w) order. */
  | { kind: 'denseFromMap'; height: number; width: number; channels: number };

export interface TorchName {
  /** The engine's variable, e.g. 'stage1.block0.conv1.kernel' or 'stem.bn.movingMean'. */
  engine: string;
  /** The checkpoint's key, e.g. 'layer1.0.conv1.weight'. */
  torch: string;
  layout: Layout;
}

/** What a preset family's checkpoints are usually named by; the first is the default. */
export function namingsFor(cfg: ModelConfig): Naming[] {
  switch (cfg.family) {
    case 'cifar-resnet':
      return ['akamaster'];
    case 'resnet':
      return ['torchvision', 'timm'];
    case 'vgg':
    case 'alexnet':
    case 'densenet':
    case 'efficientnet':
      return ['torchvision'];
    default:
      return [];
  }
}

/** The naming a net's checkpoints most likely use: timm's where only timm has the layers (deep stem, avgDown, SE). */
export function defaultNaming(cfg: ModelConfig): Naming | null {
  if (cfg.family === 'resnet' && (cfg.stem === 'deep' || cfg.shortcut === 'avgDown' || cfg.se > 0)) return 'timm';
  return namingsFor(cfg)[0] ?? null;
}

/** The refusal for a family without PyTorch names. */
export function noNames(cfg: ModelConfig): string {
  return `${cfg.family} nets have no PyTorch names yet (ResNets, VGG, AlexNet, DenseNet and EfficientNet do)`;
}

export class NamingError extends Error {
  override name = 'NamingError';
}

/** The suffixes of the engine's variables and torch's, per op. */
const BN_SUFFIXES: ReadonlyArray<[string, string]> = [['gamma', 'weight'], ['beta', 'bias'], ['movingMean', 'running_mean'], ['movingVariance', 'running_var']];

/**
 * Every variable of the net built from `cfg` (its layer tree `ops`), with
 * torch's name and layout under `naming`. Throws NamingError naming what has
 * no name there (a family or a knob no PyTorch implementation has).
 */
export function torchNames(cfg: ModelConfig, ops: readonly LayerOp[], naming: Naming): TorchName[] {
  if (!namingsFor(cfg).includes(naming)) {
    const known = namingsFor(cfg);
    throw new NamingError(known.length > 0
      ? `${cfg.family} nets have no ${naming} names; use ${known.join(' or ')}`
      : noNames(cfg));
  }
  if (cfg.family === 'densenet') return densenetNames(ops);
  if (cfg.family === 'efficientnet') return efficientnetNames(cfg, ops);
  return cfg.family === 'vgg' || cfg.family === 'alexnet' ? sequentialNames(cfg, ops) : resnetNames(cfg, ops, naming);
}

/** One op's variables under torch's module name `module`. */
function variables(op: LayerOp, module: string, layout: Layout = op.op === 'conv' ? { kind: 'conv' } : { kind: 'dense' }): TorchName[] {
  switch (op.op) {
    case 'conv': {
      const out: TorchName[] = [{ engine: `${op.name}.kernel`, torch: `${module}.weight`, layout }];
      if (op.bias) out.push({ engine: `${op.name}.bias`, torch: `${module}.bias`, layout: { kind: 'same' } });
      return out;
    }
    case 'dense':
      return [
        { engine: `${op.name}.kernel`, torch: `${module}.weight`, layout },
        { engine: `${op.name}.bias`, torch: `${module}.bias`, layout: { kind: 'same' } },
      ];
    case 'bn':
      return BN_SUFFIXES.map(([e, t]) => ({ engine: `${op.name}.${e}`, torch: `${module}.${t}`, layout: { kind: 'same' } }));
    case 'se':
      return [
        ...variables({ op: 'dense', name: `${op.name}.fc1`, units: op.squeeze }, `${module}.fc1`, { kind: 'dense1x1' }),
        ...variables({ op: 'dense', name: `${op.name}.fc2`, units: 0 }, `${module}.fc2`, { kind: 'dense1x1' }),
      ];
    case 'tokens': {
      const at = module === '' ? '' : `${module}.`;
      return [
        { engine: `${op.name}.cls`, torch: `${at}cls_token`, layout: { kind: 'lead', ones: 2 } },
        { engine: `${op.name}.pos`, torch: `${at}pos_embed`, layout: { kind: 'lead', ones: 1 } },
      ];
    }
    case 'layerNorm':
      return [
        { engine: `${op.name}.gamma`, torch: `${module}.weight`, layout: { kind: 'same' } },
        { engine: `${op.name}.beta`, torch: `${module}.bias`, layout: { kind: 'same' } },
      ];
    case 'attention':
      return [
        ...variables({ op: 'dense', name: `${op.name}.qkv`, units: 0 }, `${module}.qkv`),
        ...variables({ op: 'dense', name: `${op.name}.proj`, units: 0 }, `${module}.proj`),
      ];
    default:
      return [];
  }
}

/** Every op with variables, in forward order, residual branches and shortcuts included. */
function weighted(ops: readonly LayerOp[]): Array<Extract<LayerOp, { name: string }>> {
  const out: Array<Extract<LayerOp, { name: string }>> = [];
  for (const op of ops) {
    if (op.op === 'residual') out.push(...weighted(op.branch), ...weighted(op.shortcut));
    else if (op.op === 'concat') out.push(...weighted(op.branch));
    else if (op.op === 'conv' || op.op === 'dense' || op.op === 'bn' || op.op === 'se' || op.op === 'tokens' || op.op === 'layerNorm' || op.op === 'attention') out.push(op);
  }
  return out;
}

/** Deep stem (timm): conv1 = Sequential(conv, bn, act, conv, bn, act, conv), then bn1. */
const DEEP_STEM: Readonly<Record<string, string>> = {
  'stem.conv1': 'conv1.0', 'stem.bn1': 'conv1.1', 'stem.conv2': 'conv1.3', 'stem.bn2': 'conv1.4', 'stem.conv3': 'conv1.6', 'stem.bn3': 'bn1',
};

/** The hybrid's encoder: 'encoder.proj', 'encoder.embed', 'encoder.layer{i}.{ln1,attn,ln2,mlp.fc1,mlp.fc2}', 'encoder.norm'. */
const ENCODER = /^encoder\.(?:(proj|embed|norm)|layer(\d+)\.(ln1|attn|ln2|mlp\.fc1|mlp\.fc2))$/;

/** timm's VisionTransformer's module for an encoder layer: '' for the tokens (cls_token and pos_embed sit at the top). */
function encoderModule([, top, index, part]: RegExpExecArray): string {
  if (top !== undefined) return { proj: 'patch_embed.proj', embed: '', norm: 'norm' }[top] as string;
  return `blocks.${index}.${{ ln1: 'norm1', ln2: 'norm2' }[part as string] ?? part}`;
}

function resnetNames(cfg: ModelConfig, ops: readonly LayerOp[], naming: Naming): TorchName[] {
  const akamaster = naming === 'akamaster';
  // avgDown's shortcut is pool, conv, BN in one Sequential (timm's downsample_avg).
  const shortcutBase = cfg.shortcut === 'avgDown' ? 1 : 0;
  const module = (name: string): string => {
    if (name === 'stem.conv') return 'conv1';
    if (name === 'stem.bn') return 'bn1';
    const deep = DEEP_STEM[name];
    if (deep !== undefined) {
      if (naming !== 'timm') throw new NamingError(`the deep stem (${name}) has timm's names only: choose timm`);
      return deep;
    }
    if (name === 'fc') return akamaster ? 'linear' : cfg.transformerLayers > 0 ? 'head' : 'fc';
    const encoder = ENCODER.exec(name);
    if (encoder !== null) return encoderModule(encoder);
    if (name === 'head.bn') return 'bn'; // pre-activation's final BN (bearpaw's preresnet.py)
    const m = /^stage(\d+)\.block(\d+)\.(.+)$/.exec(name);
    if (m === null) throw new NamingError(`${name} has no ${naming} name`);
    const [, stage, block, rest] = m as unknown as [string, string, string, string];
    const prefix = `layer${stage}.${block}`;
    if (/^(conv|bn)\d$/.test(rest)) return `${prefix}.${rest}`;
    if (rest === 'se') {
      if (naming !== 'timm') throw new NamingError(`squeeze-and-excitation (${name}) has timm's names only: choose timm`);
      return `${prefix}.se`;
    }
    if (rest === 'shortcut.conv' || rest === 'shortcut.bn') {
      const index = shortcutBase + (rest === 'shortcut.conv' ? 0 : 1);
      if (shortcutBase > 0 && naming !== 'timm') throw new NamingError(`avgDown shortcuts (${name}) have timm's names only: choose timm`);
      return `${prefix}.${akamaster ? 'shortcut' : 'downsample'}.${index}`;
    }
    throw new NamingError(`${name} has no ${naming} name`);
  };
  return weighted(ops).flatMap((op) => variables(op, module(op.name)));
}

/** DenseNet as torchvision's densenet.py: the transition into stage s is transition(s-1); layers count from 1. */
function densenetNames(ops: readonly LayerOp[]): TorchName[] {
  const module = (name: string): string => {
    const fixed: Record<string, string> = { 'stem.conv': 'features.conv0', 'stem.bn': 'features.norm0', 'head.bn': 'features.norm5', fc: 'classifier' };
    if (fixed[name] !== undefined) return fixed[name] as string;
    const layer = /^stage(\d+)\.block(\d+)\.(bn|conv)([12])$/.exec(name);
    if (layer !== null) return `features.denseblock${layer[1]}.denselayer${Number(layer[2]) + 1}.${layer[3] === 'bn' ? 'norm' : 'conv'}${layer[4]}`;
    const transition = /^stage(\d+)\.transition\.(bn|conv)$/.exec(name);
    if (transition !== null) return `features.transition${Number(transition[1]) - 1}.${transition[2] === 'bn' ? 'norm' : 'conv'}`;
    throw new NamingError(`${name} has no torchvision name`);
  };
  return weighted(ops).flatMap((op) => variables(op, module(op.name)));
}

/**
 * EfficientNet as torchvision's efficientnet.py: features.0 the stem, features.S
 * stage S's MBConv blocks, features.{stages + 1} the head conv; each
 * Conv2dNormActivation holds its conv at .0 and its BN at .1. An MBConv's
 * block Sequential holds expand (only where the expand ratio is not 1),
 * depthwise, SE and project, numbered in that order as present.
 */
function efficientnetNames(cfg: ModelConfig, ops: readonly LayerOp[]): TorchName[] {
  if (!cfg.batchNorm) throw new NamingError('EfficientNet without batch norm has no torchvision names (torchvision\'s convolutions have no bias)');
  const list = weighted(ops);
  const stages = Math.max(0, ...list.map((op) => Number(/^stage(\d+)\./.exec(op.name)?.[1] ?? 0)));
  const expands = new Set(list.filter((op) => op.name.endsWith('.expand.conv')).map((op) => op.name.slice(0, -'.expand.conv'.length)));
  const fixed: Record<string, string> = {
    'stem.conv': 'features.0.0', 'stem.bn': 'features.0.1',
    'head.conv': `features.${stages + 1}.0`, 'head.bn': `features.${stages + 1}.1`, fc: 'classifier.1',
  };
  const module = (name: string): string => {
    if (fixed[name] !== undefined) return fixed[name] as string;
    const m = /^(stage(\d+)\.block(\d+))\.(expand|dw|se|project)(?:\.(conv|bn))?$/.exec(name);
    if (m === null) throw new NamingError(`${name} has no torchvision name`);
    const [, block, stage, index, part, layer] = m as unknown as [string, string, string, string, string, string | undefined];
    const place = ['expand', 'dw', 'se', 'project'].indexOf(part) - (expands.has(block) ? 0 : 1);
    return `features.${stage}.${index}.block.${place}${layer === undefined ? '' : layer === 'conv' ? '.0' : '.1'}`;
  };
  return list.flatMap((op) => variables(op, module(op.name)));
}

/**
 * VGG and AlexNet as torchvision's features / classifier Sequentials: every
 * module counts, weighted or not (conv, BN, ReLU, pool in features; Dropout,
 * Linear, ReLU in the classifier, dropout present in torch whatever its rate).
 */
function sequentialNames(cfg: ModelConfig, ops: readonly LayerOp[]): TorchName[] {
  const out: TorchName[] = [];
  // The Linear layers' places in torchvision's classifier: VGG's is Linear,
  // ReLU, Dropout, Linear, ReLU, Dropout, Linear; AlexNet's starts with a
  // Dropout and has none before its last Linear.
  const linears = cfg.family === 'alexnet' ? [1, 4, 6] : [0, 3, 6];
  let dense = 0;
  let index = 0;
  let inClassifier = false;
  let map: { height: number; width: number } | null = null;
  let lastChannels = 0;
  for (const op of ops) {
    switch (op.op) {
      case 'conv':
        out.push(...variables(op, `features.${index++}`));
        lastChannels = op.filters;
        break;
      case 'bn':
        out.push(...variables(op, `features.${index++}`));
        break;
      case 'relu':
      case 'maxPool':
        index++;
        break;
      case 'adaptiveAvgPool':
        map = { height: op.size, width: op.size };
        break;
      case 'flatten':
        inClassifier = true;
        break;
      case 'dropout':
        break;
      case 'dense': {
        if (!inClassifier) throw new NamingError(`${op.name} comes before the flatten, which torchvision's ${cfg.family} does not have`);
        const place = linears[dense++];
        if (place === undefined) throw new NamingError(`torchvision's ${cfg.family} has ${linears.length} Linear layers, this net more`);
        const layout: Layout = dense === 1 && map !== null ? { kind: 'denseFromMap', ...map, channels: lastChannels } : { kind: 'dense' };
        out.push(...variables(op, `classifier.${place}`, layout));
        break;
      }
      default:
        throw new NamingError(`a ${op.op} layer has no place in torchvision's ${cfg.family}`);
    }
  }
  return out;
}

/** The torch shape of an engine tensor of shape `shape` under `layout`. */
export function torchShape(layout: Layout, shape: readonly number[]): number[] {
  switch (layout.kind) {
    case 'same':
      return [...shape];
    case 'conv': {
      const [kh, kw, cin, cout] = shape as [number, number, number, number];
      return [cout, cin, kh, kw];
    }
    case 'dense':
    case 'denseFromMap':
      return [shape[1] as number, shape[0] as number];
    case 'dense1x1':
      return [shape[1] as number, shape[0] as number, 1, 1];
    case 'lead':
      return [...Array<number>(layout.ones).fill(1), ...shape];
  }
}

/**
 * Torch values (row-major in torch's shape) -> the engine's (row-major in
 * `shape`, the engine's shape). `toEngine` and `toTorch` are inverses.
 */
export function toEngine(layout: Layout, shape: readonly number[], values: Float32Array): Float32Array {
  return permute(layout, shape, values, true);
}

/** The engine's values (row-major in `shape`) -> torch's, row-major in torchShape(layout, shape). */
export function toTorch(layout: Layout, shape: readonly number[], values: Float32Array): Float32Array {
  return permute(layout, shape, values, false);
}

function permute(layout: Layout, shape: readonly number[], src: Float32Array, intoEngine: boolean): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (src.length !== n) throw new NamingError(`expected ${n} values for shape [${shape.join(', ')}], got ${src.length}`);
  if (layout.kind === 'same' || layout.kind === 'lead') return Float32Array.from(src);
  const dst = new Float32Array(n);
  // e: the engine's flat index, t: torch's; copy one way or the other.
  const move = (e: number, t: number): void => {
    if (intoEngine) dst[e] = src[t] as number;
    else dst[t] = src[e] as number;
  };
  if (layout.kind === 'conv') {
    const [kh, kw, cin, cout] = shape as [number, number, number, number];
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
      move(((y * kw + x) * cin + i) * cout + o, ((o * cin + i) * kh + y) * kw + x);
    }
    return dst;
  }
  const [rows, cols] = shape as [number, number]; // engine [in, out]
  if (layout.kind === 'denseFromMap') {
    const { height: h, width: w, channels: c } = layout;
    if (h * w * c !== rows) throw new NamingError(`a dense layer after a ${h}×${w}×${c} map needs ${h * w * c} inputs, has ${rows}`);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
      const e = (y * w + x) * c + k;
      const t = (k * h + y) * w + x;
      for (let o = 0; o < cols; o++) move(e * cols + o, o * rows + t);
    }
    return dst;
  }
  for (let r = 0; r < rows; r++) for (let o = 0; o < cols; o++) move(r * cols + o, o * rows + r);
  return dst;
}
