// `playground forward` and `playground weights inspect` against PyTorch's own
// numbers, committed in src/testing/fixtures/weights/ by
// bench/reference/weights_fixtures.py (so no torch is needed here): akamaster's
// ResNet-20 (float32) and torchvision's ResNet-18 at width 8 (float16), their
// eval-mode logits within 1e-4, the training-mode loss and every weight
// tensor's gradient norm by PyTorch name within 1e-3, on the cpu backend and
// on wasm with direct convolutions; on wasm as it trains (stride-1 3×3 convolutions by
// Winograd F(4×4, 3×3), about 2e-6 relative per output) the vectors' norms (batch
// norm's γ and β: sums over every position that cancel to a small total, which
// multiplies that rounding by up to 1,000) within 1e-2. And the bad inputs, each named.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../data/safetensors';
import { installKernels } from '../kernels/install';
import type { Flags } from './args';
import { forward, inspectCommand } from './weights';

const run = promisify(execFile);
const BIN = new URL('../../bin/playground.mjs', import.meta.url).pathname;
const FIXTURES = new URL('../testing/fixtures/weights/', import.meta.url).pathname;
const fixture = (name: string) => join(FIXTURES, name);

interface Expected { logits: number[][]; loss: number; gradNorms: Record<string, number> }
const EXPECTED = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<'resnet20' | 'resnet18w8', Expected>;

/** The nets of the fixtures, as flags. */
const NETS: ReadonlyArray<[keyof typeof EXPECTED, Array<[string, string]>]> = [
  ['resnet20', [['arch', 'resnet20']]],
  ['resnet18w8', [['arch', 'resnet18'], ['width', '8']]],
];

const flagsOf = (pairs: Array<[string, string | true]>): Flags => new Map(pairs);
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

/** A 1-D tensor of the fixture (batch norm's γ and β, a bias), by its shape in the file. */
function isVector(net: string, key: string): boolean {
  const file = decodeSafetensors(new Uint8Array(readFileSync(fixture(`${net}.safetensors`)))).tensors;
  return file.get(key)?.shape.length === 1;
}

afterAll(() => {
  installKernels('wasm');
});

const SETUPS: ReadonlyArray<[string, 'cpu' | 'wasm', { winograd?: boolean }, number]> = [
  ['cpu', 'cpu', {}, 1e-3],
  ['wasm, direct convolutions', 'wasm', { winograd: false }, 1e-3],
  ['wasm with Winograd', 'wasm', {}, 1e-2],
];

describe.each(SETUPS)('forward on %s against PyTorch', (_, backend, options, vectorTolerance) => {
  beforeAll(async () => {
    installKernels(backend, options);
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each(NETS)(`%s: logits within 1e-4, loss and every kernel's gradient norm within 1e-3, vectors' within ${vectorTolerance}`, async (name, net) => {
    const r = await forward(flagsOf([...net, ['weights', fixture(`${name}.safetensors`)], ['input', fixture('batch.safetensors')], ['grads', true]]));
    const want = EXPECTED[name];
    const scale = Math.max(...want.logits.flat().map(Math.abs));
    const worst = Math.max(...r.logits.flat().map((v, i) => Math.abs(v - (want.logits.flat()[i] as number))));
    expect(r.logits.flat().length).toBe(want.logits.flat().length);
    expect(worst / scale, `logits differ by ${worst} at scale ${scale}`).toBeLessThan(1e-4);
    expect(relative(r.loss as number, want.loss)).toBeLessThan(1e-3);
    expect(Object.keys(r.gradNorms ?? {}).sort()).toEqual(Object.keys(want.gradNorms).sort());
    const kernels = new Set(Object.keys(want.gradNorms).filter((k) => k.endsWith('.weight') && !isVector(name, k)));
    const parted = Object.entries(want.gradNorms).filter(([k, v]) => !(relative((r.gradNorms as Record<string, number>)[k] as number, v) < (kernels.has(k) ? 1e-3 : vectorTolerance)));
    expect(parted.map(([k, v]) => `${k}: ${(r.gradNorms as Record<string, number>)[k]} vs torch ${v}`)).toEqual([]);
  });
});

describe('the commands as a user runs them', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  it('forward --json prints the logits line; weights inspect lists the tensors and the report', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'forward', '--arch', 'resnet20', '--weights', fixture('resnet20.safetensors'), '--input', fixture('batch.safetensors'), '--json'], { timeout: 120_000 });
    const logits = (JSON.parse(stdout) as { logits: number[][] }).logits;
    expect(logits.length).toBe(4);
    expect(Math.abs((logits[0]![0] as number) - (EXPECTED.resnet20.logits[0]![0] as number))).toBeLessThan(1e-3);

    const inspect = await run(process.execPath, [BIN, 'weights', 'inspect', fixture('resnet20.safetensors'), '--arch', 'resnet20', '--json'], { timeout: 120_000 });
    const out = JSON.parse(inspect.stdout) as { format: string; tensors: Array<{ name: string; dtype: string; shape: number[] }>; report: { matched: string[]; missing: string[]; unexpected: string[] }; problem: string | null };
    expect(out.format).toBe('safetensors');
    expect(out.tensors.find((t) => t.name === 'layer1.0.conv1.weight')).toEqual({ name: 'layer1.0.conv1.weight', dtype: 'F32', shape: [16, 16, 3, 3] });
    expect(out.report.matched.length).toBe(97);
    expect([out.report.missing, out.report.unexpected, out.problem]).toEqual([[], [], null]);
  });

  it('names a net that does not fit, and exits 1', async () => {
    const r = await inspectCommand(['inspect', fixture('resnet18w8.safetensors')], flagsOf([['arch', 'resnet18']]));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: conv1.weight has shape [8, 3, 7, 7], the net needs [64, 3, 7, 7]');
    expect(r.stdout).toContain('mismatch    fc.weight: file [10, 64], net [10, 512]');
  });

  it('refuses bad files and batches, naming the file and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weights-cli-'));
    const weights = new Uint8Array(readFileSync(fixture('resnet20.safetensors')));
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, weights.subarray(0, weights.length - 100));
    const nan = join(dir, 'nan.safetensors');
    const tensors = decodeSafetensors(weights).tensors;
    const poisoned = Object.fromEntries([...tensors].filter(([, t]) => t.dtype === 'F32').map(([k, t]) => [k, { shape: t.shape, values: Float32Array.from(t.values) }]));
    poisoned['layer2.0.conv1.weight']!.values[5] = Number.NaN;
    poisoned['layer2.0.conv1.weight']!.values[6] = Number.POSITIVE_INFINITY;
    writeFileSync(nan, encodeSafetensors(poisoned));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not weights at all');
    const noX = join(dir, 'nox.safetensors');
    writeFileSync(noX, encodeSafetensors({ images: { shape: [1, 3, 32, 32], values: new Float32Array(3072) } }));

    const failure = async (flags: Array<[string, string | true]>) => forward(flagsOf([['arch', 'resnet20'], ...flags])).then(() => 'no error', (e: Error) => e.message);
    const escape = (path: string) => path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(await failure([['weights', truncated], ['input', fixture('batch.safetensors')]])).toMatch(new RegExp(`^${escape(truncated)}: tensor linear\\.weight: its bytes end at \\d+, past the \\d+ bytes of data in the file$`));
    expect(await failure([['weights', nan], ['input', fixture('batch.safetensors')]])).toBe(`${nan}: layer2.0.conv1.weight holds 2 NaN or infinite values (1 such tensors)`);
    expect(await failure([['weights', text], ['input', fixture('batch.safetensors')]])).toMatch(new RegExp(`^${escape(text)} is neither a PyTorch state dict \\(\\.pth/\\.pt, a zip\\) nor safetensors`));
    expect(await failure([['weights', fixture('resnet20.safetensors')], ['input', noX]])).toBe(`${noX} has no tensor x (the batch, float32 N×C×H×W); it has images`);
    expect(await failure([['weights', fixture('resnet20.safetensors')], ['input', fixture('batch.safetensors')], ['classes', '5'], ['grads', true]])).toBe(`linear.weight has shape [10, 64], the net needs [5, 64] (trained for another number of classes: load it with a new head)`);
    expect(await failure([['weights', join(dir, 'absent.pth')], ['input', fixture('batch.safetensors')]])).toBe(`cannot read weights ${join(dir, 'absent.pth')}: no such file`);
  });
});
