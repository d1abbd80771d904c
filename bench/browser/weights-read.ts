// How long headless Chromium takes to read a weights file with our readers
// (src/data/weights-file.ts), per format:
//   npx tsx bench/browser/weights-read.ts --pth /tmp/resnet50.pth --safetensors /tmp/resnet50.safetensors
//        [--runs 5] [--source file,fetch] [--no-build] [--dist DIR] [--json]
// (the two files: /usr/bin/python3 bench/reference/resnet50_files.py). Each
// run is a fresh browser context on a production build of
// bench/browser/weights.html: the bytes arrive as a user's file would (a File
// from the page's <input>, or a fetch from a plain local server), then the
// page times the read, readWeightsFile (bytes -> tensors) and nonFinite apart,
// and each part of the parse alone (weights-page.ts). Formats and sources
// alternate within a run, so all see the same machine load. Figures are
// medians and minima over the runs.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { serveBuild } from './serve';
import type { WeightsReadResult, WeightsSource } from './weights-page';

const USAGE = 'npx tsx bench/browser/weights-read.ts --pth FILE --safetensors FILE [--runs 5] [--source file,fetch] [--json]';
const SOURCES = ['file', 'fetch'] as const;
const args = benchArgs(USAGE, {
  pth: { kind: 'string', arg: 'FILE', help: 'a torch.save state dict (zip); bench/reference/resnet50_files.py writes ResNet-50\'s' },
  safetensors: { kind: 'string', arg: 'FILE', help: 'the same weights as safetensors' },
  runs: { kind: 'number', default: 5, help: 'runs, each a fresh browser context (the figures are medians and minima)' },
  source: { kind: 'list', default: SOURCES, choices: SOURCES, help: 'how the bytes arrive: a File from an <input>, or a fetch' },
  'no-build': { kind: 'boolean', help: 'serve the last build in --dist as it is' },
  dist: { kind: 'string', arg: 'DIR', default: join(tmpdir(), 'resnet-playground-bench-weights'), help: 'where the page is built' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
});
const files = ([['pth', args.pth], ['safetensors', args.safetensors]] as const).filter((f): f is readonly ['pth' | 'safetensors', string] => f[1] !== undefined);
if (files.length === 0) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const log = (line: string) => (args.json ? console.error(line) : console.log(line));

/** The weights files over plain HTTP on a free port, as a static host would send them (CORS, so the isolated page may fetch them; never cached). */
async function serveFiles(paths: readonly string[]): Promise<{ url(path: string): string; close(): Promise<void> }> {
  const byName = new Map(paths.map((p) => [`/${basename(p)}`, p]));
  const server = createServer((req, res) => {
    const path = byName.get(req.url ?? '');
    if (!path) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(path).size, 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'no-store' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: (p) => `http://127.0.0.1:${port}/${basename(p)}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Row extends WeightsReadResult { source: (typeof SOURCES)[number]; run: number }
const rows: Row[] = [];

const page = await serveBuild(args.dist, { input: 'bench/browser/weights.html', rebuild: !args['no-build'] });
const weights = await serveFiles(files.map(([, p]) => p));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  log(`${files.map(([f, p]) => `${f} ${p} (${(statSync(p).size / 1e6).toFixed(1)} MB)`).join(', ')}; ${args.runs} runs in ${CHROMIUM_PATH}`);
  for (let run = 1; run <= args.runs; run++)
    for (const [, path] of files)
      for (const source of args.source) {
        // A fresh context per read: a cold page, as a user's import is.
        const context = await browser.newContext();
        try {
          const tab = await context.newPage();
          tab.setDefaultTimeout(120_000);
          await tab.goto(`${page.base}/bench/browser/weights.html`);
          await tab.waitForFunction(() => window.weightsReady === true);
          if (source === 'file') await tab.getByTestId('weights.file').setInputFiles(path);
          const spec: WeightsSource = source === 'file' ? { kind: 'file' } : { kind: 'fetch', url: weights.url(path) };
          const r = await tab.evaluate(([s, name]) => window.readWeights(s, name), [spec, basename(path)] as const);
          rows.push({ ...r, source, run });
          const splits = Object.entries(r.splits).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
          log(`run ${run} ${r.format.padEnd(11)} ${source.padEnd(5)} read ${r.readMs.toFixed(0).padStart(5)} ms, parse ${r.parseMs.toFixed(0).padStart(5)} ms, nonFinite ${r.checkMs.toFixed(0).padStart(4)} ms  (${splits}; ${r.tensors} tensors, ${r.values} values, sum ${r.checksum.toPrecision(9)})`);
        } finally {
          await context.close();
        }
      }
} finally {
  await browser.close();
  await weights.close();
  await page.close();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const stat = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs) });
const summary = files.flatMap(([format]) =>
  args.source.map((source) => {
    const rs = rows.filter((r) => r.format === format && r.source === source);
    const splitNames = Object.keys(rs[0]?.splits ?? {});
    return {
      format, source, runs: rs.length,
      readMs: stat(rs.map((r) => r.readMs)),
      parseMs: stat(rs.map((r) => r.parseMs)),
      checkMs: stat(rs.map((r) => r.checkMs)),
      /** Bytes in hand -> checked tensors: parse + nonFinite. */
      importMs: stat(rs.map((r) => r.parseMs + r.checkMs)),
      /** From the read's start: read + parse + nonFinite. */
      totalMs: stat(rs.map((r) => r.readMs + r.parseMs + r.checkMs)),
      splitsMs: Object.fromEntries(splitNames.map((k) => [k, median(rs.map((r) => r.splits[k] as number))])),
    };
  }),
);
if (args.json) console.log(JSON.stringify({ runs: args.runs, files: Object.fromEntries(files), rows, summary }));
else {
  const ms = (s: { median: number; min: number }) => `${s.median.toFixed(0).padStart(5)} / ${s.min.toFixed(0).padStart(5)}`;
  log('\nmedian / min, ms:');
  log('format      source   read           parse          nonFinite      parse+check    total');
  for (const s of summary) log(`${s.format.padEnd(11)} ${s.source.padEnd(6)} ${ms(s.readMs)}  ${ms(s.parseMs)}  ${ms(s.checkMs)}  ${ms(s.importMs)}  ${ms(s.totalMs)}`);
  for (const s of summary) log(`${s.format} ${s.source} parse parts (medians, each timed alone): ${Object.entries(s.splitsMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}
