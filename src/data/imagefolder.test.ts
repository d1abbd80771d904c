// One's own images: folders and zips made here (coloured shapes as PNG,
// JPEG and GIF), read as torchvision's ImageFolder, and every bad input of
// the issue named with its file, the rest still read.
import { describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../arch/rng';
import { zip } from '../testing/zip';
import { gif, jpg, memoryFolder, png, shapeImage, type Rgb } from '../testing/images';
import { fitImage, placement } from './fit';
import { zipFolderFiles } from './folder-files';
import { nodeDecoder } from './folder-node';
import { imageHeader } from './image-header';
import { classWarnings, datasetFromPixels, FolderError, planFolder, readImageFolder, seededSplit, type FolderOptions } from './imagefolder';

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 30, 220];
const opts = (over: Partial<FolderOptions> = {}): FolderOptions => ({ name: 'pets', size: 16, fit: 'crop', testShare: 0.25, seed: 1, decode: nodeDecoder, ...over });
const red = (i = 0) => png(shapeImage(24, 20, 'square', RED, i), 24, 20);
const blue = (i = 0) => jpg(shapeImage(20, 24, 'disc', BLUE, i), 20, 24);

/** n images a class under `prefix`. */
function classes(prefix: string, n: number): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (let i = 0; i < n; i++) {
    out[`${prefix}red/${i}.png`] = red(i);
    out[`${prefix}blue/${i}.jpg`] = blue(i);
  }
  return out;
}

describe('image headers', () => {
  it('reads the size of PNG, JPEG, GIF and WebP from their first bytes; null for what is none of them', () => {
    const rgba = shapeImage(7, 5, 'disc', RED);
    expect(imageHeader(png(rgba, 7, 5))).toEqual({ format: 'png', width: 7, height: 5 });
    expect(imageHeader(jpg(rgba, 7, 5))).toEqual({ format: 'jpeg', width: 7, height: 5 });
    expect(imageHeader(gif(rgba, 7, 5))).toEqual({ format: 'gif', width: 7, height: 5 });
    // A VP8X WebP header (24-bit sizes minus one) and a lossless VP8L one.
    const vp8x = new Uint8Array(30);
    vp8x.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8X'));
    vp8x.set([0x3f, 0x1f, 0x00, 0xdf, 0x10, 0x00], 24);
    expect(imageHeader(vp8x)).toEqual({ format: 'webp', width: 8000, height: 4320 });
    const vp8l = new Uint8Array(30);
    vp8l.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8L'));
    vp8l[20] = 0x2f;
    new DataView(vp8l.buffer).setUint32(21, (640 - 1) | ((480 - 1) << 14), true);
    expect(imageHeader(vp8l)).toEqual({ format: 'webp', width: 640, height: 480 });
    expect(imageHeader(new TextEncoder().encode('hello, not an image'))).toBeNull();
    expect(() => imageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toThrow('a JPEG with no frame header before its image data');
  });
});

describe('fitting an image into a square', () => {
  it('crop keeps the centre square; pad keeps the whole image on black; a flat colour stays that colour', () => {
    expect(placement(40, 20, 16, 'crop')).toEqual({ sx: 10, sy: 0, sw: 20, sh: 20, dx: 0, dy: 0, dw: 16, dh: 16 });
    expect(placement(40, 20, 16, 'pad')).toEqual({ sx: 0, sy: 0, sw: 40, sh: 20, dx: 0, dy: 4, dw: 16, dh: 8 });
    const flat = new Uint8Array(40 * 20 * 4);
    for (let p = 0; p < 800; p++) flat.set([10, 200, 90, 255], p * 4);
    const crop = fitImage(flat, 40, 20, 16, 'crop');
    expect(new Set(Array.from({ length: 256 }, (_, p) => [...crop.subarray(p * 3, p * 3 + 3)].join()))).toEqual(new Set(['10,200,90']));
    const pad = fitImage(flat, 40, 20, 16, 'pad');
    expect([...pad.subarray(0, 3)]).toEqual([0, 0, 0]); // the band above
    expect([...pad.subarray((8 * 16 + 8) * 3, (8 * 16 + 8) * 3 + 3)]).toEqual([10, 200, 90]);
  });

  it('averages areas when shrinking: a 1-pixel checkerboard becomes its mean grey', () => {
    const board = new Uint8Array(64 * 64 * 4);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) board.set((x + y) % 2 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * 64 + x) * 4);
    const out = fitImage(board, 64, 64, 16, 'crop');
    expect(Math.max(...out.map((v) => Math.abs(v - 128)))).toBeLessThanOrEqual(1);
  });
});

describe('planning a folder', () => {
  it('CLASS/IMAGE: classes sorted as ImageFolder, the dropped folder\'s own name stripped, a seeded split per class', () => {
    const files = memoryFolder(classes('pets/', 8));
    const plan = planFolder(files, 'pets', 0.25, 1);
    expect(plan.layout).toBe('seeded');
    expect(plan.classes).toEqual(['blue', 'red']);
    const tests = plan.items.filter((i) => i.split === 'test');
    expect(tests.filter((i) => i.label === 0)).toHaveLength(2);
    expect(tests.filter((i) => i.label === 1)).toHaveLength(2);
    expect(planFolder(files, 'pets', 0.25, 1).items.map((i) => i.file.path)).toEqual(plan.items.map((i) => i.file.path));
    expect(planFolder(files, 'pets', 0.25, 2).items.filter((i) => i.split === 'test').map((i) => i.file.path)).not.toEqual(tests.map((i) => i.file.path));
  });

  it('train/ and test/ (or val/) above the classes are the splits; a test class without training images is named', () => {
    const plan = planFolder(memoryFolder({ ...classes('train/', 3), ...classes('val/', 1), 'val/green/0.png': red() }), 'pets', 0.25, 1);
    expect(plan.layout).toBe('split');
    expect(plan.items.filter((i) => i.split === 'test')).toHaveLength(2);
    expect(plan.problems).toEqual([{ file: 'val/green/0.png', problem: 'its class green has no training images; skipped' }]);
  });

  it('skips what is not an image (counted), what sits outside the layout and a second file of one name (named); ignores OS files', () => {
    const files = memoryFolder({ ...classes('', 2), 'notes.txt': new Uint8Array(3), 'red/list.csv': new Uint8Array(3), 'loose.png': red(), 'red/deeper/9.png': red(), '.DS_Store': new Uint8Array(1), '__MACOSX/red/._0.png': new Uint8Array(1) });
    files.push({ ...(files[0] as (typeof files)[number]) });
    const plan = planFolder(files, 'pets', 0.25, 1);
    expect(plan.notImages).toBe(2);
    expect(plan.problems).toEqual([
      { file: 'red/0.png', problem: 'a second file of this name; the first is used' },
      { file: 'loose.png', problem: 'not in a class folder (the layout is class/image (cat/1.jpg)); skipped' },
      { file: 'red/deeper/9.png', problem: 'in a folder nested deeper than class/image (cat/1.jpg); skipped' },
    ]);
    expect(plan.items).toHaveLength(4);
  });

  it('refuses a single class, no class at all, and more than 1,000 classes, saying why', () => {
    expect(() => planFolder(memoryFolder({ 'cats/cat/1.png': red(), 'cats/cat/2.png': red() }), 'cats', 0.2, 1)).toThrow('cats: one class (cat); a classifier needs at least 2 classes, each a folder of images (CLASS/IMAGE)');
    expect(() => planFolder(memoryFolder({ 'a.png': red() }), 'loose', 0.2, 1)).toThrow('loose: no class folder with images');
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`c${i}/0.png`, new Uint8Array(1)]));
    expect(() => planFolder(memoryFolder(many), 'many', 0.2, 1)).toThrow(new FolderError('many: 1,001 classes (folders); at most 1,000 are read'));
  });
});

describe('reading a folder', () => {
  it('decodes PNG, JPEG and GIF, fits them, and keeps their colours; counts a class\'s images in each split', async () => {
    const report = await readImageFolder(memoryFolder({ ...classes('', 4), 'red/g.gif': gif(shapeImage(16, 16, 'square', RED), 16, 16) }), opts());
    const ds = report.dataset;
    expect([ds.id, ds.height, ds.width, ds.channels, ds.numClasses, ds.classNames]).toEqual(['folder', 16, 16, 3, 2, ['blue', 'red']]);
    expect(ds.train.count + ds.test.count).toBe(9);
    expect(report.counts).toEqual({ train: [3, 4], test: [1, 1] });
    // The centre pixel of each image is its class's shape colour.
    const centre = (images: Uint8Array, k: number) => [...images.subarray(k * 768 + (8 * 16 + 8) * 3, k * 768 + (8 * 16 + 8) * 3 + 3)];
    for (let k = 0; k < ds.train.count; k++) {
      const [r, , b] = centre(ds.train.images, k) as [number, number, number];
      expect(ds.train.labels[k] === 1 ? r > 150 && b < 90 : b > 150 && r < 90).toBe(true);
    }
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('names a broken image and one over 50 megapixels (never decoded), and reads the rest', async () => {
    const huge = png(shapeImage(4, 4, 'disc', RED), 4, 4);
    new DataView(huge.buffer, huge.byteOffset).setUint32(16, 10_000);
    new DataView(huge.buffer, huge.byteOffset).setUint32(20, 6_000);
    const broken = jpg(shapeImage(16, 16, 'disc', BLUE), 16, 16).slice(0, 200);
    const decode = vi.fn(nodeDecoder);
    const report = await readImageFolder(memoryFolder({ ...classes('', 3), 'red/huge.png': huge, 'blue/broken.jpg': broken, 'blue/fake.png': new TextEncoder().encode('not a png') }), opts({ decode }));
    expect(report.problems).toEqual([
      { file: 'blue/broken.jpg', problem: expect.stringMatching(/^a broken JPEG: .+; skipped$/) },
      { file: 'blue/fake.png', problem: 'not a JPEG, PNG, GIF or WebP image despite its name; skipped' },
      { file: 'red/huge.png', problem: '10000×6000 is 60.0 megapixels, over the 50-megapixel limit (not decoded); skipped' },
    ].sort((a, b) => report.problems.findIndex((p) => p.file === a.file) - report.problems.findIndex((p) => p.file === b.file)));
    expect(decode.mock.calls.some(([, header]) => header.width === 10_000)).toBe(false);
    expect(report.dataset.train.count + report.dataset.test.count).toBe(6);
  });

  it('warns of unbalanced classes and of a class under 2 images', async () => {
    expect(classWarnings(['cat', 'dog'], [40, 10])).toEqual(['unbalanced classes: cat has 40 images, dog 10 (4.0×); accuracy will favour the large ones']);
    expect(classWarnings(['cat', 'dog', 'eel'], [4, 4, 1])).toEqual(['class eel has fewer than 2 images: nothing to test on, little to learn from', 'unbalanced classes: cat has 4 images, eel 1 (4.0×); accuracy will favour the large ones']);
  });

  it('holds over 256 classes\' labels in 16 bits', async () => {
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`c${String(i).padStart(3, '0')}/0.png`, png(shapeImage(4, 4, 'square', [i % 256, 0, 0]), 4, 4)]));
    const report = await readImageFolder(memoryFolder(files), opts({ size: 8 }));
    expect(report.dataset.train.labels).toBeInstanceOf(Uint16Array);
    expect(Math.max(...report.dataset.train.labels)).toBe(299);
  });

  it('refuses more pixels than are held, before decoding any', async () => {
    const decode = vi.fn(nodeDecoder);
    const files = memoryFolder(Object.fromEntries(Array.from({ length: 3600 }, (_, i) => [`c${i % 2}/${i}.png`, new Uint8Array(1)])));
    await expect(readImageFolder(files, opts({ size: 224, decode }))).rejects.toThrow('pets: 3,600 images at 224×224 need 517 MiB, over the 512 MiB held; choose a smaller size or fewer images');
    expect(decode).not.toHaveBeenCalled();
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readImageFolder(memoryFolder(classes('', 2)), opts({ signal: controller.signal }))).rejects.toThrow('the folder import was cancelled');
  });
});

describe("a camera's frames as a data set", () => {
  it('splits each class as a folder is split; refuses a class without frames, a nameless or twice-named class', () => {
    const frame = (v: number) => new Uint8Array(4 * 4 * 3).fill(v);
    const report = datasetFromPixels('camera', ['left', 'right'], [Array.from({ length: 10 }, (_, i) => frame(i)), Array.from({ length: 5 }, (_, i) => frame(100 + i))], 4, 0.2, 7);
    expect(report.counts).toEqual({ train: [8, 4], test: [2, 1] });
    expect(report.dataset.classNames).toEqual(['left', 'right']);
    // The same split as a folder of 10 and 5 images would get.
    const held = seededSplit(10, 0.2, 7, 0).filter((x) => x.test).map((x) => x.index);
    expect([...report.dataset.test.images.subarray(0, 48)].every((v) => v === held[0])).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(() => datasetFromPixels('camera', ['left', 'right'], [[frame(1)], []], 4, 0.2, 7)).toThrow('camera: no images recorded for right');
    expect(() => datasetFromPixels('camera', ['a', 'a'], [[frame(1)], [frame(2)]], 4, 0.2, 7)).toThrow('camera: every class needs a name of its own');
    expect(() => datasetFromPixels('camera', ['only'], [[frame(1)]], 4, 0.2, 7)).toThrow('camera: 1 class; a classifier needs at least 2');
  });
});

describe('zips of images', () => {
  it('reads a zip as the folder it holds; a second entry of one name and a name that is not UTF-8 are named', async () => {
    const entries = Object.entries(classes('pets/', 3)).map(([name, data]) => ({ name, data }));
    const latin1 = new Uint8Array([...new TextEncoder().encode('pets/red/caf'), 0xe9, ...new TextEncoder().encode('.png')]);
    const bytes = zip([...entries, { name: 'pets/red/0.png', data: red(9) }, { name: 'x', nameBytes: latin1, data: red(5) }]);
    const { files, problems } = zipFolderFiles(bytes, 'pets.zip');
    const report = await readImageFolder(files, opts({ name: 'pets.zip', problems }));
    expect(report.problems).toEqual([
      { file: 'pets/red/0.png', problem: 'a second entry of this name in the zip; the first is used' },
      { file: 'pets/red/caf\ufffd.png', problem: 'its name is not UTF-8 (shown with �); used' },
    ]);
    expect(report.dataset.train.count + report.dataset.test.count).toBe(7);
  });

  it('refuses a zip bomb (an entry inflating over 200×) and a zip that is no zip, before inflating anything', () => {
    const bomb = zip([{ name: 'a/0.png', data: new Uint8Array(8 * 2 ** 20), deflate: true }, { name: 'b/0.png', data: red() }]);
    expect(() => zipFolderFiles(bomb, 'bomb.zip')).toThrow(/^bomb\.zip: a\/0\.png says it inflates [\d,]+ bytes to 8,388,608 \(over 200×\): a zip bomb, not images; nothing read$/);
    // Entries that each look plausible (under 200×) but declare over 4 GiB in all.
    const rand = mulberry32(5);
    const noise = () => Uint8Array.from({ length: 8 * 2 ** 20 }, () => Math.floor(rand() * 256));
    const liar = zip(Array.from({ length: 3 }, (_, i) => ({ name: `a/${i}.bin`, data: noise(), deflate: true, declaredSize: 1_500_000_000 })));
    expect(() => zipFolderFiles(liar, 'liar.zip')).toThrow('liar.zip: its entries inflate to 4.2 GiB, over the 4 GiB read; nothing read');
    expect(() => zipFolderFiles(new TextEncoder().encode('not a zip at all, just text'), 'x.zip')).toThrow(FolderError);
  });
});
