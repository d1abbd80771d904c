// A small synthetic data set for tests of the loop: hashed 8×8 grey pixels,
// labels cycling through the classes. Real pixels are not the point there.
import type { Dataset } from '../data/types';

/** `count` 8×8×1 images; label of image i is (i · stride) mod classes. Train and test are the same images. */
export function syntheticDataset(count: number, classes: number, stride = 1): Dataset {
  const images = new Uint8Array(count * 64).map((_, i) => (i * 2654435761) % 251);
  const labels = new Uint8Array(count).map((_, i) => (i * stride) % classes);
  const set = { images, labels, count };
  const classNames = Array.from({ length: classes }, (_, c) => String(c));
  return { id: 'mnist', height: 8, width: 8, channels: 1, numClasses: classes, classNames, train: set, test: set };
}
