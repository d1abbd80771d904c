// MNIST in the browser or a worker: fetches the four gzipped IDX files,
// streams them with byte progress, gunzips with DecompressionStream.
// No node:*, no tfjs. The files are served by scripts/build/vite-plugin-mnist.ts.
import { formatBytes } from '../config/format';
import type { ByteProgress, Dataset } from './types';
import { MNIST_FILES, mnistFromIdx, type IdxDatasetId } from './mnist';
import { concatBytes } from './bytes';

/** Largest body accepted per file, compressed or not (train images: 47 MB). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface FetchMnistOptions {
  /**
   * Called as bytes arrive. When every response has a content-length, loaded
   * and total cover all four files together; otherwise they are per file
   * (total 0 when unknown). Counts compressed bytes as sent by the server.
   */
  onProgress?: (p: ByteProgress) => void;
  signal?: AbortSignal;
  /** Which data set the files hold (default 'mnist'): sets the id and class names. */
  id?: IdxDatasetId;
}

/**
 * Fetches `${baseUrl}/<name>.gz` for each of MNIST_FILES (in parallel) and
 * builds the Dataset. Throws, naming the URL, on an HTTP error, a body that is
 * not gzip (e.g. an HTML fallback page), or one that inflates past MAX_FILE_BYTES.
 */
export async function fetchMnist(baseUrl: string, opts: FetchMnistOptions = {}): Promise<Dataset> {
  const base = baseUrl.replace(/\/+$/, '');
  // One controller for all four requests, so a failure in one cancels the rest.
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();
  try {
    const responses = await Promise.all(
      MNIST_FILES.map(async (name) => {
        const url = `${base}/${name}.gz`;
        const res = await fetch(url, { signal: ctrl.signal });
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
        return { name, url, res };
      }),
    );
    const progress = progressTracker(responses.map((r) => contentLength(r.res)), opts.onProgress);
    const entries = await Promise.all(
      responses.map(async ({ name, url, res }, i) => {
        const gz = await readBody(res.body, url, (n) => progress(i, `${name}.gz`, n));
        return [name, await gunzip(gz, url)] as const;
      }),
    );
    return mnistFromIdx(Object.fromEntries(entries), opts.id);
  } catch (err) {
    ctrl.abort(err);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Returns a callback that adds bytes for file i and reports the running total. */
function progressTracker(totals: number[], onProgress?: (p: ByteProgress) => void) {
  const loaded = totals.map(() => 0);
  const allKnown = totals.every((t) => t > 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return (i: number, file: string, bytes: number) => {
    loaded[i] = (loaded[i] ?? 0) + bytes;
    if (!onProgress) return;
    const l = allKnown ? sum(loaded) : (loaded[i] ?? 0);
    const t = allKnown ? sum(totals) : (totals[i] ?? 0);
    // A server that lies (or re-encodes) can send more than it announced;
    // never report loaded > total.
    onProgress({ loaded: l, total: t && Math.max(t, l), file });
  };
}

function contentLength(res: Response): number {
  const n = Number(res.headers.get('content-length'));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Reads a whole body into one Uint8Array, refusing more than MAX_FILE_BYTES. */
async function readBody(
  body: ReadableStream<Uint8Array> | null,
  what: string,
  onChunk?: (bytes: number) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_FILE_BYTES) {
      await reader.cancel();
      throw new Error(`${what}: more than ${MAX_FILE_BYTES} bytes (${formatBytes(MAX_FILE_BYTES, 'MiB')} cap per file)`);
    }
    chunks.push(value);
    onChunk?.(value.length);
  }
  return concatBytes(chunks, size);
}

/** Inflates a gzip body, after checking it is gzip at all. */
async function gunzip(gz: Uint8Array<ArrayBuffer>, url: string): Promise<Uint8Array> {
  // A server that sent Content-Encoding: gzip for a .gz file (Apache's
  // `AddEncoding x-gzip .gz`) makes the browser inflate it already: the body
  // is then raw IDX (magic 00 00 08), which is what we want anyway.
  if (gz[0] === 0 && gz[1] === 0 && gz[2] === 0x08) return gz;
  if (gz[0] !== 0x1f || gz[1] !== 0x8b) throw new Error(`${url}: ${notGzipReason(gz)}`);
  const inflated = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return await readBody(inflated, `${url} (inflated)`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(msg.startsWith(url) ? msg : `${url}: gunzip failed: ${msg}`);
  }
}

function notGzipReason(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty response, expected gzip data';
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  if (head.startsWith('<')) {
    // Typically the dev server's SPA fallback: index.html for a missing file.
    return 'got an HTML page, not gzip data; is the MNIST data served there (vite plugin mnistData)?';
  }
  const magic = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not gzip data (starts with ${magic}, expected 1f 8b)`;
}
