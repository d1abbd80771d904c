// The architecture as data: ModelConfig -> a tree of layer ops with stable
// names, and the one shape/parameter/MAC walk over that tree. Pure TS: no
// tfjs, no React, so the page can show the architecture without the engine.
// src/model/build.ts turns the same tree into TF.js variables and a forward pass.
import type { ModelConfig } from '../config/types';

export type Shape = [height: number, width: number, channels: number];

export type LayerOp =
  /** Convolution with torch-style symmetric zero padding `pad` on H and W. */
  | { op: 'conv'; name: string; filters: number; kernel: number; stride: number; pad: number; bias: boolean }
  /** Batch norm over N, H, W. zeroGamma starts gamma at 0 (Goyal et al. 2017, §5.1). */
  | { op: 'bn'; name: string; zeroGamma: boolean }
  | { op: 'relu' }
  /** Global average pool: [B, H, W, C] -> [B, C]. */
  | { op: 'gap' }
  | { op: 'dense'; name: string; units: number }
  /** Option A shortcut (He et al. 2015, §4.2): x[:, ::s, ::s, :], channels zero-padded to `filters`. */
  | { op: 'padShortcut'; stride: number; filters: number }
  /** out = branch(x) + shortcut(x) when skip, else branch(x) alone (the plain twin). */
  | { op: 'residual'; name: string; branch: LayerOp[]; shortcut: LayerOp[]; skip: boolean };

/**
 * One rule decides the shortcut, in one place (torchvision's `_make_layer`):
 * identity when the shape is kept, otherwise option A or B.
 */
function shortcutOps(name: string, cfg: ModelConfig, inC: number, outC: number, stride: number): LayerOp[] {
  if (stride === 1 && inC === outC) return [];
  if (cfg.shortcut === 'A') return [{ op: 'padShortcut', stride, filters: outC }];
  const ops: LayerOp[] = [{ op: 'conv', name: `${name}.shortcut.conv`, filters: outC, kernel: 1, stride, pad: 0, bias: !cfg.batchNorm }];
  if (cfg.batchNorm) ops.push({ op: 'bn', name: `${name}.shortcut.bn`, zeroGamma: false });
  return ops;
}

function convBn(cfg: ModelConfig, name: string, bnName: string, filters: number, stride: number, zeroGamma = false): LayerOp[] {
  const conv: LayerOp = { op: 'conv', name, filters, kernel: 3, stride, pad: 1, bias: !cfg.batchNorm };
  return cfg.batchNorm ? [conv, { op: 'bn', name: bnName, zeroGamma }] : [conv];
}

/** Basic block of the CIFAR ResNet: conv-bn-relu-conv-bn, added to the shortcut, then relu. */
function basicBlock(cfg: ModelConfig, name: string, inC: number, outC: number, stride: number): LayerOp[] {
  const zeroGamma = cfg.init === 'he-normal-zero-gamma' && cfg.skip;
  const branch = [
    ...convBn(cfg, `${name}.conv1`, `${name}.bn1`, outC, stride),
    { op: 'relu' } as const,
    ...convBn(cfg, `${name}.conv2`, `${name}.bn2`, outC, 1, zeroGamma),
  ];
  const shortcut = cfg.skip ? shortcutOps(name, cfg, inC, outC, stride) : [];
  return [{ op: 'residual', name, branch, shortcut, skip: cfg.skip }, { op: 'relu' }];
}

/**
 * He et al. 2015, §4.2: a 3×3 stem, then 3 stages of n basic blocks at
 * widths w, 2w, 4w (16/32/64 in the paper) and strides 1, 2, 2, then global
 * average pooling and a dense classifier: 6n+2 weighted layers.
 */
export function cifarResNet(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const ops: LayerOp[] = [...convBn(cfg, 'stem.conv', 'stem.bn', cfg.baseWidth, 1), { op: 'relu' }];
  let inC = cfg.baseWidth;
  for (let s = 0; s < 3; s++) {
    const outC = cfg.baseWidth * 2 ** s;
    for (let b = 0; b < cfg.blocksPerStage; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      ops.push(...basicBlock(cfg, `stage${s + 1}.block${b}`, inC, outC, stride));
      inC = outC;
    }
  }
  ops.push({ op: 'gap' }, { op: 'dense', name: 'fc', units: numClasses });
  return ops;
}

export function buildArch(cfg: ModelConfig, numClasses: number): LayerOp[] {
  switch (cfg.family) {
    case 'cifar-resnet':
      return cifarResNet(cfg, numClasses);
  }
}

/** One weighted or shape-changing layer, as the architecture view lists it. */
export interface LayerSummary {
  name: string;
  op: LayerOp['op'];
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
  /** Conv and dense kernels in forward order: the gradient-norm profile's x axis. */
  kernelNames: string[];
  /** Weighted layers on the longest path, as papers count depth (conv + dense, no shortcuts). */
  depth: number;
  /** Largest activation (elements per image) of any layer: a memory estimate's input. */
  activations: number;
}

/** Output size of a torch-style convolution or pooling along one axis. */
export function convOut(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/** Walks the tree once: shapes, parameters, MACs and names, checking every shape. */
export function summarize(ops: LayerOp[], input: Shape): ArchSummary {
  const out: ArchSummary = { layers: [], params: 0, stateSize: 0, macs: 0, kernelNames: [], depth: 0, activations: 0 };
  const final = walk(ops, input, out, true);
  if (final.length !== 1) throw new Error(`the network must end in a dense layer, ended with shape [${final.join(', ')}]`);
  return out;
}

function add(out: ArchSummary, layer: LayerSummary, countDepth: boolean): void {
  out.layers.push(layer);
  out.params += layer.params;
  out.macs += layer.macs;
  out.activations += layer.outShape.reduce((a, b) => a * b, 1);
  if (layer.op === 'conv' || layer.op === 'dense') {
    out.kernelNames.push(layer.name);
    if (countDepth) out.depth += 1;
  }
}

function walk(ops: LayerOp[], input: number[], out: ArchSummary, mainPath: boolean): number[] {
  let shape = input;
  for (const op of ops) shape = walkOne(op, shape, out, mainPath);
  return shape;
}

function walkOne(op: LayerOp, shape: number[], out: ArchSummary, mainPath: boolean): number[] {
  const next = nextShape(op, shape);
  const c = shape[shape.length - 1] ?? 0;
  switch (op.op) {
    case 'conv': {
      const weights = op.kernel * op.kernel * c * op.filters;
      const positions = (next[0] ?? 0) * (next[1] ?? 0);
      add(out, { name: op.name, op: 'conv', outShape: next, params: weights + (op.bias ? op.filters : 0), macs: positions * weights }, mainPath);
      break;
    }
    case 'bn':
      out.stateSize += 2 * c;
      add(out, { name: op.name, op: 'bn', outShape: next, params: 2 * c, macs: 0 }, false);
      break;
    case 'dense': {
      const inF = shape.reduce((a, b) => a * b, 1);
      add(out, { name: op.name, op: 'dense', outShape: next, params: inF * op.units + op.units, macs: inF * op.units }, mainPath);
      break;
    }
    case 'residual': {
      const b = walk(op.branch, shape, out, mainPath);
      if (op.skip) {
        const s = walk(op.shortcut, shape, out, false);
        if (b.join() !== s.join()) throw new Error(`${op.name}: branch [${b.join(', ')}] and shortcut [${s.join(', ')}] shapes differ`);
      }
      break;
    }
    case 'relu':
    case 'gap':
    case 'padShortcut':
      break;
  }
  return next;
}

/** The output shape of one op (without the batch axis); throws on a shape the op cannot take. */
export function nextShape(op: LayerOp, shape: number[]): number[] {
  const [h = 0, w = 0, c = 0] = shape;
  switch (op.op) {
    case 'conv': {
      if (shape.length !== 3) throw new Error(`${op.name}: a convolution needs an H×W×C input`);
      const oh = convOut(h, op.kernel, op.stride, op.pad);
      const ow = convOut(w, op.kernel, op.stride, op.pad);
      if (oh < 1 || ow < 1) throw new Error(`${op.name}: input ${h}×${w} is too small for a ${op.kernel}×${op.kernel} stride-${op.stride} convolution`);
      return [oh, ow, op.filters];
    }
    case 'gap':
      return [c];
    case 'dense':
      return [op.units];
    case 'padShortcut':
      if (op.filters < c) throw new Error(`option A shortcut cannot shrink ${c} channels to ${op.filters}`);
      return [convOut(h, 1, op.stride, 0), convOut(w, 1, op.stride, 0), op.filters];
    case 'residual':
      // A residual block's output shape is its branch's.
      return op.branch.reduce((s, o) => nextShape(o, s), shape);
    case 'bn':
    case 'relu':
      return shape;
  }
}
