// The ResNet + Transformer hybrid (ViT-hybrid, Dosovitskiy et al. 2021 §3.1):
// its parameter count against a formula written out by hand, its shapes and
// MACs, the plain twin, and multi-head attention against a naive per-head
// reference (plain 2-D matMul and softmax), values and input gradients, on
// the CPU backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromPreset } from '../config/presets';
import { buildArch, summarize, type LayerOp } from '../arch/arch';
import { gelu, layerNorm, multiHeadAttention, type AttentionWeights } from './transformer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function flat(op: LayerOp): LayerOp[] {
  return op.op === 'residual' ? [op, ...op.branch.flatMap(flat), ...op.shortcut.flatMap(flat)] : [op];
}

describe('resnet_transformer at 32×32×3, 10 classes', () => {
  const cfg = modelFromPreset('resnet_transformer');
  const s = summarize(buildArch(cfg, 10), [32, 32, 3]);

  it('has the parameters of its formula', () => {
    // The convolutional part, ResNet-18's first 3 stages on the CIFAR stem, option B (BN: 2 per channel).
    const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + 2 * cout;
    const stem = conv(3, 3, 64);
    const stage1 = 4 * conv(3, 64, 64);
    const stage2 = conv(3, 64, 128) + conv(3, 128, 128) + conv(1, 64, 128) + 2 * conv(3, 128, 128);
    const stage3 = conv(3, 128, 256) + conv(3, 256, 256) + conv(1, 128, 256) + 2 * conv(3, 256, 256);
    const resnet = stem + stage1 + stage2 + stage3;
    expect(resnet).toBe(2_775_104);
    // The encoder: C = 256 stage-3 channels, width D = 256, MLP ratio r = 4, T = 8·8 positions, K = 10 classes.
    const [C, D, r, T, K, N] = [256, 256, 4, 8 * 8, 10, 2];
    const projection = C * D + D; // 1×1 conv with bias
    const embedding = D + (T + 1) * D; // class token, positions (class token included)
    const attention = 4 * D * D + 4 * D; // qkv D -> 3D and out D -> D, with biases
    const mlp = 2 * D * (r * D) + r * D + D; // D -> rD -> D, with biases
    const norms = 4 * D; // two LayerNorms, gamma and beta
    const layer = attention + mlp + norms;
    const finalNorm = 2 * D;
    const head = D * K + K;
    expect(s.params).toBe(resnet + projection + embedding + N * layer + finalNorm + head);
    expect(s.params).toBe(4_440_394);
  });

  it('turns the 8×8 map into 65 tokens and reads the class token', () => {
    const out = (name: string) => s.layers.find((l) => l.name === name)?.outShape;
    expect(out('stage3.block1.conv2')).toEqual([8, 8, 256]);
    expect(out('encoder.proj')).toEqual([8, 8, 256]);
    expect(out('encoder.embed')).toEqual([65, 256]);
    expect(out('encoder.layer1.mlp.fc1')).toEqual([65, 1024]);
    expect(out('encoder.norm')).toEqual([65, 256]);
    expect(s.layers.at(-1)).toMatchObject({ name: 'fc', outShape: [10] });
    expect(new Set(s.layers.map((l) => l.stage))).toEqual(new Set(['stem', 'stage1', 'stage2', 'stage3', 'encoder', 'head']));
  });

  it('counts the attention matmuls as MACs, and the MLP at every token', () => {
    const macs = (name: string) => s.layers.find((l) => l.name === name)?.macs;
    const [T, D] = [65, 256];
    expect(macs('encoder.layer0.attn')).toBe(3 * T * D * D + T * T * D + T * T * D + T * D * D);
    expect(macs('encoder.layer0.mlp.fc1')).toBe(T * D * 4 * D);
    expect(s.kernelNames.filter((n) => n.startsWith('encoder.layer0'))).toEqual(['encoder.layer0.attn.qkv', 'encoder.layer0.attn.proj', 'encoder.layer0.mlp.fc1', 'encoder.layer0.mlp.fc2']);
  });

  it('the plain twin drops the encoder layers’ additions too, keeping every layer', () => {
    const plain = buildArch({ ...cfg, skip: false }, 10);
    const res = buildArch(cfg, 10);
    const adds = (ops: LayerOp[]) => ops.flatMap(flat).filter((o) => o.op === 'residual' && o.skip).length;
    expect(adds(res)).toBe(6 + 2 * 2);
    expect(adds(plain)).toBe(0);
    expect(summarize(plain, [32, 32, 3]).params).toBe(s.params - (64 * 128 + 2 * 128) - (128 * 256 + 2 * 256));
  });

  it('refuses heads that do not divide the width, and the CIFAR family ignores the encoder', () => {
    expect(() => summarize(buildArch({ ...cfg, heads: 3 }, 10), [32, 32, 3])).toThrow(/3 heads must divide the width 256/);
    const cifar = modelFromPreset('resnet20');
    expect(summarize(buildArch({ ...cifar, transformerLayers: 2 }, 10), [32, 32, 3]).params).toBe(269_722);
  });
});

/** Relative error ‖a - b‖ / ‖b‖. */
function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)).dataSync()[0]!);
}

/** The reference: per batch element and per head, plain 2-D matMul and softmax, heads concatenated, then projected. */
function naiveAttention(x: tf.Tensor3D, w: AttentionWeights, heads: number): tf.Tensor3D {
  const [batch, , d] = x.shape;
  const dh = d / heads;
  const cols = (m: tf.Tensor, from: number) => tf.slice(m, [0, from], [-1, dh]) as tf.Tensor2D;
  const bias = (from: number) => tf.slice(w.qkvBias, [from], [dh]);
  const out: tf.Tensor2D[] = [];
  for (let b = 0; b < batch; b++) {
    const xb = tf.squeeze(tf.slice(x, [b, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D; // [T, D]
    const perHead: tf.Tensor2D[] = [];
    for (let h = 0; h < heads; h++) {
      const q = tf.add(tf.matMul(xb, cols(w.qkvKernel, h * dh)), bias(h * dh)) as tf.Tensor2D; // [T, Dh]
      const k = tf.add(tf.matMul(xb, cols(w.qkvKernel, d + h * dh)), bias(d + h * dh)) as tf.Tensor2D;
      const v = tf.add(tf.matMul(xb, cols(w.qkvKernel, 2 * d + h * dh)), bias(2 * d + h * dh)) as tf.Tensor2D;
      const p = tf.softmax(tf.div(tf.matMul(q, tf.transpose(k)), Math.sqrt(dh))) as tf.Tensor2D; // [T, T]
      perHead.push(tf.matMul(p, v)); // [T, Dh]
    }
    out.push(tf.add(tf.matMul(tf.concat(perHead, 1), w.projKernel as tf.Tensor2D), w.projBias) as tf.Tensor2D); // [T, D]
  }
  return tf.stack(out) as tf.Tensor3D; // [B, T, D]
}

describe('multi-head self-attention', () => {
  it('equals the naive per-head reference in value and input gradient', () => {
    const [B, T, D, H] = [2, 7, 12, 3];
    const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.5, 'float32', seed);
    const w: AttentionWeights = { qkvKernel: r([D, 3 * D], 1), qkvBias: r([3 * D], 2), projKernel: r([D, D], 3), projBias: r([D], 4) };
    const x = r([B, T, D], 5) as tf.Tensor3D;
    const probe = r([B, T, D], 6); // a random linear readout, so the gradient is not trivially symmetric
    const loss = (f: (x: tf.Tensor3D) => tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor3D), probe));
    const fast = (x: tf.Tensor3D) => multiHeadAttention(x, w, H);
    const slow = (x: tf.Tensor3D) => naiveAttention(x, w, H);
    expect(fast(x).shape).toEqual([B, T, D]);
    expect(relError(fast(x), slow(x))).toBeLessThan(1e-5);
    expect(relError(tf.grad(loss(fast))(x), tf.grad(loss(slow))(x))).toBeLessThan(1e-5);
  });

  it('LayerNorm normalizes the last axis (eps 1e-6); GELU is the tanh approximation', () => {
    const x = tf.tensor3d([[[1, 2, 3, 6]]]);
    const y = layerNorm(x, tf.ones([4]), tf.zeros([4])).dataSync();
    const [mean, sd] = [3, Math.sqrt((4 + 1 + 0 + 9) / 4 + 1e-6)];
    [1, 2, 3, 6].forEach((v, i) => expect(y[i]).toBeCloseTo((v - mean) / sd, 5));
    const g = gelu(tf.tensor1d([-1, 0, 1, 3])).dataSync();
    const ref = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    [-1, 0, 1, 3].forEach((v, i) => expect(g[i]).toBeCloseTo(ref(v), 6));
  });
});

describe('the stage table', () => {
  it('lists the encoder as a stage of 2 layers between stage3 and the head', async () => {
    const { stageTable } = await import('../arch/stages');
    const cfg = modelFromPreset('resnet_transformer');
    const rows = stageTable(cfg, summarize(buildArch(cfg, 10), [32, 32, 3]));
    expect(rows.map((r) => [r.stage, r.blocks, r.outShape])).toEqual([
      ['stem', 0, [32, 32, 64]], ['stage1', 2, [32, 32, 64]], ['stage2', 2, [16, 16, 128]], ['stage3', 2, [8, 8, 256]],
      ['encoder', 2, [65, 256]], ['head', 0, [10]],
    ]);
    expect(rows.at(-1)?.blockType).toBe('class token, fc');
  });
});
