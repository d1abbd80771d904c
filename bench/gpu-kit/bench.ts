// The GPU kit's bench (bundled into bench.mjs by scripts/gpu-kit.ts; run by
// the kit's run.sh with the kit's own Node): TF.js's WebGPU training step
// through Dawn for each model, then PyTorch CUDA for the same where
// `python3 -c 'import torch'` works and CUDA is there; one JSON with both.
// Also, unless --kernels off: the first model's step with TF.js's ops alone
// (our WebGPU kernels off: what they gain on this GPU), and the convolution
// gradients per layer shape, TF.js's (naive and MM input gradient) and ours
// (bench/kernels/gpu-conv-lib.ts).
//
//   node bench.mjs --out results.json [--steps 10] [--warmup 2]
//     [--models resnet20:128,resnet56:128,resnet18-cifar:64] [--torch-script torch_step.py] [--kernels on|off] [--conv-nets resnet20,resnet50|none]
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { isModelPresetId } from '../../src/config/presets';
import { installKernels } from '../../src/kernels/install';
import { LAYERS, measureLayer } from '../kernels/gpu-conv-lib';
import { startNodeWebGpu } from '../../src/train/webgpu-node';
import { benchTrainStep, type BenchResult } from '../step';

const DEFAULT_MODELS = 'resnet20:128,resnet56:128,resnet18-cifar:64';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

interface TorchRow { model: string; batch: number; msPerStep: number; gpu?: string; torch?: string }

async function torchCuda(script: string, model: string, batch: number, steps: number, warmup: number): Promise<TorchRow | { model: string; batch: number; skipped: string }> {
  const args = model === 'resnet18-cifar' ? ['--model', 'resnet18-cifar'] : ['--n', String((Number(/^resnet(\d+)$/.exec(model)?.[1]) - 2) / 6)];
  try {
    const { stdout } = await promisify(execFile)(process.env.PYTHON ?? 'python3', [script, ...args, '--batch', String(batch), '--steps', String(steps), '--warmup', String(warmup), '--device', 'cuda'], { timeout: 300_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as TorchRow;
  } catch (e) {
    const text = String((e as { stderr?: string }).stderr || (e instanceof Error ? e.message : e)).trim().split('\n').at(-1);
    return { model, batch, skipped: `PyTorch CUDA did not run: ${text}` };
  }
}

async function main(): Promise<void> {
  const out = flag('out', 'gpu-kit-results.json');
  const steps = Number(flag('steps', '10'));
  const warmup = Number(flag('warmup', '2'));
  const script = flag('torch-script', '');
  const models = flag('models', DEFAULT_MODELS).split(',').map((m) => {
    const [name = '', batch = '128'] = m.split(':');
    const id = name.replace(/-cifar$/, '');
    if (!isModelPresetId(id)) throw new Error(`--models: unknown preset ${id}`);
    return { name, id, batch: Number(batch), stem: name.endsWith('-cifar') ? ('cifar' as const) : undefined };
  });
  let adapter: string;
  try {
    adapter = await startNodeWebGpu();
  } catch (e) {
    process.stderr.write(`gpu-kit: ${e instanceof Error ? e.message : String(e)}; nothing measured\n`);
    process.exit(3);
  }
  tf.enableProdMode();
  process.stderr.write(`gpu-kit: ${adapter}\n`);
  const webgpu: (BenchResult & { model: string; batch: number })[] = [];
  for (const m of models) {
    const r = await benchTrainStep({ model: m.id, ...(m.stem ? { stem: m.stem } : {}), batch: m.batch, steps, warmup, gradNorms: true });
    webgpu.push({ model: m.name, batch: m.batch, ...r });
    process.stderr.write(`webgpu ${m.name} b${m.batch}: ${r.msPerStep.toFixed(1)} ms a step, ${r.imgPerSec.toFixed(0)} images/s, ${r.dispatchesPerStep ?? '?'} dispatches\n`);
  }
  const withKernels = flag('kernels', 'on') !== 'off';
  const baseline: (BenchResult & { model: string; batch: number })[] = [];
  const convKernels: { layer: string; ms: Awaited<ReturnType<typeof measureLayer>> }[] = [];
  if (withKernels && models[0]) {
    const m = models[0];
    const r = await benchTrainStep({ model: m.id, ...(m.stem ? { stem: m.stem } : {}), batch: m.batch, steps, warmup, gradNorms: true, kernels: { gpu: false } });
    baseline.push({ model: m.name, batch: m.batch, ...r });
    process.stderr.write(`webgpu ${m.name} b${m.batch}, TF.js's ops alone: ${r.msPerStep.toFixed(1)} ms a step, ${r.dispatchesPerStep ?? '?'} dispatches\n`);
    installKernels('webgpu');
    const nets = flag('conv-nets', 'resnet20,resnet50').split(',');
    for (const l of LAYERS.filter((x) => nets.some((n) => x.name.toLowerCase().replace('-', '').startsWith(n)))) {
      const ms = await measureLayer(l, 5);
      convKernels.push({ layer: l.name, ms });
      process.stderr.write(`${l.name}: kernel gradient ${ms.theirsKernel.toFixed(2)} → ${ms.oursKernel.toFixed(2)} ms, input gradient ${ms.theirsInputNaive.toFixed(2)} (MM ${ms.theirsInputMM.toFixed(2)}) → ${ms.oursInput.toFixed(2)} ms\n`);
    }
  }
  // One at a time: the GPU is timed alone.
  const torch: Awaited<ReturnType<typeof torchCuda>>[] = [];
  for (const m of script ? models : []) torch.push(await torchCuda(script, m.name, m.batch, steps, warmup));
  for (const t of torch) process.stderr.write(`pytorch ${t.model} b${t.batch}: ${'skipped' in t ? t.skipped : `${t.msPerStep.toFixed(1)} ms a step on ${t.gpu ?? 'cuda'}`}\n`);
  const ratios = webgpu.flatMap((w) => {
    const t = torch.find((x) => x.model === w.model && x.batch === w.batch && !('skipped' in x)) as TorchRow | undefined;
    return t ? [{ model: w.model, batch: w.batch, webgpuOverTorch: w.msPerStep / t.msPerStep }] : [];
  });
  writeFileSync(out, JSON.stringify({ adapter, steps, warmup, webgpu, baseline, convKernels, torch, ratios }, null, 1));
  process.stderr.write(`gpu-kit: wrote ${out}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`gpu-kit: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
