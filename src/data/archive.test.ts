// CIFAR tarballs through the streaming reader: full-size archives in the
// official layout (built here, mostly zeros), and every broken input the
// issue lists, each refused with a message naming the file and the problem.
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, cifar100Archive, cifar10Archive, cifar10Files, cifarBatch, gzip, tar } from '../testing/fixtures';
import { fetchCifarArchive, readCifarArchive, type ArchiveOptions } from './archive';
import type { ByteProgress } from './types';

/** A stream that hands out `bytes` in `chunk`-byte pieces. */
function stream(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, (at += chunk)));
    },
  });
}

const read = (bytes: Uint8Array, opts: Partial<ArchiveOptions> = {}) => readCifarArchive(stream(bytes), { name: 'cifar-10-binary.tar.gz', ...opts });

// Built once: about 200 KB each, inflating to 184 MB.
const CIFAR10 = cifar10Archive();

describe('readCifarArchive', () => {
  it('reads a full-size CIFAR-10 release: 50,000 + 10,000 images, NHWC, labels, class names, progress', async () => {
    const events: ByteProgress[] = [];
    const ds = await read(CIFAR10, { total: CIFAR10.length, onProgress: (p) => events.push(p) });
    expect(ds).toMatchObject({ id: 'cifar10', height: 32, width: 32, channels: 3, numClasses: 10, classNames: CIFAR10_CLASSES });
    expect(ds.train.count).toBe(50_000);
    expect(ds.test.count).toBe(10_000);
    expect(ds.train.images.length).toBe(50_000 * 3072);
    // data_batch_b's record i has label (i + b) % 10: batch 2 starts at image 10,000.
    expect(Array.from(ds.train.labels.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(ds.train.labels.subarray(10_000, 10_003))).toEqual([2, 3, 4]);
    expect(Array.from(ds.test.labels.subarray(0, 3))).toEqual([0, 1, 2]);
    // Pixel 0 of planes R, G, B of record i is (i % 200) + plane: NHWC puts them side by side.
    const img = (n: number) => Array.from(ds.train.images.subarray(n * 3072, n * 3072 + 4));
    expect(img(5)).toEqual([5, 6, 7, 0]);
    expect(img(10_201)).toEqual([1, 2, 3, 0]);
    expect(events.at(-1)).toEqual({ loaded: CIFAR10.length, total: CIFAR10.length, file: 'cifar-10-binary.tar.gz' });
    expect(events.length).toBeGreaterThan(2);
  });

  it('reads a full-size CIFAR-100 release with its fine labels', async () => {
    const ds = await read(cifar100Archive(), { name: 'cifar-100-binary.tar.gz' });
    expect(ds).toMatchObject({ id: 'cifar100', numClasses: 100, channels: 3 });
    expect(ds.classNames).toHaveLength(100);
    expect(ds.train.count).toBe(50_000);
    expect(ds.test.count).toBe(10_000);
    expect(Array.from(ds.train.labels.subarray(98, 102))).toEqual([98, 99, 0, 1]);
    expect(Array.from(ds.test.labels.subarray(0, 3))).toEqual([0, 7, 14]);
  });

  it('reads an uncompressed tar too (a browser that already gunzipped the download)', async () => {
    const ds = await read(tar(cifar10Files()), { chunk: 1 } as never);
    expect(ds.train.count).toBe(50_000);
  });

  it('refuses the other CIFAR when one is expected', async () => {
    await expect(read(CIFAR10, { expect: 'cifar100' })).rejects.toThrow('cifar-10-binary.tar.gz: this is CIFAR-10, not CIFAR-100');
  });
});

describe('readCifarArchive refuses bad input, naming the file and the problem', () => {
  it('a truncated archive', async () => {
    // Cut inside the gzip stream: either the gunzip or the tar reader notices.
    await expect(read(CIFAR10.subarray(0, Math.floor(CIFAR10.length / 2)))).rejects.toThrow(/^cifar-10-binary\.tar\.gz: (gunzip failed|truncated)/);
    // A tar cut at an entry boundary gzips cleanly: the missing files are named.
    const files = cifar10Files();
    const cut = gzip(tar(files.slice(0, 3)).subarray(0, -1024));
    await expect(read(cut)).rejects.toThrow('cifar-10-binary.tar.gz: cifar-10-batches-bin/data_batch_2.bin is missing; the archive is incomplete (truncated, or not the official cifar-10-binary.tar.gz)');
  });

  it('a wrong file inside the archive', async () => {
    await expect(read(cifar10Archive({ 'data_batch_6.bin': new Uint8Array(10) }))).rejects.toThrow(
      /^cifar-10-binary\.tar\.gz: cifar-10-batches-bin\/data_batch_6\.bin: unexpected file in the archive; cifar-10-binary\.tar\.gz holds only cifar-10-batches-bin\/\{data_batch_1\.bin/,
    );
    const python = gzip(tar([{ name: 'cifar-10-batches-py/', type: '5' }, { name: 'cifar-10-batches-py/data_batch_1', data: new Uint8Array(100) }]));
    await expect(read(python, { name: 'cifar-10-python.tar.gz' })).rejects.toThrow('cifar-10-python.tar.gz: cifar-10-batches-py/: this is the Python (pickle) release of CIFAR-10; use the binary release, cifar-10-binary.tar.gz');
    const other = gzip(tar([{ name: 'photos/cat.jpg', data: new Uint8Array(100) }]));
    await expect(read(other, { name: 'photos.tar.gz' })).rejects.toThrow('photos.tar.gz: photos/cat.jpg: not a CIFAR binary release');
  });

  it('a batch file whose size is not 30,730,000 bytes', async () => {
    await expect(read(cifar10Archive({ 'data_batch_3.bin': cifarBatch(9_999, 1, () => [0]) }))).rejects.toThrow(
      'cifar-10-binary.tar.gz: cifar-10-batches-bin/data_batch_3.bin: 30,726,927 bytes, expected 30,730,000 (10,000 records of 3,073 bytes)',
    );
  });

  it('a label out of range', async () => {
    await expect(read(cifar10Archive({ 'data_batch_1.bin': cifarBatch(10_000, 1, (i) => [i === 17 ? 12 : 0]) }))).rejects.toThrow(
      'cifar-10-binary.tar.gz: cifar-10-batches-bin/data_batch_1.bin: label 12 in record 17 is out of range 0..9',
    );
    await expect(read(cifar100Archive({ 'test.bin': cifarBatch(10_000, 2, (i) => [0, i === 3 ? 100 : 0]) }), { name: 'c100.tgz' })).rejects.toThrow(
      'c100.tgz: cifar-100-binary/test.bin: fine label 100 in record 3 is out of range 0..99',
    );
  });

  it('class names that are not the expected count', async () => {
    await expect(read(cifar10Archive({ 'batches.meta.txt': new TextEncoder().encode('cat\ndog\n') }))).rejects.toThrow(
      'cifar-10-binary.tar.gz: cifar-10-batches-bin/batches.meta.txt: 2 class names, expected 10',
    );
  });

  it('random bytes', async () => {
    const random = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
    await expect(read(random, { name: 'x.tar.gz' })).rejects.toThrow(/^x\.tar\.gz: not a gzip or tar archive \(starts with [0-9a-f ]+; a \.tar\.gz starts with 1f 8b\)$/);
    // Random bytes behind a gzip header: the gunzip refuses them.
    const fake = Uint8Array.from(random, (b, i) => (i === 0 ? 0x1f : i === 1 ? 0x8b : i === 2 ? 8 : b));
    await expect(read(fake, { name: 'x.tar.gz' })).rejects.toThrow(/^x\.tar\.gz: (gunzip failed|not a tar archive)/);
    // Gzipped random bytes: gunzip is fine, tar is not.
    await expect(read(gzip(random), { name: 'x.tar.gz' })).rejects.toThrow('x.tar.gz: not a tar archive: no ustar header at byte 0');
    await expect(read(new Uint8Array(0), { name: 'x.tar.gz' })).rejects.toThrow('x.tar.gz: empty file, expected a .tar.gz archive');
  });

  it('an HTML error page instead of an archive', async () => {
    const html = new TextEncoder().encode('\n  <!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>');
    await expect(read(html, { name: 'https://mirror.example/cifar-10-binary.tar.gz' })).rejects.toThrow(
      /^https:\/\/mirror\.example\/cifar-10-binary\.tar\.gz: got an HTML page, not a \.tar\.gz archive/,
    );
  });

  it('a decompression bomb: the inflated size is capped', async () => {
    // A valid release with a 20 MB readme: 204 MB in all, past the 190 MiB cap.
    const bomb = cifar10Archive({ 'readme.html': new Uint8Array(20_000_000) });
    const t0 = Date.now();
    await expect(read(bomb)).rejects.toThrow('cifar-10-binary.tar.gz: inflates to more than 190 MiB (a CIFAR release is about 176 MiB); refused as a decompression bomb or not a CIFAR release');
    expect(Date.now() - t0).toBeLessThan(10_000);
    // And the compressed size.
    await expect(read(CIFAR10, { maxCompressedBytes: 100_000 })).rejects.toThrow('cifar-10-binary.tar.gz: more than 0 MiB, too big for a CIFAR release (about 163 MB)');
  });

  it('a stalled download: no bytes for stallMs', async () => {
    let sent = false;
    const stalled = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) c.enqueue(CIFAR10.slice(0, 1000));
        sent = true;
        return new Promise(() => {}); // never again
      },
    });
    const t0 = Date.now();
    await expect(readCifarArchive(stalled, { name: 'https://m/c.tgz', stallMs: 200 })).rejects.toThrow('https://m/c.tgz: no data for 0.2 s after 1,000 bytes; the download stalled');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('stops when cancelled', async () => {
    const ctrl = new AbortController();
    const p = read(CIFAR10, { signal: ctrl.signal, onProgress: (e) => e.loaded > 50_000 && ctrl.abort(new Error('cancelled by the user')) });
    await expect(p).rejects.toThrow('cancelled by the user');
  });
});

describe('fetchCifarArchive', () => {
  const serve = (body: BodyInit | null, init: ResponseInit = {}) => (async () => new Response(body, init)) as unknown as typeof fetch;

  it('downloads and reads the archive with content-length progress', async () => {
    const events: ByteProgress[] = [];
    const ds = await fetchCifarArchive('https://m/cifar-10-binary.tar.gz', { fetch: serve(stream(CIFAR10), { headers: { 'content-length': String(CIFAR10.length) } }), onProgress: (p) => events.push(p) });
    expect(ds.train.count).toBe(50_000);
    expect(events.at(-1)).toMatchObject({ loaded: CIFAR10.length, total: CIFAR10.length });
  });

  it('names the URL on an HTTP error, a size past the cap, and a server that never answers', async () => {
    await expect(fetchCifarArchive('https://m/a.tgz', { fetch: serve('gone', { status: 404, statusText: 'Not Found' }) })).rejects.toThrow('https://m/a.tgz: HTTP 404 Not Found');
    await expect(fetchCifarArchive('https://m/a.tgz', { fetch: serve('x', { headers: { 'content-length': String(2 ** 30) } }) })).rejects.toThrow(
      'https://m/a.tgz: 1,073,741,824 bytes, more than the 256 MiB cap for a CIFAR release',
    );
    const hang = ((_: string, init: RequestInit) => new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as unknown as typeof fetch;
    await expect(fetchCifarArchive('https://m/a.tgz', { fetch: hang, stallMs: 100 })).rejects.toThrow('https://m/a.tgz: no answer for 0.1 s; the download stalled');
  });
});
