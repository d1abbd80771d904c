// `npm run data` as a user runs it, against a local HTTP server serving an
// archive this test builds (the network here cannot reach toronto.edu).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifar10Archive } from '../src/testing/fixtures';

const run = promisify(execFile);
const SCRIPT = new URL('./fetch-data.ts', import.meta.url).pathname;
const ARCHIVE = cifar10Archive();
const MD5 = createHash('md5').update(ARCHIVE).digest('hex');
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cifar-10-binary.tar.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(ARCHIVE.length) });
      res.end(ARCHIVE);
    } else res.writeHead(404, 'Not Found').end('<html>not here</html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fetchData = (args: string[]) => run(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { timeout: 120_000 });
type Failure = { code: number; stderr: string };

describe('npm run data', () => {
  it('downloads, checks the MD5 and the archive, and puts it where the app serves it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'data-'));
    const { stdout, stderr } = await fetchData(['cifar10', '--url', `${base}/cifar-10-binary.tar.gz`, '--md5', MD5, '--out', out]);
    expect(stderr).toContain(`MD5 ${MD5} ok`);
    expect(stderr).toMatch(/MB downloaded/);
    expect(stdout).toContain('CIFAR-10, 50000 training and 10000 test images');
    expect(readdirSync(out)).toEqual(['cifar-10-binary.tar.gz']);
    expect(readFileSync(join(out, 'cifar-10-binary.tar.gz')).equals(Buffer.from(ARCHIVE))).toBe(true);
  });

  it('keeps nothing when the MD5 differs, and says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'data-'));
    const failed = (await fetchData(['cifar10', '--url', `${base}/cifar-10-binary.tar.gz`, '--md5', '0'.repeat(32), '--out', out]).catch((e: Failure) => e)) as Failure;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`cifar-10-binary.tar.gz: MD5 ${MD5}, expected ${'0'.repeat(32)}; the file is damaged or not cifar-10-binary.tar.gz. Nothing was kept.`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('names the URL on an HTTP error, and asks for the MD5 of a mirror', async () => {
    const out = mkdtempSync(join(tmpdir(), 'data-'));
    const missing = (await fetchData(['cifar100', '--url', `${base}/nope.tgz`, '--md5', MD5, '--out', out]).catch((e: Failure) => e)) as Failure;
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining(`${base}/nope.tgz: HTTP 404 Not Found`) });
    const noMd5 = (await fetchData(['cifar10', '--url', `${base}/cifar-10-binary.tar.gz`, '--out', out]).catch((e: Failure) => e)) as Failure;
    expect(noMd5).toMatchObject({ code: 1, stderr: expect.stringContaining('give its MD5 with --md5 (the official file\'s is c32a1d4ab5d03f1284b67883e8d87530)') });
    expect(existsSync(join(out, 'cifar-100-binary.tar.gz'))).toBe(false);
  });
});
