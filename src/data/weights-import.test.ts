// Weights into the cache and back (fake-indexeddb): a safetensors file, a
// .pth, a download (its progress, its cap, a cancel) and the page's own
// model.json + .bin are read, checked and listed with their sizes; every bad
// one is refused naming the file and the problem, and leaves the cache as
// it was.
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MODEL_FILE_FORMAT } from '../share/modelfile';
import { encodeSafetensors } from './safetensors';
import { listWeights } from './weights-cache';
import { cachedTensors, importWeights } from './weights-import';

const FIXTURES = new URL('../testing/fixtures/weights/', import.meta.url).pathname;
const resnet20 = new Uint8Array(readFileSync(`${FIXTURES}resnet20.safetensors`));
const blob = (bytes: Uint8Array | string) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const tiny = (values = new Float32Array([1, 2, 3, 4])) => encodeSafetensors({ 'fc.weight': { shape: [2, 2], values } });

/** A fetch answering `bytes` in chunks of `chunk`, with a content-length unless told otherwise. */
function serve(bytes: Uint8Array, opts: { chunk?: number; length?: number | null } = {}): typeof fetch {
  return (async () => {
    const chunk = opts.chunk ?? 1024;
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= bytes.length) return c.close();
        c.enqueue(bytes.slice(at, at + chunk));
        at += chunk;
      },
    });
    const headers: Record<string, string> = opts.length === null ? {} : { 'content-length': String(opts.length ?? bytes.length) };
    return new Response(body, { headers });
  }) as typeof fetch;
}

describe('importing weights', () => {
  it('caches a safetensors file after reading it whole, lists it with its size, and gives its tensors back', async () => {
    const idb = new IDBFactory();
    const { info } = await importWeights({ kind: 'file', file: blob(resnet20), name: 'resnet20.safetensors' }, { idb });
    expect(info).toMatchObject({ id: 'file/resnet20.safetensors', name: 'resnet20.safetensors', format: 'safetensors', bytes: resnet20.length, imagenet: false });
    expect(info.tensors).toBeGreaterThan(90);
    expect(await listWeights(idb)).toEqual([info]);
    const back = await cachedTensors(info.id, idb);
    expect(back.tensors.get('conv1.weight')?.shape).toEqual([16, 3, 3, 3]);
  });

  it('downloads an address with progress, marks a catalogue entry as ImageNet weights, and names what it fits', async () => {
    const idb = new IDBFactory();
    const seen: number[] = [];
    const { info } = await importWeights({ kind: 'url', url: 'https://example.org/r.safetensors', catalogueId: 'torchvision/resnet18' }, { idb, fetch: serve(resnet20, { chunk: 4096 }), onProgress: (p) => seen.push(p.loaded) });
    expect(info).toMatchObject({ id: 'torchvision/resnet18', imagenet: true, preset: 'resnet18', from: 'https://example.org/r.safetensors' });
    expect(seen.at(-1)).toBe(resnet20.length);
    expect(seen.length).toBeGreaterThan(3);
  });

  it("takes a catalogue file downloaded by hand and dropped as that entry (ImageNet weights for its net)", async () => {
    const idb = new IDBFactory();
    const { info } = await importWeights({ kind: 'file', file: blob(resnet20), name: 'resnet50-0676ba61.pth' }, { idb });
    expect(info).toMatchObject({ id: 'torchvision/resnet50', name: 'torchvision ResNet-50 IMAGENET1K_V1', from: 'resnet50-0676ba61.pth', imagenet: true, preset: 'resnet50' });
    const other = await importWeights({ kind: 'file', file: blob(resnet20), name: 'model.safetensors' }, { idb });
    expect(other.info).toMatchObject({ id: 'file/model.safetensors', imagenet: false });
  });

  it('reads the page\'s own model.json + .bin by the playground\'s names', async () => {
    const idb = new IDBFactory();
    const values = new Float32Array([0.5, -1, 2, 3, 4, 5]);
    const json = JSON.stringify({ format: MODEL_FILE_FORMAT, config: { model: {} }, weightsManifest: [{ paths: ['m.bin'], weights: [{ name: 'fc.kernel', shape: [2, 2], dtype: 'float32' }, { name: 'fc.bias', shape: [2], dtype: 'float32' }] }] });
    const { info } = await importWeights({ kind: 'manifest', json: blob(json), bin: blob(new Uint8Array(values.buffer)), name: 'm.model.json' }, { idb });
    expect(info).toMatchObject({ format: 'tfjs', tensors: 2, values: 6, bytes: 24 });
    const back = await cachedTensors(info.id, idb);
    expect(Array.from(back.tensors.get('fc.bias')!.values)).toEqual([4, 5]);
  });

  it.each([
    ['a truncated safetensors', () => ({ kind: 'file' as const, file: blob(tiny().slice(0, -3)), name: 'cut.safetensors' }), /^cut\.safetensors: tensor fc\.weight: its bytes end at 16, past the 13 bytes of data in the file$/],
    ['a file that is neither format', () => ({ kind: 'file' as const, file: blob('hello world, not weights'), name: 'notes.pth' }), /^notes\.pth is neither a PyTorch state dict/],
    ['weights with NaN', () => ({ kind: 'file' as const, file: blob(tiny(new Float32Array([1, NaN, Infinity, 4]))), name: 'nan.safetensors' }), /^nan\.safetensors: fc\.weight holds 2 NaN or infinite values \(1 such tensor\); refused, nothing was cached$/],
    ['a file over the cap', () => ({ kind: 'file' as const, file: blob(tiny()), name: 'big.safetensors' }), /^big\.safetensors: .*, larger than a weights file can be \(16 bytes\); not read$/, 16],
    ['a model.json of something else', () => ({ kind: 'manifest' as const, json: blob('{"format":"layers-model"}'), bin: blob(new Uint8Array(4)), name: 'other.json' }), /^other\.json is not a ResNet Playground model\.json/],
    ['a .bin shorter than its manifest', () => ({ kind: 'manifest' as const, json: blob(JSON.stringify({ format: MODEL_FILE_FORMAT, weightsManifest: [{ weights: [{ name: 'fc.bias', shape: [4], dtype: 'float32' }] }] })), bin: blob(new Uint8Array(8)), name: 'short.json' }), /^short\.json: fc\.bias runs past the end of the \.bin/],
  ])('refuses %s, naming it, and caches nothing', async (_, source, message, maxBytes?: number) => {
    const idb = new IDBFactory();
    await importWeights({ kind: 'file', file: blob(resnet20), name: 'kept.safetensors' }, { idb });
    await expect(importWeights(source(), { idb, ...(maxBytes ? { maxBytes } : {}) })).rejects.toThrow(message);
    expect((await listWeights(idb)).map((i) => i.name)).toEqual(['kept.safetensors']);
  });

  it('refuses a download whose content-length or whose bytes pass the cap, and a cancelled one, caching nothing', async () => {
    const idb = new IDBFactory();
    const url = 'https://example.org/w.safetensors';
    await expect(importWeights({ kind: 'url', url }, { idb, fetch: serve(resnet20), maxBytes: 1000 })).rejects.toThrow(`${url}: ${resnet20.length.toLocaleString('en-US')} bytes, more than the`);
    await expect(importWeights({ kind: 'url', url }, { idb, fetch: serve(resnet20, { length: null }), maxBytes: 1000 })).rejects.toThrow(/more than .* cap for weights/);
    const ctrl = new AbortController();
    const pending = importWeights({ kind: 'url', url }, { idb, fetch: serve(resnet20, { chunk: 64 }), signal: ctrl.signal, onProgress: (p) => p.loaded > 1000 && ctrl.abort(new Error('cancelled')) });
    await expect(pending).rejects.toThrow('cancelled');
    expect(await listWeights(idb)).toEqual([]);
  });

  it('says which weights are missing when a config names ones not cached', async () => {
    await expect(cachedTensors('torchvision/resnet50', new IDBFactory())).rejects.toThrow('the weights torchvision/resnet50 are not on this machine');
  });
});
