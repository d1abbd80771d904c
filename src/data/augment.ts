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
 * One image's random choices, as torchvision's transforms take them:
 * RandomCrop(h, padding=4)'s corner in the padded image (`top`, `left`, each
 * 0..8; 4 is no shift), RandomHorizontalFlip's coin (after the crop), and the
 * cutout box [y0, x0, y1) × [x0, x1) clipped to the image, or null.
 */
export interface AugmentDecision {
  top: number;
  left: number;
  flip: boolean;
  cutout: [y0: number, x0: number, y1: number, x1: number] | null;
}

/** Draws one image's choices from `rand` (uniform in [0, 1)): the crop's row, its column, the flip, the cutout's centre row, its column. */
export function drawAugment(a: Augmentation, h: number, w: number, rand: () => number): AugmentDecision {
  const pick = (n: number) => Math.floor(rand() * n);
  const top = a.randomCrop ? pick(2 * CROP_PADDING + 1) : CROP_PADDING;
  const left = a.randomCrop ? pick(2 * CROP_PADDING + 1) : CROP_PADDING;
  const flip = a.horizontalFlip && rand() < 0.5;
  if (!a.cutout) return { top, left, flip, cutout: null };
  const size = Math.floor(Math.min(h, w) / 2);
  const cy = pick(h) - Math.floor(size / 2);
  const cx = pick(w) - Math.floor(size / 2);
  return { top, left, flip, cutout: [Math.max(0, cy), Math.max(0, cx), Math.min(h, cy + size), Math.min(w, cx + size)] };
}

/** For one image of h×w pixels and its choices: the source pixel (y·w + x) each output pixel takes, or PADDED, or CUT. */
export function mapOf(d: AugmentDecision, h: number, w: number): Int32Array {
  const map = new Int32Array(h * w);
  const dy = d.top - CROP_PADDING;
  const dx = d.left - CROP_PADDING;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sy = y + dy;
      const sx = (d.flip ? w - 1 - x : x) + dx; // the flip of the cropped image
      map[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? sy * w + sx : PADDED;
    }
  }
  if (d.cutout) {
    const [y0, x0, y1, x1] = d.cutout;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * w + x] = CUT;
  }
  return map;
}

/** One image's pixel map with fresh choices from `rand`. */
export function pixelMap(a: Augmentation, h: number, w: number, rand: () => number): Int32Array {
  return mapOf(drawAugment(a, h, w, rand), h, w);
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
