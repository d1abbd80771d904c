// Data sets as the engine sees them: uint8 pixels in NHWC order and uint8
// labels, train and test splits. Pure TS: no tfjs.
import type { DatasetId } from '../config/types';

export interface ImageSet {
  /** count × height × width × channels bytes, NHWC, 0..255. */
  images: Uint8Array;
  /** count labels, each < numClasses: bytes, or 16-bit for over 256 classes (one's own images). */
  labels: Uint8Array | Uint16Array;
  count: number;
}

export interface Dataset {
  id: DatasetId;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
}

/** Progress of a download or parse, in bytes. total is 0 when unknown. */
export interface ByteProgress {
  loaded: number;
  total: number;
  /** What is being read, e.g. 'train-images-idx3-ubyte.gz'. */
  file: string;
  /** 'images' when loaded and total count images (a folder), not bytes. */
  unit?: 'images';
}
