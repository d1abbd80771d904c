// The Transformer pieces of the forward pass (ViT-hybrid's encoder,
// Dosovitskiy et al. 2021): LayerNorm, GELU and multi-head self-attention on
// tokens [B, T, D]. Every tensor stays at rank ≤ 4: GPU backends break above
// rank 4 in gradients, so heads are a reshape to [B, T, H, Dh] and a
// transpose to [B, H, T, Dh], then one batched matMul.
import * as tf from '@tensorflow/tfjs';

/** LayerNorm's epsilon, as ViT (torch's default is 1e-5). */
export const LN_EPSILON = 1e-6;

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) · gamma + beta, biased variance as torch. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true); // [B, T, 1] each
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPSILON))); // [B, T, D]
  return tf.add(tf.mul(normed, gamma), beta); // [B, T, D]
}

/**
 * GELU with the tanh approximation (Hendrycks & Gimpel 2016, as BERT and
 * GPT-2; torch's approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))).
 * It differs from the exact erf form by under 1e-3; TF.js 4.22 has no erf gradient.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** A dense layer at every position: [B, T, Din] · [Din, Dout] + [Dout] -> [B, T, Dout]. */
export function tokenDense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [b = -1, t = -1, din = -1] = x.shape;
  const flat = tf.reshape(x, [b * t, din]) as tf.Tensor2D; // [B·T, Din]
  const y = tf.add(tf.matMul(flat, kernel as tf.Tensor2D), bias); // [B·T, Dout]
  return tf.reshape(y, [b, t, -1]); // [B, T, Dout]
}

/** Weights of one attention layer: qkv [D, 3D] and [3D] (q, k, v in that order), proj [D, D] and [D]. */
export interface AttentionWeights { qkvKernel: tf.Tensor; qkvBias: tf.Tensor; projKernel: tf.Tensor; projBias: tf.Tensor }

/**
 * Multi-head self-attention (Vaswani et al. 2017 §3.2): for each head h,
 * softmax(q_h k_hᵀ / sqrt(Dh)) v_h, the heads concatenated and projected.
 * x [B, T, D] -> [B, T, D]; D must be a multiple of `heads`.
 */
export function multiHeadAttention(x: tf.Tensor, w: AttentionWeights, heads: number): tf.Tensor {
  const [b = -1, t = -1, d = -1] = x.shape;
  const dh = d / heads;
  const qkv = tokenDense(x, w.qkvKernel, w.qkvBias); // [B, T, 3D]
  const [q, k, v] = tf.split(qkv, 3, 2).map((part) => tf.transpose(tf.reshape(part, [b, t, heads, dh]), [0, 2, 1, 3])); // [B, H, T, Dh] each
  const scores = tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh)); // [B, H, T, T]
  const mixed = tf.matMul(tf.softmax(scores), v!); // [B, H, T, Dh]
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [b, t, d]); // [B, T, D]
  return tokenDense(merged, w.projKernel, w.projBias); // [B, T, D]
}
