// What the data worker does for the page, without the worker: imports
// archives (one at a time, cancellable), lists and clears the cache, and
// builds sample grids. worker.ts wires it to postMessage. Pure TS: no tfjs.
import { DATASETS, isCifar } from '../config/datasets';
import type { DatasetId } from '../config/types';
import type { DataCommand, DataEvent, LoadId, SampleGrid } from '../protocol/data';
import { augmentBytes, augments, pixelMap } from './augment';
import { clearCache, listCache } from './cache';
import { deleteWeights, listWeights } from './weights-cache';
import { importWeights } from './weights-import';
import type { FolderInfo, FolderReadOptions, FolderSource, WeightsSource } from '../protocol/data';
import { fitBitmap, fitImageFile, readFolderBrowser } from './folder-browser';
import { datasetFromPixels, type FolderReport } from './imagefolder';
import { saveDataset } from './cache';
import { importArchive, loadDataset, servedArchives, type Loaded } from './load';
import type { ByteProgress, Dataset } from './types';

/** Progress messages at most this often (ms), and always the last one. */
const PROGRESS_MS = 100;

export class DataService {
  /** The import in progress in each slot. */
  private readonly imports = new Map<'data' | 'weights', { loadId: LoadId; ctrl: AbortController }>();
  /** The small served sets stay in memory; CIFAR is read from the cache when needed. */
  private readonly served = new Map<DatasetId, Promise<Loaded>>();

  constructor(private readonly post: (e: DataEvent) => void, private readonly baseUrl: string, private readonly idb?: IDBFactory) {}

  handle(c: DataCommand): void {
    switch (c.type) {
      case 'import':
        void this.import(c.loadId, c.source);
        return;
      case 'importFolder':
        void this.importFolder(c.loadId, c.source, c.options);
        return;
      case 'fitImage':
        void this.fitImage(c);
        return;
      case 'saveRecorded':
        void this.saveRecorded(c);
        return;
      case 'cancel':
        for (const a of this.imports.values()) if (a.loadId === c.loadId) a.ctrl.abort(new Error('cancelled'));
        return;
      case 'importWeights':
        void this.importWeights(c.loadId, c.source);
        return;
      case 'listWeights':
        void this.listWeights();
        return;
      case 'deleteWeights':
        void deleteWeights(c.id, this.idb).then(() => this.listWeights(), (e) => this.listWeights(`${c.id} could not be deleted: ${e instanceof Error ? e.message : String(e)}`));
        return;
      case 'list':
        void this.list();
        return;
      case 'clear':
        void clearCache(this.idb).then(() => this.list(), (e) => this.post({ type: 'failed', loadId: 0, message: String(e instanceof Error ? e.message : e) }));
        return;
      case 'samples':
        void this.samples(c);
        return;
    }
  }

  private import(loadId: LoadId, source: Extract<DataCommand, { type: 'import' }>['source']): Promise<void> {
    return this.cancellable('data', loadId, source.kind === 'file' ? source.name : source.url, async (opts) => {
      const result = await importArchive(source, opts);
      this.post({ type: 'imported', loadId, info: result.entry, parseMs: result.parseMs, cacheMs: result.cacheMs });
      await this.list();
    });
  }

  /**
   * One's own images: read, decoded by the browser, cached as the data set
   * 'folder' (replacing the one before) with what the import found.
   */
  private importFolder(loadId: LoadId, source: FolderSource, options: FolderReadOptions): Promise<void> {
    return this.cancellable('data', loadId, source.name, async (opts) => {
      const t0 = performance.now();
      const report = await readFolderBrowser(source, {
        size: options.imageSize,
        fit: options.fit,
        testShare: options.testShare,
        seed: options.seed,
        signal: opts.signal,
        onProgress: (done, total, file) => opts.onProgress({ loaded: done, total, file, unit: 'images' }),
      });
      const t1 = performance.now();
      const info = folderInfo(source.name, options, report);
      const entry = await saveDataset(report.dataset, source.name, this.idb, info);
      this.post({ type: 'imported', loadId, info: entry, parseMs: t1 - t0, cacheMs: performance.now() - t1 });
      await this.list();
    });
  }

  /** A camera's recorded frames, split and cached as one's own images. */
  private saveRecorded(c: Extract<DataCommand, { type: 'saveRecorded' }>): Promise<void> {
    return this.cancellable('data', c.loadId, c.name, async () => {
      const t0 = performance.now();
      const report = datasetFromPixels(c.name, c.classNames, c.images, c.options.imageSize, c.options.testShare, c.options.seed);
      const t1 = performance.now();
      const entry = await saveDataset(report.dataset, c.name, this.idb, folderInfo(c.name, c.options, report));
      this.post({ type: 'imported', loadId: c.loadId, info: entry, parseMs: t1 - t0, cacheMs: performance.now() - t1 });
      await this.list();
    });
  }

  private async fitImage(c: Extract<DataCommand, { type: 'fitImage' }>): Promise<void> {
    try {
      const pixels = c.source.kind === 'file' ? await fitImageFile(c.source.file, c.source.name, c.size, c.fit) : fitBitmap(c.source.bitmap, c.size, c.fit);
      this.post({ type: 'fitted', loadId: c.loadId, pixels, size: c.size });
    } catch (e) {
      this.post({ type: 'failed', loadId: c.loadId, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private importWeights(loadId: LoadId, source: WeightsSource): Promise<void> {
    return this.cancellable('weights', loadId, source.kind === 'url' ? source.url : source.name, async (opts) => {
      const result = await importWeights(source, opts);
      this.post({ type: 'weightsImported', loadId, info: result.info, readMs: result.readMs, problems: result.problems });
      await this.listWeights();
    });
  }

  /**
   * Runs one import in its slot (a data set's and a weights file's run side
   * by side; a newer one in the same slot replaces the older), with a
   * cancel signal and throttled progress; a failure, or a cancel, is posted
   * naming `name`.
   */
  private async cancellable(slot: 'data' | 'weights', loadId: LoadId, name: string, work: (opts: { signal: AbortSignal; idb?: IDBFactory; onProgress: (p: ByteProgress) => void }) => Promise<void>): Promise<void> {
    this.imports.get(slot)?.ctrl.abort(new Error('replaced by a newer import'));
    const ctrl = new AbortController();
    this.imports.set(slot, { loadId, ctrl });
    let last = 0;
    try {
      await work({
        signal: ctrl.signal,
        ...(this.idb ? { idb: this.idb } : {}),
        onProgress: (p) => {
          const now = performance.now();
          if (now - last < PROGRESS_MS && p.loaded !== p.total) return;
          last = now;
          this.post({ type: 'progress', loadId, ...p });
        },
      });
    } catch (e) {
      const message = ctrl.signal.aborted ? `${name}: cancelled; nothing was cached` : e instanceof Error ? e.message : String(e);
      this.post({ type: 'failed', loadId, message });
    } finally {
      if (this.imports.get(slot)?.loadId === loadId) this.imports.delete(slot);
    }
  }

  private async listWeights(error?: string): Promise<void> {
    this.post({ type: 'weights', entries: await listWeights(this.idb).catch(() => []), ...(error !== undefined ? { error } : {}) });
  }

  private async list(): Promise<void> {
    const [entries, served] = await Promise.all([listCache(this.idb).catch(() => []), servedArchives(this.baseUrl)]);
    this.post({ type: 'cache', entries, served: Object.keys(served) as DatasetId[] });
  }

  private async samples(c: Extract<DataCommand, { type: 'samples' }>): Promise<void> {
    const t0 = performance.now();
    try {
      const opts = { baseUrl: this.baseUrl, ...(this.idb ? { idb: this.idb } : {}) };
      let loaded: Loaded;
      // CIFAR and one's own images come from the cache (a folder may have been imported again since).
      if (isCifar(c.dataset) || c.dataset === 'folder') loaded = await loadDataset(c.dataset, opts);
      else {
        let p = this.served.get(c.dataset);
        if (!p) {
          p = loadDataset(c.dataset, opts);
          p.catch(() => this.served.delete(c.dataset));
          this.served.set(c.dataset, p);
        }
        loaded = await p;
      }
      const loadMs = performance.now() - t0;
      this.post({ type: 'samples', loadId: c.loadId, grid: sampleGrid(loaded.dataset, c, loaded.from, loadMs) });
    } catch (e) {
      this.post({ type: 'failed', loadId: c.loadId, message: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Which training images a grid shows: the first `count`, or up to `perClass` of each class's first, class by class. */
export function sampleIndices(labels: ArrayLike<number>, count: number, classes: number, perClass?: number): number[] {
  if (perClass === undefined) return Array.from({ length: Math.min(count, labels.length) }, (_, i) => i);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const own = byClass[labels[i] as number];
    if (own && own.length < perClass) own.push(i);
  }
  return byClass.flat().slice(0, count);
}

/** The first `count` training images (or `perClass` of each class), and one augmented draw of them (seeded). */
export function sampleGrid(ds: Dataset, c: Extract<DataCommand, { type: 'samples' }>, from: Loaded['from'], loadMs: number): SampleGrid {
  const picked = sampleIndices(ds.train.labels, c.count, ds.numClasses, c.perClass);
  const n = picked.length;
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(n * size);
  picked.forEach((i, k) => images.set(ds.train.images.subarray(i * size, (i + 1) * size), k * size));
  let augmented: Uint8Array | null = null;
  if (augments(c.augment)) {
    const fill = channelMeanBytes(ds);
    let s = c.seed >>> 0;
    // A small LCG is enough for a preview; training uses its own seeded stream.
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    augmented = new Uint8Array(n * size);
    for (let i = 0; i < n; i++) {
      augmented.set(augmentBytes(images.subarray(i * size, (i + 1) * size), pixelMap(c.augment, ds.height, ds.width, rand), ds.channels, fill), i * size);
    }
  }
  return {
    dataset: ds.id,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    images,
    labels: picked.map((i) => ds.train.labels[i] as number),
    classNames: ds.classNames.length > 0 ? ds.classNames : Array.from({ length: DATASETS[ds.id].classes }, (_, i) => String(i)),
    augmented,
    from,
    loadMs,
  };
}

/** Per-channel mean of the first 1,000 training images, as bytes: what cutout shows (0 once normalized). */
function channelMeanBytes(ds: Dataset): number[] {
  const n = Math.min(1000, ds.train.count) * ds.height * ds.width * ds.channels;
  const sum = new Array<number>(ds.channels).fill(0);
  for (let i = 0; i < n; i++) sum[i % ds.channels] = (sum[i % ds.channels] as number) + (ds.train.images[i] as number);
  return sum.map((s) => Math.round(s / (n / ds.channels)));
}

/** Problems listed with a cache entry at most; the count says how many there were. */
export const MAX_LISTED = 200;

/** What a folder import found, as its cache entry keeps it. */
export function folderInfo(name: string, options: FolderReadOptions, report: FolderReport): FolderInfo {
  return {
    name,
    imageSize: options.imageSize,
    fit: options.fit,
    layout: report.layout,
    classNames: report.dataset.classNames,
    counts: report.counts,
    warnings: report.warnings,
    problems: report.problems.slice(0, MAX_LISTED),
    problemCount: report.problems.length,
    notImages: report.notImages,
  };
}
