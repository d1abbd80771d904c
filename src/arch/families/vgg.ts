// VGG (Simonyan & Zisserman 2015), as torchvision's `vgg16`: stages of 3×3
// convolutions (cfg.stageBlocks, [2, 2, 3, 3, 3] for VGG-16) at
// baseWidth · 2^s channels capped at 8 · baseWidth (64 ... 512), each stage
// closed by a 2×2 max-pool; then a 7×7 adaptive average pool and three dense
// layers (hiddenUnits, hiddenUnits, classes) with ReLU and dropout. Pure TS.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { bn, conv, dense, dropout, maxPool, relu } from './layers';

/** torchvision pools the last map to 7×7 before the classifier, whatever the input size. */
const POOLED = 7;

export function vgg(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const ops: LayerOp[] = [];
  cfg.stageBlocks.forEach((convs, s) => {
    const width = Math.min(cfg.baseWidth * 2 ** s, cfg.baseWidth * 8);
    for (let i = 1; i <= convs; i++) {
      // torchvision's make_layers keeps the conv bias even before BN (vgg16_bn), so counts match its models.
      ops.push(conv(cfg, `stage${s + 1}.conv${i}`, width, 3, 1, { bias: true }));
      if (cfg.batchNorm) ops.push(bn(`stage${s + 1}.bn${i}`));
      ops.push(relu);
    }
    ops.push(maxPool(`stage${s + 1}.pool`, 2, 2));
  });
  return [
    ...ops,
    { op: 'adaptiveAvgPool', name: 'head.pool', size: POOLED },
    { op: 'flatten' },
    dense('head.fc1', cfg.hiddenUnits), relu, ...dropout(cfg.dropout),
    dense('head.fc2', cfg.hiddenUnits), relu, ...dropout(cfg.dropout),
    dense('fc', numClasses),
  ];
}
