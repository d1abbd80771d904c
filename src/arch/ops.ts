// The layer ops the architecture is made of: one tagged union, the words of
// the tree that families build (src/arch/families/), src/arch/arch.ts walks
// and src/model/build.ts turns into TF.js. Pure TS: no tfjs, no React.

export type Shape = [height: number, width: number, channels: number];

export type LayerOp =
  /** Bilinear resize to size×size (torchvision's Resize, half-pixel centres), before the first layer. */
  | { op: 'resize'; name: string; size: number }
  /**
   * Convolution with torch-style symmetric zero padding `pad` on H and W.
   * `groups` splits input and output channels into that many independent
   * convolutions (ResNeXt's grouped 3×3); groups = input channels = filters is
   * a depthwise convolution (EfficientNet's MBConv). Kernel [k, k, C / groups, filters].
   */
  | { op: 'conv'; name: string; filters: number; kernel: number; stride: number; pad: number; bias: boolean; groups: number }
  /** Batch norm over N, H, W. zeroGamma starts gamma at 0 (Goyal et al. 2017, §5.1). */
  | { op: 'bn'; name: string; zeroGamma: boolean }
  | { op: 'relu' }
  /** SiLU / swish, x · sigmoid(x) (EfficientNet). */
  | { op: 'swish' }
  /** Max-pool as torch.nn.MaxPool2d: padding never wins the max, output floor((H + 2 pad - k) / s) + 1. */
  | { op: 'maxPool'; name: string; kernel: number; stride: number; pad: number }
  /**
   * Average pool as torch.nn.AvgPool2d without padding; `ceil` is ceil_mode,
   * where a window past the edge averages only the inputs it covers
   * (count_include_pad=False, timm's avg_down).
   */
  | { op: 'avgPool'; name: string; kernel: number; stride: number; ceil: boolean }
  /** torch.nn.AdaptiveAvgPool2d((size, size)): bin i covers [floor(i H / size), ceil((i + 1) H / size)). */
  | { op: 'adaptiveAvgPool'; name: string; size: number }
  /** Global average pool: [B, H, W, C] -> [B, C]. */
  | { op: 'gap' }
  /** [B, H, W, C] -> [B, H·W·C]. */
  | { op: 'flatten' }
  | { op: 'dense'; name: string; units: number }
  /** Dropout in training only (inverted: kept units are scaled by 1 / (1 - rate)). */
  | { op: 'dropout'; rate: number }
  /**
   * Squeeze-and-excitation (Hu et al. 2018): x · sigmoid(fc2(act(fc1(gap(x))))),
   * fc1 C -> squeeze and fc2 squeeze -> C, both with bias (1×1 convolutions in torch).
   */
  | { op: 'se'; name: string; squeeze: number; act: 'relu' | 'swish' }
  /** Option A shortcut (He et al. 2015, §4.2): x[:, ::s, ::s, :], channels zero-padded to `filters`. */
  | { op: 'padShortcut'; stride: number; filters: number }
  /**
   * out = branch(x) + shortcut(x) when skip, else branch(x) alone (the plain
   * twin). In training, dropPath drops the branch per sample at that rate
   * (stochastic depth, Huang et al. 2016), scaling kept ones by 1 / (1 - rate).
   */
  | { op: 'residual'; name: string; branch: LayerOp[]; shortcut: LayerOp[]; skip: boolean; dropPath: number }
  /** DenseNet's connectivity: out = [x, branch(x)] along channels (Huang et al. 2017). */
  | { op: 'concat'; name: string; branch: LayerOp[] }
  /**
   * The ViT hybrid's tokens (Dosovitskiy et al. 2021 §3.1): [B, H, W, D] ->
   * [B, 1 + H·W, D], a learned class token ('.cls', [D]) first, then a learned
   * position embedding ('.pos', [1 + H·W, D]) added to every token.
   */
  | { op: 'tokens'; name: string }
  /** LayerNorm over the last axis with gamma and beta, eps 1e-6 as ViT: [B, T, D] -> [B, T, D]. */
  | { op: 'layerNorm'; name: string }
  /**
   * Multi-head self-attention (Vaswani et al. 2017) over [B, T, D]: '.qkv' a
   * dense D -> 3D with bias, softmax(q kᵀ / sqrt(D / heads)) v per head,
   * '.proj' a dense D -> D with bias.
   */
  | { op: 'attention'; name: string; heads: number }
  /** GELU, tanh approximation (Hendrycks & Gimpel 2016, as BERT and GPT-2). */
  | { op: 'gelu' }
  /** The class token: [B, T, D] -> [B, D], token 0. */
  | { op: 'classToken' };
