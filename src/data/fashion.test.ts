// Fashion-MNIST: the fixed split on a small stand-in, its checks, and the
// real package's 70,000 images through the same code.
import { describe, expect, it } from 'vitest';
import { fashionIdx, FASHION_CLASSES } from './fashion';
import { loadFashionNode } from './fashion-node';
import { mnistFromIdx } from './mnist';

/** 7,000 one-value images per class: image k of class c is filled with (c * 7 + k) % 256. */
const ROWS = Array.from({ length: 256 }, (_, v) => new Array<number>(784).fill(v));
function classes(): number[][][] {
  return FASHION_CLASSES.map((_, c) => Array.from({ length: 7000 }, (_, k) => ROWS[(c * 7 + k) % 256] as number[]));
}

describe('fashionIdx', () => {
  it('splits 6,000/1,000 per class, classes interleaved, and drops empty entries', () => {
    const raw = classes();
    raw[0]?.splice(1000, 0, []);
    const ds = mnistFromIdx(fashionIdx(raw, (c) => `${c}.json`), 'fashion');
    expect(ds.train.count).toBe(60_000);
    expect(ds.test.count).toBe(10_000);
    expect(Array.from(ds.train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Train image 10 is class 0's image 1; test image 13 is class 3's image 6001.
    expect(ds.train.images[10 * 784]).toBe(1);
    expect(ds.test.images[13 * 784]).toBe((3 * 7 + 6001) % 256);
    expect(ds.classNames[9]).toBe('Ankle boot');
  });

  it('names the file with the wrong count or a bad image', () => {
    const short = classes();
    short[4]?.pop();
    expect(() => fashionIdx(short, (c) => `${c}.json`)).toThrow('4.json: 6999 images, expected 7000');
    const bad = classes();
    (bad[2] as number[][])[6500] = new Array<number>(783).fill(0);
    expect(() => fashionIdx(bad, (c) => `${c}.json`)).toThrow('2.json: image 6500 has 783 values, expected 784');
  });
});

describe('loadFashionNode', () => {
  it('reads the package: 60,000 + 10,000 images of 28×28, balanced classes', () => {
    const ds = loadFashionNode();
    expect(ds).toMatchObject({ id: 'fashion', height: 28, width: 28, channels: 1, numClasses: 10 });
    expect(ds.train.count).toBe(60_000);
    expect(ds.test.count).toBe(10_000);
    const counts = new Array<number>(10).fill(0);
    for (const y of ds.test.labels) counts[y] = (counts[y] as number) + 1;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });
});
