// EfficientNet (Tan & Le 2019), as torchvision's `efficientnet_b0`: a 3×3
// stride-2 stem, seven stages of MBConv blocks, a 1×1 head conv to 4× the
// last stage's channels, pooling, dropout and 'fc'. An MBConv block is
// 1×1 expand -> k×k depthwise -> SE -> 1×1 project (no activation), with
// the input added back where stride is 1 and channels are kept. Every
// activation is SiLU. widthFactor and depthFactor scale channels (to
// multiples of 8) and layers (rounded up). Pure TS.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { classifier, convBn, makeDivisible, swish } from './layers';

interface StageSpec { expand: number; kernel: number; stride: number; inC: number; outC: number; layers: number }

/** torchvision's bneck_conf for B0 (Table 1 of the paper). */
const B0: readonly StageSpec[] = [
  { expand: 1, kernel: 3, stride: 1, inC: 32, outC: 16, layers: 1 },
  { expand: 6, kernel: 3, stride: 2, inC: 16, outC: 24, layers: 2 },
  { expand: 6, kernel: 5, stride: 2, inC: 24, outC: 40, layers: 2 },
  { expand: 6, kernel: 3, stride: 2, inC: 40, outC: 80, layers: 3 },
  { expand: 6, kernel: 5, stride: 1, inC: 80, outC: 112, layers: 3 },
  { expand: 6, kernel: 5, stride: 2, inC: 112, outC: 192, layers: 4 },
  { expand: 6, kernel: 3, stride: 1, inC: 192, outC: 320, layers: 1 },
];

/** The head conv's width: 4 × the last stage's (1280 for B0). */
const HEAD_EXPANSION = 4;

function mbconv(cfg: ModelConfig, name: string, spec: StageSpec, inC: number, stride: number, dropPath: number): LayerOp[] {
  const expanded = makeDivisible(inC * spec.expand, 8);
  const residual = stride === 1 && inC === spec.outC;
  const zeroGamma = residual && cfg.skip && cfg.init === 'he-normal-zero-gamma';
  const branch: LayerOp[] = [
    ...(expanded !== inC ? [...convBn(cfg, `${name}.expand.conv`, expanded, 1, 1), swish] : []),
    ...convBn(cfg, `${name}.dw.conv`, expanded, spec.kernel, stride, { groups: expanded }), swish,
    // torchvision squeezes to a quarter of the block's input channels, not of the expanded ones.
    { op: 'se', name: `${name}.se`, squeeze: Math.max(1, Math.floor(inC / 4)), act: 'swish' },
    ...convBn(cfg, `${name}.project.conv`, spec.outC, 1, 1, { zeroGamma }),
  ];
  return residual ? [{ op: 'residual', name, branch, shortcut: [], skip: cfg.skip, dropPath }] : branch;
}

export function efficientnet(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const width = (c: number) => makeDivisible(c * cfg.widthFactor, 8);
  const stages = B0.map((s) => ({ ...s, inC: width(s.inC), outC: width(s.outC), layers: Math.ceil(s.layers * cfg.depthFactor) }));
  const total = stages.reduce((a, s) => a + s.layers, 0);
  const first = stages[0]?.inC ?? 32;
  const ops: LayerOp[] = [...convBn(cfg, 'stem.conv', first, 3, 2), swish];
  let index = 0;
  stages.forEach((spec, s) => {
    for (let i = 0; i < spec.layers; i++) {
      const inC = i === 0 ? spec.inC : spec.outC;
      // Stochastic depth rate rises with the block's index over all blocks, as torchvision.
      ops.push(...mbconv(cfg, `stage${s + 1}.block${i}`, spec, inC, i === 0 ? spec.stride : 1, (cfg.dropPath * index++) / total));
    }
  });
  const last = stages.at(-1)?.outC ?? first;
  return [...ops, ...convBn(cfg, 'head.conv', HEAD_EXPANSION * last, 1, 1), swish, ...classifier(numClasses, cfg.dropout)];
}
