// The data pipeline against torchvision's transforms, given the same choices
// (bench/reference/transforms.py): the normalization constants, pad 4 +
// RandomCrop, RandomHorizontalFlip, ToTensor + Normalize and cutout (erase
// after Normalize) bit for bit; the model's resize (the 'resize' op, for
// other input sizes) against torch's bilinear interpolation. Skipped, with
// the reason printed, where torch is missing.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../arch/rng';
import { texturedCifar } from '../testing/textured';
import { runReference, torchMissing } from '../testing/torch';
import { Batcher, channelStats } from './batches';

const { dataset } = texturedCifar(40, 10);
const ALL = { randomCrop: true, horizontalFlip: true, cutout: true };

interface Torchvision { batch: string; mean: number[]; std: number[]; resized: Record<string, string> }

const f32 = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);

/** NHWC -> NCHW, as PyTorch lays a batch out. */
function nchw(values: Float32Array, [b, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let n = 0; n < (b as number); n++) for (let y = 0; y < (h as number); y++) for (let x = 0; x < (w as number); x++) for (let k = 0; k < (c as number); k++) out[((n * (c as number) + k) * (h as number) + y) * (w as number) + x] = values[((n * (h as number) + y) * (w as number) + x) * (c as number) + k] as number;
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(torchMissing() !== null)('the data pipeline against torchvision (bench/reference/transforms.py)', () => {
  it('normalization constants, crop, flip, normalize and cutout: bit for bit; resize within 1e-5', () => {
    const stats = channelStats(dataset.train, 3);
    const batcher = new Batcher(dataset, stats, ALL, mulberry32(11));
    const indices = Array.from({ length: 40 }, (_, i) => i);
    const { x, decisions } = batcher.batch(dataset.train, indices, true);
    // Every kind of choice occurs: shifted crops both ways, flips, cutouts cut by the edge.
    expect(new Set(decisions.map((d) => d.top)).size).toBeGreaterThan(5);
    expect(decisions.some((d) => d.flip) && decisions.some((d) => !d.flip)).toBe(true);
    expect(decisions.some((d) => d.cutout && (d.cutout[0] === 0 || d.cutout[2] === 32))).toBe(true);
    const job = { shape: [40, 32, 32, 3], images: Buffer.from(dataset.train.images).toString('base64'), augment: decisions, stats, resize: [48, 20] };
    const r = runReference('transforms.py', [], JSON.stringify(job));
    expect(r.status, r.stderr).toBe(0);
    const torch = JSON.parse(r.stdout) as Torchvision;
    stats.mean.forEach((m, c) => expect(Math.abs(m - (torch.mean[c] as number))).toBeLessThan(1e-12));
    stats.std.forEach((s, c) => expect(Math.abs(s - (torch.std[c] as number))).toBeLessThan(1e-12));
    const ours = nchw(x.dataSync() as Float32Array, x.shape);
    const theirs = f32(torch.batch);
    let differing = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) differing++;
    expect(differing).toBe(0);
    for (const size of [48, 20]) {
      const resized = tf.tidy(() => nchw(tf.image.resizeBilinear(x, [size, size], false, true).dataSync() as Float32Array, [40, size, size, 3]));
      const want = f32(torch.resized[String(size)] as string);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((resized[i] as number) - (want[i] as number)));
      expect(worst).toBeLessThan(1e-5);
    }
    x.dispose();
  }, 60_000);
});
