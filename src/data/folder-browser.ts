// One's own images in the page's data worker: the browser decodes each file
// (JPEG, PNG, WebP, a GIF's first frame; a photo's EXIF orientation applied)
// with createImageBitmap, off the page's thread, and a 2D canvas fits it
// into the square (data/fit.ts placement) with high-quality smoothing; a
// dropped folder's files or a zip's entries, then data/imagefolder.ts.
// Worker and DOM APIs only: no node:*, no TF.js.
import { placement, type Fit } from './fit';
import { MAX_ZIP_BYTES, zipFolderFiles } from './folder-files';
import type { ImageHeader } from './image-header';
import { FolderError, readImageFolder, type FitDecoder, type FolderFile, type FolderOptions, type FolderReport } from './imagefolder';
import type { FolderSource } from '../protocol/data';

/** Decodes with the browser and draws into a size×size canvas: RGB bytes. */
export const browserDecoder: FitDecoder = async (bytes: Uint8Array, header: ImageHeader, size: number, fit: Fit) => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` }));
  } catch (e) {
    throw new Error(`the browser could not decode it (${e instanceof Error ? e.message : String(e)})`);
  }
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
};

/** A dropped folder's files, or a zip's entries (read whole: a zip is at most 2 GiB), as the import's files. */
export async function folderFiles(source: FolderSource): Promise<{ files: FolderFile[]; problems: FolderOptions['problems'] }> {
  if (source.kind === 'files') {
    return { files: source.files.map(({ path, file }) => ({ path, size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) })), problems: [] };
  }
  if (source.file.size > MAX_ZIP_BYTES) throw new FolderError(`${source.name}: ${(source.file.size / 2 ** 30).toFixed(1)} GiB, over the ${MAX_ZIP_BYTES / 2 ** 30} GiB a zip of images may be`);
  return zipFolderFiles(new Uint8Array(await source.file.arrayBuffer()), source.name);
}

/** The folder or zip as a data set, decoded by the browser. */
export async function readFolderBrowser(source: FolderSource, opts: Omit<FolderOptions, 'decode' | 'name' | 'problems'>): Promise<FolderReport> {
  const { files, problems } = await folderFiles(source);
  return readImageFolder(files, { ...opts, name: source.name, decode: browserDecoder, ...(problems ? { problems } : {}) });
}
