// Small constructors for the layer tree, shared by every family: one place
// for the torchvision conventions (no conv bias when BN follows) and the
// stems. Pure TS: no tfjs, no React.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';

export interface ConvOptions {
  /** Zero padding on each side; default (kernel - 1) / 2, torch's "same" for odd kernels at stride 1. */
  pad?: number;
  groups?: number;
  /** Default: a bias only without batch norm (BN's beta is the bias). */
  bias?: boolean;
}

export function conv(cfg: ModelConfig, name: string, filters: number, kernel: number, stride: number, opts: ConvOptions = {}): LayerOp {
  const { pad = Math.floor((kernel - 1) / 2), groups = 1, bias = !cfg.batchNorm } = opts;
  return { op: 'conv', name, filters, kernel, stride, pad, bias, groups };
}

export function bn(name: string, zeroGamma = false): LayerOp {
  return { op: 'bn', name, zeroGamma };
}

export interface ConvBnOptions extends ConvOptions {
  /** Name of the BN; default the conv's name with its last 'conv' replaced by 'bn'. */
  bnName?: string;
  zeroGamma?: boolean;
}

/** A convolution, then batch norm when the config has it (nothing else). */
export function convBn(cfg: ModelConfig, name: string, filters: number, kernel: number, stride: number, opts: ConvBnOptions = {}): LayerOp[] {
  const c = conv(cfg, name, filters, kernel, stride, opts);
  const bnName = opts.bnName ?? name.replace(/conv(\d*)$/, 'bn$1');
  return cfg.batchNorm ? [c, bn(bnName, opts.zeroGamma)] : [c];
}

export const relu: LayerOp = { op: 'relu' };
export const swish: LayerOp = { op: 'swish' };

export function maxPool(name: string, kernel: number, stride: number, pad = 0): LayerOp {
  return { op: 'maxPool', name, kernel, stride, pad };
}

export function dropout(rate: number): LayerOp[] {
  return rate > 0 ? [{ op: 'dropout', rate }] : [];
}

export function dense(name: string, units: number): LayerOp {
  return { op: 'dense', name, units };
}

/**
 * torchvision's and timm's make_divisible: v rounded to the nearest multiple
 * of `divisor` (at least `divisor`), bumped up by one multiple when rounding
 * lost more than (1 - roundLimit) of v. torchvision uses roundLimit 0.9, timm's
 * SE module 0 (never bump).
 */
export function makeDivisible(v: number, divisor: number, roundLimit = 0.9): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < roundLimit * v ? rounded + divisor : rounded;
}

/**
 * The layers before the first stage, `width` channels out (see StemType):
 * 'cifar' 3×3 conv; 'imagenet' 7×7 stride-2 conv + 3×3 stride-2 max-pool;
 * 'deep' three 3×3 convs (width/2, width/2, width) + the max-pool. Each conv
 * is followed by BN and ReLU, except with `bare` (pre-activation nets: the
 * first block normalizes), which leaves the CIFAR stem's conv alone.
 */
export function stem(cfg: ModelConfig, width: number, bare = false): LayerOp[] {
  const pool = maxPool('stem.pool', 3, 2, 1);
  switch (cfg.stem) {
    case 'cifar':
      return bare ? [conv(cfg, 'stem.conv', width, 3, 1)] : [...convBn(cfg, 'stem.conv', width, 3, 1), relu];
    case 'imagenet':
      return [...convBn(cfg, 'stem.conv', width, 7, 2), relu, pool];
    case 'deep': {
      const half = Math.max(1, Math.floor(width / 2));
      return [
        ...convBn(cfg, 'stem.conv1', half, 3, 2), relu,
        ...convBn(cfg, 'stem.conv2', half, 3, 1), relu,
        ...convBn(cfg, 'stem.conv3', width, 3, 1), relu,
        pool,
      ];
    }
  }
}

/** Global average pooling, optional dropout and the classifier 'fc'. */
export function classifier(numClasses: number, rate: number): LayerOp[] {
  return [{ op: 'gap' }, ...dropout(rate), dense('fc', numClasses)];
}
