// The gradient-flow oracle: first conv / last conv gradient-norm ratios at
// He-normal initialisation for ResNet-110 and its plain twin, with and
// without batch norm, against bench/reference/torch_gradflow.py (PyTorch,
// one CIFAR-10 batch of 128, option A). Same definition as the script: the
// norms of every Conv2d weight gradient (the fc excluded), first = stem conv,
// last = the last block's conv2; BN in training mode (batch statistics); one
// forward and backward of the mean cross-entropy, no optimizer step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../config/presets';
import { buildModel } from '../model/build';
import { installKernels } from '../kernels/install';
import { firstOverLast, gradFlowCell, structuredBatch } from './gradflow';
import { skipCheck, ratioText } from '../lessons/checks';
import type { GradFlowRow } from '../protocol/messages';
import TORCH from '../lessons/gradflow-reference.json';

beforeAll(async () => {
  // Our WASM kernels (their gradients held against the CPU backend's in
  // wasm.test.ts) take this file from minutes to seconds a config.
  installKernels('wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
  tf.enableProdMode();
});

const BATCH = 128; // as torch_gradflow.py

/** first conv / last conv, as torch_gradflow.py's first_over_last. */
function ratio(blocksPerStage: number, skip: boolean, batchNorm: boolean): number {
  const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage, skip, batchNorm, shortcut: 'A', init: 'he-normal' }, [32, 32, 3], 10, 1);
  const { x, y } = structuredBatch(BATCH, 7);
  try {
    // Every conv kernel, the fc excluded; with option A there are no shortcut convolutions.
    const convs = model.summary.kernelNames.filter((n) => n !== 'fc');
    expect([convs[0], convs[convs.length - 1]]).toEqual(['stem.conv', `stage3.block${blocksPerStage - 1}.conv2`]);
    return firstOverLast(model, x, y);
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

describe('gradient flow at initialisation, ResNet-110 (n = 18) against PyTorch', () => {
  // PyTorch's first/last at depth 110, from gradflow-reference.json.
  const rows = TORCH.rows.filter((r) => r.depth === 110);
  // The skip lesson's cells, as the worker computes them (gradFlowCell), on the batch torch_gradflow.py's size.
  const cells: GradFlowRow[] = [];

  it('the lesson\'s cell is the first conv over the last of the net the engine builds (stem.conv over the last block\'s conv2)', () => {
    const { x, y } = structuredBatch(BATCH, 7);
    try {
      expect(gradFlowCell(20, true, true, x, y, 1).firstOverLast).toBe(ratio(3, true, true));
      expect(() => gradFlowCell(21, true, true, x, y, 1)).toThrow(/not 6n \+ 2/);
    } finally {
      x.dispose();
      y.dispose();
    }
  });

  it.each(rows.map((r) => ({ name: `${r.skip ? 'residual' : 'plain'}${r.bn ? ' + BN' : ', no BN'}`, skip: r.skip, bn: r.bn, reference: r.first_over_last })))('$name: first/last within an order of magnitude of $reference', ({ skip, bn, reference }) => {
    const { x, y } = structuredBatch(BATCH, 7);
    try {
      const cell = gradFlowCell(110, skip, bn, x, y, 1);
      cells.push(cell);
      console.log(`gradflow n=18 skip=${skip} bn=${bn}: first/last = ${cell.firstOverLast.toExponential(3)} (torch ${reference}) in ${(cell.ms / 1000).toFixed(1)} s`);
      expect(Math.abs(Math.log10(cell.firstOverLast / reference))).toBeLessThan(1);
    } finally {
      x.dispose();
      y.dispose();
    }
  }, 600_000);

  it('the skip lesson\'s check, on the engine\'s four cells, sees what PyTorch\'s numbers show, in the engine\'s numbers', () => {
    expect(cells).toHaveLength(4);
    const result = skipCheck({ runs: [], gradFlow: cells, measured: [] });
    const at = (skip: boolean, bn: boolean) => ratioText(cells.find((c) => c.skip === skip && c.bn === bn)!.firstOverLast);
    expect(result).toEqual({ status: 'seen', key: 'skip.seen', values: { depth: '110', resBn: at(true, true), plainBn: at(false, true), res: at(true, false), plain: at(false, false) } });
  });
});
