// The optimizer's state out as torch's, without torch: each slot under its
// parameter's PyTorch name and layout, the step counts in the metadata, and
// a file that does not fit refused by name. train.py resuming from it
// against the engine: cli/export.torch.test.ts.
import { describe, expect, it } from 'vitest';
import { configFromPreset } from '../config/presets';
import { decodeSafetensors, encodeSafetensors } from '../data/safetensors';
import type { Checkpoint, WeightSpec } from '../protocol/messages';
import { optimizerStateOf } from '../weights/export';
import { optimizerFileProblem, optimizerSafetensors } from './optimizer';

/** A checkpoint whose optimizer blob holds `slots` (float32, one after another) and the step count. */
function checkpoint(slots: Record<string, { shape: number[]; values: number[] }>, count: number): Checkpoint {
  const entries = [...Object.entries(slots), ['optimizer.stepCount', { shape: [1], values: [count] }] as const];
  const specs: WeightSpec[] = entries.map(([name, t]) => ({ name, shape: [...t.shape], dtype: 'float32' }));
  const data = new Float32Array(entries.flatMap(([, t]) => t.values)).buffer;
  return { step: 7, epoch: 1, stepInEpoch: 7, model: { data: new ArrayBuffer(0), specs: [] }, optimizer: { data, specs } };
}

describe("the optimizer's state as torch's", () => {
  const config = configFromPreset('resnet20');
  config.model.blocksPerStage = 1;
  config.model.baseWidth = 4;

  it("momentum's buffer under the parameter's name, in torch's layout: a conv kernel [kh, kw, in, out] as [out, in, kh, kw]", () => {
    const kernel = Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => i);
    const state = optimizerStateOf(config.model, 10, 'momentum', new Map([['stem.conv.kernel/slot0', { shape: [3, 3, 3, 4], values: Float32Array.from(kernel) }]]), 'akamaster');
    const t = state.get('conv1.weight.momentum_buffer');
    expect(t?.shape).toEqual([4, 3, 3, 3]);
    // torch [o=1, i=2, y=0, x=1] is the engine's [y=0, x=1, i=2, o=1].
    expect(t?.values[((1 * 3 + 2) * 3 + 0) * 3 + 1]).toBe(kernel[((0 * 3 + 1) * 3 + 2) * 4 + 1]);
    expect([...state.keys()]).toEqual(['conv1.weight.momentum_buffer']);
  });

  it("Adam's two moments; plain SGD keeps none; a slot of no parameter is refused by name", () => {
    const slots = new Map([['fc.kernel/slot0', { shape: [16, 10], values: new Float32Array(160) }], ['fc.kernel/slot1', { shape: [16, 10], values: new Float32Array(160) }]]);
    expect([...optimizerStateOf(config.model, 10, 'adam', slots, 'akamaster').keys()]).toEqual(['linear.weight.exp_avg', 'linear.weight.exp_avg_sq']);
    expect(optimizerStateOf(config.model, 10, 'sgd', new Map(), 'akamaster').size).toBe(0);
    expect(() => optimizerStateOf(config.model, 10, 'adam', new Map([['stage9.kernel/slot0', { shape: [1], values: new Float32Array(1) }]]), 'akamaster'))
      .toThrow('the optimizer state has stage9.kernel/slot0, which fits no parameter of this net under adam');
  });

  it('the file: the run\'s step and the optimizer\'s count in the metadata; checked against the run and the weights', () => {
    const bytes = optimizerSafetensors(config, 10, checkpoint({ 'fc.bias/slot0': { shape: [10], values: Array(10).fill(0.5) } }, 7), 'akamaster') as Uint8Array;
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toMatchObject({ optimizer: 'momentum', step: '7', optimizer_steps: '7', naming: 'akamaster' });
    expect(Array.from(tensors.get('linear.bias.momentum_buffer')?.values ?? [])).toEqual(Array(10).fill(0.5));
    const params = new Map([['linear.bias', [10]], ['linear.weight', [10, 16]]]);
    expect(optimizerFileProblem(bytes, 'o.safetensors', 'momentum', params)).toBeNull();
    expect(optimizerFileProblem(bytes, 'o.safetensors', 'adam', params)).toBe('o.safetensors holds the state of momentum; this run uses adam');
    expect(optimizerFileProblem(bytes, 'o.safetensors', 'momentum', new Map([['linear.bias', [5]]]))).toBe('o.safetensors: linear.bias.momentum_buffer is [10], the parameter [5]');
    expect(optimizerFileProblem(bytes, 'o.safetensors', 'momentum', new Map())).toBe('o.safetensors: linear.bias.momentum_buffer is not the momentum state of a parameter of this net');
    expect(optimizerFileProblem(encodeSafetensors({}), 'w.safetensors', 'momentum', params)).toBe('w.safetensors holds no optimizer state; this run uses momentum');
    expect(optimizerFileProblem(new Uint8Array([1, 2]), 'x.bin', 'momentum', params)).toMatch(/^x\.bin/);
    // Plain SGD, or no state kept: no file.
    expect(optimizerSafetensors({ ...config, train: { ...config.train, optimizer: 'sgd' } }, 10, checkpoint({}, 3), 'akamaster')).toBeNull();
    expect(optimizerSafetensors(config, 10, { ...checkpoint({}, 3), optimizer: null }, 'akamaster')).toBeNull();
  });
});
