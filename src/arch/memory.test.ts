import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../config/presets';
import { buildArch, summarize } from './arch';
import { checkFits, trainingMemory, type BackendLimits } from './memory';

const resnet20 = summarize(buildArch(DEFAULT_MODEL, 10), [32, 32, 3]);

describe('training memory estimate', () => {
  it('counts weights, gradients and optimizer slots per parameter', () => {
    const sgd = trainingMemory(resnet20, 1, 'sgd');
    const momentum = trainingMemory(resnet20, 1, 'momentum');
    const adam = trainingMemory(resnet20, 1, 'adam');
    expect(momentum.parameterBytes - sgd.parameterBytes).toBe(4 * 269_722);
    expect(adam.parameterBytes - momentum.parameterBytes).toBe(4 * 269_722);
  });

  it('grows linearly with the batch in activations only', () => {
    const a = trainingMemory(resnet20, 32, 'momentum');
    const b = trainingMemory(resnet20, 64, 'momentum');
    expect(b.parameterBytes).toBe(a.parameterBytes);
    expect(b.activationBytes).toBeCloseTo(2 * a.activationBytes, 6);
    // The stem's output, 32×32×16 floats per image, is among the largest tensors.
    expect(a.largestTensorBytes).toBeGreaterThanOrEqual(4 * 32 * 32 * 32 * 16);
  });

  it('refuses what exceeds the limits, naming the numbers and a batch that fits', () => {
    const limits: BackendLimits = { backend: 'webgpu', totalBytes: 256 * 2 ** 20, tensorBytes: 128 * 2 ** 20, source: 'test limits' };
    expect(checkFits(trainingMemory(resnet20, 32, 'momentum'), limits, 32)).toBeNull();
    const message = checkFits(trainingMemory(resnet20, 100_000, 'momentum'), limits, 100_000);
    expect(message).toMatch(/^too big for webgpu \(test limits\): at batch 100000 this model needs about [\d.]+ GiB in all, over the 256\.0 MiB available/);
    expect(message).toMatch(/largest tensor is [\d.]+ GiB, over the 128\.0 MiB one tensor may take/);
    expect(message).toMatch(/a batch of \d+ or fewer would fit/);
  });
});
