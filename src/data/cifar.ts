// CIFAR-10 and CIFAR-100 from the entries of their official binary tarballs
// (https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version"): which
// files must be there, at which exact sizes, and a record reader that turns
// each record's R, G, B planes into NHWC pixels as the bytes stream in.
// Pure TS: no node:*, no DOM, no tfjs.
//
//   cifar-10-binary.tar.gz:  cifar-10-batches-bin/data_batch_1..5.bin, test_batch.bin
//                            (10,000 records of 1 label byte + 3,072 pixel bytes each,
//                            30,730,000 bytes), batches.meta.txt (class names), readme.html
//   cifar-100-binary.tar.gz: cifar-100-binary/train.bin (50,000 records), test.bin
//                            (10,000), records of 2 label bytes (coarse, fine) + 3,072;
//                            coarse_label_names.txt, fine_label_names.txt
import type { EntrySink, TarEntry } from './tar';
import type { Dataset, ImageSet } from './types';

/** Where the dev and preview servers offer the tarballs `npm run data` fetched, under the app's base URL. */
export const ARCHIVES_URL_DIR = 'data/archives';

export type CifarId = 'cifar10' | 'cifar100';

const PIXELS = 32 * 32;
const IMAGE_BYTES = 3 * PIXELS;

interface DataFile {
  name: string;
  split: 'train' | 'test';
  records: number;
}

interface Layout {
  id: CifarId;
  title: string;
  dir: string;
  /** The release file users download, named in messages. */
  release: string;
  /** Label bytes per record; the class label is the last one (CIFAR-100: coarse, then fine). */
  labelBytes: 1 | 2;
  classes: number;
  /** Ranges of every label byte, in record order. */
  labelRanges: number[];
  names: string;
  /** Other text files that must be there, with the line count they must hold. */
  extraNames: Record<string, number>;
  data: DataFile[];
  /** Files of the release that carry nothing we read. */
  ignored: string[];
}

export const CIFAR_LAYOUTS: Record<CifarId, Layout> = {
  cifar10: {
    id: 'cifar10',
    title: 'CIFAR-10',
    dir: 'cifar-10-batches-bin',
    release: 'cifar-10-binary.tar.gz',
    labelBytes: 1,
    classes: 10,
    labelRanges: [10],
    names: 'batches.meta.txt',
    extraNames: {},
    data: [
      ...[1, 2, 3, 4, 5].map((b): DataFile => ({ name: `data_batch_${b}.bin`, split: 'train', records: 10_000 })),
      { name: 'test_batch.bin', split: 'test', records: 10_000 },
    ],
    ignored: ['readme.html'],
  },
  cifar100: {
    id: 'cifar100',
    title: 'CIFAR-100',
    dir: 'cifar-100-binary',
    release: 'cifar-100-binary.tar.gz',
    labelBytes: 2,
    classes: 100,
    labelRanges: [20, 100],
    names: 'fine_label_names.txt',
    extraNames: { 'coarse_label_names.txt': 20 },
    data: [
      { name: 'train.bin', split: 'train', records: 50_000 },
      { name: 'test.bin', split: 'test', records: 10_000 },
    ],
    ignored: [],
  },
};

/** Bytes of one record of a layout. */
export const recordBytes = (layout: Layout): number => layout.labelBytes + IMAGE_BYTES;

/** Folders of the other releases of the same data, and what to say about them. */
const WRONG_RELEASES: Record<string, string> = {
  'cifar-10-batches-py': 'this is the Python (pickle) release of CIFAR-10; use the binary release, cifar-10-binary.tar.gz',
  'cifar-10-batches-mat': 'this is the MATLAB release of CIFAR-10; use the binary release, cifar-10-binary.tar.gz',
  'cifar-100-python': 'this is the Python (pickle) release of CIFAR-100; use the binary release, cifar-100-binary.tar.gz',
  'cifar-100-matlab': 'this is the MATLAB release of CIFAR-100; use the binary release, cifar-100-binary.tar.gz',
};

const MAX_TEXT_BYTES = 64 * 1024;

/**
 * Collects the entries of a CIFAR binary tarball into a Dataset. Give
 * `onEntry` to TarReader; call `finish` after the archive ended. Every
 * check throws an Error that starts with the archive's name and names the entry.
 */
export class CifarAssembler {
  private layout: Layout | null = null;
  private train: ImageSet | null = null;
  private test: ImageSet | null = null;
  private readonly seen = new Set<string>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly archive: string, private readonly expect?: CifarId) {}

  /** The data set recognised so far, if any. */
  get id(): CifarId | null {
    return this.layout?.id ?? null;
  }

  readonly onEntry = (entry: TarEntry): EntrySink | null => {
    const layout = this.layout ?? this.recognise(entry);
    const where = `${this.archive}: ${entry.name}`;
    const inDir = entry.name.startsWith(`${layout.dir}/`);
    const name = inDir ? entry.name.slice(layout.dir.length + 1).replace(/\/$/, '') : entry.name;
    if (entry.type === 'directory' && (name === '' || entry.name === layout.dir)) return null;
    if (!inDir || entry.type !== 'file' || name.includes('/')) {
      throw new Error(`${where}: unexpected ${entry.type === 'directory' ? 'folder' : 'file'} in the archive; ${layout.release} holds only ${layout.dir}/{${this.expected(layout).join(', ')}}`);
    }
    if (this.seen.has(name)) throw new Error(`${where}: the archive holds this file twice`);
    this.seen.add(name);
    if (layout.ignored.includes(name)) return null;
    const data = layout.data.find((d) => d.name === name);
    if (data) return this.dataSink(layout, data, entry, where);
    if (name === layout.names || name in layout.extraNames) {
      if (entry.size > MAX_TEXT_BYTES) throw new Error(`${where}: ${entry.size} bytes, too big for a list of class names`);
      return textSink((s) => this.texts.set(name, s));
    }
    throw new Error(`${where}: unexpected file in the archive; ${layout.release} holds only ${layout.dir}/{${this.expected(layout).join(', ')}}`);
  };

  /** The Dataset, once every file has been read; throws naming the first missing file. */
  finish(): Dataset {
    const layout = this.layout;
    if (!layout) throw new Error(`${this.archive}: the archive holds no files`);
    for (const name of this.expected(layout)) {
      if (!this.seen.has(name) && !layout.ignored.includes(name)) {
        throw new Error(`${this.archive}: ${layout.dir}/${name} is missing; the archive is incomplete (truncated, or not the official ${layout.release})`);
      }
    }
    for (const [file, count] of Object.entries(layout.extraNames)) classNames(this.archive, layout.dir, file, this.texts.get(file) ?? '', count);
    return {
      id: layout.id,
      height: 32,
      width: 32,
      channels: 3,
      numClasses: layout.classes,
      classNames: classNames(this.archive, layout.dir, layout.names, this.texts.get(layout.names) ?? '', layout.classes),
      train: this.train as ImageSet,
      test: this.test as ImageSet,
    };
  }

  private expected(layout: Layout): string[] {
    return [...layout.data.map((d) => d.name), layout.names, ...Object.keys(layout.extraNames)];
  }

  private recognise(entry: TarEntry): Layout {
    const top = entry.name.split('/')[0] ?? '';
    const wrong = WRONG_RELEASES[top];
    if (wrong) throw new Error(`${this.archive}: ${entry.name}: ${wrong}`);
    const layout = Object.values(CIFAR_LAYOUTS).find((l) => l.dir === top);
    if (!layout) {
      throw new Error(`${this.archive}: ${entry.name}: not a CIFAR binary release (expected a folder cifar-10-batches-bin/ or cifar-100-binary/ at the top)`);
    }
    if (this.expect && this.expect !== layout.id) {
      throw new Error(`${this.archive}: this is ${layout.title}, not ${CIFAR_LAYOUTS[this.expect].title}`);
    }
    this.layout = layout;
    const split = (s: 'train' | 'test'): ImageSet => {
      const count = layout.data.filter((d) => d.split === s).reduce((a, d) => a + d.records, 0);
      return { images: new Uint8Array(count * IMAGE_BYTES), labels: new Uint8Array(count), count };
    };
    this.train = split('train');
    this.test = split('test');
    return layout;
  }

  private dataSink(layout: Layout, file: DataFile, entry: TarEntry, where: string): EntrySink {
    const rec = recordBytes(layout);
    const want = file.records * rec;
    if (entry.size !== want) {
      throw new Error(`${where}: ${entry.size.toLocaleString('en-US')} bytes, expected ${want.toLocaleString('en-US')} (${file.records.toLocaleString('en-US')} records of ${rec.toLocaleString('en-US')} bytes)`);
    }
    const set = (file.split === 'train' ? this.train : this.test) as ImageSet;
    // Records of earlier files of the same split come first, in release order.
    const first = layout.data.slice(0, layout.data.indexOf(file)).filter((d) => d.split === file.split).reduce((a, d) => a + d.records, 0);
    return new RecordSink(layout, set, first, where);
  }
}

/** Reads fixed-size records as they stream, carrying a partial record across chunks. */
class RecordSink implements EntrySink {
  private readonly rec: number;
  private readonly carry: Uint8Array;
  private carried = 0;
  private index = 0;

  constructor(private readonly layout: Layout, private readonly set: ImageSet, private readonly first: number, private readonly where: string) {
    this.rec = recordBytes(layout);
    this.carry = new Uint8Array(this.rec);
  }

  write(chunk: Uint8Array): void {
    let at = 0;
    if (this.carried > 0) {
      const n = Math.min(this.rec - this.carried, chunk.length);
      this.carry.set(chunk.subarray(0, n), this.carried);
      this.carried += n;
      at = n;
      if (this.carried < this.rec) return;
      this.record(this.carry, 0);
      this.carried = 0;
    }
    while (chunk.length - at >= this.rec) {
      this.record(chunk, at);
      at += this.rec;
    }
    if (at < chunk.length) {
      this.carry.set(chunk.subarray(at), 0);
      this.carried = chunk.length - at;
    }
  }

  end(): void {
    // The size was checked at the header and TarReader delivers exactly that many bytes.
  }

  private record(src: Uint8Array, o: number): void {
    const { labelBytes, labelRanges } = this.layout;
    for (let k = 0; k < labelBytes; k++) {
      const y = src[o + k] as number;
      const range = labelRanges[k] as number;
      if (y >= range) {
        const which = labelBytes === 2 ? (k === 0 ? 'coarse label' : 'fine label') : 'label';
        throw new Error(`${this.where}: ${which} ${y} in record ${this.index} is out of range 0..${range - 1}`);
      }
    }
    const n = this.first + this.index;
    this.set.labels[n] = src[o + labelBytes - 1] as number;
    // Planes R, G, B of 1024 pixels each, row-major -> NHWC (pixel-interleaved).
    transpose(src, o + labelBytes, this.set.images, n * IMAGE_BYTES);
    this.index += 1;
  }
}

/** One record's R, G, B planes (at `from`) to interleaved RGB pixels (at `to`). Kept monomorphic and small so it optimizes. */
function transpose(src: Uint8Array, from: number, out: Uint8Array, to: number): void {
  const r = src.subarray(from, from + PIXELS);
  const g = src.subarray(from + PIXELS, from + 2 * PIXELS);
  const b = src.subarray(from + 2 * PIXELS, from + 3 * PIXELS);
  const dst = out.subarray(to, to + IMAGE_BYTES);
  for (let p = 0, d = 0; p < PIXELS; p++, d += 3) {
    dst[d] = r[p]!;
    dst[d + 1] = g[p]!;
    dst[d + 2] = b[p]!;
  }
}

function textSink(done: (text: string) => void): EntrySink {
  const parts: Uint8Array[] = [];
  return {
    write: (c) => parts.push(c.slice()),
    end: () => {
      const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      done(new TextDecoder().decode(all));
    },
  };
}

/** The non-empty lines of a names file, which must be exactly `count`. */
function classNames(archive: string, dir: string, file: string, text: string, count: number): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length !== count) throw new Error(`${archive}: ${dir}/${file}: ${names.length} class names, expected ${count}`);
  return names;
}
