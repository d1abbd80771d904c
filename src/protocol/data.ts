// The contract between the page and the data worker (src/data/data-worker.ts),
// which reads dropped or downloaded tarballs, fills and lists the cache, and
// renders sample grids. A tagged union each way; replies carry the loadId of
// the request they answer, and the page drops those of requests it gave up.
// Pure TS: no tfjs, no React.
import type { Config, DataConfig, DatasetId } from '../config/types';
import type { WeightSpec } from './messages';

export type LoadId = number;

export type AugmentFlags = Pick<DataConfig, 'randomCrop' | 'horizontalFlip' | 'cutout'>;

export type ArchiveSource = { kind: 'file'; file: Blob; name: string } | { kind: 'url'; url: string };

/** An image to fit: a file (decoded here, its header checked first) or a camera frame. */
export type ImageSource = { kind: 'file'; file: Blob; name: string } | { kind: 'frame'; bitmap: ImageBitmap };

/** One's own images: a dropped or picked folder's files (paths inside it, '/'-separated), or a zip of one. */
export type FolderSource = { kind: 'files'; name: string; files: Array<{ path: string; file: Blob }> } | { kind: 'zip'; name: string; file: Blob };

/** How a folder's images are read (DataConfig's fields of the same names; the seed splits them). */
export type FolderReadOptions = Pick<DataConfig, 'imageSize' | 'fit' | 'testShare'> & { seed: number };

/** What a folder import found, kept with its cache entry: the panel's class table, warnings and skipped files. */
export interface FolderInfo {
  /** The folder's or zip's name. */
  name: string;
  imageSize: number;
  fit: DataConfig['fit'];
  layout: 'split' | 'seeded';
  classNames: string[];
  counts: { train: number[]; test: number[] };
  warnings: string[];
  /** The first MAX_LISTED problems, and how many there were. */
  problems: Array<{ file: string; problem: string }>;
  problemCount: number;
  notImages: number;
}

/**
 * Where imported weights come from: a .pth/.pt or .safetensors file, an
 * address (a catalogue entry's or the user's), or the page's own export
 * (model.json and its .bin, src/share/modelfile.ts).
 */
export type WeightsSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; catalogueId?: string }
  | { kind: 'manifest'; json: Blob; bin: Blob; name: string };

/** A cached weights entry, as the weights panel lists it (src/data/weights-cache.ts). */
export interface WeightsInfo {
  /** 'file/NAME', 'url/ADDRESS' or a catalogue id: what config.train.initWeights names. */
  id: string;
  /** Shown: the file's name or the catalogue's title. */
  name: string;
  /** Where it came from: a file name or an address. */
  from: string;
  format: 'pth' | 'safetensors' | 'tfjs';
  /** Bytes held. */
  bytes: number;
  tensors: number;
  /** Values in all tensors (parameters and batch-norm statistics). */
  values: number;
  /** Trained on ImageNet (a catalogue entry): runs from them normalize with ImageNet's statistics. */
  imagenet: boolean;
  /** The net the weights were made for, where known (a catalogue entry's preset, or model.json's config). */
  preset?: string;
  config?: Config;
  /** tfjs: the tensors in the .bin, in order. */
  specs?: WeightSpec[];
  /** When it was written, ms since the epoch. */
  savedAt: number;
}

/** Page -> data worker. */
export type DataCommand =
  | { type: 'import'; loadId: LoadId; source: ArchiveSource }
  | { type: 'importFolder'; loadId: LoadId; source: FolderSource; options: FolderReadOptions }
  /** Camera frames recorded per class (each fitted by fitImage), kept as one's own images. */
  | { type: 'saveRecorded'; loadId: LoadId; name: string; classNames: string[]; images: Uint8Array[][]; options: FolderReadOptions }
  /** One image (a dropped file, or a camera frame) fitted to size×size: to predict, or to record as a class's example. */
  | { type: 'fitImage'; loadId: LoadId; source: ImageSource; size: number; fit: DataConfig['fit'] }
  | { type: 'importWeights'; loadId: LoadId; source: WeightsSource }
  | { type: 'listWeights' }
  | { type: 'deleteWeights'; id: string }
  | { type: 'cancel'; loadId: LoadId }
  | { type: 'list' }
  | { type: 'clear' }
  /** `perClass`: up to that many of each class's first training images instead of the first `count`. */
  | { type: 'samples'; loadId: LoadId; dataset: DatasetId; augment: AugmentFlags; seed: number; count: number; perClass?: number };

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
  /** One's own images: what the import found. */
  folder?: FolderInfo;
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
  /** Bytes read, or with unit 'images' images read (a folder). */
  | { type: 'progress'; loadId: LoadId; loaded: number; total: number; file: string; unit?: 'images' }
  | { type: 'imported'; loadId: LoadId; info: CacheInfo; parseMs: number; cacheMs: number }
  | { type: 'failed'; loadId: LoadId; message: string }
  | { type: 'cache'; entries: CacheInfo[]; served: DatasetId[] }
  | { type: 'samples'; loadId: LoadId; grid: SampleGrid }
  /** A fitted image: RGB bytes, size×size. */
  | { type: 'fitted'; loadId: LoadId; pixels: Uint8Array; size: number }
  | { type: 'weightsImported'; loadId: LoadId; info: WeightsInfo; readMs: number; problems: string[] }
  /** The cache's entries; `error` when the command before (a delete) failed. */
  | { type: 'weights'; entries: WeightsInfo[]; error?: string };
