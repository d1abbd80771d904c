// The architecture as data: ModelConfig -> a tree of layer ops with stable
// names, and the one shape/parameter/MAC walk over that tree. Pure TS: no
// tfjs, no React, so the page can show the architecture without the engine.
// The families (src/arch/families/) build the tree; src/model/build.ts turns
// the same tree into TF.js variables and a forward pass.
import type { ModelConfig } from '../config/types';
import { alexnet } from './families/alexnet';
import { densenet } from './families/densenet';
import { efficientnet } from './families/efficientnet';
import { resnet } from './families/resnet';
import { vgg } from './families/vgg';
import type { LayerOp, Shape } from './ops';

export type { LayerOp, Shape } from './ops';

/** The tree for one config. Input size comes later (summarize, buildModel): the same tree fits any input it can take. */
export function buildArch(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const layers = familyArch(cfg, numClasses);
  return cfg.inputSize > 0 ? [{ op: 'resize', name: 'stem.resize', size: cfg.inputSize }, ...layers] : layers;
}

function familyArch(cfg: ModelConfig, numClasses: number): LayerOp[] {
  switch (cfg.family) {
    case 'cifar-resnet':
      // The CIFAR family does not read the encoder fields (FAMILY_FIELDS).
      return resnet({ ...cfg, transformerLayers: 0 }, numClasses, [cfg.blocksPerStage, cfg.blocksPerStage, cfg.blocksPerStage]);
    case 'resnet':
      return resnet(cfg, numClasses, cfg.stageBlocks);
    case 'vgg':
      return vgg(cfg, numClasses);
    case 'alexnet':
      return alexnet(cfg, numClasses);
    case 'densenet':
      return densenet(cfg, numClasses);
    case 'efficientnet':
      return efficientnet(cfg, numClasses);
  }
}

/** One weighted or shape-changing layer, as the architecture view lists it. */
export interface LayerSummary {
  name: string;
  op: LayerOp['op'];
  /**
   * The stage the layer belongs to, for the stage table: the first part of
   * its name when that is 'stem' or 'stageN', else 'head' (pooling, classifier).
   */
  stage: string;
  /** Output shape without the batch axis: [H, W, C], or [units] after pooling. */
  outShape: number[];
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
}

export interface ArchSummary {
  layers: LayerSummary[];
  /** Trainable parameters (BN moving statistics are not parameters). */
  params: number;
  /** Non-trainable state: BN moving mean and variance. */
  stateSize: number;
  macs: number;
  /** Conv, dense, SE and attention kernels in forward order: the gradient-norm profile's x axis. */
  kernelNames: string[];
  /** Weighted layers on the longest path, as papers count depth (conv + dense, attention as its 2 projections; no shortcuts, no SE). */
  depth: number;
  /** Output elements per image of every listed layer, summed: a memory estimate's input. */
  activations: number;
}

/** Output size of a torch-style convolution or pooling along one axis. */
export function convOut(size: number, kernel: number, stride: number, pad: number, ceil = false): number {
  const span = size + 2 * pad - kernel;
  if (!ceil) return Math.floor(span / stride) + 1;
  const out = Math.ceil(span / stride) + 1;
  // torch's ceil mode: the last window must start inside the input or its left padding.
  return (out - 1) * stride >= size + pad ? out - 1 : out;
}

/** The stage a layer name belongs to (see LayerSummary.stage). */
export function stageOf(name: string): string {
  const first = name.split('.', 1)[0] ?? '';
  return /^(stem|stage\d+|encoder)$/.test(first) ? first : 'head';
}

/** Walks the tree once: shapes, parameters, MACs and names, checking every shape. */
export function summarize(ops: LayerOp[], input: Shape): ArchSummary {
  const out: ArchSummary = { layers: [], params: 0, stateSize: 0, macs: 0, kernelNames: [], depth: 0, activations: 0 };
  const final = walk(ops, input, out, true);
  if (final.length !== 1) throw new Error(`the network must end in a dense layer, ended with shape [${final.join(', ')}]`);
  return out;
}

/** Records one row; `kernels` are the names of its kernels, which count towards depth when `depth`. */
function add(out: ArchSummary, row: Omit<LayerSummary, 'stage'>, kernels: string[], depth: boolean): void {
  out.layers.push({ ...row, stage: stageOf(row.name) });
  out.params += row.params;
  out.macs += row.macs;
  out.activations += row.outShape.reduce((a, b) => a * b, 1);
  out.kernelNames.push(...kernels);
  if (depth) out.depth += kernels.length;
}

function walk(ops: LayerOp[], input: number[], out: ArchSummary, mainPath: boolean): number[] {
  let shape = input;
  for (const op of ops) shape = walkOne(op, shape, out, mainPath);
  return shape;
}

function walkOne(op: LayerOp, shape: number[], out: ArchSummary, mainPath: boolean): number[] {
  const next = nextShape(op, shape);
  const c = shape[shape.length - 1] ?? 0;
  const row = (name: string, params: number, macs: number) => ({ name, op: op.op, outShape: next, params, macs });
  switch (op.op) {
    case 'conv': {
      const weights = op.kernel * op.kernel * (c / op.groups) * op.filters;
      const positions = (next[0] ?? 0) * (next[1] ?? 0);
      add(out, row(op.name, weights + (op.bias ? op.filters : 0), positions * weights), [op.name], mainPath);
      break;
    }
    case 'bn':
      out.stateSize += 2 * c;
      add(out, row(op.name, 2 * c, 0), [], false);
      break;
    case 'dense':
      // On tokens ([T, D]) the same kernel applies at each of the T positions.
      add(out, row(op.name, c * op.units + op.units, positions(shape) * c * op.units), [op.name], mainPath);
      break;
    case 'tokens':
      add(out, row(op.name, c + (next[0] ?? 0) * c, 0), [], false);
      break;
    case 'layerNorm':
      add(out, row(op.name, 2 * c, 0), [], false);
      break;
    case 'attention': {
      const t = shape[0] ?? 0;
      // q, k, v and the output projections (4 T D²), then q kᵀ and the weighted sum of v (T² D each).
      const macs = 4 * t * c * c + 2 * t * t * c;
      add(out, row(op.name, 4 * c * c + 4 * c, macs), [`${op.name}.qkv`, `${op.name}.proj`], mainPath);
      break;
    }
    case 'se':
      add(out, row(op.name, 2 * c * op.squeeze + op.squeeze + c, 2 * c * op.squeeze), [`${op.name}.fc1`, `${op.name}.fc2`], false);
      break;
    case 'resize':
    case 'maxPool':
    case 'avgPool':
    case 'adaptiveAvgPool':
      add(out, row(op.name, 0, 0), [], false);
      break;
    case 'residual':
      walkResidual(op, shape, out, mainPath);
      break;
    case 'concat':
      walk(op.branch, shape, out, mainPath);
      add(out, row(op.name, 0, 0), [], false);
      break;
    case 'relu':
    case 'swish':
    case 'gelu':
    case 'gap':
    case 'flatten':
    case 'dropout':
    case 'padShortcut':
    case 'classToken':
      break;
  }
  return next;
}

/** A residual block: the branch on the path, the shortcut off it; their shapes must agree. */
function walkResidual(op: Extract<LayerOp, { op: 'residual' }>, shape: number[], out: ArchSummary, mainPath: boolean): void {
  const b = walk(op.branch, shape, out, mainPath);
  if (!op.skip) return;
  const s = walk(op.shortcut, shape, out, false);
  if (b.join() !== s.join()) throw new Error(`${op.name}: branch [${b.join(', ')}] and shortcut [${s.join(', ')}] shapes differ`);
}

/** Positions a per-position layer applies at: T for tokens [T, D], 1 for a flat [C]. */
function positions(shape: number[]): number {
  return shape.slice(0, -1).reduce((a, b) => a * b, 1);
}

function needsTokens(name: string, shape: number[]): void {
  if (shape.length !== 2) throw new Error(`${name} needs tokens [T, D], got [${shape.join(', ')}]`);
}

function needsImage(name: string, shape: number[]): void {
  if (shape.length !== 3) throw new Error(`${name} needs an H×W×C input, got [${shape.join(', ')}]`);
}

/** [OH, OW] of a k×k stride-s window over an H×W×C shape; throws when it does not fit. */
function windowOut(name: string, shape: number[], k: number, s: number, pad: number, ceil: boolean): [number, number] {
  needsImage(name, shape);
  const [h = 0, w = 0] = shape;
  const [oh, ow] = [convOut(h, k, s, pad, ceil), convOut(w, k, s, pad, ceil)];
  if (oh < 1 || ow < 1) throw new Error(`${name}: input ${h}×${w} is too small for a ${k}×${k} stride-${s} window`);
  return [oh, ow];
}

/** The output shape of one op (without the batch axis); throws on a shape the op cannot take. */
export function nextShape(op: LayerOp, shape: number[]): number[] {
  const [h = 0, w = 0, c = 0] = shape;
  const sized = (name: string, k: number, s: number, pad: number, ceil = false) => windowOut(name, shape, k, s, pad, ceil);
  switch (op.op) {
    case 'conv':
      if (c % op.groups !== 0 || op.filters % op.groups !== 0) throw new Error(`${op.name}: ${op.groups} groups must divide ${c} input and ${op.filters} output channels`);
      return [...sized(op.name, op.kernel, op.stride, op.pad), op.filters];
    case 'maxPool':
      return [...sized(op.name, op.kernel, op.stride, op.pad), c];
    case 'avgPool':
      return [...sized(op.name, op.kernel, op.stride, 0, op.ceil), c];
    case 'adaptiveAvgPool':
    case 'resize':
      needsImage(op.name, shape);
      return [op.size, op.size, c];
    case 'gap':
      needsImage('global average pooling', shape);
      return [c];
    case 'flatten':
      return [shape.reduce((a, b) => a * b, 1)];
    case 'dense':
      if (shape.length !== 1 && shape.length !== 2) throw new Error(`${op.name}: a dense layer needs a flat input or tokens, got [${shape.join(', ')}]`);
      return [...shape.slice(0, -1), op.units];
    case 'tokens':
      needsImage(op.name, shape);
      return [1 + h * w, c];
    case 'layerNorm':
      if (shape.length > 2) throw new Error(`${op.name}: LayerNorm needs tokens or a flat input, got [${shape.join(', ')}]`);
      return shape;
    case 'attention':
      needsTokens(op.name, shape);
      // Tokens are [T, D]: the width is the second entry.
      if (w % op.heads !== 0) throw new Error(`${op.name}: ${op.heads} heads must divide the width ${w}`);
      return shape;
    case 'classToken':
      needsTokens('the class token', shape);
      return [w]; // [D]
    case 'se':
      needsImage(op.name, shape);
      return shape;
    case 'padShortcut':
      if (op.filters < c) throw new Error(`option A shortcut cannot shrink ${c} channels to ${op.filters}`);
      return [convOut(h, 1, op.stride, 0), convOut(w, 1, op.stride, 0), op.filters];
    case 'residual':
      // A residual block's output shape is its branch's.
      return op.branch.reduce((s, o) => nextShape(o, s), shape);
    case 'concat': {
      const b = op.branch.reduce((s, o) => nextShape(o, s), shape);
      if (b.length !== 3 || b[0] !== h || b[1] !== w) throw new Error(`${op.name}: branch [${b.join(', ')}] cannot be concatenated to [${shape.join(', ')}]`);
      return [h, w, c + (b[2] ?? 0)];
    }
    case 'bn':
    case 'relu':
    case 'swish':
    case 'gelu':
    case 'dropout':
      return shape;
  }
}
