// The files of a zip of images as FolderFiles (src/data/imagefolder.ts),
// checked before anything is inflated: the zip's size, what its directory
// says it inflates to (a zip bomb declares far more than it holds), and
// every entry's compression ratio. Entries are inflated one at a time, as
// the import reads them, each bounded by its declared size (data/zip.ts).
// Pure TS: the page's data worker and the CLI read zips alike.
import { FolderError, type FolderFile, type FolderProblem } from './imagefolder';
import { readZipDirectory, readZipEntry, ZipError } from './zip';
import { fileOverCap } from '../share/caps';

/** The largest zip read: 2 GiB. */
export const MAX_ZIP_BYTES = 2 * 2 ** 30;
/** What a zip's entries may inflate to in all: 4 GiB. */
export const MAX_ZIP_INFLATED = 4 * 2 ** 30;
/** One entry inflating past this many times its bytes (and past 1 MiB) is a bomb: images barely compress. */
export const MAX_RATIO = 200;

/** Refuses a zip of `bytes` bytes over MAX_ZIP_BYTES, by name: before it is read, where its size is known first. */
export function checkZipSize(bytes: number, name: string): void {
  const big = fileOverCap(name, bytes, MAX_ZIP_BYTES, 'a zip of images');
  if (big) throw new FolderError(big);
}

/** A zip's entries as the files of a folder, and the duplicates it held (named, the first kept). */
export function zipFolderFiles(bytes: Uint8Array, name: string): { files: FolderFile[]; problems: FolderProblem[] } {
  checkZipSize(bytes.length, name);
  const problems: FolderProblem[] = [];
  let entries;
  try {
    entries = readZipDirectory(bytes, name, (dup) => problems.push({ file: dup, problem: 'a second entry of this name in the zip; the first is used' }));
  } catch (e) {
    if (e instanceof ZipError) throw new FolderError(e.message);
    throw e;
  }
  let inflated = 0;
  const files: FolderFile[] = [];
  for (const entry of entries.values()) {
    if (entry.name.endsWith('/')) continue; // a folder
    inflated += entry.size;
    if (entry.size > 2 ** 20 && entry.size > MAX_RATIO * Math.max(1, entry.compressedSize)) {
      throw new FolderError(`${name}: ${entry.name} says it inflates ${entry.compressedSize.toLocaleString('en-US')} bytes to ${entry.size.toLocaleString('en-US')} (over ${MAX_RATIO}×): a zip bomb, not images; nothing read`);
    }
    files.push({ path: entry.name, size: entry.size, nameNotUtf8: !entry.utf8, read: () => readZipEntry(bytes, entry, name) });
  }
  if (inflated > MAX_ZIP_INFLATED) {
    throw new FolderError(`${name}: its entries inflate to ${(inflated / 2 ** 30).toFixed(1)} GiB, over the ${MAX_ZIP_INFLATED / 2 ** 30} GiB read; nothing read`);
  }
  return { files, problems };
}
