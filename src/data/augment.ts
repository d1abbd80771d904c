// Training augmentation as in He et al. 2015 §4.2 ("4 pixels are padded on
// each side, and a 32×32 crop is randomly sampled from the padded image or
// its horizontal flip"), plus cutout (DeVries & Taylor 2017: a square of
// half the image side, its centre anywhere in the image, zeroed after
// normalization). Pure TS: no tfjs. The Batcher (src/train/batches.ts) and
// the data panel's preview read the same pixel map.
import type { DataConfig } from '../config/types';

export type Augmentation = Pick<DataConfig, 'randomCrop' | 'horizontalFlip' | 'cutout'>;

/** Pixels of zero padding on each side before the random crop. */
export const CROP_PADDING = 4;

/** In a pixel map: a padding pixel (black, 0 before normalization). */
export const PADDED = -1;
/** In a pixel map: a cutout pixel (0 after normalization, the mean colour). */
export const CUT = -2;

export const augments = (a: Augmentation): boolean => a.randomCrop || a.horizontalFlip || a.cutout;

/**
 * For one image of h×w pixels, the source pixel (y·w + x) each output pixel
 * takes, or PADDED, or CUT; random choices from `rand` (uniform in [0, 1)).
 */
export function pixelMap(a: Augmentation, h: number, w: number, rand: () => number): Int32Array {
  const map = new Int32Array(h * w);
  const pick = (n: number) => Math.floor(rand() * n);
  const dy = a.randomCrop ? pick(2 * CROP_PADDING + 1) - CROP_PADDING : 0;
  const dx = a.randomCrop ? pick(2 * CROP_PADDING + 1) - CROP_PADDING : 0;
  const flip = a.horizontalFlip && rand() < 0.5;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sy = y + dy;
      const sx = (flip ? w - 1 - x : x) + dx;
      map[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? sy * w + sx : PADDED;
    }
  }
  if (a.cutout) {
    const size = Math.floor(Math.min(h, w) / 2);
    const cy = pick(h);
    const cx = pick(w);
    const y0 = Math.max(0, cy - Math.floor(size / 2));
    const x0 = Math.max(0, cx - Math.floor(size / 2));
    const y1 = Math.min(h, cy - Math.floor(size / 2) + size);
    const x1 = Math.min(w, cx - Math.floor(size / 2) + size);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * w + x] = CUT;
  }
  return map;
}

/**
 * One augmented image as bytes, for previews: padding black, cutout in
 * `fill` (per channel, e.g. the training mean, which normalizes to 0).
 */
export function augmentBytes(src: Uint8Array, map: Int32Array, channels: number, fill: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(map.length * channels);
  for (let p = 0; p < map.length; p++) {
    const s = map[p] as number;
    for (let c = 0; c < channels; c++) out[p * channels + c] = s >= 0 ? (src[s * channels + c] as number) : s === PADDED ? 0 : (fill[c] as number);
  }
  return out;
}
