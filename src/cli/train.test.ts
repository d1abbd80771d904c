// `npx playground train` as a user runs it: a real process, one JSON object per step.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
    }
    expect(lines[2]?.numTensors).toBe(lines[0]?.numTensors);
  });

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
    const browserOnly = await run(process.execPath, [BIN, 'train', '--backend', 'webgl', '--steps', '1'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(browserOnly).toMatchObject({ code: 2, stderr: expect.stringContaining('backend webgl runs only in the browser') });
  });
});
