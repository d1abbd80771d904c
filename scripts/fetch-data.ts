// `npm run data -- cifar10|cifar100`: downloads the official CIFAR binary
// release, shows progress, checks the published MD5, reads the archive with
// the app's own checks (src/data/archive.ts), and only then moves it to
// data/, where the dev server offers it (scripts/build/vite-plugin-mnist.ts).
//   npm run data -- cifar10 [--url URL] [--md5 HEX] [--out DIR]
// --url (or CIFAR_URL) points at a mirror; --md5 then gives its checksum.
// Node only.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { readCifarArchive } from '../src/data/archive.ts';
import { CIFAR_LAYOUTS, type CifarId } from '../src/data/cifar.ts';

/** The releases as published on https://www.cs.toronto.edu/~kriz/cifar.html (binary versions). */
export const RELEASES: Record<CifarId, { url: string; md5: string }> = {
  cifar10: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
  cifar100: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
};

const USAGE = 'usage: npm run data -- cifar10|cifar100 [--url URL] [--md5 HEX] [--out DIR]';
/** No byte for this long: the download has stalled. */
const STALL_MS = 30_000;
const MAX_BYTES = 256 * 2 ** 20;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value\n${USAGE}`);
  return v;
}

const mb = (n: number) => (n / 1e6).toFixed(1);

async function download(url: string, to: string): Promise<string> {
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(), STALL_MS);
  const res = await fetch(url, { signal: ctrl.signal }).catch((e: Error) => {
    clearTimeout(timer);
    throw new Error(`${url}: ${ctrl.signal.aborted ? `no answer for ${STALL_MS / 1000} s` : `download failed: ${e.message}`}`);
  });
  const total = Number(res.headers.get('content-length')) || 0;
  if (!res.ok || !res.body || total > MAX_BYTES) {
    clearTimeout(timer);
    await res.body?.cancel();
    throw new Error(total > MAX_BYTES ? `${url}: ${total} bytes, more than a CIFAR release` : `${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const hash = createHash('md5');
  const out = createWriteStream(to);
  let loaded = 0;
  let shown = 0;
  try {
    for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      clearTimeout(timer);
      timer = setTimeout(() => ctrl.abort(), STALL_MS);
      loaded += chunk.length;
      if (loaded > MAX_BYTES) throw new Error(`${url}: more than ${MAX_BYTES} bytes, not a CIFAR release`);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      if (Date.now() - shown > 500) {
        shown = Date.now();
        process.stderr.write(`\r${url}: ${mb(loaded)}${total ? ` / ${mb(total)} MB (${((100 * loaded) / total).toFixed(0)}%)` : ' MB'}   `);
      }
    }
  } catch (e) {
    throw ctrl.signal.aborted ? new Error(`${url}: no data for ${STALL_MS / 1000} s after ${loaded} bytes; the download stalled`) : e;
  } finally {
    clearTimeout(timer);
    out.end();
    await finished(out).catch(() => {});
  }
  process.stderr.write(`\r${url}: ${mb(loaded)} MB downloaded\n`);
  return hash.digest('hex');
}

export async function main(args: string[]): Promise<number> {
  const id = args[0];
  if (id !== 'cifar10' && id !== 'cifar100') {
    console.error(USAGE);
    return 2;
  }
  const release = RELEASES[id];
  const layout = CIFAR_LAYOUTS[id];
  const url = option(args, 'url') ?? process.env.CIFAR_URL ?? release.url;
  const md5 = (option(args, 'md5') ?? (url === release.url ? release.md5 : undefined))?.toLowerCase();
  if (!md5) throw new Error(`${url} is not the official release: give its MD5 with --md5 (the official file's is ${release.md5})`);
  const dir = resolve(option(args, 'out') ?? 'data');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, layout.release);
  const part = `${target}.part`;
  try {
    const got = await download(url, part);
    if (got !== md5) throw new Error(`${url}: MD5 ${got}, expected ${md5}; the file is damaged or not ${layout.release}. Nothing was kept.`);
    process.stderr.write(`MD5 ${got} ok; checking the archive…\n`);
    const body = Readable.toWeb(createReadStream(part)) as unknown as ReadableStream<Uint8Array>;
    const ds = await readCifarArchive(body, { name: layout.release, expect: id });
    renameSync(part, target);
    console.log(`${target}: ${layout.title}, ${ds.train.count} training and ${ds.test.count} test images. \`npm start\` now offers it.`);
    return 0;
  } finally {
    rmSync(part, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`data: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
