// The data panel's state and its bridge to the data worker: imports with
// progress and cancel, the cache listing, sample grids. Replies for a
// request the page gave up (a newer import or sample request) are dropped
// by loadId. The weights panel's slice (weights.ts) talks to the same worker
// through sendData and takes its own events first (setWeightsRoute). No tfjs
// here: the data worker has none either.
import { create } from 'zustand';
import type { DataConfig, DatasetId } from '../config/types';
import type { AugmentFlags, CacheInfo, DataCommand, DataEvent, FolderReadOptions, FolderSource, ImageSource, LoadId, SampleGrid } from '../protocol/data';

export interface ImportState {
  loadId: LoadId | null;
  status: 'idle' | 'loading' | 'done' | 'error';
  file: string;
  loaded: number;
  total: number;
  /** 'images' for a folder (loaded and total count images), else bytes. */
  unit: 'bytes' | 'images';
  /** The image being read (a folder). */
  current: string;
  error: string | null;
  /** The last import's timings, ms. */
  parseMs: number | null;
  cacheMs: number | null;
}

export interface DataState {
  import: ImportState;
  cache: CacheInfo[];
  /** CIFAR sets the dev server offers (`npm run data`). */
  served: DatasetId[];
  samples: SampleGrid | null;
  samplesId: LoadId | null;
  samplesError: string | null;
}

const IDLE_IMPORT: ImportState = { loadId: null, status: 'idle', file: '', loaded: 0, total: 0, unit: 'bytes', current: '', error: null, parseMs: null, cacheMs: null };

export const useDataStore = create<DataState>()(() => ({ import: IDLE_IMPORT, cache: [], served: [], samples: null, samplesId: null, samplesError: null }));

let worker: Worker | null = null;
let nextLoadId: LoadId = 1;
/** Called with the data set of each finished import (the panel selects it). */
let onImported: ((info: CacheInfo) => void) | null = null;

/** The weights slice's side of the worker: `route` -> whether the event was its own; `crashed` when the worker dies. */
export interface WeightsRoute {
  route(e: DataEvent): boolean;
  crashed(message: string): void;
}
let weightsRoute: WeightsRoute | null = null;

export function setWeightsRoute(r: WeightsRoute): void {
  weightsRoute = r;
}

/** Images being fitted (fitImage), by loadId: their answers go to the caller, not the store. */
const fitting = new Map<LoadId, { resolve(pixels: Uint8Array): void; reject(e: Error): void }>();

function route(e: DataEvent): void {
  if (weightsRoute?.route(e)) return;
  if ((e.type === 'fitted' || e.type === 'failed') && fitting.has(e.loadId)) {
    const pending = fitting.get(e.loadId) as { resolve(pixels: Uint8Array): void; reject(e: Error): void };
    fitting.delete(e.loadId);
    if (e.type === 'fitted') pending.resolve(e.pixels);
    else pending.reject(new Error(e.message));
    return;
  }
  const s = useDataStore.getState();
  const set = useDataStore.setState;
  switch (e.type) {
    case 'progress':
      if (s.import.loadId === e.loadId) set({ import: { ...s.import, loaded: e.loaded, total: e.total, ...(e.unit === 'images' ? { current: e.file } : {}) } });
      return;
    case 'imported':
      if (s.import.loadId !== e.loadId) return;
      set({ import: { ...s.import, status: 'done', loaded: s.import.total || s.import.loaded, parseMs: e.parseMs, cacheMs: e.cacheMs } });
      onImported?.(e.info);
      return;
    case 'failed':
      if (s.import.loadId === e.loadId) set({ import: { ...s.import, status: 'error', error: e.message } });
      else if (s.samplesId === e.loadId) set({ samplesError: e.message, samples: null });
      else if (e.loadId === 0) set({ import: { ...s.import, status: 'error', error: e.message } });
      return;
    case 'cache':
      set({ cache: e.entries, served: e.served });
      return;
    case 'samples':
      if (s.samplesId === e.loadId) set({ samples: e.grid, samplesError: null });
      return;
    case 'fitted':
      return;
  }
}

function send(c: DataCommand, transfer: Transferable[] = []): void {
  if (!worker) {
    worker = new Worker(new URL('../data/data-worker.ts', import.meta.url), { type: 'module', name: 'data' });
    worker.onmessage = (e: MessageEvent<DataEvent>) => route(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      worker?.terminate();
      worker = null;
      const s = useDataStore.getState();
      const message = `The data worker crashed: ${e.message || 'it could not load'}`;
      for (const pending of fitting.values()) pending.reject(new Error(message));
      fitting.clear();
      useDataStore.setState({ import: { ...s.import, status: s.import.status === 'loading' ? 'error' : s.import.status, error: message } });
      weightsRoute?.crashed(message);
    };
  }
  worker.postMessage(c, transfer);
}

/** Posts a command to the data worker (started on first use). */
export const sendData = send;

/** A fresh request id, unique across the data and weights panels. */
export function newLoadId(): LoadId {
  return nextLoadId++;
}

export function setOnImported(fn: (info: CacheInfo) => void): void {
  onImported = fn;
}

export function importFile(file: File): void {
  const loadId = nextLoadId++;
  useDataStore.setState({ import: { ...IDLE_IMPORT, loadId, status: 'loading', file: file.name, total: file.size } });
  send({ type: 'import', loadId, source: { kind: 'file', file, name: file.name } });
}

/** One's own images: a folder's files or a zip, read at the config's size and fit. */
export function importFolder(source: FolderSource, options: FolderReadOptions): void {
  const loadId = nextLoadId++;
  useDataStore.setState({ import: { ...IDLE_IMPORT, loadId, status: 'loading', file: source.name, unit: 'images' } });
  send({ type: 'importFolder', loadId, source, options });
}

/**
 * One image fitted to size×size by the data worker (a file is decoded there,
 * a camera frame drawn there): its RGB bytes, or an error naming the problem.
 */
export function fitImage(source: ImageSource, size: number, fit: DataConfig['fit']): Promise<Uint8Array> {
  const loadId = nextLoadId++;
  return new Promise((resolve, reject) => {
    fitting.set(loadId, { resolve, reject });
    const transfer = source.kind === 'frame' ? [source.bitmap] : [];
    send({ type: 'fitImage', loadId, source, size, fit }, transfer);
  });
}

/** Camera frames recorded per class (fitted already), kept as one's own images named `name`. */
export function saveRecorded(name: string, classNames: string[], images: Uint8Array[][], options: FolderReadOptions): void {
  const loadId = nextLoadId++;
  useDataStore.setState({ import: { ...IDLE_IMPORT, loadId, status: 'loading', file: name, unit: 'images', total: images.reduce((n, c) => n + c.length, 0) } });
  send({ type: 'saveRecorded', loadId, name, classNames, images, options });
}

export function importUrl(url: string): void {
  const loadId = nextLoadId++;
  useDataStore.setState({ import: { ...IDLE_IMPORT, loadId, status: 'loading', file: url } });
  send({ type: 'import', loadId, source: { kind: 'url', url } });
}

export function cancelImport(): void {
  const { loadId } = useDataStore.getState().import;
  if (loadId !== null) send({ type: 'cancel', loadId });
}

export function refreshCache(): void {
  send({ type: 'list' });
}

export function clearDataCache(): void {
  send({ type: 'clear' });
}

/** Sample grids: the first `count` training images, or (`perClass`) up to that many of each class. */
export function requestSamples(dataset: DatasetId, augment: AugmentFlags, seed: number, count = 32, perClass?: number): void {
  const loadId = nextLoadId++;
  useDataStore.setState({ samplesId: loadId, samplesError: null });
  send({ type: 'samples', loadId, dataset, augment, seed, count, ...(perClass !== undefined ? { perClass } : {}) });
}
