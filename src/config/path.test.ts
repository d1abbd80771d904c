import { describe, expect, it } from 'vitest';
import { getAt, setAt } from './path';
import { DEFAULT_CONFIG } from './presets';

describe('a config field by path', () => {
  it('reads and writes one leaf, leaving the others', () => {
    const c = structuredClone(DEFAULT_CONFIG);
    expect(getAt(c, 'model.skip')).toBe(true);
    expect(getAt(c, 'train.batchSize')).toBe(DEFAULT_CONFIG.train.batchSize);
    setAt(c, 'model.skip', false);
    setAt(c, 'model.stageBlocks', [3, 4, 6, 3]);
    expect(c.model).toEqual({ ...DEFAULT_CONFIG.model, skip: false, stageBlocks: [3, 4, 6, 3] });
    expect(DEFAULT_CONFIG.model.skip).toBe(true);
  });
});
