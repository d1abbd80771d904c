import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { diffConfigs, overlayLabel } from './diff';

describe('config diff', () => {
  it('lists exactly the fields that differ, in table order', () => {
    const b = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, skip: false, stageBlocks: [1, 2] }, train: { ...DEFAULT_CONFIG.train, learningRate: 0.5 } };
    expect(diffConfigs(DEFAULT_CONFIG, b)).toEqual([
      { path: 'model.stageBlocks', key: 'blocks', a: DEFAULT_CONFIG.model.stageBlocks.join('-'), b: '1-2' },
      { path: 'model.skip', key: 'skip', a: 'on', b: 'off' },
      { path: 'train.learningRate', key: 'lr', a: String(DEFAULT_CONFIG.train.learningRate), b: '0.5' },
    ]);
    expect(diffConfigs(b, structuredClone(b))).toEqual([]);
  });

  it("labels an overlay by what differs from the current run, and flags another data set as not comparable", () => {
    const plain = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, skip: false }, train: { ...DEFAULT_CONFIG.train, learningRate: 0.1 } };
    expect(overlayLabel(plain, DEFAULT_CONFIG)).toEqual({ label: 'skip off, lr 0.1', comparable: true });
    expect(overlayLabel(structuredClone(DEFAULT_CONFIG), DEFAULT_CONFIG)).toEqual({ label: 'the same config', comparable: true });
    const cifar = { ...plain, data: { ...DEFAULT_CONFIG.data, dataset: 'cifar10' as const } };
    const { label, comparable } = overlayLabel(cifar, DEFAULT_CONFIG);
    expect(comparable).toBe(false);
    expect(label).toMatch(/^skip off, lr 0\.1, data cifar10 \(not comparable: data cifar10 vs mnist\)$/);
  });
});
