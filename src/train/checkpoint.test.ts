// A run resumed from a checkpoint goes on exactly as if never interrupted:
// same weights, same optimizer slots, same shuffles (tfjs cpu, deterministic).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { syntheticDataset } from '../testing/synthetic';
import type { Config } from '../config/types';
import type { Checkpoint, StepMetrics } from '../protocol/messages';
import { train } from './engine';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (optimizer: Config['train']['optimizer'], width = 4): Config => ({
  model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: width },
  // 32 images at batch 8: 4 steps an epoch, so 7 steps cross an epoch and its evaluation.
  train: { ...DEFAULT_CONFIG.train, optimizer, learningRate: 0.05, momentum: 0.9, batchSize: 8, epochs: 3, maxSteps: 7, weightDecay: 1e-4 },
  data: { ...DEFAULT_CONFIG.data, trainSubset: 32, testSubset: 8 },
});

async function run(cfg: Config, resume?: Checkpoint) {
  const steps: StepMetrics[] = [];
  const checkpoints: Checkpoint[] = [];
  const testAcc: number[] = [];
  await train({ config: cfg, data: syntheticDataset(40, 4, 7), checkpointEvery: 0, ...(resume ? { resume } : {}), hooks: { onStep: (s) => steps.push(s), onCheckpoint: (c) => checkpoints.push(c), onEpoch: (e) => testAcc.push(e.testLoss) } });
  return { steps, checkpoints, testAcc };
}

describe('checkpoints', () => {
  it.each(['momentum', 'adam'] as const)('a run resumed at step 3 (%s) repeats the uninterrupted run from step 4 on', async (optimizer) => {
    const before = tf.memory().numTensors;
    const whole = await run(config(optimizer));
    const at3 = whole.checkpoints.find((c) => c.step === 3);
    expect(at3).toMatchObject({ step: 3, epoch: 1, stepInEpoch: 3 });
    expect(at3?.optimizer).not.toBeNull();
    const resumed = await run(config(optimizer), at3);
    expect(resumed.steps.map((s) => s.step)).toEqual([4, 5, 6, 7]);
    const tail = whole.steps.slice(3);
    resumed.steps.forEach((s, i) => {
      expect(s.loss).toBeCloseTo(tail[i]!.loss, 5);
      s.gradNorms.forEach((g, j) => expect(g).toBeCloseTo(tail[i]!.gradNorms[j]!, 4));
    });
    // The epoch-1 evaluation happens in the resumed run too, on the same weights.
    expect(resumed.testAcc[0]).toBeCloseTo(whole.testAcc[0]!, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the epoch-end checkpoint resumes at the next epoch; the last one holds the final position', async () => {
    const { checkpoints } = await run(config('sgd'));
    expect(checkpoints.find((c) => c.step === 4 && c.epoch === 2)).toMatchObject({ stepInEpoch: 0 });
    expect(checkpoints.at(-1)).toMatchObject({ step: 7, epoch: 2, stepInEpoch: 3 });
  });

  it('refuses a checkpoint of another architecture, naming the variable', async () => {
    const { checkpoints } = await run({ ...config('sgd'), train: { ...config('sgd').train, maxSteps: 1 } });
    await expect(run(config('sgd', 8), checkpoints[0])).rejects.toThrow(/does not fit this model: stem\.conv\.kernel is \[3, 3, 1, 4\], the model's is \[3, 3, 1, 8\]/);
  });
});
