// One's own images in headless Chromium, on a production build of the app:
//   npx tsx bench/browser/folder.ts --folder PATH [--size 64] [--runs 1] [--no-build] [--json]
// Picks the folder in the data panel as a user does (an input with
// webkitdirectory) and times it until the data set is cached: the data
// worker reads each file, checks its header, lets the browser decode and
// fit it (createImageBitmap, a 2D canvas), then writes IndexedDB. The goal:
// 10,000 photos ready within 60 s on 2 cores. A folder of photo-sized JPEGs:
// bench/reference/photo_folder.py. Each run uses a fresh browser profile.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { serveBuild } from './serve';

const USAGE = 'npx tsx bench/browser/folder.ts --folder PATH [--size 64] [--runs 1] [--no-build] [--json]';
const args = benchArgs(USAGE, {
  folder: { kind: 'string', arg: 'DIR', help: 'a folder of CLASS/IMAGE (bench/reference/photo_folder.py makes one)' },
  size: { kind: 'number', default: 64, help: 'the side images are fitted to' },
  runs: { kind: 'number', default: 1, help: 'runs, each in a fresh browser profile (the figures are medians)' },
  'no-build': { kind: 'boolean', help: 'serve the last build (bench/.dist-folder) as it is' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
});
const { folder, size, runs, json } = args;
if (!folder) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const log = (line: string) => (json ? console.error(line) : console.log(line));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

let files = 0;
let bytes = 0;
for (const cls of readdirSync(folder)) {
  for (const f of readdirSync(join(folder, cls))) {
    files++;
    bytes += statSync(join(folder, cls, f)).size;
  }
}

interface Run { readyMs: number; readMs: number; cacheMs: number; images: number }
const server = await serveBuild('bench/.dist-folder', { rebuild: !args['no-build'] });
const results: Run[] = [];
try {
  log(`${folder}: ${files.toLocaleString('en-US')} files, ${(bytes / 1e6).toFixed(0)} MB, fitted to ${size}×${size}; ${runs} run(s) in ${CHROMIUM_PATH}`);
  for (let i = 0; i < runs; i++) {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.base}/?data=folder&size=${size}`);
      await page.getByTestId('data.folder.pick').waitFor();
      const t0 = Date.now();
      await page.getByTestId('data.folder.pick').setInputFiles(folder);
      await page.waitForFunction(() => {
        const state = document.querySelector('[data-testid="data.progress"]')?.getAttribute('data-state');
        return state === 'done' || state === 'error';
      }, undefined, { timeout: 600_000, polling: 50 });
      const readyMs = Date.now() - t0;
      const progress = page.getByTestId('data.progress');
      if ((await progress.getAttribute('data-state')) !== 'done') throw new Error(`import failed: ${await page.getByTestId('data.error').textContent()}`);
      const summary = page.getByTestId('data.folder.summary');
      const images = Number(await summary.getAttribute('data-train')) + Number(await summary.getAttribute('data-test'));
      const r = { readyMs, readMs: Number(await progress.getAttribute('data-parse-ms')), cacheMs: Number(await progress.getAttribute('data-cache-ms')), images };
      results.push(r);
      log(`run ${i + 1}: ${images.toLocaleString('en-US')} images ready in ${(readyMs / 1000).toFixed(1)} s (read, decode and fit ${(r.readMs / 1000).toFixed(1)} s, cache ${(r.cacheMs / 1000).toFixed(1)} s)`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const summary = { readyMs: median(results.map((r) => r.readyMs)), readMs: Math.round(median(results.map((r) => r.readMs))), cacheMs: Math.round(median(results.map((r) => r.cacheMs))) };
if (json) console.log(JSON.stringify({ folder, files, bytes, size, runs: results, median: summary }));
else log(`median: ready in ${(summary.readyMs / 1000).toFixed(1)} s (read, decode and fit ${(summary.readMs / 1000).toFixed(1)} s, cache ${(summary.cacheMs / 1000).toFixed(1)} s)`);
