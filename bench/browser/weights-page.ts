// The weights-read bench page (bench/browser/weights-read.ts drives it): a
// weights file's bytes arrive as a user's would (a File from the <input>, or
// a fetch), then our reader turns them into tensors on this page's main
// thread. It times the read, `readWeightsFile` (bytes -> tensors map) and
// `nonFinite` (the NaN/Inf check of an import) apart, then each part of the
// parse alone, to say where its time goes. No TF.js: the readers are pure TS.
import { nonFinite, readWeightsFile } from '../../src/data/weights-file';
import { unpickle } from '../../src/data/pickle';
import { readSafetensorsHeader } from '../../src/data/safetensors';
import { crc32, readZipDirectory, readZipEntry, type ZipEntry } from '../../src/data/zip';

export type WeightsSource = { kind: 'file' } | { kind: 'fetch'; url: string };

export interface WeightsReadResult {
  format: 'pth' | 'safetensors';
  bytes: number;
  tensors: number;
  values: number;
  /** The sum of every value, in file order: equal for the same weights in either format. */
  checksum: number;
  /** File.arrayBuffer(), or fetch to ArrayBuffer, ms. */
  readMs: number;
  /** readWeightsFile: the ArrayBuffer in hand to the tensors map, ms. */
  parseMs: number;
  /** nonFinite over the tensors map, ms. */
  checkMs: number;
  /** Tensors nonFinite named (0 for sane weights). */
  nonFinite: number;
  /** Parts of the parse, each timed alone after it, ms; `copy` is every tensor's bytes copied once (the floor of a reader that returns its own arrays). */
  splits: Record<string, number>;
}

declare global {
  interface Window {
    readWeights(source: WeightsSource, name: string): Promise<WeightsReadResult>;
    weightsReady: boolean;
  }
}

const time = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
};

async function arrive(source: WeightsSource): Promise<ArrayBuffer> {
  if (source.kind === 'fetch') {
    const res = await fetch(source.url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${source.url}: HTTP ${res.status}`);
    return res.arrayBuffer();
  }
  const file = document.querySelector<HTMLInputElement>('[data-testid="weights.file"]')?.files?.[0];
  if (!file) throw new Error('no file picked in the input');
  return file.arrayBuffer();
}

/** Every byte of `parts` copied into an array of its own. */
function copyAll(bytes: Uint8Array, parts: Iterable<[number, number]>): void {
  for (const [begin, end] of parts) new Uint8Array(end - begin).set(bytes.subarray(begin, end));
}

/** pth.ts's list of globals: a state dict's, with every storage type. */
const PICKLE_RULES = {
  allow: ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter', ...['Float', 'Half', 'BFloat16', 'Double', 'Long', 'Int', 'Byte', 'Bool'].map((t) => `torch.${t}Storage`)],
  explain: () => '',
};

async function pthSplits(bytes: Uint8Array, name: string): Promise<Record<string, number>> {
  const [entries, directory] = await time(() => readZipDirectory(bytes, name));
  const list = [...entries.values()];
  const [, crc] = await time(() => list.forEach((e) => crc32(bytes.subarray(e.dataStart, e.dataStart + e.compressedSize))));
  const pkl = list.find((e) => e.name.endsWith('/data.pkl')) as ZipEntry;
  const data = await readZipEntry(bytes, pkl, name);
  const [, pickle] = await time(() => unpickle(data, PICKLE_RULES, name));
  const storages = list.filter((e) => /\/data\/[^/]+$/.test(e.name)).map((e): [number, number] => [e.dataStart, e.dataStart + e.size]);
  const [, copy] = await time(() => copyAll(bytes, storages));
  return { 'zip directory': directory, 'crc-32': crc, unpickle: pickle, copy };
}

async function safetensorsSplits(bytes: Uint8Array, name: string): Promise<Record<string, number>> {
  const [{ entries, dataStart }, header] = await time(() => readSafetensorsHeader(bytes, bytes.length, name));
  const [, copy] = await time(() => copyAll(bytes, [...entries.values()].map((e): [number, number] => [dataStart + e.begin, dataStart + e.end])));
  return { header, copy };
}

window.readWeights = async (source, name) => {
  const [buffer, readMs] = await time(() => arrive(source));
  const bytes = new Uint8Array(buffer);
  const [file, parseMs] = await time(() => readWeightsFile(bytes, name));
  const [bad, checkMs] = await time(() => nonFinite(file.tensors));
  let values = 0;
  let checksum = 0;
  for (const t of file.tensors.values()) {
    values += t.values.length;
    for (let i = 0; i < t.values.length; i++) checksum += t.values[i] as number;
  }
  const splits = file.format === 'pth' ? await pthSplits(bytes, name) : await safetensorsSplits(bytes, name);
  return { format: file.format, bytes: bytes.length, tensors: file.tensors.size, values, checksum, readMs, parseMs, checkMs, nonFinite: bad.length, splits };
};
window.weightsReady = true;
