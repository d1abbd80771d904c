// Every data set, in a worker: where each comes from and in what order.
//   mnist, fashion: the gzipped IDX files the app serves (vite-plugin-mnist.ts)
//   cifar10, cifar100: the IndexedDB cache; else the tarball the dev server
//   serves when `npm run data` fetched it (parsed once, then cached); else
//   an error that says how to get it in.
// importArchive is the way in for a dropped file or a mirror: read, check,
// then cache, in that order, so a bad archive leaves nothing behind.
// Pure TS over fetch, web streams and IndexedDB: no node:*, no tfjs.
import { isCifar } from '../config/datasets';
import type { DatasetId } from '../config/types';
import { fetchCifarArchive, readCifarArchive, type ArchiveOptions } from './archive';
import { saveDataset, loadCached, type CacheEntry } from './cache';
import { CIFAR_LAYOUTS, type CifarId } from './cifar';
import { fetchMnist } from './mnist-browser';
import type { ByteProgress, Dataset } from './types';

export interface LoadOptions {
  /** The app's base URL, ending in '/', e.g. `${origin}${import.meta.env.BASE_URL}`. */
  baseUrl: string;
  onProgress?: (p: ByteProgress) => void;
  signal?: AbortSignal;
  idb?: IDBFactory;
}

export interface Loaded {
  dataset: Dataset;
  from: 'served' | 'cache' | 'archive';
}

/** Loads a data set by id from wherever it is (see the file comment). */
export async function loadDataset(id: DatasetId, opts: LoadOptions): Promise<Loaded> {
  if (id === 'folder') {
    const cached = await loadCached(id, opts.idb);
    if (cached) return { dataset: cached, from: 'cache' };
    throw new Error('your images are not loaded yet: drop a folder (one subfolder per class) or a zip of one on the data panel, or pick it there');
  }
  if (!isCifar(id)) {
    const dir = id === 'mnist' ? 'data/mnist' : 'data/fashion';
    const dataset = await fetchMnist(`${opts.baseUrl}${dir}`, { id, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    return { dataset, from: 'served' };
  }
  const cached = await loadCached(id, opts.idb);
  if (cached) return { dataset: cached, from: 'cache' };
  const layout = CIFAR_LAYOUTS[id];
  const served = (await servedArchives(opts.baseUrl))[id];
  if (!served) {
    throw new Error(`${layout.title} is not loaded yet: drop ${layout.release} on the data panel (or pick it there), fetch it from a mirror there, or run \`npm run data -- ${id}\``);
  }
  const dataset = await fetchCifarArchive(`${opts.baseUrl}${served}`, { ...archiveOptions(opts), expect: id });
  await saveDataset(dataset, layout.release, opts.idb);
  return { dataset, from: 'archive' };
}

/** The CIFAR tarballs the dev server offers (data/archives.json), by id; none when absent. */
export async function servedArchives(baseUrl: string): Promise<Partial<Record<CifarId, string>>> {
  try {
    const res = await fetch(`${baseUrl}data/archives.json`);
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return {};
    const body = (await res.json()) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(body).filter(([k, v]) => isCifar(k) && typeof v === 'string')) as Partial<Record<CifarId, string>>;
  } catch {
    return {};
  }
}

function archiveOptions(opts: { onProgress?: (p: ByteProgress) => void; signal?: AbortSignal }): Partial<ArchiveOptions> {
  return { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
}

export interface Imported {
  dataset: Dataset;
  entry: CacheEntry;
  /** Wall time to read and check the archive, then to write the cache, in ms. */
  parseMs: number;
  cacheMs: number;
}

export type { ArchiveSource } from '../protocol/data';
import type { ArchiveSource } from '../protocol/data';

/** Reads a dropped file or a mirror's tarball, checks it whole, then caches it in one transaction. */
export async function importArchive(source: ArchiveSource, opts: Omit<LoadOptions, 'baseUrl'> & { stallMs?: number }): Promise<Imported> {
  const t0 = performance.now();
  const common = { ...archiveOptions(opts), ...(opts.stallMs ? { stallMs: opts.stallMs } : {}) };
  const dataset =
    source.kind === 'file'
      ? await readCifarArchive(source.file.stream(), { ...common, name: source.name, total: source.file.size })
      : await fetchCifarArchive(source.url, common);
  const t1 = performance.now();
  opts.signal?.throwIfAborted();
  const entry = await saveDataset(dataset, source.kind === 'file' ? source.name : source.url, opts.idb);
  return { dataset, entry, parseMs: t1 - t0, cacheMs: performance.now() - t1 };
}
