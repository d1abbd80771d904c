// Pooling with torch's semantics where TF.js differs: ceil-mode average
// pooling that averages only the inputs a window covers, and adaptive
// average pooling. TF.js's own 'same' average pool divides edge windows by
// their count in the forward pass but by k² in its gradient, so neither is used here.
import * as tf from '@tensorflow/tfjs';
import { convOut } from '../arch/arch';

/**
 * torch.nn.AvgPool2d(k, s, padding=0, ceil_mode=ceil, count_include_pad=False):
 * x [B, H, W, C] -> [B, OH, OW, C]. In ceil mode the last window may hang
 * past the edge; it averages the inputs it covers.
 */
export function avgPool(x: tf.Tensor4D, kernel: number, stride: number, ceil: boolean): tf.Tensor4D {
  const [, h, w] = x.shape;
  const [oh, ow] = [convOut(h, kernel, stride, 0, ceil), convOut(w, kernel, stride, 0, ceil)];
  const [padH, padW] = [Math.max(0, (oh - 1) * stride + kernel - h), Math.max(0, (ow - 1) * stride + kernel - w)];
  if (padH === 0 && padW === 0) return tf.avgPool(x, kernel, stride, 'valid'); // every window full: sum / k²
  const xp = tf.pad(x, [[0, 0], [0, padH], [0, padW], [0, 0]]); // [B, H + padH, W + padW, C], zeros past the edge
  const sums = tf.avgPool(xp, kernel, stride, 'valid'); // [B, OH, OW, C], sum / k²
  // Rescale each window from k² to the inputs it covers.
  const covered = (size: number, out: number) => Array.from({ length: out }, (_, i) => Math.min(kernel, size - i * stride));
  const [ch, cw] = [covered(h, oh), covered(w, ow)];
  const scale = tf.tensor(ch.flatMap((a) => cw.map((b) => (kernel * kernel) / (a * b))), [1, oh, ow, 1]);
  return tf.mul(sums, scale);
}

/** torch's adaptive pooling matrix [out, size]: row i averages [floor(i·size/out), ceil((i+1)·size/out)). */
function poolMatrix(out: number, size: number): tf.Tensor2D {
  const m = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const [start, end] = [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
    for (let j = start; j < end; j++) m[i * size + j] = 1 / (end - start);
  }
  return tf.tensor2d(m, [out, size]);
}

/**
 * torch.nn.AdaptiveAvgPool2d((size, size)): x [B, H, W, C] -> [B, size, size, C],
 * as two matrix products (rows, then columns). A 1×1 map is replicated, as
 * torchvision's VGG does at 32×32.
 */
export function adaptiveAvgPool(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h === size && w === size) return x;
  const rows = tf.matMul(poolMatrix(size, h), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c])); // [size, B·W·C]
  const byCol = tf.reshape(tf.transpose(tf.reshape(rows, [size, b, w, c]), [2, 1, 0, 3]), [w, b * size * c]); // [W, B·size·C]
  const cols = tf.matMul(poolMatrix(size, w), byCol); // [size, B·size·C]
  return tf.transpose(tf.reshape(cols, [size, b, size, c]), [1, 2, 0, 3]); // [B, size, size, C]
}
