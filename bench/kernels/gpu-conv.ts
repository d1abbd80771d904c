// The convolution gradients on WebGPU, TF.js 4.22's against ours
// (src/kernels/webgpu/conv.ts), per layer shape (issue 21, point 3): how many
// invocations each runs, the longest serial loop one of them runs, and the
// bytes their loads ask for (each invocation's or workgroup's reads from
// storage, counted from the shaders' loops; the tensors' own sizes in
// brackets), from the shapes alone; with --measure, also the milliseconds
// per call on this machine's WebGPU adapter through Dawn (median of --runs,
// each call read back), where TF.js's input gradient runs both as its naive
// shader (its default) and as its Conv2DDerInputMMProgram
// (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE off).
//   npx tsx bench/kernels/gpu-conv.ts [--measure] [--runs 5] [--nets resnet20,resnet50] [--json]
import { installKernels } from '../../src/kernels/install';
import { startNodeWebGpu } from '../../src/train/webgpu-node';
import { benchArgs } from '../args';
import { bytes, fmt, LAYERS, measureLayer, shapeFigures } from './gpu-conv-lib';

const args = benchArgs('npx tsx bench/kernels/gpu-conv.ts [flags]', {
  measure: { kind: 'boolean', help: 'also time each kernel on this machine\'s WebGPU adapter (Dawn)' },
  runs: { kind: 'number', default: 5, help: 'timed calls of each kernel (the figure is their median)' },
  json: { kind: 'boolean', help: 'one JSON line per shape instead of the table' },
  nets: { kind: 'list', default: ['resnet20', 'resnet50'], choices: ['resnet20', 'resnet50'], help: 'whose layers (ResNet-50\'s take minutes a call on a software adapter)' },
});

const adapter = args.measure ? await startNodeWebGpu() : null;
if (adapter) installKernels('webgpu');
if (!args.json) {
  console.log(adapter ? `measured on ${adapter}, medians of ${args.runs} calls, each read back` : 'from the shapes alone (--measure times them)');
  console.log('| layer | kernel gradient: invocations | longest loop | loads | input gradient: invocations | longest loop | loads |' + (adapter ? ' ms: kernel grad TF.js / ours | input grad TF.js naive / TF.js MM / ours |' : ''));
  console.log('|---|---:|---:|---:|---:|---:|---:|' + (adapter ? '---:|---:|' : ''));
}
for (const l of LAYERS.filter((l) => args.nets.some((n) => l.name.toLowerCase().replace('-', '').startsWith(n)))) {
  const f = shapeFigures(l);
  const ms = adapter ? await measureLayer(l, args.runs) : null;
  if (args.json) {
    console.log(JSON.stringify({ layer: l, ...f, ms }));
    continue;
  }
  const pair = (a: number, b: number, show: (n: number) => string) => `${show(a)} → ${show(b)}`;
  const cells = [
    `${l.name} (${bytes(f.tensors)})`,
    pair(f.theirsKernel.invocations, f.oursKernel.invocations, fmt),
    pair(f.theirsKernel.loop, f.oursKernel.loop, fmt),
    pair(f.theirsKernel.bytes, f.oursKernel.bytes, bytes),
    pair(f.theirsInput.invocations, f.oursInput.invocations, fmt),
    pair(f.theirsInput.loop, f.oursInput.loop, fmt),
    pair(f.theirsInput.bytes, f.oursInput.bytes, bytes),
    ...(ms ? [`${ms.theirsKernel.toFixed(1)} / ${ms.oursKernel.toFixed(1)}`, `${ms.theirsInputNaive.toFixed(1)} / ${ms.theirsInputMM.toFixed(1)} / ${ms.oursInput.toFixed(1)}`] : []),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
