// A CIFAR tarball from a byte stream (a dropped file, a download) to a
// Dataset, as the bytes arrive: sniff the format, gunzip with
// DecompressionStream, read the tar and the CIFAR records on the fly.
// Guards: a cap on compressed and on inflated bytes (decompression bombs),
// a stall timeout, cancellation. Every error starts with the archive's name.
// Pure TS over web streams (browsers, workers and Node 20): no node:*, no tfjs.
import { formatBytes } from '../config/format';
import { CifarAssembler, type CifarId } from './cifar';
import { TarReader } from './tar';
import type { ByteProgress, Dataset } from './types';
import { concatBytes } from './bytes';
import { fileOverCap } from '../share/caps';

/** The official tarballs are 163 MB (CIFAR-10) and 161 MB (CIFAR-100). */
export const MAX_COMPRESSED_BYTES = 256 * 2 ** 20;
/** Both releases inflate to about 184.5 MB of tar; past this it is not one of them. */
export const MAX_INFLATED_BYTES = 190 * 2 ** 20;
/** A download that sends no byte for this long has stalled. */
export const STALL_MS = 15_000;

export interface ArchiveOptions {
  /** Names the archive in every message: a file name or a URL. */
  name: string;
  /** Compressed bytes expected (file size, content-length); 0 when unknown. */
  total?: number;
  /** Called as compressed bytes arrive. */
  onProgress?: (p: ByteProgress) => void;
  signal?: AbortSignal;
  stallMs?: number;
  maxCompressedBytes?: number;
  maxInflatedBytes?: number;
  /** Refuse the other CIFAR. */
  expect?: CifarId;
  /** What the compressed cap guards, for its message (default: a CIFAR release). */
  capReason?: string;
}

/** Reads a CIFAR-10 or CIFAR-100 binary tarball (gzipped, or a plain tar) into a Dataset. */
export async function readCifarArchive(body: ReadableStream<Uint8Array>, opts: ArchiveOptions): Promise<Dataset> {
  const { name } = opts;
  const maxOut = opts.maxInflatedBytes ?? MAX_INFLATED_BYTES;
  // A file's size is known before its first byte: a dropped 4 GB file is refused unread.
  const big = fileOverCap(name, opts.total ?? 0, opts.maxCompressedBytes ?? MAX_COMPRESSED_BYTES, 'a CIFAR release');
  if (big) {
    await body.cancel(big).catch(() => {});
    throw new Error(big);
  }
  const source = new Source(body, opts);
  const cifar = new CifarAssembler(name, opts.expect);
  const tar = new TarReader(name, cifar.onEntry);
  let inflated = 0;
  const toTar = (chunk: Uint8Array) => {
    inflated += chunk.length;
    if (inflated > maxOut) throw new Error(`${name}: inflates to more than ${formatBytes(maxOut, 'MiB')} (a CIFAR release is about 176 MiB); refused as a decompression bomb or not a CIFAR release`);
    tar.push(chunk);
  };
  try {
    const head = await source.sniff(512);
    const kind = sniff(head);
    if (kind.kind === 'bad') throw new Error(`${name}: ${kind.reason}`);
    if (kind.kind === 'tar') {
      toTar(head);
      for (let c = await source.next(); c; c = await source.next()) toTar(c);
    } else {
      await gunzipInto(source, head, toTar, name);
    }
    tar.end();
    return cifar.finish();
  } catch (e) {
    await source.cancel(e);
    throw e;
  }
}

type Sniffed = { kind: 'gzip' } | { kind: 'tar' } | { kind: 'bad'; reason: string };

/** What the first bytes say the file is. */
export function sniff(head: Uint8Array): Sniffed {
  if (head.length === 0) return { kind: 'bad', reason: 'empty file, expected a .tar.gz archive' };
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: 'gzip' };
  if (head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar') return { kind: 'tar' };
  const text = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (text.startsWith('<')) {
    return { kind: 'bad', reason: 'got an HTML page, not a .tar.gz archive (an error page from the server, or a link to a download page rather than to the file?)' };
  }
  const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { kind: 'bad', reason: `not a gzip or tar archive (starts with ${magic}; a .tar.gz starts with 1f 8b)` };
}

/** Pushes compressed chunks through DecompressionStream while draining it into `sink`. */
async function gunzipInto(source: Source, head: Uint8Array, sink: (chunk: Uint8Array) => void, name: string): Promise<void> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  // Our own errors (source: stall, cancel, cap; sink: tar, CIFAR, cap) pass as
  // they are; anything the stream itself throws is the gunzip's.
  let ours: { error: unknown } | null = null;
  let inflate: unknown = null;
  const fail = (e: unknown, own: boolean) => {
    if (own) ours ??= { error: e };
    else inflate ??= e;
  };
  const feed = (async () => {
    try {
      await writer.write(head as Uint8Array<ArrayBuffer>);
      for (;;) {
        let c: Uint8Array | null;
        try {
          c = await source.next();
        } catch (e) {
          fail(e, true);
          throw e;
        }
        if (!c || ours || inflate) break;
        await writer.write(c as Uint8Array<ArrayBuffer>);
      }
      if (!ours && !inflate) await writer.close();
    } catch (e) {
      fail(e, false);
      await writer.abort(e).catch(() => {});
    }
  })();
  const drain = (async () => {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        fail(e, false);
        return;
      }
      if (chunk.done) return;
      try {
        sink(chunk.value);
      } catch (e) {
        fail(e, true);
        await reader.cancel(e).catch(() => {});
        await writer.abort(e).catch(() => {});
        return;
      }
    }
  })();
  await Promise.all([feed, drain]);
  if (ours) throw (ours as { error: unknown }).error;
  if (inflate) {
    const msg = inflate instanceof Error ? inflate.message : String(inflate);
    throw new Error(`${name}: gunzip failed: ${msg} (the archive is corrupt or truncated)`);
  }
}

/** The input stream with byte counting, progress, a stall timer and cancellation. */
export class Source {
  loaded = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(body: ReadableStream<Uint8Array>, private readonly opts: ArchiveOptions) {
    this.reader = body.getReader();
  }

  /** Reads until at least `n` bytes (or the end) and returns them all as one chunk. */
  async sniff(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < n) {
      const c = await this.next();
      if (!c) break;
      parts.push(c);
      size += c.length;
    }
    return concatBytes(parts, size);
  }

  /** The next chunk, or null at the end. Throws on stall, abort, or past the compressed cap. */
  async next(): Promise<Uint8Array | null> {
    const { name, signal } = this.opts;
    signal?.throwIfAborted();
    const stallMs = this.opts.stallMs ?? STALL_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: no data for ${stallMs / 1000} s after ${this.loaded.toLocaleString('en-US')} bytes; the download stalled`)), stallMs);
      onAbort = () => reject(signal?.reason ?? new DOMException('cancelled', 'AbortError'));
      signal?.addEventListener('abort', onAbort);
    });
    try {
      const { done, value } = await Promise.race([this.reader.read(), guard]);
      if (done) return null;
      this.loaded += value.length;
      const max = this.opts.maxCompressedBytes ?? MAX_COMPRESSED_BYTES;
      if (this.loaded > max) throw new Error(`${name}: more than ${formatBytes(max, 'MiB')}, ${this.opts.capReason ?? 'too big for a CIFAR release (about 163 MB)'}`);
      this.opts.onProgress?.({ loaded: this.loaded, total: this.opts.total ? Math.max(this.opts.total, this.loaded) : 0, file: name });
      return value;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async cancel(reason: unknown): Promise<void> {
    await this.reader.cancel(reason).catch(() => {});
  }
}

export interface FetchArchiveOptions extends Omit<ArchiveOptions, 'name' | 'total'> {
  fetch?: typeof fetch;
}

/**
 * Downloads a CIFAR tarball from `url` (a CORS-enabled mirror) and reads it
 * as it arrives. Refuses an HTTP error, a content-length past the cap, and a
 * server that sends nothing (headers or bytes) for `stallMs`.
 */
export async function fetchCifarArchive(url: string, opts: FetchArchiveOptions = {}): Promise<Dataset> {
  const max = opts.maxCompressedBytes ?? MAX_COMPRESSED_BYTES;
  const download = await openDownload(url, { ...opts, maxBytes: max, capReason: `the ${formatBytes(max, 'MiB')} cap for a CIFAR release` });
  try {
    return await readCifarArchive(download.body, { ...opts, name: url, total: download.total, signal: download.signal });
  } finally {
    download.close();
  }
}

export interface DownloadOptions {
  signal?: AbortSignal;
  stallMs?: number;
  fetch?: typeof fetch;
  /** A content-length past this is refused before any byte is read. */
  maxBytes: number;
  /** The cap in words, e.g. 'the 1024 MiB cap for weights'. */
  capReason: string;
}

/**
 * Starts a download from `url` (a CORS-enabled server): its body, its
 * content-length (0 when unknown) and the signal that aborts it (the
 * caller's, or a stall). Refuses an HTTP error, a content-length past the
 * cap, and a server that sends no headers for `stallMs`. `close` when done.
 */
export async function openDownload(url: string, opts: DownloadOptions): Promise<{ body: ReadableStream<Uint8Array>; total: number; signal: AbortSignal; close: () => void }> {
  const ctrl = new AbortController();
  const stallMs = opts.stallMs ?? STALL_MS;
  const onAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort);
  const close = () => opts.signal?.removeEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();
  const timer = setTimeout(() => ctrl.abort(new Error(`${url}: no answer for ${stallMs / 1000} s; the download stalled`)), stallMs);
  try {
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(url, { signal: ctrl.signal });
    } catch (e) {
      if (ctrl.signal.aborted) throw ctrl.signal.reason;
      throw new Error(`${url}: the download failed: ${e instanceof Error ? e.message : String(e)} (offline, or the server does not allow cross-origin requests?)`);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
    const total = Number(res.headers.get('content-length')) || 0;
    if (total > opts.maxBytes) throw new Error(`${url}: ${total.toLocaleString('en-US')} bytes, more than ${opts.capReason}`);
    if (!res.body) throw new Error(`${url}: empty response`);
    return { body: res.body, total, signal: ctrl.signal, close };
  } catch (e) {
    close();
    throw e;
  }
}
