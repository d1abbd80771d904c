// DenseNet-BC (Huang et al. 2017), as torchvision's `densenet121`: a stem of
// baseWidth channels, then dense blocks of cfg.stageBlocks layers
// ([6, 12, 24, 16]); each layer is BN-ReLU-conv1×1 (4 · growth) -BN-ReLU-conv3×3
// (growth), concatenated to its input. Between blocks a transition halves
// the channels (BN-ReLU-conv1×1) and the map (2×2 average pool); it is named
// as the entry of the next stage ('stage2.transition.conv'). A final BN-ReLU
// ('head.bn'), pooling and 'fc' close it. cfg.skip has no meaning here. Pure TS.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { bn, classifier, conv, relu, stem } from './layers';

/** Bottleneck width per unit of growth (torchvision's bn_size). */
const BN_SIZE = 4;
/** Channel compression of each transition (DenseNet-BC's θ). */
const COMPRESSION = 0.5;

/** BN-ReLU before a conv, or ReLU alone without batch norm. */
function preact(cfg: ModelConfig, bnName: string): LayerOp[] {
  return cfg.batchNorm ? [bn(bnName), relu] : [relu];
}

function denseLayer(cfg: ModelConfig, name: string): LayerOp {
  const branch = [
    ...preact(cfg, `${name}.bn1`), conv(cfg, `${name}.conv1`, BN_SIZE * cfg.growthRate, 1, 1),
    ...preact(cfg, `${name}.bn2`), conv(cfg, `${name}.conv2`, cfg.growthRate, 3, 1),
  ];
  return { op: 'concat', name, branch };
}

function transition(cfg: ModelConfig, name: string, outC: number): LayerOp[] {
  return [...preact(cfg, `${name}.bn`), conv(cfg, `${name}.conv`, outC, 1, 1), { op: 'avgPool', name: `${name}.pool`, kernel: 2, stride: 2, ceil: false }];
}

export function densenet(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const ops = stem(cfg, cfg.baseWidth);
  let c = cfg.baseWidth;
  cfg.stageBlocks.forEach((layers, s) => {
    if (s > 0) {
      c = Math.floor(c * COMPRESSION);
      ops.push(...transition(cfg, `stage${s + 1}.transition`, c));
    }
    for (let i = 0; i < layers; i++) ops.push(denseLayer(cfg, `stage${s + 1}.block${i}`));
    c += layers * cfg.growthRate;
  });
  return [...ops, ...preact(cfg, 'head.bn'), ...classifier(numClasses, 0)];
}
