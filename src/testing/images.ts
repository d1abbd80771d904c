// Images for tests, made here: coloured shapes as RGBA, encoded as PNG
// (pngjs), JPEG (jpeg-js) or GIF (omggif), and folders of them as the
// FolderFiles the import reads. Node only.
import jpeg from 'jpeg-js';
import { GifWriter } from 'omggif';
import { PNG } from 'pngjs';
import type { FolderFile } from '../data/imagefolder';

export type Shape = 'square' | 'disc' | 'stripes';
export type Rgb = readonly [number, number, number];

/** A w×h RGBA image: `shape` in `color` on a grey background, nudged by `seed` so no two are equal. */
export function shapeImage(w: number, h: number, shape: Shape, color: Rgb, seed = 0): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / w - 0.5;
      const v = y / h - 0.5;
      const inside = shape === 'square' ? Math.abs(u) < 0.3 && Math.abs(v) < 0.3 : shape === 'disc' ? u * u + v * v < 0.09 : Math.floor((x + seed) / Math.max(1, w / 8)) % 2 === 0;
      const c = inside ? color : ([128, 128, 128] as const);
      const o = (y * w + x) * 4;
      for (let k = 0; k < 3; k++) out[o + k] = Math.max(0, Math.min(255, (c[k] as number) + ((seed * 7 + x + y) % 5) - 2));
      out[o + 3] = 255;
    }
  }
  return out;
}

export function png(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const img = new PNG({ width: w, height: h });
  img.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(img));
}

export function jpg(rgba: Uint8Array, w: number, h: number, quality = 90): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: Buffer.from(rgba), width: w, height: h }, quality).data);
}

/** A one-frame GIF: the colours quantised to a 216-colour cube. */
export function gif(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const palette = Array.from({ length: 256 }, (_, i) => (i < 216 ? ((Math.floor(i / 36) * 51) << 16) | ((Math.floor(i / 6) % 6) * 51 << 8) | ((i % 6) * 51) : 0));
  const indices = Array.from({ length: w * h }, (_, p) => {
    const q = (k: number) => Math.round((rgba[p * 4 + k] as number) / 51);
    return q(0) * 36 + q(1) * 6 + q(2);
  });
  const buf = Buffer.alloc(w * h * 2 + 2048);
  const writer = new GifWriter(buf, w, h, { palette });
  writer.addFrame(0, 0, w, h, indices);
  return new Uint8Array(buf.subarray(0, writer.end()));
}

/** A folder held in memory: path -> bytes, as the import's FolderFiles. */
export function memoryFolder(entries: Record<string, Uint8Array>): FolderFile[] {
  return Object.entries(entries).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
}
