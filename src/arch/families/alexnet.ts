// AlexNet (Krizhevsky et al. 2012), as torchvision's `alexnet` (the one-GPU
// variant of Krizhevsky 2014, without local response norm): conv1 11×11 /4,
// max-pool, conv2 5×5, max-pool, conv3-5 3×3, max-pool, a 6×6 adaptive
// average pool, then dropout-dense-ReLU twice and the classifier. Widths
// 64/192/384/256/256 scale with baseWidth / 64. Its 11×11 /4 conv1 and three
// max-pools need a 63×63 input; with stem 'cifar' conv1 is 3×3 /1 instead
// (our adaptation to 32×32 and MNIST's 28×28, not a reference model; 'deep'
// reads as 'imagenet'). Pure TS.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { bn, conv, dense, dropout, maxPool, relu } from './layers';

const WIDTHS = [64, 192, 384, 256, 256] as const;
/** torchvision pools the last map to 6×6 before the classifier. */
const POOLED = 6;

export function alexnet(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const [w1, w2, w3, w4, w5] = WIDTHS.map((w) => Math.max(1, Math.round((w * cfg.baseWidth) / 64))) as [number, number, number, number, number];
  // torchvision's convs all have a bias; with batch norm on, BN follows each one (there is no torchvision alexnet_bn).
  const layer = (stage: number, i: number, width: number, kernel: number, stride: number, pad: number): LayerOp[] => [
    conv(cfg, `stage${stage}.conv${i}`, width, kernel, stride, { pad, bias: true }),
    ...(cfg.batchNorm ? [bn(`stage${stage}.bn${i}`)] : []),
    relu,
  ];
  const conv1 = cfg.stem === 'cifar' ? layer(1, 1, w1, 3, 1, 1) : layer(1, 1, w1, 11, 4, 2);
  return [
    ...conv1, maxPool('stage1.pool', 3, 2),
    ...layer(2, 2, w2, 5, 1, 2), maxPool('stage2.pool', 3, 2),
    ...layer(3, 3, w3, 3, 1, 1), ...layer(3, 4, w4, 3, 1, 1), ...layer(3, 5, w5, 3, 1, 1), maxPool('stage3.pool', 3, 2),
    { op: 'adaptiveAvgPool', name: 'head.pool', size: POOLED },
    { op: 'flatten' },
    ...dropout(cfg.dropout), dense('head.fc1', cfg.hiddenUnits), relu,
    ...dropout(cfg.dropout), dense('head.fc2', cfg.hiddenUnits), relu,
    dense('fc', numClasses),
  ];
}
