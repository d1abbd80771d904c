// TF.js's webgpu backend in Node through Dawn (issue 21, point 4): a
// convolution and both its gradients as the CPU backend computes them, and
// a training step of a small net. Skipped, saying why, where the optional
// webgpu package or a Vulkan adapter is missing (.ci/run installs both).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { syntheticDataset } from '../testing/synthetic';
import { train } from './engine';
import { maxRelative, nodeWebGpu, seededValues } from '../testing/numeric';
import { startNodeWebGpu } from './webgpu-node';

const adapter = await nodeWebGpu(startNodeWebGpu, 'WebGPU in Node');

async function convAndGrads(backend: string, x: Float32Array, w: Float32Array, dy: Float32Array, xs: [number, number, number, number], ws: [number, number, number, number], stride: number) {
  await tf.setBackend(backend);
  const [y, dx, dw] = tf.tidy(() => {
    const xt = tf.tensor4d(x, xs);
    const wt = tf.tensor4d(w, ws);
    const out = tf.conv2d(xt, wt, stride, 'same');
    const dyt = tf.tensor(dy, out.shape);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same'), dyt)))([xt, wt]);
    return [out, gx as tf.Tensor, gw as tf.Tensor];
  });
  const read = await Promise.all([y.data(), dx.data(), dw.data()]);
  tf.dispose([y, dx, dw]);
  return read;
}

describe.skipIf(adapter.missing !== null)(`WebGPU in Node (${adapter.name ?? 'no adapter'})`, () => {
  it('a convolution and both its gradients equal the CPU backend within 1e-5 of their largest value', async () => {
    // Large enough that TF.js runs them on the GPU, not its small-tensor CPU path.
    for (const [xs, ws, stride] of [
      [[8, 16, 16, 4], [3, 3, 4, 8], 1],
      [[4, 16, 16, 8], [3, 3, 8, 16], 2],
      [[4, 8, 8, 16], [1, 1, 16, 32], 1],
    ] as [[number, number, number, number], [number, number, number, number], number][]) {
      const x = seededValues(xs.reduce((a, b) => a * b), 1);
      const w = seededValues(ws.reduce((a, b) => a * b), 2);
      const outSize = xs[0] * Math.ceil(xs[1] / stride) * Math.ceil(xs[2] / stride) * ws[3];
      const dy = seededValues(outSize, 3);
      const gpu = await convAndGrads('webgpu', x, w, dy, xs, ws, stride);
      const cpu = await convAndGrads('cpu', x, w, dy, xs, ws, stride);
      gpu.forEach((g, i) => expect(maxRelative(g, cpu[i] as Float32Array), `${['y', 'dx', 'dw'][i]} of ${xs} * ${ws} stride ${stride}`).toBeLessThan(1e-5));
    }
  });

  it("trains a small ResNet on webgpu: the first steps' losses as on the CPU backend, no tensor left behind", async () => {
    const config = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 4 }, train: { ...DEFAULT_CONFIG.train, batchSize: 8, maxSteps: 3 }, data: { ...DEFAULT_CONFIG.data, testSubset: 8 } };
    const data = syntheticDataset(64, 10);
    const losses: Record<string, number[]> = {};
    for (const backend of ['webgpu', 'cpu']) {
      if (backend === 'webgpu') await startNodeWebGpu();
      else await tf.setBackend('cpu');
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      await train({ config, data, hooks: { onStep: (m) => seen.push(m.loss) } });
      expect(tf.memory().numTensors).toBe(before);
      losses[backend] = seen;
    }
    expect(losses.webgpu).toHaveLength(3);
    losses.webgpu!.forEach((l, i) => expect(Math.abs(l - losses.cpu![i]!)).toBeLessThan(1e-3 * Math.abs(losses.cpu![i]!)));
  });

  it('the CLI trains on webgpu in Node: `playground train --backend webgpu`', async () => {
    const bin = new URL('../../bin/playground.mjs', import.meta.url).pathname;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'train', '--dataset', 'mnist', '--steps', '2', '--backend', 'webgpu', '--json', '--blocks', '1', '--width', '4', '--batch', '8'], { timeout: 120_000 });
    expect(stderr).toContain('webgpu: ');
    const steps = stdout.trim().split('\n').map((l) => JSON.parse(l) as { step?: number; loss?: number }).filter((l) => l.step !== undefined);
    expect(steps.map((l) => l.step)).toEqual([1, 2]);
    expect(steps.every((l) => Number.isFinite(l.loss))).toBe(true);
  });
});

