// One's own images in Node (the CLI, the tests, the benches): a folder
// walked on disk or a zip read whole, decoded in JS (jpeg-js, pngjs,
// omggif's first frame) and fitted by data/fit.ts, then read as the page
// reads them (data/imagefolder.ts). WebP has no decoder here: such files
// are named and skipped (the page decodes them). Node only.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import { fitImage, type Fit } from './fit';
import { checkZipSize, zipFolderFiles } from './folder-files';
import { MAX_PIXELS, type ImageHeader } from './image-header';
import { FolderError, readImageFolder, type FitDecoder, type FolderFile, type FolderOptions, type FolderReport } from './imagefolder';

/** Folders deeper than this are not walked (the layout is at most 3 deep; deeper files are named as misplaced). */
const MAX_WALK_DEPTH = 8;

/** Decodes JPEG, PNG and GIF (its first frame) to RGBA in JS, then fits it. */
export const nodeDecoder: FitDecoder = async (bytes: Uint8Array, header: ImageHeader, size: number, fit: Fit) => {
  let rgba: Uint8Array;
  let width = header.width;
  let height = header.height;
  switch (header.format) {
    case 'jpeg': {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      ({ width, height } = img);
      rgba = img.data;
      break;
    }
    case 'png': {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = img);
      rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
      break;
    }
    case 'gif': {
      const gif = new GifReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = new Uint8Array(gif.width * gif.height * 4);
      gif.decodeAndBlitFrameRGBA(0, rgba);
      width = gif.width;
      height = gif.height;
      break;
    }
    case 'webp':
      throw new Error('WebP is decoded on the page, not by the command line (no WebP decoder in Node); convert it, or import the folder on the page');
  }
  return fitImage(rgba, width, height, size, fit);
};

/** The files under `dir`, paths relative to it with '/'. */
function walk(dir: string): FolderFile[] {
  const out: FolderFile[] = [];
  const visit = (at: string, depth: number) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_WALK_DEPTH) visit(path, depth + 1);
      } else if (e.isFile()) {
        out.push({ path: relative(dir, path).split(sep).join('/'), size: statSync(path).size, read: async () => new Uint8Array(readFileSync(path)) });
      }
    }
  };
  visit(dir, 0);
  return out;
}

/** A folder or a .zip of images as a data set (FolderOptions but the decoder and the name). */
export async function readFolderNode(path: string, opts: Omit<FolderOptions, 'decode' | 'name'>): Promise<FolderReport> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new FolderError(`${path}: no such folder or zip`);
  }
  const name = basename(path);
  if (stat.isDirectory()) return readImageFolder(walk(path), { ...opts, name, decode: nodeDecoder });
  checkZipSize(stat.size, name);
  const { files, problems } = zipFolderFiles(new Uint8Array(readFileSync(path)), name);
  return readImageFolder(files, { ...opts, name, decode: nodeDecoder, problems });
}
