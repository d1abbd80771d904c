// `npm run bench:grouped`: the grouped 3×3 convolution of ResNeXt-50 32×4d
// (CIFAR stem, one shape per stage), forward and backward, in each of
// src/model/grouped.ts's formulations, in Node (cpu) and headless Chromium
// (webgl, webgpu, cpu). The figures that set the `grouped` kernel option's 'auto' choice.
//   npm run bench:grouped -- --backend cpu,webgl,webgpu --env node,chromium
//        --mode split,depthwise,im2col --stage stage1,stage2,stage3,stage4
//        --batch 8 --steps 3 --warmup 1 [--json]
// Chromium runs the op on the bench page bench/browser/grouped.html; both
// time it with grouped-op.ts. `npm run bench:grouped -- --help` lists the flags.
import * as tf from '@tensorflow/tfjs';
import { chromium } from '@playwright/test';
import type { BackendName } from '../../src/config/types';
import { GROUPED_MODES, type GroupedMode } from '../../src/kernels/options';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { serveBuild } from '../browser/serve';
import { benchGrouped, RESNEXT_CIFAR_SHAPES, type GroupedResult, type GroupedSpec } from './grouped-op';

const STAGES = RESNEXT_CIFAR_SHAPES.map((s) => s.name);
const args = benchArgs('npm run bench:grouped -- [flags]', {
  backend: { kind: 'list', default: ['cpu', 'webgl', 'webgpu'], choices: ['wasm', 'cpu', 'webgl', 'webgpu'] satisfies BackendName[], help: 'TF.js backends (Node runs cpu)' },
  env: { kind: 'list', default: ['node', 'chromium'], choices: ['node', 'chromium'], help: 'where the op runs' },
  mode: { kind: 'list', default: GROUPED_MODES, choices: GROUPED_MODES, help: 'formulations of the grouped convolution' },
  stage: { kind: 'list', default: STAGES, choices: STAGES, help: "ResNeXt-50 32×4d's stages, one shape each" },
  batch: { kind: 'number', default: 8, help: 'batch size' },
  steps: { kind: 'number', default: 3, help: 'timed passes (the figure is their median)' },
  warmup: { kind: 'number', default: 1, help: 'untimed passes first' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the rows on stderr' },
});
const { backend: backends, env: envs, mode: modes, batch, steps, warmup, json } = args;
const stages = RESNEXT_CIFAR_SHAPES.filter((s) => args.stage.includes(s.name));

interface Row extends GroupedResult {
  env: 'node' | 'chromium';
  backend: BackendName;
  stage: string;
  mode: GroupedMode;
  shape: string;
}
const rows: Row[] = [];

function record(row: Row): void {
  rows.push(row);
  const line = `${row.env.padEnd(8)} ${row.backend.padEnd(6)} ${row.stage.padEnd(6)} ${row.shape.padEnd(22)} ${row.mode.padEnd(9)} ${row.ms.toFixed(1).padStart(9)} ms ${String(row.kernels).padStart(5)} kernels`;
  (json ? console.error : console.log)(line);
}

async function runAll(env: Row['env'], backend: BackendName, run: (spec: GroupedSpec) => Promise<GroupedResult>): Promise<void> {
  for (const s of stages)
    for (const mode of modes) {
      const shape = `[${batch},${s.size},${s.size},${s.channels}] G${s.groups}`;
      try {
        record({ env, backend, stage: s.name, mode, shape, ...(await run({ mode, batch, size: s.size, channels: s.channels, groups: s.groups, stride: s.stride, steps, warmup })) });
      } catch (e) {
        console.error(`${env} ${backend} ${s.name} ${mode}: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
}

if (envs.includes('node') && backends.includes('cpu')) {
  await tf.setBackend('cpu');
  tf.enableProdMode();
  await runAll('node', 'cpu', benchGrouped);
}

if (envs.includes('chromium')) {
  const server = await serveBuild('bench/.dist-grouped', { input: 'bench/browser/grouped.html' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.goto(`${server.base}/bench/browser/grouped.html`);
      await page.waitForFunction(() => window.groupedReady === true);
      await runAll('chromium', backend, (spec) => page.evaluate(([b, s]) => window.runGrouped(b, s), [backend, spec] as const));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

if (json) console.log(JSON.stringify({ batch, steps, warmup, rows }));
