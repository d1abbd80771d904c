// `npx playground data check` as a user runs it: a real process over archives
// this test writes (full-size official layout, mostly zeros).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, cifar10Archive } from '../testing/fixtures';

const run = promisify(execFile);
const BIN = new URL('../../bin/playground.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'playground-data-'));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

type Failure = { code: number; stdout: string; stderr: string };

describe('playground data check', () => {
  it('prints the summary as JSON and exits 0 for a good archive', async () => {
    const path = write('cifar-10-binary.tar.gz', cifar10Archive());
    const { stdout } = await run(process.execPath, [BIN, 'data', 'check', path, '--json'], { timeout: 120_000 });
    expect(JSON.parse(stdout)).toEqual({ dataset: 'cifar10', train: 50000, test: 10000, classes: CIFAR10_CLASSES });
    const plain = await run(process.execPath, [BIN, 'data', 'check', path], { timeout: 120_000 });
    expect(plain.stdout).toMatch(/cifar-10-binary\.tar\.gz: cifar10, 50000 training and 10000 test images of 32×32×3, 10 classes \(airplane, automobile/);
  });

  it('names the file and the problem and exits 1 for a bad archive', async () => {
    const path = write('broken.tar.gz', cifar10Archive().subarray(0, 5000));
    const failed = (await run(process.execPath, [BIN, 'data', 'check', path, '--json'], { timeout: 120_000 }).catch((e: Failure) => e)) as Failure;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^playground: broken\.tar\.gz: (gunzip failed|truncated)/);
    const html = write('page.tar.gz', new TextEncoder().encode('<html><body>Not Found</body></html>'));
    const notArchive = (await run(process.execPath, [BIN, 'data', 'check', html], { timeout: 60_000 }).catch((e: Failure) => e)) as Failure;
    expect(notArchive).toMatchObject({ code: 1, stderr: expect.stringContaining('page.tar.gz: got an HTML page, not a .tar.gz archive') });
    const missing = (await run(process.execPath, [BIN, 'data', 'check', join(dir, 'nope.tgz')], { timeout: 60_000 }).catch((e: Failure) => e)) as Failure;
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('nope.tgz: no such file') });
  });

  it('trains on the archive with augmentation: playground train --dataset cifar10 --archive FILE', async () => {
    const path = write('train.tar.gz', cifar10Archive());
    const { stdout } = await run(process.execPath, [BIN, 'train', '--dataset', 'cifar10', '--archive', path, '--steps', '2', '--blocks', '1', '--width', '4', '--batch', '8', '--crop', 'on', '--flip', 'on', '--cutout', 'on', '--backend', 'cpu', '--json'], { timeout: 120_000 });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(lines.map((l) => l.step)).toEqual([1, 2]);
    expect(lines.every((l) => Number.isFinite(l.loss))).toBe(true);
    const noArchive = (await run(process.execPath, [BIN, 'train', '--dataset', 'cifar100', '--steps', '1'], { timeout: 60_000 }).catch((e: Failure) => e)) as Failure;
    expect(noArchive).toMatchObject({ code: 2, stderr: expect.stringContaining('--dataset cifar100 needs --archive FILE') });
  });

  it('refuses a missing FILE as a usage error (exit 2)', async () => {
    const failed = (await run(process.execPath, [BIN, 'data', 'check'], { timeout: 60_000 }).catch((e: Failure) => e)) as Failure;
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('data check needs a FILE') });
  });
});
