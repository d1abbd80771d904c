import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import './src/model/wasm-kernels';
import { configFromPreset } from './src/config/presets';
import { buildModel } from './src/model/build';
import { makeOptimizer, trainStep } from './src/train/engine';
await tf.setBackend(process.argv[2] ?? 'wasm');
tf.enableProdMode();
const B = Number(process.argv[3] ?? 32);
const config = configFromPreset('resnet20');
const model = buildModel(config.model, [32, 32, 3], 10, 1);
const opt = makeOptimizer(config.train);
const x = tf.randomNormal([B, 32, 32, 3]) as tf.Tensor4D;
const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10).toFloat() as tf.Tensor2D;
for (let i = 0; i < 2; i++) { const p = trainStep(model, opt, x, y, 1e-4, true); await p.data(); p.dispose(); }
const t0 = performance.now();
const info = await tf.profile(async () => { const p = trainStep(model, opt, x, y, 1e-4, true); await p.data(); p.dispose(); });
console.log('step', (performance.now() - t0).toFixed(0), 'ms, kernels', info.kernels.length);
const by = new Map<string, { n: number; ms: number }>();
for (const k of info.kernels) { const e = by.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += k.kernelTimeMs as number; by.set(k.name, e); }
console.log([...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([n, e]) => `${n.padEnd(22)} ${String(e.n).padStart(5)} ${e.ms.toFixed(0).padStart(6)} ms`).join('\n'));
for (const name of ['Slice', 'Tile', 'Mean', 'forward', 'Conv2D']) {
  const ks = info.kernels.filter((k) => k.name === name).sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number)).slice(0, 4);
  for (const k of ks) console.log(name, JSON.stringify(k.inputShapes), '->', JSON.stringify(k.outputShapes), (k.kernelTimeMs as number).toFixed(0));
}
