// The engine on the TF.js CPU backend: learning, gradient norms, memory,
// stopping, batch norm statistics, divergence. Nets are tiny (n = 1, narrow)
// so hundreds of steps fit in seconds; the maths is the same as ResNet-20's.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installKernels } from '../kernels/install';
import { DEFAULT_CONFIG } from '../config/presets';
import type { Config } from '../config/types';
import { loadMnistNode } from '../data/mnist-node';
import type { Dataset } from '../data/types';
import { buildModel } from '../model/build';
import type { StepMetrics } from '../protocol/messages';
import { Batcher, channelStats } from './batches';
import { RunControl } from './control';
import { disposeOptimizer, makeOptimizer, train, trainStep, TrainingError } from './engine';

let mnist: Dataset;

// WASM with our kernels, as the CLI runs: the TF.js CPU backend takes about a
// second a step even for these 4-channel nets.
beforeAll(async () => {
  installKernels('wasm');
  await tf.setBackend('wasm');
  tf.enableProdMode();
  mnist = await loadMnistNode();
});

function tiny(patch: { model?: Partial<Config['model']>; train?: Partial<Config['train']>; data?: Partial<Config['data']> } = {}): Config {
  return {
    model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 4, ...patch.model },
    train: { ...DEFAULT_CONFIG.train, batchSize: 16, epochs: 100, maxSteps: 20, learningRate: 0.05, ...patch.train },
    data: { ...DEFAULT_CONFIG.data, trainSubset: 2000, testSubset: 200, ...patch.data },
  };
}

/** The top-left size×size corner of every image (cheap, still real pixels). */
function crop(data: Dataset, size: number): Dataset {
  const cut = (set: Dataset['train'], n: number) => {
    const images = new Uint8Array(n * size * size);
    for (let i = 0; i < n; i++)
      for (let y = 0; y < size; y++) images.set(set.images.subarray((i * data.height + y + 10) * data.width + 10, (i * data.height + y + 10) * data.width + 10 + size), (i * size + y) * size);
    return { images, labels: set.labels.subarray(0, n), count: n };
  };
  return { ...data, height: size, width: size, train: cut(data.train, 256), test: cut(data.test, 64) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('training loop', () => {
  it('lowers the loss on a real MNIST slice and evaluates after each epoch', async () => {
    const steps: StepMetrics[] = [];
    const epochs: number[] = [];
    // Adam makes 40 steps enough to show learning.
    const config = tiny({ train: { maxSteps: 0, epochs: 2, optimizer: 'adam', learningRate: 0.01 }, data: { trainSubset: 320, testSubset: 200 } });
    const result = await train({ config, data: mnist, hooks: { onStep: (m) => steps.push(m), onEpoch: (e) => epochs.push(e.testAcc) } });
    expect(result).toEqual({ reason: 'finished', steps: 40 });
    const first = mean(steps.slice(0, 8).map((s) => s.loss));
    const last = mean(steps.slice(-8).map((s) => s.loss));
    // Untrained: about ln 10 = 2.30.
    expect(first).toBeGreaterThan(2.1);
    expect(last).toBeLessThan(first * 0.9);
    expect(epochs).toHaveLength(2);
    // 10 classes: chance is 0.1.
    expect(epochs[1]).toBeGreaterThan(0.25);
  });

  it('reports one finite gradient norm per conv and dense kernel, named by layer', async () => {
    let names: string[] = [];
    const steps: StepMetrics[] = [];
    await train({ config: tiny({ train: { maxSteps: 3 } }), data: mnist, hooks: { onModel: (i) => (names = i.kernelNames), onStep: (m) => steps.push(m) } });
    expect(names).toEqual(['stem.conv', 'stage1.block0.conv1', 'stage1.block0.conv2', 'stage2.block0.conv1', 'stage2.block0.conv2', 'stage3.block0.conv1', 'stage3.block0.conv2', 'fc']);
    for (const s of steps) {
      expect(s.gradNorms).toHaveLength(names.length);
      for (const g of s.gradNorms) {
        expect(Number.isFinite(g)).toBe(true);
        expect(g).toBeGreaterThan(0);
      }
    }
  });

  it('holds the same number of tensors at step 5 and step 200 (no leaks)', async () => {
    const counts = new Map<number, number>();
    // 8×8 crops of MNIST keep 200 steps quick; the leak check needs steps, not pixels.
    await train({
      config: tiny({ model: { baseWidth: 2 }, train: { maxSteps: 200, batchSize: 4 }, data: { trainSubset: 64, testSubset: 16 } }),
      data: crop(mnist, 8),
      hooks: { onStep: (m) => counts.set(m.step, m.numTensors) },
    });
    expect(counts.get(5)).toBeGreaterThan(0);
    expect(counts.get(200)).toBe(counts.get(5));
  });

  it('reads each step\'s numbers a step behind, once the next step is queued', async () => {
    // In the hook for step k, step k+1's packed numbers are alive (queued,
    // not yet read); only the last step is read with nothing behind it.
    const inFlight: number[] = [];
    await train({ config: tiny({ train: { maxSteps: 5 } }), data: mnist, hooks: { onStep: (m) => inFlight.push(tf.memory().numTensors - m.numTensors) } });
    expect(inFlight).toEqual([1, 1, 1, 1, 0]);
  });

  it('frees everything it made when stopped mid-run', async () => {
    const before = tf.memory().numTensors;
    const control = new RunControl();
    const steps: number[] = [];
    const result = await train({ config: tiny({ train: { maxSteps: 0 } }), data: mnist, control, hooks: { onStep: (m) => (steps.push(m.step), m.step === 3 && control.stop()) } });
    // Step 3's numbers arrive once step 4 is queued: that step is applied,
    // reported, and the run stops there.
    expect(result).toEqual({ reason: 'stopped', steps: 4 });
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pauses and resumes without losing steps', async () => {
    const control = new RunControl();
    const phases: string[] = [];
    const steps: number[] = [];
    const run = train({
      config: tiny({ train: { maxSteps: 6 } }),
      data: mnist,
      control,
      hooks: { onPhase: (p) => phases.push(p), onStep: (m) => { steps.push(m.step); if (m.step === 2) control.pause(); } },
    });
    while (phases.at(-1) !== 'paused') await new Promise((r) => setTimeout(r, 20));
    // Paused: the step in flight when step 2's numbers came (3) lands, then
    // nothing however long we wait.
    await new Promise((r) => setTimeout(r, 1500));
    expect(steps).toEqual([1, 2, 3]);
    expect(phases.at(-1)).toBe('paused');
    control.resume();
    expect(await run).toEqual({ reason: 'finished', steps: 6 });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops with the step and the likely cause when the loss diverges', async () => {
    const before = tf.memory().numTensors;
    // Adam moves every weight by about lr per step: at lr 10, without batch
    // norm, a 20-layer net's activations overflow within a few steps.
    const run = train({ config: tiny({ model: { blocksPerStage: 3, batchNorm: false }, train: { learningRate: 10, optimizer: 'adam', maxSteps: 30 } }), data: mnist });
    await expect(run).rejects.toThrow(TrainingError);
    await expect(run).rejects.toThrow(/loss became (NaN|infinite) at step \d+.*learning rate \(10\)/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch norm', () => {
  it('updates moving statistics inside the loop, and evaluation uses them', () => {
    const model = buildModel(tiny().model, [28, 28, 1], 10, 7);
    const optimizer = makeOptimizer(tiny().train);
    const batcher = new Batcher(mnist, channelStats(mnist.train, 1, 1000));
    const { x, y } = batcher.batch(mnist.train, Array.from({ length: 16 }, (_, i) => i));
    const mean0 = model.state.get('stem.bn.movingMean')!.arraySync() as number[];
    const var0 = model.state.get('stem.bn.movingVariance')!.arraySync() as number[];
    for (let i = 0; i < 3; i++) trainStep(model, optimizer, x, y, { lr: 0.05, labelSmoothing: 0, withNorms: true }).dispose();
    const mean1 = model.state.get('stem.bn.movingMean')!.arraySync() as number[];
    const var1 = model.state.get('stem.bn.movingVariance')!.arraySync() as number[];
    expect(mean1).not.toEqual(mean0);
    expect(var1).not.toEqual(var0);

    // Evaluation reads them and leaves them alone.
    const evalA = tf.tidy(() => model.forward(x, false).arraySync());
    expect(model.state.get('stem.bn.movingMean')!.arraySync()).toEqual(mean1);
    for (const [name, v] of model.state) v.assign(name.endsWith('movingMean') ? tf.zerosLike(v) : tf.onesLike(v));
    const evalB = tf.tidy(() => model.forward(x, false).arraySync());
    expect(evalB).not.toEqual(evalA);
    // Training mode uses batch statistics, so resetting the moving ones does not matter there.
    const trainA = tf.tidy(() => model.forward(x, true).arraySync());
    for (const v of model.state.values()) v.assign(tf.fill(v.shape, 3));
    const trainB = tf.tidy(() => model.forward(x, true).arraySync());
    expect(trainB).toEqual(trainA);

    x.dispose();
    y.dispose();
    disposeOptimizer(optimizer);
    model.dispose();
  });
});
