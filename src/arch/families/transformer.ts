// The Transformer encoder of the ResNet + Transformer hybrid (ViT-hybrid,
// Dosovitskiy et al. 2021 §3.1), as layer ops on the last feature map:
//
//   1×1 conv to D -> tokens (class token + position embedding)
//     -> N × pre-LN encoder layers -> LayerNorm -> class token -> fc
//
// Each encoder layer (ViT's Eq. 2 and 3):
//   x = x + attn(LN(x));  x = x + MLP(LN(x)),  MLP = dense r·D -> GELU -> dense D.
// The plain twin (skip: false) drops both additions, as it drops the
// ResNet blocks' shortcuts. Pure TS: no tfjs, no React.
import type { ModelConfig } from '../../config/types';
import type { LayerOp } from '../ops';
import { conv, dense, dropout } from './layers';

/** One pre-LN encoder layer 'encoder.layer{i}': two residual ops on the tokens, no shortcut layers. */
function encoderLayer(cfg: ModelConfig, name: string): LayerOp[] {
  const d = cfg.transformerWidth;
  const residual = (part: string, branch: LayerOp[]): LayerOp => ({ op: 'residual', name: `${name}.${part}`, branch, shortcut: [], skip: cfg.skip, dropPath: 0 });
  return [
    residual('attn', [{ op: 'layerNorm', name: `${name}.ln1` }, { op: 'attention', name: `${name}.attn`, heads: cfg.heads }]),
    residual('mlp', [{ op: 'layerNorm', name: `${name}.ln2` }, dense(`${name}.mlp.fc1`, cfg.mlpRatio * d), { op: 'gelu' }, dense(`${name}.mlp.fc2`, d)]),
  ];
}

/**
 * The encoder and the classifier, after the ResNet stages. Layers are named
 * 'encoder.proj' (the 1×1 projection, with bias as ViT's patch embedding),
 * 'encoder.embed' (class token and positions), 'encoder.layer0.attn', ...,
 * 'encoder.norm', then 'fc' on the class token.
 */
export function encoderHead(cfg: ModelConfig, numClasses: number): LayerOp[] {
  const layers = Array.from({ length: cfg.transformerLayers }, (_, i) => encoderLayer(cfg, `encoder.layer${i}`)).flat();
  return [
    conv(cfg, 'encoder.proj', cfg.transformerWidth, 1, 1, { bias: true }),
    { op: 'tokens', name: 'encoder.embed' },
    ...layers,
    { op: 'layerNorm', name: 'encoder.norm' },
    { op: 'classToken' },
    ...dropout(cfg.dropout),
    dense('fc', numClasses),
  ];
}
