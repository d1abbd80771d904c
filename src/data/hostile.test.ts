// Hostile input, every reader (issue 20, point 6): valid files made here,
// mutated at random (bytes flipped, cut short, bytes inserted, JSON keys
// renamed to __proto__ or constructor), fed to each reader the page uses.
// Each must answer with a result or its own named refusal (an Error whose
// message names the file), never a TypeError, RangeError or an uncaught
// rejection from deep inside, and none may pollute Object.prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { parseRunFile, toRunFile, type RunRecord } from '../share/runfile';
import { parseTorchRun } from '../share/torchrun-file';
import { png, jpg, shapeImage, memoryFolder } from '../testing/images';
import { zip } from '../testing/zip';
import { texturedCifar } from '../testing/textured';
import { readCifarArchive } from './archive';
import { zipFolderFiles } from './folder-files';
import { nodeDecoder } from './folder-node';
import { imageHeader } from './image-header';
import { readImageFolder } from './imagefolder';
import { encodeSafetensors } from './safetensors';
import { readWeightsFile } from './weights-file';

/** A mutation of bytes: flips, a cut, an insertion. */
const mutation = fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })), { nil: undefined }),
});

interface Mutation { flips: [number, number][]; cut: number | undefined; insert: [number, Uint8Array] | undefined }

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const [at, v] of m.flips) if (out.length > 0) out[at % out.length] = v;
  if (m.insert) {
    const at = m.insert[0] % (out.length + 1);
    out = Uint8Array.from([...out.subarray(0, at), ...m.insert[1], ...out.subarray(at)]);
  }
  if (m.cut !== undefined && out.length > 0) out = out.subarray(0, m.cut % out.length);
  return out;
}

/** Runs `read`; a throw must be a named refusal, not a crash of the reader's own code. */
async function refusesByName(read: () => unknown): Promise<void> {
  try {
    await read();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'InternalError'], `${(e as Error).name}: ${(e as Error).message}`).not.toContain((e as Error).name);
    expect((e as Error).message.length).toBeGreaterThan(0);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

const RUN: RunRecord = {
  id: 'run-1',
  name: 'a run',
  createdAt: 1_764_288_000_000,
  config: DEFAULT_CONFIG,
  outcome: 'finished',
  kernelNames: ['stem.conv', 'fc'],
  backend: 'cpu',
  steps: [{ step: 1, epoch: 1, loss: 2.3, acc: 0.1, lr: 0.05, ms: 120, gradNorms: [0.5, 1.25], numTensors: 40 }],
  epochs: [{ epoch: 1, step: 1, testLoss: 2.0, testAcc: 0.3, testCount: 10, confusion: [1, 2, 3, 4] }],
};
const enc = new TextEncoder();
const dec = new TextDecoder();
/** JSON text with some keys renamed to the ones that pollute prototypes. */
const poisoned = (text: string, seed: number) => text.replace(/"(\w+)":/g, (all, key: string) => (key.length % 5 === seed % 5 ? `"${['__proto__', 'constructor', 'prototype'][seed % 3]}":{"polluted":1},"${key}":` : all));

describe('hostile input: no reader crashes or pollutes, whatever the bytes', () => {
  it('run files (JSON) and train.py runs (JSON lines)', async () => {
    const text = toRunFile(RUN);
    const lines = [JSON.stringify({ step: 1, epoch: 1, loss: 2, acc: 0.1, lr: 0.1, ms: 5, gradNorms: { 'stem.conv': 1 } }), JSON.stringify({ event: 'epoch', epoch: 1, step: 1, testLoss: 2, testAcc: 0.1, testCount: 4, confusion: [1, 0, 0, 3] })].join('\n');
    await fc.assert(fc.asyncProperty(mutation, fc.nat(), async (m, seed) => {
      const bad = dec.decode(mutate(enc.encode(seed % 2 ? poisoned(text, seed) : text), m));
      await refusesByName(() => {
        const parsed = parseRunFile(bad, 'run.json');
        if ('error' in parsed) expect(parsed.error).toMatch(/run\.json/);
      });
      await refusesByName(() => parseTorchRun({ metrics: { name: 'metrics.jsonl', text: dec.decode(mutate(enc.encode(seed % 2 ? poisoned(lines, seed) : lines), m)) }, config: { name: 'config.json', text: poisoned(JSON.stringify(DEFAULT_CONFIG), seed) } }));
    }), { numRuns: 150 });
  });

  it('weights files: safetensors and .pth bytes', async () => {
    const st = encodeSafetensors({ 'fc.weight': { shape: [2, 3], values: new Float32Array(6).fill(0.5) }, 'fc.bias': { shape: [2], values: new Float32Array(2) } }, { format: 'pt' });
    const pth = zip([{ name: 'archive/data.pkl', data: Uint8Array.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]) }, { name: 'archive/version', data: enc.encode('3\n') }]);
    await fc.assert(fc.asyncProperty(mutation, fc.boolean(), async (m, which) => {
      await refusesByName(() => readWeightsFile(mutate(which ? st : pth, m), which ? 'w.safetensors' : 'w.pth'));
    }), { numRuns: 200 });
  });

  it('images: headers and a zip of a folder, read through to the data set', async () => {
    const a = png(shapeImage(12, 10, 'disc', [200, 0, 0]), 12, 10);
    const b = jpg(shapeImage(10, 12, 'square', [0, 0, 200]), 10, 12);
    const folder = zip([{ name: 'p/red/0.png', data: a }, { name: 'p/red/1.png', data: a }, { name: 'p/blue/0.jpg', data: b }, { name: 'p/blue/1.jpg', data: b }]);
    await fc.assert(fc.asyncProperty(mutation, async (m) => {
      await refusesByName(() => imageHeader(mutate(a, m)));
      await refusesByName(() => imageHeader(mutate(b, m)));
      await refusesByName(async () => {
        const { files, problems } = zipFolderFiles(mutate(folder, m), 'p.zip');
        await readImageFolder(files, { name: 'p.zip', size: 8, fit: 'crop', testShare: 0.5, seed: 1, decode: nodeDecoder, problems });
      });
      // Each image mutated inside an intact folder: skipped by name, the others read.
      await refusesByName(() => readImageFolder(memoryFolder({ 'red/0.png': mutate(a, m), 'red/1.png': a, 'blue/0.jpg': mutate(b, m), 'blue/1.jpg': b }), { name: 'p', size: 8, fit: 'pad', testShare: 0.5, seed: 1, decode: nodeDecoder }));
    }), { numRuns: 120 });
  });

  it('CIFAR archives', async () => {
    const { archive } = texturedCifar(20, 10);
    await fc.assert(fc.asyncProperty(mutation, async (m) => {
      const bytes = mutate(archive, m);
      await refusesByName(() => readCifarArchive(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), { name: 'cifar-10-binary.tar.gz', total: bytes.length }));
    }), { numRuns: 60 });
  });
});
