// The WebAssembly SIMD128 peak of this CPU: 12 independent f32x4 multiply
// and add chains in one thread, what our convolution kernels
// (src/kernels/wasm/kernels.c) are measured against. Needs clang and wasm-ld,
// as scripts/build/build-simd.sh (Debian: apt-get install -y clang lld):
//   node bench/kernels/simd-peak.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(mkdtempSync(join(tmpdir(), 'simd-peak-')), 'peak.wasm');
execFileSync('clang', ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-Wl,--no-entry', '-o', out, new URL('./simd-peak.c', import.meta.url).pathname]);
const { instance } = await WebAssembly.instantiate(readFileSync(out));
const n = 50_000_000;
instance.exports.peak(1_000_000, 0.999); // tier up
const rates = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  instance.exports.peak(n, 0.9999);
  rates.push((n * 12 * 8) / ((performance.now() - t0) / 1000) / 1e9);
}
console.log(`WebAssembly SIMD128 multiply + add, one thread: ${Math.max(...rates).toFixed(1)} GFLOP/s best of 5 (${rates.map((r) => r.toFixed(1)).join(', ')})`);
