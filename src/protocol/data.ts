// The contract between the page and the data worker (src/data/data-worker.ts),
// which reads dropped or downloaded tarballs, fills and lists the cache, and
// renders sample grids. A tagged union each way; replies carry the loadId of
// the request they answer, and the page drops those of requests it gave up.
// Pure TS: no tfjs, no React.
import type { DataConfig, DatasetId } from '../config/types';

export type LoadId = number;

export type AugmentFlags = Pick<DataConfig, 'randomCrop' | 'horizontalFlip' | 'cutout'>;

export type ArchiveSource = { kind: 'file'; file: Blob; name: string } | { kind: 'url'; url: string };

/** Page -> data worker. */
export type DataCommand =
  | { type: 'import'; loadId: LoadId; source: ArchiveSource }
  | { type: 'cancel'; loadId: LoadId }
  | { type: 'list' }
  | { type: 'clear' }
  | { type: 'samples'; loadId: LoadId; dataset: DatasetId; augment: AugmentFlags; seed: number; count: number };

/** A cached data set, as the data panel lists it. */
export interface CacheInfo {
  id: DatasetId;
  /** Where it came from: a file name or a URL. */
  source: string;
  /** Pixel and label bytes held. */
  bytes: number;
  train: number;
  test: number;
  /** When it was written, ms since the epoch. */
  savedAt: number;
}

export interface SampleGrid {
  dataset: DatasetId;
  height: number;
  width: number;
  channels: number;
  /** count images, NHWC bytes: the first training images. */
  images: Uint8Array;
  labels: number[];
  classNames: string[];
  /** The same images through one draw of the training augmentation; null when it is off. */
  augmented: Uint8Array | null;
  /** Where the set came from, and how long getting it took (ms). */
  from: 'served' | 'cache' | 'archive';
  loadMs: number;
}

/** Data worker -> page. */
export type DataEvent =
  | { type: 'progress'; loadId: LoadId; loaded: number; total: number; file: string }
  | { type: 'imported'; loadId: LoadId; info: CacheInfo; parseMs: number; cacheMs: number }
  | { type: 'failed'; loadId: LoadId; message: string }
  | { type: 'cache'; entries: CacheInfo[]; served: DatasetId[] }
  | { type: 'samples'; loadId: LoadId; grid: SampleGrid };
