// `npx playground train` as a user runs it: a real process, one JSON object per step.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../data/safetensors';

const run = promisify(execFile);
const BIN = new URL('../../bin/playground.mjs', import.meta.url).pathname;

describe('playground train', () => {
  it('prints one JSON line per step with loss, accuracy, lr, time, per-layer gradient norms and tensor count', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'train', '--arch', 'resnet20', '--skip', 'off', '--dataset', 'mnist', '--steps', '3', '--backend', 'cpu', '--json', '--blocks', '1', '--width', '4', '--batch', '8'], { timeout: 120_000 });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['step', 'loss', 'acc', 'lr', 'ms', 'gradNorms', 'numTensors']));
      expect(Number.isFinite(l.loss)).toBe(true);
      expect(l.lr).toBe(0.025);
      const norms = l.gradNorms as Record<string, number>;
      expect(Object.keys(norms)).toEqual(['stem.conv', 'stage1.block0.conv1', 'stage1.block0.conv2', 'stage2.block0.conv1', 'stage2.block0.conv2', 'stage3.block0.conv1', 'stage3.block0.conv2', 'fc']);
      for (const v of Object.values(norms)) expect(v).toBeGreaterThan(0);
      const ratios = l.updateRatios as Record<string, number>;
      expect(Object.keys(ratios)).toEqual(Object.keys(norms));
      expect(Object.keys(l.weightNorms as object)).toEqual(Object.keys(norms));
      // SGD + momentum at lr 0.025: every layer moves, by far less than its own size.
      for (const v of Object.values(ratios)) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(1);
      }
    }
    expect(lines[2]?.numTensors).toBe(lines[0]?.numTensors);
  });

  it('--trace FILE writes a header, a line per step and the initial weights (bench/reference/replay.py reads them)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trace-')), 'run.jsonl');
    await run(process.execPath, [BIN, 'train', '--steps', '2', '--blocks', '1', '--width', '4', '--batch', '8', '--crop', 'on', '--flip', 'on', '--backend', 'wasm', '--trace', file], { timeout: 120_000 });
    const [header, ...steps] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(header).toMatchObject({ kind: 'header', version: 1, dataset: 'mnist', weights: 'run.jsonl.init.safetensors' });
    expect(steps.map((s) => s.step)).toEqual([1, 2]);
    const first = steps[0] as { indices: number[]; augment: unknown[]; gradNorms: Record<string, number>; weightNorms: Record<string, number>; state: Record<string, number[]> };
    expect(first.indices).toHaveLength(8);
    expect(first.augment).toHaveLength(8);
    expect(Object.keys(first.gradNorms)).toEqual(expect.arrayContaining(['stem.conv.kernel', 'stem.bn.gamma', 'stem.bn.beta', 'fc.kernel', 'fc.bias']));
    expect(Object.keys(first.weightNorms)).toEqual(Object.keys(first.gradNorms));
    expect(first.state['stem.bn.movingMean']).toHaveLength(4);
    const { tensors } = decodeSafetensors(readFileSync(`${file}.init.safetensors`));
    expect(tensors.get('stem.conv.kernel')?.shape).toEqual([3, 3, 1, 4]);
    expect(tensors.get('stem.bn.movingVariance')?.values[0]).toBe(1);
  }, 120_000);

  it('steps the learning rate on the schedule, and reports the rate each step used', async () => {
    // 16 images at batch 8: 2 steps an epoch, so the rate halves from step 3.
    const { stdout } = await run(process.execPath, [BIN, 'train', '--schedule', 'step', '--decay-every', '1', '--decay-factor', '0.5', '--optimizer', 'adamw', '--label-smoothing', '0.1', '--steps', '3', '--blocks', '1', '--width', '4', '--batch', '8', '--subset', '16', '--test-subset', '8', '--backend', 'cpu', '--json'], { timeout: 120_000 });
    const steps = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => 'step' in l && !('event' in l));
    expect(steps.map((l) => l.lr)).toEqual([0.025, 0.025, 0.0125]);
  }, 120_000);
  it('trains on wasm, the backend auto picks in Node', async () => {
    for (const backend of ['wasm', 'auto']) {
      const { stdout } = await run(process.execPath, [BIN, 'train', '--steps', '2', '--backend', backend, '--json', '--blocks', '1', '--width', '4', '--batch', '8'], { timeout: 120_000 });
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number; gradNorms: Record<string, number> });
      expect(lines.map((l) => l.step)).toEqual([1, 2]);
      for (const l of lines) {
        expect(Number.isFinite(l.loss)).toBe(true);
        for (const v of Object.values(l.gradNorms)) expect(v).toBeGreaterThan(0);
      }
    }
  });

  it('refuses a bad option with a message naming it, and exits 2', async () => {
    const failed = await run(process.execPath, [BIN, 'train', '--skip', 'maybe'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('--skip must be on or off, got maybe') });
    const optimizer = await run(process.execPath, [BIN, 'train', '--optimizer', 'rmsprop'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(optimizer).toMatchObject({ code: 2, stderr: expect.stringContaining('--optimizer must be one of sgd, momentum, nesterov, adam, adamw, got rmsprop') });
    const browserOnly = await run(process.execPath, [BIN, 'train', '--backend', 'webgl', '--steps', '1'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(browserOnly).toMatchObject({ code: 2, stderr: expect.stringContaining('backend webgl runs only in the browser') });
  });

  it('estimate times an epoch per freeze policy and refuses a policy it does not know', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'estimate', '--dataset', 'mnist', '--blocks', '1', '--width', '4', '--batch', '16', '--subset', '64', '--test', '32', '--backend', 'cpu', '--policies', 'none,head,stage1', '--json'], { timeout: 120_000 });
    const { backend, estimates } = JSON.parse(stdout) as { backend: string; estimates: Array<{ freeze: string; stepsPerEpoch: number; msPerStep: number; onceSeconds: number }> };
    expect(backend).toBe('cpu');
    expect(estimates.map((e) => [e.freeze, e.stepsPerEpoch])).toEqual([['none', 4], ['head', 4], ['stage1', 4]]);
    expect(estimates.every((e) => e.msPerStep > 0)).toBe(true);
    expect(estimates[1]!.onceSeconds).toBeGreaterThan(0);
    const bad = await run(process.execPath, [BIN, 'estimate', '--policies', 'none,half'], { timeout: 60_000 }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/--policies takes none, head and stageN, got half/);
  });
});
