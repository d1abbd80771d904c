// Test archives in the exact official formats, built in memory: a ustar
// writer and the CIFAR-10/100 binary releases at full size (10,000 records
// per batch file). Records are zeros except a label and a few pixels, so a
// full 185 MB archive gzips to about 200 KB in a fraction of a second.
// Node only (node:zlib); used by unit tests, the CLI and script tests, e2e specs.
import { gzipSync } from 'node:zlib';
import { BLOCK, checksum } from '../data/tar';

export interface TarFile {
  name: string;
  data?: Uint8Array;
  /** '0' file (default), '5' directory. */
  type?: '0' | '5';
}

function field(block: Uint8Array, start: number, length: number, value: string): void {
  for (let i = 0; i < Math.min(value.length, length); i++) block[start + i] = value.charCodeAt(i);
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0');
}

/** One ustar header block, as GNU tar writes it (magic "ustar\0", version "00"). */
export function tarHeader(name: string, size: number, type: '0' | '5' = '0'): Uint8Array {
  const h = new Uint8Array(BLOCK);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(type === '5' ? 0o755 : 0o644, 8));
  field(h, 108, 8, octal(1000, 8));
  field(h, 116, 8, octal(1000, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(1_250_000_000, 12));
  h[156] = type.charCodeAt(0);
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 265, 32, 'user');
  field(h, 297, 32, 'user');
  field(h, 148, 8, `${octal(checksum(h), 7)}\0`);
  return h;
}

/** A whole tar archive: headers, data padded to 512 bytes, two zero blocks. */
export function tar(files: TarFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const data = f.data ?? new Uint8Array(0);
    parts.push(tarHeader(f.name, data.length, f.type ?? '0'), data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes, { level: 1 }));
}

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * One CIFAR batch file: `count` records of `labelBytes` label bytes and
 * 3072 pixel bytes (R, G, B planes of 32×32). Record i has label(s) from
 * `label(i)` and, so that the layout is checkable, pixel 0 of each plane set
 * to (i % 200) + plane (R: +0, G: +1, B: +2).
 */
export function cifarBatch(count: number, labelBytes: 1 | 2, label: (i: number) => number[]): Uint8Array {
  const rec = labelBytes + 3072;
  const out = new Uint8Array(count * rec);
  for (let i = 0; i < count; i++) {
    const o = i * rec;
    label(i).forEach((y, k) => (out[o + k] = y));
    for (let c = 0; c < 3; c++) out[o + labelBytes + c * 1024] = (i % 200) + c;
  }
  return out;
}

/** The files of cifar-10-binary.tar.gz at full size (6 × 30,730,000 bytes); change any by name. */
export function cifar10Files(over: Record<string, Uint8Array | null> = {}): TarFile[] {
  const dir = 'cifar-10-batches-bin';
  const files: Record<string, Uint8Array> = {
    'batches.meta.txt': new TextEncoder().encode(CIFAR10_CLASSES.join('\n') + '\n\n'),
    ...Object.fromEntries([1, 2, 3, 4, 5].map((b) => [`data_batch_${b}.bin`, cifarBatch(10_000, 1, (i) => [(i + b) % 10])])),
    'test_batch.bin': cifarBatch(10_000, 1, (i) => [i % 10]),
    'readme.html': new TextEncoder().encode('<meta HTTP-EQUIV="REFRESH" content="0; url=http://www.cs.toronto.edu/~kriz/cifar.html">\n'),
  };
  const merged = { ...files, ...over };
  return [{ name: `${dir}/`, type: '5' }, ...Object.entries(merged).filter(([, d]) => d !== null).map(([name, data]) => ({ name: `${dir}/${name}`, data: data as Uint8Array }))];
}

/** The files of cifar-100-binary.tar.gz at full size (train 50,000 and test 10,000 records of 3,074 bytes). */
export function cifar100Files(over: Record<string, Uint8Array | null> = {}): TarFile[] {
  const dir = 'cifar-100-binary';
  const lines = (n: number, p: string) => new TextEncoder().encode(Array.from({ length: n }, (_, i) => `${p}${i}`).join('\n') + '\n');
  const files: Record<string, Uint8Array> = {
    'coarse_label_names.txt': lines(20, 'superclass_'),
    'fine_label_names.txt': lines(100, 'class_'),
    'train.bin': cifarBatch(50_000, 2, (i) => [i % 20, i % 100]),
    'test.bin': cifarBatch(10_000, 2, (i) => [i % 20, (i * 7) % 100]),
  };
  const merged = { ...files, ...over };
  return [{ name: `${dir}/`, type: '5' }, ...Object.entries(merged).filter(([, d]) => d !== null).map(([name, data]) => ({ name: `${dir}/${name}`, data: data as Uint8Array }))];
}

/** A full-format cifar-10-binary.tar.gz (about 200 KB). */
export function cifar10Archive(over: Record<string, Uint8Array | null> = {}): Uint8Array {
  return gzip(tar(cifar10Files(over)));
}

export function cifar100Archive(over: Record<string, Uint8Array | null> = {}): Uint8Array {
  return gzip(tar(cifar100Files(over)));
}
