// A folder of one's own images as a data set, laid out as torchvision's
// ImageFolder: one subfolder per class (DIR/CLASS/IMAGE), or with top-level
// splits (DIR/train/CLASS/IMAGE and DIR/test/CLASS/IMAGE; 'val', 'valid' or
// 'validation' for test), else a seeded split per class with a chosen test
// share. Classes are the folder names, sorted (as ImageFolder). Each image
// is fitted to a size×size square (centre crop or pad) by an injected
// decoder: the page's data worker lets the browser decode and resize
// (data/folder-browser.ts), the CLI decodes in JS (data/folder-node.ts).
//
// Nothing is lost to a bad file: what is not an image is skipped and
// counted; a broken image, one over 50 megapixels (refused from its header,
// before decoding), a file outside the layout or a second file of one name
// is skipped and named; a name that is not UTF-8 is named and used. What
// leaves no data set (fewer than 2 classes, more than 1,000, more pixels
// than the cap) is refused with a FolderError that says why.
// Pure TS: no DOM, no node:*, no TF.js.
import { permutation } from '../arch/rng';
import type { Fit } from './fit';
import { IMAGE_EXTENSIONS, imageHeader, MAX_IMAGE_BYTES, MAX_PIXELS, type ImageHeader } from './image-header';
import { overCap } from '../share/caps';
import type { Dataset, ImageSet } from './types';

/** One file of the folder (or zip): its path inside it, '/'-separated. */
export interface FolderFile {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
  /** The name's bytes were not UTF-8 (a zip from an old tool): shown as decoded, with U+FFFD. */
  nameNotUtf8?: boolean;
}

/** Decodes an image and fits it into a size×size square: RGB bytes. Throws, saying why, for a broken image. */
export type FitDecoder = (bytes: Uint8Array, header: ImageHeader, size: number, fit: Fit) => Promise<Uint8Array>;

export interface FolderOptions {
  /** What was dropped or named (a folder's or a zip's name), for messages. */
  name: string;
  /** The side images are fitted to. */
  size: number;
  fit: Fit;
  /** Without train/ and test/ folders: the share of each class held out for testing. */
  testShare: number;
  seed: number;
  decode: FitDecoder;
  onProgress?(done: number, total: number, file: string): void;
  signal?: AbortSignal;
  /** Problems met before: a zip's second entries of one name (folder-files.ts). */
  problems?: readonly FolderProblem[];
}

export interface FolderProblem {
  file: string;
  problem: string;
}

export interface FolderReport {
  dataset: Dataset;
  /** 'split': the folder's own train/ and test/; 'seeded': a seeded split per class. */
  layout: 'split' | 'seeded';
  /** Every file skipped or doubtful, named, in the order met. */
  problems: FolderProblem[];
  /** Files that are not images (by name), skipped. */
  notImages: number;
  /** Images per class in each split. */
  counts: { train: number[]; test: number[] };
  /** What the data set's classes deserve a word about: unbalanced, or a class under 2 images. */
  warnings: string[];
}

export class FolderError extends Error {
  override name = 'FolderError';
}

/** The sides the page offers. */
export const FOLDER_SIZES = [32, 64, 96, 128, 224] as const;
export const MAX_CLASSES = 1000;
/** The decoded pixels held at most: 512 MiB (10,000 images at 128, 2,200 at 224). */
export const MAX_FOLDER_BYTES = 512 * 2 ** 20;
/** Largest over smallest class above this: a warning. */
export const IMBALANCE = 3;

const TRAIN_NAMES = new Set(['train', 'training']);
const TEST_NAMES = new Set(['test', 'val', 'valid', 'validation']);
/** What operating systems leave in folders and zips: ignored without a word. */
const JUNK = /^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)/i;
/** Images read at once: the browser decodes them in parallel. */
const IN_FLIGHT = 8;

interface Item {
  file: FolderFile;
  label: number;
  split: 'train' | 'test';
}

export interface FolderPlan {
  layout: 'split' | 'seeded';
  classes: string[];
  items: Item[];
  problems: FolderProblem[];
  notImages: number;
}

const extension = (path: string) => path.slice(path.lastIndexOf('.') + 1).toLowerCase();

/**
 * Which file is which class and split, before reading any: the layout, the
 * classes, the seeded split, and the files skipped for their place or name.
 * Throws FolderError when no data set can come of it.
 */
export function planFolder(files: readonly FolderFile[], name: string, testShare: number, seed: number): FolderPlan {
  const problems: FolderProblem[] = [];
  let notImages = 0;
  const seen = new Map<string, FolderFile>();
  for (const f of files) {
    const parts = f.path.split('/').filter((p) => p !== '');
    if (parts.length === 0 || parts.some((p) => JUNK.test(p))) continue;
    const key = parts.join('/');
    if (seen.has(key)) {
      problems.push({ file: key, problem: 'a second file of this name; the first is used' });
      continue;
    }
    if (f.nameNotUtf8) problems.push({ file: key, problem: 'its name is not UTF-8 (shown with �); used' });
    seen.set(key, f);
  }
  let paths = [...seen.keys()].map((p) => p.split('/'));
  // A folder dropped whole, or a zip of one: its own name (and any single folder inside) is no class.
  // Images decide (a README beside the class folders does not).
  const isImage = (p: readonly string[]) => extension(p[p.length - 1] as string) in IMAGE_EXTENSIONS;
  for (;;) {
    const images = paths.filter(isImage);
    const root = images[0]?.[0];
    if (images.length === 0 || !images.every((p) => p.length >= 3 && p[0] === root) || !paths.every((p) => p.length >= 2 && p[0] === root)) break;
    paths = paths.map((p) => p.slice(1));
  }
  const tops = new Set(paths.filter((p) => p.length >= 2).map((p) => (p[0] as string).toLowerCase()));
  const split = [...tops].some((t) => TRAIN_NAMES.has(t)) && [...tops].some((t) => TEST_NAMES.has(t)) && [...tops].every((t) => TRAIN_NAMES.has(t) || TEST_NAMES.has(t));
  const depth = split ? 3 : 2;
  const original = [...seen.values()];
  const placed: Array<{ file: FolderFile; cls: string; split: 'train' | 'test' | null; shown: string }> = [];
  paths.forEach((p, i) => {
    const file = original[i] as FolderFile;
    const shown = p.join('/');
    if (!(extension(shown) in IMAGE_EXTENSIONS)) {
      notImages++;
      return;
    }
    if (p.length !== depth) {
      const layout = split ? 'split/class/image (train/cat/1.jpg)' : 'class/image (cat/1.jpg)';
      problems.push({ file: file.path, problem: p.length < depth ? `not in a class folder (the layout is ${layout}); skipped` : `in a folder nested deeper than ${layout}; skipped` });
      return;
    }
    const [first, second] = p as [string, string];
    placed.push(split ? { file, cls: second, split: TRAIN_NAMES.has(first.toLowerCase()) ? 'train' : 'test', shown } : { file, cls: first, split: null, shown });
  });
  // In path order, whatever order the files came in (a drop's, a zip's, a disk's): the same folder, the same data set.
  placed.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  const classes = [...new Set(placed.filter((x) => x.split !== 'test').map((x) => x.cls))].sort();
  if (classes.length > MAX_CLASSES) throw new FolderError(`${name}: ${classes.length.toLocaleString('en-US')} classes (folders); at most ${MAX_CLASSES.toLocaleString('en-US')} are read`);
  if (classes.length < 2) {
    const found = classes.length === 0 ? 'no class folder with images' : `one class (${classes[0]})`;
    throw new FolderError(`${name}: ${found}; a classifier needs at least 2 classes, each a folder of images (${split ? 'train/CLASS/IMAGE' : 'CLASS/IMAGE'})`);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const items: Item[] = [];
  for (const x of placed) {
    const label = index.get(x.cls);
    if (label === undefined) {
      problems.push({ file: x.file.path, problem: `its class ${x.cls} has no training images; skipped` });
      continue;
    }
    if (x.split !== null) items.push({ file: x.file, label, split: x.split });
  }
  if (!split) {
    classes.forEach((cls, label) => {
      const own = placed.filter((x) => x.cls === cls);
      for (const { index, test } of seededSplit(own.length, testShare, seed, label)) items.push({ file: (own[index] as (typeof own)[number]).file, label, split: test ? 'test' : 'train' });
    });
  }
  return { layout: split ? 'split' : 'seeded', classes, items, problems, notImages };
}

/**
 * One class's seeded split (train.py's plan_folder draws the same): its
 * `count` images in a permutation seeded by the seed and the class, the
 * first round(count × testShare) of it (at least 1, none for a class under
 * 2, never all) held out for testing. -> the images in that order.
 */
export function seededSplit(count: number, testShare: number, seed: number, label: number): Array<{ index: number; test: boolean }> {
  const held = count >= 2 ? Math.max(1, Math.round(count * testShare)) : 0;
  return [...permutation(count, seed * 1009 + label)].map((index, rank) => ({ index, test: rank < held && held < count }));
}

/**
 * Images already fitted (a camera's frames: RGB, size×size, per class) as a
 * data set, split as a folder without train/ and test/ is.
 */
export function datasetFromPixels(name: string, classNames: readonly string[], perClass: readonly (readonly Uint8Array[])[], size: number, testShare: number, seed: number): FolderReport {
  const pixels = size * size * 3;
  if (classNames.length < 2) throw new FolderError(`${name}: ${classNames.length} class; a classifier needs at least 2`);
  const empty = classNames.filter((_, c) => (perClass[c]?.length ?? 0) === 0);
  if (empty.length > 0) throw new FolderError(`${name}: no images recorded for ${empty.join(', ')}`);
  const named = new Set(classNames);
  if (named.size !== classNames.length || classNames.some((c) => c.trim() === '')) throw new FolderError(`${name}: every class needs a name of its own`);
  const items: Array<{ px: Uint8Array; label: number; test: boolean }> = [];
  perClass.forEach((images, label) => {
    for (const { index, test } of seededSplit(images.length, testShare, seed, label)) {
      const px = images[index] as Uint8Array;
      if (px.length !== pixels) throw new FolderError(`${name}: an image of ${classNames[label]} holds ${px.length} bytes, not ${size}×${size}×3`);
      items.push({ px, label, test });
    }
  });
  return { ...assemble(items, classNames, size), layout: 'seeded', problems: [], notImages: 0 };
}

/**
 * Fitted images (RGB, size×size), each with its class and split, as the
 * data set, its counts per class and split, and the class warnings.
 */
function assemble(items: ReadonlyArray<{ px: Uint8Array; label: number; test: boolean }>, classNames: readonly string[], size: number): Pick<FolderReport, 'dataset' | 'counts' | 'warnings'> {
  const pixels = size * size * 3;
  const set = (test: boolean): ImageSet => {
    const kept = items.filter((x) => x.test === test);
    const images = new Uint8Array(kept.length * pixels);
    const labels = classNames.length <= 256 ? new Uint8Array(kept.length) : new Uint16Array(kept.length);
    kept.forEach((x, k) => {
      images.set(x.px, k * pixels);
      labels[k] = x.label;
    });
    return { images, labels, count: kept.length };
  };
  const count = (s: ImageSet) => {
    const n = new Array<number>(classNames.length).fill(0);
    for (const l of s.labels) n[l] = (n[l] as number) + 1;
    return n;
  };
  const train = set(false);
  const test = set(true);
  const counts = { train: count(train), test: count(test) };
  return {
    dataset: { id: 'folder', height: size, width: size, channels: 3, numClasses: classNames.length, classNames: [...classNames], train, test },
    counts,
    warnings: classWarnings(classNames, counts.train.map((n, c) => n + (counts.test[c] ?? 0))),
  };
}

/** Reads, checks, decodes and fits every planned image: the data set and what was skipped, named. */
export async function readImageFolder(files: readonly FolderFile[], opts: FolderOptions): Promise<FolderReport> {
  const plan = planFolder(files, opts.name, opts.testShare, opts.seed);
  const pixels = opts.size * opts.size * 3;
  if (plan.items.length * pixels > MAX_FOLDER_BYTES) {
    throw new FolderError(`${opts.name}: ${plan.items.length.toLocaleString('en-US')} images at ${opts.size}×${opts.size} need ${Math.ceil((plan.items.length * pixels) / 2 ** 20)} MiB, over the ${MAX_FOLDER_BYTES / 2 ** 20} MiB held; choose a smaller size or fewer images`);
  }
  const problems = [...(opts.problems ?? []), ...plan.problems];
  const decoded: Array<Uint8Array | null> = new Array(plan.items.length).fill(null);
  let done = 0;
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const { file } = plan.items[i] as Item;
    const skip = (problem: string) => problems.push({ file: file.path, problem: `${problem}; skipped` });
    const big = overCap(file.size, MAX_IMAGE_BYTES, 'an image');
    if (big) return void skip(`${big}, not read`);
    const bytes = await file.read();
    let header: ImageHeader | null;
    try {
      header = imageHeader(bytes.subarray(0, 1 << 16));
    } catch (e) {
      return void skip(`a broken image: ${(e as Error).message}`);
    }
    if (header === null) return void skip(`not a JPEG, PNG, GIF or WebP image despite its name`);
    if (header.width * header.height > MAX_PIXELS) {
      return void skip(`${header.width}×${header.height} is ${(header.width * header.height / 1e6).toFixed(1)} megapixels, over the ${MAX_PIXELS / 1e6}-megapixel limit (not decoded)`);
    }
    if (header.width === 0 || header.height === 0) return void skip(`a broken image: its header says ${header.width}×${header.height}`);
    try {
      decoded[i] = await opts.decode(bytes, header, opts.size, opts.fit);
    } catch (e) {
      skip(`a broken ${header.format.toUpperCase()}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < plan.items.length) {
      if (opts.signal?.aborted) throw new DOMException('the folder import was cancelled', 'AbortError');
      const i = next++;
      await one(i);
      done++;
      opts.onProgress?.(done, plan.items.length, (plan.items[i] as Item).file.path);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, plan.items.length) }, worker));
  const read = plan.items.flatMap((item, i) => (decoded[i] ? [{ px: decoded[i] as Uint8Array, label: item.label, test: item.split === 'test' }] : []));
  const made = assemble(read, plan.classes, opts.size);
  if (made.dataset.train.count === 0) throw new FolderError(`${opts.name}: no training image could be read (${problems.length} problems; the first: ${problems[0]?.file}: ${problems[0]?.problem})`);
  return { ...made, layout: plan.layout, problems, notImages: plan.notImages };
}

/** Unbalanced classes (largest over smallest above IMBALANCE) and classes under 2 images, in words. */
export function classWarnings(classes: readonly string[], totals: readonly number[]): string[] {
  const out: string[] = [];
  const few = classes.filter((_, c) => (totals[c] ?? 0) < 2);
  if (few.length > 0) out.push(`${few.length === 1 ? 'class' : 'classes'} ${few.slice(0, 5).join(', ')}${few.length > 5 ? ', …' : ''} ${few.length === 1 ? 'has' : 'have'} fewer than 2 images: nothing to test on, little to learn from`);
  const largest = Math.max(...totals);
  const smallest = Math.min(...totals);
  if (smallest > 0 && largest / smallest > IMBALANCE) {
    const big = classes[totals.indexOf(largest)];
    const small = classes[totals.indexOf(smallest)];
    out.push(`unbalanced classes: ${big} has ${largest} images, ${small} ${smallest} (${(largest / smallest).toFixed(1)}×); accuracy will favour the large ones`);
  }
  return out;
}
