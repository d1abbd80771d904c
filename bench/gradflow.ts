// The gradient-flow table at initialisation, beside PyTorch's: first conv /
// last conv gradient norm for the CIFAR ResNets and their plain twins, with
// and without batch norm, on the TF.js cpu backend.
//   npx tsx bench/gradflow.ts [--depths 20,56,110] [--batch 16]
// The reference numbers are /work/shared/tools/torch_gradflow.py's (one real
// CIFAR-10 batch of 128); ours use image-like synthetic inputs (structuredBatch).
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL } from '../src/config/presets';
import { buildModel } from '../src/model/build';
import { firstOverLast, structuredBatch } from '../src/train/gradflow';

/** torch_gradflow.py: depth -> [residual+BN, plain+BN, residual, plain]. */
const TORCH: Record<number, [number, number, number, number]> = {
  20: [0.87, 1.5, 0.08, 0.11],
  56: [3.3, 277, 0.13, 0.11],
  110: [7.5, 880_000, 0.45, 0.029],
};
const CONFIGS = [[true, true], [false, true], [true, false], [false, false]] as const;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

await tf.setBackend('cpu');
tf.enableProdMode();
const batch = Number(option('batch', '16'));
for (const depth of option('depths', '20,56,110').split(',').map(Number)) {
  const n = (depth - 2) / 6;
  CONFIGS.forEach(([skip, batchNorm], c) => {
    const t0 = performance.now();
    const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage: n, skip, batchNorm, shortcut: 'A', init: 'he-normal' }, [32, 32, 3], 10, 1);
    const { x, y } = structuredBatch(batch, 7);
    const ratio = firstOverLast(model, x, y);
    [x, y].forEach((t) => t.dispose());
    model.dispose();
    const torch = TORCH[depth]?.[c];
    console.log(JSON.stringify({ depth, skip, bn: batchNorm, batch, firstOverLast: Number(ratio.toPrecision(3)), torch, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
  });
}
