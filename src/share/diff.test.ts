import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { diffConfigs } from './diff';

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
});
