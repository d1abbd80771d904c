// Our SIMD kernels alone (src/kernels/wasm/kernels.c, the committed build), on
// a memory of their own, one thread, no TF.js: per call, the direct loops
// against the Winograd F(4×4, 3×3) ones at ResNet-20 b128's stride-1
// layers, called in turn (so the host's slow spells hit both alike),
// medians of --runs calls.
//   npx tsx bench/kernels/kernels.ts [--batch 128] [--runs 11]
import { PLAIN_WASM_BASE64 } from '../../src/kernels/wasm/binary';
import { benchArgs } from '../args';

const { batch, runs } = benchArgs('npx tsx bench/kernels/kernels.ts [flags]', {
  batch: { kind: 'number', default: 128, help: 'batch size of the layers' },
  runs: { kind: 'number', default: 11, help: 'timed calls of each kernel (the figure is their median)' },
});
const module = new WebAssembly.Module(Buffer.from(PLAIN_WASM_BASE64, 'base64'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

console.log(`one thread, batch ${batch}, medians of ${runs} calls (ms; GFLOP/s as a direct convolution's work)`);
console.log('| layer | direct forward | Winograd forward | direct kernel gradient | Winograd kernel gradient |');
console.log('|---|---:|---:|---:|---:|');
for (const [h, c] of [[32, 16], [16, 32], [8, 64]] as const) {
  const o = c;
  const memory = new WebAssembly.Memory({ initial: 4096 }); // 256 MiB
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...a: number[]) => number>;
  const f32 = new Float32Array(memory.buffer);
  let top = 1 << 16;
  const alloc = (floats: number, value?: number) => {
    const at = top;
    top += 4 * floats + 64;
    for (let i = 0; i < floats; i++) f32[at / 4 + i] = value ?? Math.sin(i * 0.37);
    return at;
  };
  const x = alloc(batch * h * h * c), w = alloc(9 * c * o), y = alloc(batch * h * h * o), dw = alloc(9 * c * o);
  const u = alloc(k.winograd_kernel_floats!(c, o)), zeros = alloc(Math.max(c, o), 0), scratch = alloc(k.winograd_scratch_bytes!(c, o) / 4);
  const tiles = k.winograd_tiles!(batch, h, h);
  const calls = {
    directForward: () => k.conv2d_forward!(x, w, y, zeros, 0, batch * h, h, h, c, h, h, o, 3, 3, 1, 1, 1),
    winogradForward: () => {
      k.winograd_kernel!(w, u, c, o);
      k.winograd_forward!(x, u, y, zeros, scratch, 0, tiles, h, h, c, h, h, o, 1, 1);
    },
    directKernelGrad: () => k.conv2d_kernel_grad!(x, y, dw, 0, batch, h, h, c, h, h, o, 3, 3, 1, 1, 1),
    winogradKernelGrad: () => {
      k.winograd_kernel_grad!(x, y, u, zeros, scratch, 0, tiles, h, h, c, h, h, o, 1, 1);
      k.winograd_kernel_grad_finish!(u, dw, c, o);
    },
  };
  const times: Record<string, number[]> = {};
  for (let r = 0; r < runs + 1; r++)
    for (const [name, call] of Object.entries(calls)) {
      const t0 = performance.now();
      call();
      if (r > 0) (times[name] ??= []).push(performance.now() - t0); // the first round tiers the code up
    }
  const gflop = (2 * batch * h * h * 9 * c * o) / 1e9;
  const cell = (name: string) => {
    const ms = median(times[name]!);
    return `${ms.toFixed(1)} ms (${(gflop / (ms / 1000)).toFixed(0)})`;
  };
  console.log(`| ${h}×${h}, ${c} → ${o} | ${cell('directForward')} | ${cell('winogradForward')} | ${cell('directKernelGrad')} | ${cell('winogradKernelGrad')} |`);
}
