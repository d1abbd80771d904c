// Data-set figures in headless Chromium, on a production build of the app:
//   npx tsx bench/browser/data.ts --archive PATH [--runs 3] [--no-build] [--json]
// 1. parse + cache: pick the CIFAR-10 tarball in the data panel and wait
//    until it is read, checked and written to IndexedDB (wall time on the
//    page, and the data worker's own parse and cache times);
// 2. load from cache: reload the page on ?data=cifar10 and time the data
//    worker's read of the whole set back from IndexedDB (and, on the page,
//    from reload to the sample grid drawn).
// Each run uses a fresh browser profile. Figures are medians. Timing belongs
// here, never in tests.
import { statSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { serveBuild } from './serve';

const USAGE = 'npx tsx bench/browser/data.ts --archive PATH/cifar-10-binary.tar.gz [--runs 3] [--no-build] [--json]';
const args = benchArgs(USAGE, {
  archive: { kind: 'string', arg: 'FILE', help: "CIFAR-10's binary release (.tar.gz), picked in the data panel" },
  runs: { kind: 'number', default: 3, help: 'runs, each in a fresh browser profile (the figures are medians)' },
  'no-build': { kind: 'boolean', help: 'serve the last build (bench/.dist-data) as it is' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
});
const { archive, runs, json } = args;
if (!archive) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const log = (line: string) => (json ? console.error(line) : console.log(line));

interface Run {
  /** Wall time on the page: from the file picked to the data set cached. */
  importMs: number;
  /** The data worker's time to read and check the archive, then to write IndexedDB. */
  parseMs: number;
  cacheMs: number;
  /** The data worker's time to read the whole set back from IndexedDB after a reload. */
  cacheLoadMs: number;
  /** Wall time on the page: from reload to the sample grid shown from the cache. */
  reloadToSamplesMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function once(page: Page, base: string): Promise<Run> {
  await page.goto(`${base}/?data=mnist`);
  await page.getByTestId('data.cache').waitFor();
  const t0 = Date.now();
  await page.getByTestId('data.file').setInputFiles(archive as string);
  const progress = page.getByTestId('data.progress');
  await page.waitForFunction(() => {
    const state = document.querySelector('[data-testid="data.progress"]')?.getAttribute('data-state');
    return state === 'done' || state === 'error';
  }, undefined, { timeout: 120_000, polling: 20 });
  const importMs = Date.now() - t0;
  if ((await progress.getAttribute('data-state')) !== 'done') throw new Error(`import failed: ${await page.getByTestId('data.error').textContent()}`);
  const parseMs = Number(await progress.getAttribute('data-parse-ms'));
  const cacheMs = Number(await progress.getAttribute('data-cache-ms'));

  const t1 = Date.now();
  await page.goto(`${base}/?data=cifar10`);
  const box = page.locator('[data-testid="data.samples.box"][data-from="cache"]');
  await box.waitFor({ timeout: 60_000 });
  const reloadToSamplesMs = Date.now() - t1;
  const cacheLoadMs = Number(await box.getAttribute('data-load-ms'));
  return { importMs, parseMs, cacheMs, cacheLoadMs, reloadToSamplesMs };
}

const server = await serveBuild('bench/.dist-data', { rebuild: !args['no-build'] });
const base = server.base;
const results: Run[] = [];
try {
  log(`${archive}: ${(statSync(archive).size / 1e6).toFixed(1)} MB, ${runs} runs in ${CHROMIUM_PATH}`);
  for (let i = 0; i < runs; i++) {
    // A fresh profile per run: the cache starts empty.
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const r = await once(await browser.newPage(), base);
      results.push(r);
      log(`run ${i + 1}: import ${r.importMs} ms (parse ${r.parseMs.toFixed(0)} + cache ${r.cacheMs.toFixed(0)}), load from cache ${r.cacheLoadMs} ms, reload to samples ${r.reloadToSamplesMs} ms`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const summary = Object.fromEntries((['importMs', 'parseMs', 'cacheMs', 'cacheLoadMs', 'reloadToSamplesMs'] as const).map((k) => [k, Math.round(median(results.map((r) => r[k])))]));
if (json) console.log(JSON.stringify({ archive, runs: results, median: summary }));
else log(`median: import ${summary.importMs} ms (parse ${summary.parseMs} + cache ${summary.cacheMs}), load from cache ${summary.cacheLoadMs} ms, reload to samples ${summary.reloadToSamplesMs} ms`);
