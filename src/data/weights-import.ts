// Weights into the cache: a dropped file, a download (capped, with progress,
// cancellable) or the page's own model.json + .bin, read and checked whole
// (format, offsets, dtypes, NaN/Inf) before anything is written; and back
// out of the cache as tensors for the training worker. Pure TS: no tfjs.
import type { WeightSpec } from '../protocol/messages';
import type { WeightsInfo, WeightsSource } from '../protocol/data';
import { decodeSpecs, MODEL_FILE_FORMAT } from '../share/modelfile';
import { catalogueEntry, catalogueFile } from '../weights/catalogue';
import { openDownload, Source, STALL_MS } from './archive';
import { concatBytes } from './bytes';
import { loadWeights, saveWeights } from './weights-cache';
import { MAX_WEIGHTS_BYTES, nonFinite, readWeightsFile, type WeightsTensor } from './weights-file';
import type { ByteProgress } from './types';
import { formatBytes } from '../config/format';
import { fileOverCap } from '../share/caps';

export interface WeightsImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ByteProgress) => void;
  idb?: IDBFactory;
  fetch?: typeof fetch;
  stallMs?: number;
  maxBytes?: number;
}

const CAP_REASON = (max: number) => `the ${formatBytes(max, 'MiB')} cap for weights`;
/** A model.json holds the config, the layer names and the manifest, never the weights: well under 1 MB even for ResNet-152. */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

/** Reads, checks and caches `source`; -> its entry. Throws naming the file and the problem; nothing is cached then. */
export async function importWeights(source: WeightsSource, opts: WeightsImportOptions = {}): Promise<{ info: WeightsInfo; readMs: number; problems: string[] }> {
  const max = opts.maxBytes ?? MAX_WEIGHTS_BYTES;
  const t0 = performance.now();
  if (source.kind === 'manifest') {
    const { info, bytes } = await readManifest(source.json, source.bin, source.name, max);
    opts.signal?.throwIfAborted();
    await saveWeights(info, bytes, opts.idb);
    return { info, readMs: performance.now() - t0, problems: [] };
  }
  const name = source.kind === 'file' ? source.name : source.url;
  const bytes = source.kind === 'file' ? await readFileCapped(source.file, name, max) : await download(source.url, max, opts);
  opts.signal?.throwIfAborted();
  const file = await readWeightsFile(bytes, name);
  const bad = nonFinite(file.tensors);
  if (bad.length > 0) throw new Error(`${name}: ${bad[0]!.key} holds ${bad[0]!.count.toLocaleString('en-US')} NaN or infinite values (${bad.length} such tensor${bad.length === 1 ? '' : 's'}); refused, nothing was cached`);
  // A catalogue file downloaded by hand and dropped is that entry (torchvision's names carry a hash).
  const entry = source.kind === 'url' ? (source.catalogueId !== undefined ? catalogueEntry(source.catalogueId) : undefined) : catalogueFile(source.name);
  const info: WeightsInfo = {
    id: entry?.id ?? (source.kind === 'file' ? `file/${source.name}` : `url/${source.url}`),
    name: entry?.title ?? (source.kind === 'file' ? source.name : source.url.slice(source.url.lastIndexOf('/') + 1) || source.url),
    from: name,
    format: file.format,
    bytes: bytes.length,
    tensors: file.tensors.size,
    values: valuesIn(file.tensors),
    imagenet: entry !== undefined,
    ...(entry ? { preset: entry.preset } : {}),
    savedAt: Date.now(),
  };
  opts.signal?.throwIfAborted();
  await saveWeights(info, bytes, opts.idb);
  return { info, readMs: performance.now() - t0, problems: file.problems };
}

function valuesIn(tensors: ReadonlyMap<string, { values: ArrayLike<number> }>): number {
  let n = 0;
  for (const t of tensors.values()) n += t.values.length;
  return n;
}

async function readFileCapped(file: Blob, name: string, max: number): Promise<Uint8Array> {
  const big = fileOverCap(name, file.size, max, 'a weights file');
  if (big) throw new Error(big);
  return new Uint8Array(await file.arrayBuffer());
}

async function download(url: string, max: number, opts: WeightsImportOptions): Promise<Uint8Array> {
  const capReason = CAP_REASON(max);
  const d = await openDownload(url, { maxBytes: max, capReason, stallMs: opts.stallMs ?? STALL_MS, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  try {
    const source = new Source(d.body, { name: url, total: d.total, signal: d.signal, stallMs: opts.stallMs ?? STALL_MS, maxCompressedBytes: max, capReason, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    const parts: Uint8Array[] = [];
    try {
      for (let c = await source.next(); c; c = await source.next()) parts.push(c);
    } catch (e) {
      await source.cancel(e);
      throw e;
    }
    return concatBytes(parts);
  } finally {
    d.close();
  }
}

/** The page's export: model.json (format, config, weightsManifest) and its .bin of float32 values. */
async function readManifest(json: Blob, bin: Blob, name: string, max: number): Promise<{ info: WeightsInfo; bytes: Uint8Array }> {
  const big = fileOverCap(name, json.size, MAX_MODEL_JSON_BYTES, 'a model.json');
  if (big) throw new Error(big);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await json.text());
  } catch (e) {
    throw new Error(`${name} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const m = parsed as { format?: unknown; config?: unknown; weightsManifest?: Array<{ weights?: unknown }> };
  if (m?.format !== MODEL_FILE_FORMAT) throw new Error(`${name} is not a ResNet Playground model.json (its format is ${JSON.stringify(m?.format ?? null)}, not ${MODEL_FILE_FORMAT})`);
  const specs = m.weightsManifest?.[0]?.weights;
  if (!Array.isArray(specs)) throw new Error(`${name} has no weightsManifest[0].weights`);
  const bytes = await readFileCapped(bin, `${name}'s .bin`, max);
  const tensors = decodeSpecs(specs as WeightSpec[], bytes, name);
  const bad = nonFinite(new Map([...tensors].map(([k, t]) => [k, { dtype: 'float32', ...t }])));
  if (bad.length > 0) throw new Error(`${name}: ${bad[0]!.key} holds ${bad[0]!.count.toLocaleString('en-US')} NaN or infinite values (${bad.length} such tensor${bad.length === 1 ? '' : 's'}); refused, nothing was cached`);
  const info: WeightsInfo = {
    id: `file/${name}`,
    name,
    from: name,
    format: 'tfjs',
    bytes: bytes.length,
    tensors: tensors.size,
    values: valuesIn(tensors),
    imagenet: false,
    ...(m.config && typeof m.config === 'object' ? { config: m.config as NonNullable<WeightsInfo['config']> } : {}),
    specs: specs as WeightSpec[],
    savedAt: Date.now(),
  };
  return { info, bytes };
}

/** A cached entry's tensors (the training worker's side); throws naming the id when it is not cached. */
export async function cachedTensors(id: string, idb?: IDBFactory): Promise<{ info: WeightsInfo; tensors: Map<string, WeightsTensor | { shape: number[]; values: Float32Array }> }> {
  const entry = await loadWeights(id, idb);
  if (entry === null) throw new Error(`the weights ${id} are not on this machine: import them in the weights panel (the catalogue fetches them; a file can be dropped there)`);
  const { info, bytes } = entry;
  if (info.format === 'tfjs') return { info, tensors: decodeSpecs(info.specs ?? [], bytes, info.name) };
  return { info, tensors: (await readWeightsFile(bytes, info.name)).tensors };
}
