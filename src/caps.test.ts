// Every reader of a user's file, blob, link or text, fed an input just over
// its size cap (issue 20, point 6): each refuses it by name, saying the size
// and the cap, before reading it whole. The page's files are fakes whose
// size is large and whose bytes fail the test when read; the CLI's are
// sparse files (a size on disk, no blocks). README: "Limits on what the
// page reads".
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportCommand } from './cli/export';
import { readArchiveFile } from './cli/data';
import { readWeightsPath } from './cli/weights';
import { DEFAULT_CONFIG } from './config/presets';
import { MAX_COMPRESSED_BYTES } from './data/archive';
import { fitImageFile, folderFiles } from './data/folder-browser';
import { MAX_ZIP_BYTES } from './data/folder-files';
import { readFolderNode } from './data/folder-node';
import { MAX_IMAGE_BYTES } from './data/image-header';
import { readImageFolder } from './data/imagefolder';
import { importArchive } from './data/load';
import { MAX_WEIGHTS_BYTES } from './data/weights-file';
import { importWeights, MAX_MODEL_JSON_BYTES } from './data/weights-import';
import { MAX_OPTIMIZER_BYTES } from './export/optimizer';
import { capText, overCap } from './share/caps';
import { configFromJson } from './share/json';
import { MODEL_FILE_FORMAT } from './share/modelfile';
import { MAX_RUN_FILE_BYTES } from './share/runfile';
import { MAX_TORCH_RUN_BYTES } from './share/torchrun-file';
import { decodeView, MAX_PARAM_LENGTH, MAX_PARAMS, MAX_QUERY_LENGTH } from './share/url';
import { useRuns } from './state/runs';
import { png, shapeImage } from './testing/images';

/** Which fakes had a byte read, and how. */
let reads: string[] = [];

/** A File of `size` bytes that holds none: reading it (text, arrayBuffer, slice, a stream's chunk) is recorded and throws. */
function hugeFile(name: string, size: number): File {
  const read = (how: string) => () => {
    reads.push(`${name}.${how}`);
    throw new Error(`${name} was read (${how})`);
  };
  const stream = () => new ReadableStream<Uint8Array>({ pull: read('stream') }, { highWaterMark: 0 });
  return { name, size, type: '', lastModified: 0, text: read('text'), arrayBuffer: read('arrayBuffer'), bytes: read('bytes'), slice: read('slice'), stream } as unknown as File;
}

/** A sparse file of `size` bytes: the CLI's stat sees the size, the disk holds nothing. */
function sparse(name: string, size: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'caps-')), name);
  writeFileSync(path, '');
  truncateSync(path, size);
  return path;
}

/** The message of what `run` threw, or '' when it did not. */
async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return '';
}

const tinyPng = (seed: number) => png(shapeImage(8, 8, 'disc', [200, 30, 30], seed), 8, 8);

/** What an input of cap + 1 bytes is told: both counts exact (rounded, they would read the same). */
const justOver = (cap: number, what: string) => `${(cap + 1).toLocaleString('en-US')} bytes, larger than ${what} can be (${cap.toLocaleString('en-US')} bytes)`;

/** `expected` as the whole message, after a folder path where the CLI names the file by its path. */
const whole = (expected: string) => new RegExp(`^(?:.*/)?${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

afterEach(() => {
  reads = [];
  useRuns.setState(useRuns.getInitialState(), true);
});

describe('caps: the wording', () => {
  it('names the size and the cap, exactly where rounding would show them equal', () => {
    expect(overCap(300 * 2 ** 20, MAX_RUN_FILE_BYTES, 'a run file')).toBe('300.0 MiB, larger than a run file can be (128 MiB)');
    expect(overCap(MAX_RUN_FILE_BYTES + 1, MAX_RUN_FILE_BYTES, 'a run file')).toBe('134,217,729 bytes, larger than a run file can be (134,217,728 bytes)');
    expect(overCap(MAX_RUN_FILE_BYTES, MAX_RUN_FILE_BYTES, 'a run file')).toBeNull();
    expect([capText(2 * 2 ** 30), capText(64 * 2 ** 20), capText(1000)]).toEqual(['2 GiB', '64 MiB', '1,000 bytes']);
  });
});

// reader, cap, the refusal it gives for an input just over the cap.
const PAGE: Array<[string, number, () => Promise<string>, string]> = [
  ['runs panel Import: a run file', MAX_RUN_FILE_BYTES, async () => {
    await useRuns.getState().importFile(hugeFile('run.json', MAX_RUN_FILE_BYTES + 1));
    return useRuns.getState().error ?? '';
  }, `run.json: ${justOver(MAX_RUN_FILE_BYTES, 'a run file')}; not read`],
  ["runs panel Import: a train.py run's config.json", MAX_TORCH_RUN_BYTES, async () => {
    await useRuns.getState().importFiles([hugeFile('metrics.jsonl', 100), hugeFile('config.json', MAX_TORCH_RUN_BYTES + 1)]);
    return useRuns.getState().error ?? '';
  }, `config.json: ${justOver(MAX_TORCH_RUN_BYTES, "a train.py run's file")}; not read`],
  ['weights panel: a weights file', MAX_WEIGHTS_BYTES, () =>
    refusal(() => importWeights({ kind: 'file', file: hugeFile('w.safetensors', MAX_WEIGHTS_BYTES + 1), name: 'w.safetensors' }, { idb: new IDBFactory() })),
  `w.safetensors: ${justOver(MAX_WEIGHTS_BYTES, 'a weights file')}; not read`],
  ['weights panel: model.json', MAX_MODEL_JSON_BYTES, () =>
    refusal(() => importWeights({ kind: 'manifest', json: hugeFile('m.json', MAX_MODEL_JSON_BYTES + 1), bin: hugeFile('m.bin', 8), name: 'm.json' }, { idb: new IDBFactory() })),
  `m.json: ${justOver(MAX_MODEL_JSON_BYTES, 'a model.json')}; not read`],
  ["weights panel: model.json's .bin", MAX_WEIGHTS_BYTES, () => {
    const json = new Blob([JSON.stringify({ format: MODEL_FILE_FORMAT, weightsManifest: [{ weights: [{ name: 'fc.bias', shape: [2], dtype: 'float32' }] }] })]);
    return refusal(() => importWeights({ kind: 'manifest', json, bin: hugeFile('m.bin', MAX_WEIGHTS_BYTES + 1), name: 'm.json' }, { idb: new IDBFactory() }));
  }, `m.json's .bin: ${justOver(MAX_WEIGHTS_BYTES, 'a weights file')}; not read`],
  ['data panel: a CIFAR tarball dropped', MAX_COMPRESSED_BYTES, () =>
    refusal(() => importArchive({ kind: 'file', file: hugeFile('cifar-10-binary.tar.gz', MAX_COMPRESSED_BYTES + 1), name: 'cifar-10-binary.tar.gz' }, { idb: new IDBFactory() })),
  `cifar-10-binary.tar.gz: ${justOver(MAX_COMPRESSED_BYTES, 'a CIFAR release')}; not read`],
  ['data panel: a zip of images', MAX_ZIP_BYTES, () =>
    refusal(() => folderFiles({ kind: 'zip', name: 'photos.zip', file: hugeFile('photos.zip', MAX_ZIP_BYTES + 1) })),
  `photos.zip: ${justOver(MAX_ZIP_BYTES, 'a zip of images')}; not read`],
  ['Predict panel: an image', MAX_IMAGE_BYTES, () =>
    refusal(() => fitImageFile(hugeFile('photo.jpg', MAX_IMAGE_BYTES + 1), 'photo.jpg', 32, 'crop')),
  `photo.jpg: ${justOver(MAX_IMAGE_BYTES, 'an image')}; not read`],
  ['data panel: an image of a folder (skipped, the rest read)', MAX_IMAGE_BYTES, async () => {
    const big = { path: 'red/big.png', size: MAX_IMAGE_BYTES + 1, read: () => hugeFile('red/big.png', 0).arrayBuffer().then((b) => new Uint8Array(b)) };
    const small = (path: string, seed: number) => ({ path, size: 100, read: async () => tinyPng(seed) });
    const report = await readImageFolder([big, small('red/a.png', 1), small('red/b.png', 2), small('blue/c.png', 3), small('blue/d.png', 4)], {
      name: 'folder', size: 8, fit: 'crop', testShare: 0.5, seed: 1, decode: async (_b, _h, size) => new Uint8Array(size * size * 3),
    });
    expect(report.dataset.train.count + report.dataset.test.count).toBe(4);
    return report.problems.map((p) => `${p.file}: ${p.problem}`).join('\n');
  }, `red/big.png: ${justOver(MAX_IMAGE_BYTES, 'an image')}, not read; skipped`],
];

describe('every page reader refuses an input just over its cap, by name, unread', () => {
  it.each(PAGE)('%s (cap %d bytes)', async (_, _cap, run, message) => {
    expect(await run()).toMatch(whole(message));
    expect(reads).toEqual([]);
  });
});

describe('the link: the whole query, each parameter, their count', () => {
  it(`refuses a query over ${MAX_QUERY_LENGTH.toLocaleString('en-US')} characters whole, naming its longest part (a 10 MB cmp=)`, () => {
    const view = decodeView(`?v=1&n=9&cmp=${'skip:off,'.repeat(10 * 2 ** 20 / 9)}`);
    expect(view.errors).toEqual([{ field: 'query', message: expect.stringMatching(/^the link is 10,485,7\d\d characters, longer than a link of this page can be \(131,072\) \(its longest part: "cmp"\); not read, the defaults are used$/) }]);
    expect(view.config).toEqual(DEFAULT_CONFIG);
    expect(view.compared).toEqual([]);
  });

  it(`refuses a parameter over ${MAX_PARAM_LENGTH.toLocaleString('en-US')} characters by its key, undecoded, and reads the rest`, () => {
    const view = decodeView(`v=1&n=9&cmp=${'%'.repeat(MAX_PARAM_LENGTH)}`);
    expect(view.errors).toEqual([{ field: 'cmp', message: '"cmp": 32,772 characters, longer than a parameter can be (32,768); ignored' }]);
    expect(view.config.model.blocksPerStage).toBe(9);
    expect(view.compared).toEqual([]);
  });

  it(`reads the first ${MAX_PARAMS} parameters and refuses the rest in one error`, () => {
    const view = decodeView(`${'x=1&'.repeat(MAX_PARAMS)}n=9`);
    expect(view.errors[0]).toEqual({ field: 'query', message: `the link has ${MAX_PARAMS + 1} parameters, more than a link of this page can have (${MAX_PARAMS}); the first ${MAX_PARAMS} are read` });
    expect(view.config.model.blocksPerStage).toBe(DEFAULT_CONFIG.model.blocksPerStage);
  });

  it("a run file's config: a value longer than its field can hold is refused by its path before it is encoded", () => {
    const { config, errors } = configFromJson({ model: { blocksPerStage: 9 }, data: { images: 'a'.repeat(10_000_000) } });
    expect(errors).toEqual([{ field: 'data.images', message: 'data.images must be at most 500 characters, got 10,000,000; kept the default' }]);
    expect(config.model.blocksPerStage).toBe(9);
  });
});

// The CLI's readers: a sparse file just over each cap.
const CLI: Array<[string, number, () => Promise<string>, string]> = [
  ['export pytorch --run', MAX_RUN_FILE_BYTES, () => {
    const run = sparse('run.json', MAX_RUN_FILE_BYTES + 1);
    return refusal(() => exportCommand(['pytorch'], new Map([['run', run], ['out', tmpdir()]])));
  }, `run.json: ${justOver(MAX_RUN_FILE_BYTES, 'a run file')}; not read`],
  ['weights inspect, forward, train --init-weights', MAX_WEIGHTS_BYTES, () =>
    refusal(() => readWeightsPath(sparse('w.pth', MAX_WEIGHTS_BYTES + 1), true)),
  `w.pth: ${justOver(MAX_WEIGHTS_BYTES, 'a weights file')}; not read`],
  ['data check, train --archive', MAX_COMPRESSED_BYTES, () =>
    refusal(() => readArchiveFile(sparse('cifar-10-binary.tar.gz', MAX_COMPRESSED_BYTES + 1))),
  `cifar-10-binary.tar.gz: ${justOver(MAX_COMPRESSED_BYTES, 'a CIFAR release')}; not read`],
  ['train --images ZIP', MAX_ZIP_BYTES, () =>
    refusal(() => readFolderNode(sparse('photos.zip', MAX_ZIP_BYTES + 1), { size: 8, fit: 'crop', testShare: 0.5, seed: 1 })),
  `photos.zip: ${justOver(MAX_ZIP_BYTES, 'a zip of images')}; not read`],
  ['train --images DIR: an image (skipped, the rest read)', MAX_IMAGE_BYTES, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caps-folder-'));
    for (const [cls, names] of [['red', ['a.png', 'b.png']], ['blue', ['c.png', 'd.png']]] as const) {
      mkdirSync(join(dir, cls));
      names.forEach((n, i) => writeFileSync(join(dir, cls, n), tinyPng(i)));
    }
    writeFileSync(join(dir, 'red', 'big.jpg'), '');
    truncateSync(join(dir, 'red', 'big.jpg'), MAX_IMAGE_BYTES + 1);
    const report = await readFolderNode(dir, { size: 8, fit: 'crop', testShare: 0.5, seed: 1 });
    return report.problems.map((p) => `${p.file}: ${p.problem}`).join('\n');
  }, `red/big.jpg: ${justOver(MAX_IMAGE_BYTES, 'an image')}, not read; skipped`],
];

describe('every CLI reader refuses a file just over its cap, by name, before reading it', () => {
  it.each(CLI)('%s (cap %d bytes)', async (_, _cap, run, message) => {
    expect(await run()).toMatch(whole(message));
  });

  it(`export pytorch --optimizer (cap ${MAX_OPTIMIZER_BYTES} bytes)`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'caps-export-'));
    const config = 'v=1&n=1&width=4&data=cifar10&opt=adam';
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await exportCommand(['pytorch'], new Map([['config', config], ['out', out]]));
      const optimizer = sparse('optimizer.safetensors', MAX_OPTIMIZER_BYTES + 1);
      const message = await refusal(() => exportCommand(['pytorch'], new Map([['config', config], ['out', out], ['weights', join(out, 'weights.safetensors')], ['optimizer', optimizer]])));
      expect(message).toMatch(whole(`optimizer.safetensors: ${justOver(MAX_OPTIMIZER_BYTES, 'an optimizer file')}; not read`));
    } finally {
      log.mockRestore();
    }
  });
});
