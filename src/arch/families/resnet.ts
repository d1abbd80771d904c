// The ResNet family, CIFAR and ImageNet, and its variants on one builder
// (after timm's ResNet, whose docstring lists its variants in words):
//
//   stem -> stages of residual blocks -> global average pool -> fc
//
//   * basic block: 3×3 -> 3×3 (ResNet-18/34, the CIFAR ResNets);
//   * bottleneck: 1×1 -> 3×3 -> 1×1 ×4 expansion, stride on the 3×3 as
//     torchvision (ResNet-50/101/152);
//   * ResNeXt: the bottleneck's 3×3 grouped, cardinality × group width;
//   * Wide ResNet: the 3×3 convolutions widened by widthFactor;
//   * SE-ResNet: squeeze-and-excitation after the branch's last BN (timm);
//   * ResNet-D: deep stem and avgDown shortcuts (timm's resnet50d);
//   * pre-activation: BN-ReLU before each conv, a final BN-ReLU (He et al. 2016);
//   * ResNet + Transformer hybrid: with transformerLayers > 0 the pooling and
//     fc give way to a Transformer encoder on the last map's positions
//     (ViT-hybrid, Dosovitskiy et al. 2021 §3.1; see transformer.ts).
//
// Stage s has planes baseWidth · 2^s and stride 2 except the first. Pure TS.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { bn, classifier, conv, convBn, makeDivisible, relu, stem } from './layers';
import { encoderHead } from './transformer';

/** Output channels of a bottleneck per plane (He et al. 2015, §4.1). */
const EXPANSION = 4;

/**
 * The one shortcut rule, in one place (torchvision's `_make_layer`): the
 * identity when the block keeps the shape, otherwise by cfg.shortcut. Blocks
 * never decide their own downsampling.
 */
export function shortcutOps(name: string, cfg: ModelConfig, inC: number, outC: number, stride: number): LayerOp[] {
  if (stride === 1 && inC === outC) return [];
  switch (cfg.shortcut) {
    case 'A':
      return [{ op: 'padShortcut', stride, filters: outC }];
    case 'B':
      return projection(cfg, name, outC, stride);
    case 'avgDown': {
      // timm's downsample_avg: AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False), then a stride-1 projection.
      const pool: LayerOp[] = stride > 1 ? [{ op: 'avgPool', name: `${name}.shortcut.pool`, kernel: 2, stride, ceil: true }] : [];
      return [...pool, ...projection(cfg, name, outC, 1)];
    }
  }
}

/**
 * A 1×1 projection, with BN after it as torchvision; without in
 * pre-activation nets, whose shortcut path stays unnormalized (He et al.
 * 2016; timm's ResNetV2 DownsampleConv with preact=True).
 */
function projection(cfg: ModelConfig, name: string, outC: number, stride: number): LayerOp[] {
  return cfg.preact ? [conv(cfg, `${name}.shortcut.conv`, outC, 1, stride)] : convBn(cfg, `${name}.shortcut.conv`, outC, 1, stride);
}

/** A block's residual branch and its output channels. */
interface Branch { ops: LayerOp[]; outC: number }

/** Channels of a block's 3×3 convolutions for stage planes `planes` (torchvision: int(planes · width_per_group / 64) · groups). */
function innerWidth(cfg: ModelConfig, planes: number): number {
  if (cfg.blockType === 'basic') return Math.max(1, Math.round(planes * cfg.widthFactor));
  return Math.max(1, Math.floor(planes * (cfg.groupWidth / 64) * cfg.widthFactor)) * cardinality(cfg);
}

/** Basic blocks have no groups (torchvision refuses them; here they are ignored). */
function cardinality(cfg: ModelConfig): number {
  return cfg.blockType === 'basic' ? 1 : cfg.cardinality;
}

/**
 * Post-activation branch (He et al. 2015): conv-BN-ReLU ... conv-BN, the last
 * BN's gamma zeroed when asked (Goyal et al. 2017), then SE when cfg.se > 0.
 */
function postBranch(cfg: ModelConfig, name: string, planes: number, stride: number): Branch {
  const w = innerWidth(cfg, planes);
  const zeroGamma = cfg.init === 'he-normal-zero-gamma' && cfg.skip;
  const ops: LayerOp[] = [];
  let outC: number;
  if (cfg.blockType === 'basic') {
    outC = w;
    ops.push(...convBn(cfg, `${name}.conv1`, w, 3, stride), relu, ...convBn(cfg, `${name}.conv2`, w, 3, 1, { zeroGamma }));
  } else {
    outC = planes * EXPANSION;
    ops.push(
      ...convBn(cfg, `${name}.conv1`, w, 1, 1), relu,
      ...convBn(cfg, `${name}.conv2`, w, 3, stride, { groups: cardinality(cfg) }), relu,
      ...convBn(cfg, `${name}.conv3`, outC, 1, 1, { zeroGamma }),
    );
  }
  return { ops: [...ops, ...se(cfg, name, outC)], outC };
}

/**
 * Pre-activation branch (He et al. 2016): [BN-ReLU-conv] per conv, SE on the
 * last conv's output. The first BN-ReLU is returned apart (`pre`), because
 * where the shortcut is not the identity it also feeds the shortcut.
 * A zero gamma has no place here: it would cut the gradient of the conv after it.
 */
function preBranch(cfg: ModelConfig, name: string, planes: number, stride: number): Branch & { pre: LayerOp[] } {
  const w = innerWidth(cfg, planes);
  const act = (i: number): LayerOp[] => (cfg.batchNorm ? [bn(`${name}.bn${i}`), relu] : [relu]);
  if (cfg.blockType === 'basic') {
    const ops = [conv(cfg, `${name}.conv1`, w, 3, stride), ...act(2), conv(cfg, `${name}.conv2`, w, 3, 1)];
    return { pre: act(1), ops: [...ops, ...se(cfg, name, w)], outC: w };
  }
  const outC = planes * EXPANSION;
  const ops = [
    conv(cfg, `${name}.conv1`, w, 1, 1), ...act(2),
    conv(cfg, `${name}.conv2`, w, 3, stride, { groups: cardinality(cfg) }), ...act(3),
    conv(cfg, `${name}.conv3`, outC, 1, 1),
  ];
  return { pre: act(1), ops: [...ops, ...se(cfg, name, outC)], outC };
}

/** timm's SEModule: rd_channels = make_divisible(C / r, 8, round_limit=0), ReLU, both 1×1 convs with bias. */
function se(cfg: ModelConfig, name: string, channels: number): LayerOp[] {
  if (cfg.se <= 0) return [];
  return [{ op: 'se', name: `${name}.se`, squeeze: makeDivisible(channels / cfg.se, 8, 0), act: 'relu' }];
}

/** One residual block: its ops and output channels. The shortcut comes from shortcutOps alone. */
function block(cfg: ModelConfig, name: string, inC: number, planes: number, stride: number, dropPath: number): { ops: LayerOp[]; outC: number } {
  const residual = (branch: LayerOp[], outC: number): LayerOp => ({
    op: 'residual', name, branch, skip: cfg.skip, dropPath,
    // The plain twin keeps the branch and drops the shortcut (projection included).
    shortcut: cfg.skip ? shortcutOps(name, cfg, inC, outC, stride) : [],
  });
  if (!cfg.preact) {
    const b = postBranch(cfg, name, planes, stride);
    return { ops: [residual(b.ops, b.outC), relu], outC: b.outC };
  }
  const b = preBranch(cfg, name, planes, stride);
  // Where the shape changes, the shortcut takes the pre-activated input too (He et al. 2016, Fig. 5's "both_preact").
  const reshapes = stride !== 1 || inC !== b.outC;
  const ops = reshapes ? [...b.pre, residual(b.ops, b.outC)] : [residual([...b.pre, ...b.ops], b.outC)];
  return { ops, outC: b.outC };
}

/**
 * The ResNet: stem, then stages of `stageBlocks[s]` blocks at planes
 * baseWidth · 2^s (stride 2 from the second stage on), then, for
 * pre-activation, a final BN-ReLU ('head.bn'), then pooling and 'fc' (or,
 * with transformerLayers > 0, the Transformer encoder and 'fc').
 * Layers are named 'stem.conv', 'stage1.block0.conv1', ..., 'fc'.
 */
export function resnet(cfg: ModelConfig, numClasses: number, stageBlocks: readonly number[]): LayerOp[] {
  const ops: LayerOp[] = stem(cfg, cfg.baseWidth, cfg.preact);
  const total = stageBlocks.reduce((a, b) => a + b, 0);
  let inC = cfg.baseWidth;
  let index = 0;
  stageBlocks.forEach((blocks, s) => {
    for (let b = 0; b < blocks; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      // Stochastic depth rises linearly with the block's index, as torchvision's EfficientNet.
      const made = block(cfg, `stage${s + 1}.block${b}`, inC, cfg.baseWidth * 2 ** s, stride, (cfg.dropPath * index++) / total);
      ops.push(...made.ops);
      inC = made.outC;
    }
  });
  if (cfg.preact) ops.push(...(cfg.batchNorm ? [bn('head.bn'), relu] : [relu]));
  const head = cfg.transformerLayers > 0 ? encoderHead(cfg, numClasses) : classifier(numClasses, cfg.dropout);
  return [...ops, ...head];
}
