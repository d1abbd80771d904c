// A small CIFAR-shaped data set with texture (seeded noise over a colour per
// class), and the same images as a cifar-10-binary.tar.gz, for tests that
// replay a run in PyTorch (bench/reference/replay.py reads the archive).
// Noise, not flat regions: a flat region puts whole rows of batch norm's
// outputs at one value, where ReLU's side of zero is a float32 coin toss.
import { CIFAR10_CLASSES, gzip, tar } from './fixtures';
import { mulberry32 } from '../arch/rng';
import type { Dataset, ImageSet } from '../data/types';

function images(count: number, seed: number): ImageSet {
  const rand = mulberry32(seed);
  const px = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  for (let i = 0; i < count; i++) {
    const label = labels[i] as number;
    for (let p = 0; p < 1024; p++) {
      const y = p >> 5;
      const x = p & 31;
      for (let c = 0; c < 3; c++) {
        const base = 64 + 40 * Math.sin((label + 1) * (c + 1) * 0.7 + (x + y * (c + 1)) * 0.2);
        px[i * 3072 + p * 3 + c] = Math.max(0, Math.min(255, Math.round(base + 80 * rand())));
      }
    }
  }
  return { images: px, labels, count };
}

/** NHWC images as CIFAR records: a label byte, then the R, G and B planes. */
function records(set: ImageSet, from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * 3073);
  for (let i = from; i < to; i++) {
    const o = (i - from) * 3073;
    out[o] = set.labels[i] as number;
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[o + 1 + c * 1024 + p] = set.images[i * 3072 + p * 3 + c] as number;
  }
  return out;
}

/** `train` (a multiple of 5) and `test` images: the Dataset the engine takes and the archive PyTorch reads. */
export function texturedCifar(train: number, test: number): { dataset: Dataset; archive: Uint8Array } {
  const trainSet = images(train, 1);
  const testSet = images(test, 2);
  const per = train / 5;
  const dir = 'cifar-10-batches-bin';
  const archive = gzip(tar([
    { name: `${dir}/`, type: '5' },
    ...[1, 2, 3, 4, 5].map((b) => ({ name: `${dir}/data_batch_${b}.bin`, data: records(trainSet, (b - 1) * per, b * per) })),
    { name: `${dir}/test_batch.bin`, data: records(testSet, 0, test) },
  ]));
  return { dataset: { id: 'cifar10', height: 32, width: 32, channels: 3, numClasses: 10, classNames: CIFAR10_CLASSES, train: trainSet, test: testSet }, archive };
}
