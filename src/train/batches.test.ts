// The Batcher's augmentation: training batches only, the same pixel maps as
// the preview, padding as a normalized black pixel and cutout as 0.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pixelMap } from '../data/augment';
import type { Dataset } from '../data/types';
import { mulberry32 } from '../arch/rng';
import { Batcher, channelStats } from './batches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Four 8×8 RGB images with distinct pixels. */
function data(): Dataset {
  const n = 4;
  const images = Uint8Array.from({ length: n * 8 * 8 * 3 }, (_, i) => (i * 7) % 256);
  const set = { images, labels: Uint8Array.from([0, 1, 2, 3]), count: n };
  return { id: 'cifar10', height: 8, width: 8, channels: 3, numClasses: 10, classNames: [], train: set, test: set };
}

const ALL = { randomCrop: true, horizontalFlip: true, cutout: true };

describe('Batcher augmentation', () => {
  it('leaves evaluation batches and batches with augmentation off as they were', async () => {
    const ds = data();
    const stats = channelStats(ds.train, 3);
    const plain = new Batcher(ds, stats).batch(ds.train, [0, 2]);
    const evalBatch = new Batcher(ds, stats, ALL, mulberry32(1)).batch(ds.train, [0, 2], false);
    const off = new Batcher(ds, stats, { randomCrop: false, horizontalFlip: false, cutout: false }, mulberry32(1)).batch(ds.train, [0, 2], true);
    expect(await evalBatch.x.data()).toEqual(await plain.x.data());
    expect(await off.x.data()).toEqual(await plain.x.data());
    tf.dispose([plain.x, plain.y, evalBatch.x, evalBatch.y, off.x, off.y]);
  });

  it('follows pixelMap with the same draws: padding normalizes black, cutout is 0', async () => {
    const ds = data();
    const stats = channelStats(ds.train, 3);
    const { x, y } = new Batcher(ds, stats, ALL, mulberry32(5)).batch(ds.train, [1], true);
    const map = pixelMap(ALL, 8, 8, mulberry32(5));
    const got = await x.data();
    const norm = (v: number, c: number) => (v / 255 - (stats.mean[c] as number)) / (stats.std[c] as number);
    for (let p = 0; p < 64; p++) {
      for (let c = 0; c < 3; c++) {
        const s = map[p] as number;
        const want = s >= 0 ? norm(ds.train.images[192 + s * 3 + c] as number, c) : s === -1 ? norm(0, c) : 0;
        expect(got[p * 3 + c]).toBeCloseTo(want, 4);
      }
    }
    tf.dispose([x, y]);
  });
});
