// The gradient-flow table at initialisation, beside PyTorch's: first conv /
// last conv gradient norm for the CIFAR ResNets and their plain twins, with
// and without batch norm, on the TF.js cpu backend.
//   npx tsx bench/node/gradflow.ts [--depths 20,56,110] [--batch 16]
// The reference numbers are bench/reference/torch_gradflow.py's (one real
// CIFAR-10 batch of 128), read from src/lessons/gradflow-reference.json;
// ours use image-like synthetic inputs (structuredBatch).
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL } from '../../src/config/presets';
import { buildModel } from '../../src/model/build';
import { firstOverLast, structuredBatch } from '../../src/train/gradflow';
import { benchArgs } from '../args';
import TORCH from '../../src/lessons/gradflow-reference.json';

/** Residual + BN, plain + BN, residual, plain: the order of the table. */
const CONFIGS = [[true, true], [false, true], [true, false], [false, false]] as const;

const { batch, depths } = benchArgs('npx tsx bench/node/gradflow.ts [flags]', {
  depths: { kind: 'numbers', default: [20, 56, 110], help: 'CIFAR ResNet depths (6n + 2)' },
  batch: { kind: 'number', default: 16, help: 'synthetic images in the batch' },
});

await tf.setBackend('cpu');
tf.enableProdMode();
for (const depth of depths) {
  const n = (depth - 2) / 6;
  CONFIGS.forEach(([skip, batchNorm]) => {
    const t0 = performance.now();
    const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage: n, skip, batchNorm, shortcut: 'A', init: 'he-normal' }, [32, 32, 3], 10, 1);
    const { x, y } = structuredBatch(batch, 7);
    const ratio = firstOverLast(model, x, y);
    [x, y].forEach((t) => t.dispose());
    model.dispose();
    const torch = TORCH.rows.find((r) => r.depth === depth && r.skip === skip && r.bn === batchNorm)?.first_over_last;
    console.log(JSON.stringify({ depth, skip, bn: batchNorm, batch, firstOverLast: Number(ratio.toPrecision(3)), torch, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
  });
}
