// One's own images in the page's data worker: the browser decodes each file
// (JPEG, PNG, WebP, a GIF's first frame; a photo's EXIF orientation applied)
// with createImageBitmap, off the page's thread, and a 2D canvas fits it
// into the square (data/fit.ts placement) with high-quality smoothing; a
// dropped folder's files or a zip's entries, then data/imagefolder.ts.
// Worker and DOM APIs only: no node:*, no TF.js.
import { placement, type Fit } from './fit';
import { checkZipSize, zipFolderFiles } from './folder-files';
import { imageHeader, MAX_IMAGE_BYTES, MAX_PIXELS, type ImageHeader } from './image-header';
import { fileOverCap } from '../share/caps';
import { readImageFolder, type FitDecoder, type FolderFile, type FolderOptions, type FolderReport } from './imagefolder';
import type { FolderSource } from '../protocol/data';

/** Decodes with the browser and draws into a size×size canvas: RGB bytes. */
export const browserDecoder: FitDecoder = async (bytes: Uint8Array, header: ImageHeader, size: number, fit: Fit) => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` }));
  } catch (e) {
    throw new Error(`the browser could not decode it (${e instanceof Error ? e.message : String(e)})`);
  }
  return fitBitmap(bitmap, size, fit);
};

/** A decoded image (or a camera frame) fitted into a size×size square: RGB bytes. Closes the bitmap. */
export function fitBitmap(bitmap: ImageBitmap, size: number, fit: Fit): Uint8Array {
  try {
    // The bitmap's own size: EXIF orientation may have swapped the header's.
    const p = placement(bitmap.width, bitmap.height, size, fit);
    const canvas = new OffscreenCanvas(size, size);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('no 2D canvas in this worker');
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, p.sx, p.sy, p.sw, p.sh, p.dx, p.dy, p.dw, p.dh);
    const rgba = ctx.getImageData(0, 0, size, size).data;
    const rgb = new Uint8Array(size * size * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      rgb[j] = rgba[i] as number;
      rgb[j + 1] = rgba[i + 1] as number;
      rgb[j + 2] = rgba[i + 2] as number;
    }
    return rgb;
  } finally {
    bitmap.close();
  }
}

/** One image file fitted: its size checked before it is read, its header (a format the page reads, at most 50 megapixels) before it is decoded. */
export async function fitImageFile(file: Blob, name: string, size: number, fit: Fit): Promise<Uint8Array> {
  const big = fileOverCap(name, file.size, MAX_IMAGE_BYTES, 'an image');
  if (big) throw new Error(big);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let header: ImageHeader | null;
  try {
    header = imageHeader(bytes.subarray(0, 1 << 16));
  } catch (e) {
    throw new Error(`${name}: a broken image: ${(e as Error).message}`);
  }
  if (header === null) throw new Error(`${name}: not a JPEG, PNG, GIF or WebP image`);
  if (header.width * header.height > MAX_PIXELS) throw new Error(`${name}: ${header.width}×${header.height} is over the ${MAX_PIXELS / 1e6}-megapixel limit; not decoded`);
  try {
    return await browserDecoder(bytes, header, size, fit);
  } catch (e) {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A dropped folder's files, or a zip's entries (read whole: a zip is at most 2 GiB), as the import's files. */
export async function folderFiles(source: FolderSource): Promise<{ files: FolderFile[]; problems: FolderOptions['problems'] }> {
  if (source.kind === 'files') {
    return { files: source.files.map(({ path, file }) => ({ path, size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) })), problems: [] };
  }
  checkZipSize(source.file.size, source.name);
  return zipFolderFiles(new Uint8Array(await source.file.arrayBuffer()), source.name);
}

/** The folder or zip as a data set, decoded by the browser. */
export async function readFolderBrowser(source: FolderSource, opts: Omit<FolderOptions, 'decode' | 'name' | 'problems'>): Promise<FolderReport> {
  const { files, problems } = await folderFiles(source);
  return readImageFolder(files, { ...opts, name: source.name, decode: browserDecoder, ...(problems ? { problems } : {}) });
}
