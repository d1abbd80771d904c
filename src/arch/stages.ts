// The stage table of the architecture view and `playground model`: one row
// per stage (stem, stage1, ..., head) with its blocks, block type, output
// shape, parameters and MACs, as He et al. 2015's Table 1 lays out
// ResNet-50. Read from the summary's rows, grouped by LayerSummary.stage.
// Pure TS: no tfjs, no React.
import type { ModelConfig } from '../config/types';
import type { ArchSummary } from './arch';

export interface StageSummary {
  /** 'stem', 'stage1', ..., 'encoder' (the ResNet + Transformer hybrid), 'head'. */
  stage: string;
  /** Blocks (residual, dense or MBConv; encoder layers) in the stage; for plain stages (VGG, AlexNet) its convolutions; 0 for stem and head. */
  blocks: number;
  blockType: string;
  /** The stage's output without the batch axis: [H, W, C], or [classes] for the head. */
  outShape: number[];
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
}

/** What a stage's blocks are, in words, e.g. 'bottleneck 32×4d + SE'. */
export function blockLabel(cfg: ModelConfig): string {
  switch (cfg.family) {
    case 'cifar-resnet':
    case 'resnet': {
      const grouped = cfg.blockType === 'bottleneck' && cfg.cardinality > 1 ? ` ${cfg.cardinality}×${cfg.groupWidth}d` : '';
      return `${cfg.preact ? 'pre-act ' : ''}${cfg.blockType}${grouped}${cfg.se > 0 ? ' + SE' : ''}`;
    }
    case 'vgg':
    case 'alexnet':
      return 'conv';
    case 'densenet':
      return 'dense layer';
    case 'efficientnet':
      return 'MBConv';
  }
}

function stemLabel(cfg: ModelConfig): string {
  if (cfg.family === 'efficientnet') return '3×3 conv /2';
  return { cifar: '3×3 conv', imagenet: '7×7 conv /2, 3×3 max-pool /2', deep: '3 × 3×3 conv, 3×3 max-pool /2' }[cfg.stem];
}

function headLabel(cfg: ModelConfig): string {
  switch (cfg.family) {
    case 'vgg':
    case 'alexnet':
      return 'adaptive pool, 3 dense';
    case 'efficientnet':
      return '1×1 conv, pool, fc';
    case 'densenet':
      return 'BN-ReLU, pool, fc';
    default:
      if (cfg.family === 'resnet' && cfg.transformerLayers > 0) return 'class token, fc';
      return cfg.preact ? 'BN-ReLU, pool, fc' : 'pool, fc';
  }
}

/** One row per stage, in forward order. */
export function stageTable(cfg: ModelConfig, summary: ArchSummary): StageSummary[] {
  const rows = new Map<string, StageSummary & { names: Set<string>; convs: number }>();
  for (const layer of summary.layers) {
    let row = rows.get(layer.stage);
    if (!row) {
      row = { stage: layer.stage, blocks: 0, blockType: '', outShape: [], params: 0, macs: 0, names: new Set(), convs: 0 };
      rows.set(layer.stage, row);
    }
    row.params += layer.params;
    row.macs += layer.macs;
    row.outShape = layer.outShape;
    const block = /^(?:stage\d+\.(block\d+)|encoder\.(layer\d+))\./.exec(layer.name)?.slice(1).find(Boolean);
    if (block) row.names.add(block);
    if (layer.op === 'conv') row.convs += 1;
  }
  return [...rows.values()].map(({ names, convs, ...row }) => {
    if (row.stage === 'stem') return { ...row, blockType: stemLabel(cfg) };
    if (row.stage === 'head') return { ...row, blockType: headLabel(cfg) };
    if (row.stage === 'encoder') return { ...row, blocks: names.size, blockType: `pre-LN Transformer, ${cfg.heads} heads` };
    return names.size > 0 ? { ...row, blocks: names.size, blockType: blockLabel(cfg) } : { ...row, blocks: convs, blockType: blockLabel(cfg) };
  });
}
