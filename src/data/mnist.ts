// MNIST from its four IDX files to a Dataset: names, shape and label checks.
// Pure TS: no node:*, no tfjs. Loaders that get the bytes live in
// mnist-node.ts (Node) and mnist-browser.ts (fetch + gunzip).
import { FASHION_CLASSES } from './fashion.ts';
import type { Dataset, ImageSet } from './types';
import { parseIdx } from './idx.ts';

/** The data sets stored as the four MNIST IDX files: MNIST itself and Fashion-MNIST. */
export type IdxDatasetId = 'mnist' | 'fashion';

const CLASS_NAMES: Record<IdxDatasetId, string[]> = {
  mnist: Array.from({ length: 10 }, (_, i) => String(i)),
  fashion: FASHION_CLASSES,
};

/** The four MNIST files by their canonical (uncompressed) names. */
export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

export type MnistFile = (typeof MNIST_FILES)[number];

const SIDE = 28;
const NUM_CLASSES = 10;

/**
 * Builds the MNIST Dataset from the raw IDX bytes of the four files, keyed by
 * the names in MNIST_FILES. Images and labels are zero-copy views of the input.
 * Throws, naming the file, when one is missing, malformed, or disagrees with
 * its partner (image dims must be [n, 28, 28], labels [n], every label < 10).
 */
export function mnistFromIdx(files: Record<string, Uint8Array>, id: IdxDatasetId = 'mnist'): Dataset {
  return {
    id,
    height: SIDE,
    width: SIDE,
    channels: 1,
    numClasses: NUM_CLASSES,
    classNames: CLASS_NAMES[id],
    train: imageSet(files, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: imageSet(files, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
}

function imageSet(files: Record<string, Uint8Array>, imagesFile: MnistFile, labelsFile: MnistFile): ImageSet {
  const images = parseIdx(required(files, imagesFile), imagesFile);
  const labels = parseIdx(required(files, labelsFile), labelsFile);
  const [n = 0, h, w] = images.dims;
  if (images.dims.length !== 3 || h !== SIDE || w !== SIDE) {
    throw new Error(`${imagesFile}: image dims [${images.dims.join(', ')}], expected [n, ${SIDE}, ${SIDE}]`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsFile}: label dims [${labels.dims.join(', ')}], expected [n]`);
  }
  if (labels.dims[0] !== n) {
    throw new Error(`${labelsFile}: ${labels.dims[0]} labels but ${imagesFile} has ${n} images`);
  }
  const bad = labels.data.findIndex((y) => y >= NUM_CLASSES);
  if (bad >= 0) {
    throw new Error(`${labelsFile}: label ${labels.data[bad]} at index ${bad} is out of range 0..${NUM_CLASSES - 1}`);
  }
  // IDX rows are [n, 28, 28] row-major, which is NHWC with C = 1 as it stands.
  return { images: images.data, labels: labels.data, count: n };
}

function required(files: Record<string, Uint8Array>, name: MnistFile): Uint8Array {
  const bytes = files[name];
  if (!bytes) throw new Error(`${name}: missing (have: ${Object.keys(files).join(', ') || 'none'})`);
  return bytes;
}
