// Augmentation pixel maps: identity when off, crops within the padding,
// flips, cutout squares of half the side, and determinism from the seed.
import { describe, expect, it } from 'vitest';
import { augmentBytes, CUT, PADDED, pixelMap } from './augment';

const OFF = { randomCrop: false, horizontalFlip: false, cutout: false };
/** A fixed sequence of draws. */
const seq = (...xs: number[]) => () => xs.shift() ?? 0;
function mulberry(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('pixelMap', () => {
  it('is the identity with everything off', () => {
    expect(Array.from(pixelMap(OFF, 2, 3, Math.random))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('flips left-right when the draw says so', () => {
    expect(Array.from(pixelMap({ ...OFF, horizontalFlip: true }, 2, 3, seq(0.2)))).toEqual([2, 1, 0, 5, 4, 3]);
    expect(Array.from(pixelMap({ ...OFF, horizontalFlip: true }, 2, 3, seq(0.7)))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('crops from the 4-pixel zero padding: offsets -4..4 each way', () => {
    // The first draw picks dy = floor(0 * 9) - 4 = -4, the second dx = floor(0.99 * 9) - 4 = 4.
    const map = pixelMap({ ...OFF, randomCrop: true }, 8, 8, seq(0, 0.99));
    // Output (y, x) reads source (y - 4, x + 4): the top 4 rows and right 4 columns are padding.
    expect(map[0]).toBe(PADDED);
    expect(map[4 * 8 + 0]).toBe(0 * 8 + 4);
    expect(map[7 * 8 + 3]).toBe(3 * 8 + 7);
    expect(map[7 * 8 + 4]).toBe(PADDED);
    const offsets = new Set<number>();
    const rand = mulberry(3);
    for (let i = 0; i < 500; i++) {
      const m = pixelMap({ ...OFF, randomCrop: true }, 32, 32, rand);
      const k = m.findIndex((v) => v >= 0);
      offsets.add(m[k]! - k);
    }
    expect(offsets.size).toBe(81);
  });

  it('cuts out a square of half the side, clipped at the border', () => {
    const map = pixelMap({ ...OFF, cutout: true }, 32, 32, seq(0.5, 0.5));
    expect(map.filter((v) => v === CUT).length).toBe(16 * 16);
    const corner = pixelMap({ ...OFF, cutout: true }, 32, 32, seq(0, 0));
    expect(corner.filter((v) => v === CUT).length).toBe(8 * 8);
    expect(corner[0]).toBe(CUT);
  });

  it('is deterministic for a seeded draw', () => {
    const all = { randomCrop: true, horizontalFlip: true, cutout: true };
    expect(pixelMap(all, 32, 32, mulberry(7))).toEqual(pixelMap(all, 32, 32, mulberry(7)));
  });
});

describe('augmentBytes', () => {
  it('reads the source pixels with their channels, black padding and the fill colour for cutout', () => {
    const src = Uint8Array.from([10, 11, 20, 21]); // 1×2 pixels, 2 channels
    const map = Int32Array.from([1, PADDED]);
    expect(Array.from(augmentBytes(src, map, 2, [5, 6]))).toEqual([20, 21, 0, 0]);
    expect(Array.from(augmentBytes(src, Int32Array.from([CUT, 0]), 2, [5, 6]))).toEqual([5, 6, 10, 11]);
  });
});
