// The one JSON reader of configs: every valid config reads back as itself;
// bad values, unknown sections and unknown fields are named, never thrown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { validateConfig } from '../config/validate';
import { arbConfig } from '../testing/configs';
import { configFromJson, MAX_CONFIG_ERRORS } from './json';

describe('configFromJson', () => {
  it('lists the first refused fields of a config naming a hundred thousand, and counts the rest', () => {
    const model = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`junk${i}`, i]));
    const { config, errors } = configFromJson({ model });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(errors).toHaveLength(MAX_CONFIG_ERRORS + 1);
    expect(errors[0]).toEqual({ field: 'model.junk0', message: 'unknown field "model.junk0", ignored' });
    expect(errors.at(-1)?.message).toBe(`and ${(100_000 - MAX_CONFIG_ERRORS).toLocaleString('en-US')} more refused fields, not listed`);
  });

  it('reads every valid config back as itself, with no errors', () => {
    fc.assert(fc.property(arbConfig, (c) => {
      expect(configFromJson(JSON.parse(JSON.stringify(c)))).toEqual({ config: c, errors: [] });
    }), { numRuns: 300 });
  });

  it('fills what is missing from the defaults', () => {
    expect(configFromJson({ model: { blocksPerStage: 9, skip: false } })).toEqual({ config: { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, blocksPerStage: 9, skip: false } }, errors: [] });
    for (const empty of [undefined, null, {}, { data: null }]) expect(configFromJson(empty)).toEqual({ config: DEFAULT_CONFIG, errors: [] });
  });

  it('names unknown sections and fields, wrong types and refused values, and keeps their defaults', () => {
    const { config, errors } = configFromJson(JSON.parse('{"train":{"batchSize":0,"speed":3,"seed":{}},"model":{"stageBlocks":[3,4]},"extra":{},"__proto__":{"x":1}}'));
    expect(config).toEqual({ ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, stageBlocks: [3, 4] } });
    expect(errors.map((e) => e.field)).toEqual(['train.speed', 'train.seed', 'extra', '__proto__', 'train.batchSize']);
    expect(errors[4]?.message).toMatch(/between 1 and 1024, got 0; kept the default 32/);
    expect(configFromJson([1, 2]).errors.map((e) => e.field)).toEqual(['config']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses a list nested 5,000 deep by its path (joining it would overflow the stack)', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown;
    expect(configFromJson({ model: { stageBlocks: deep } }).errors).toEqual([{ field: 'model.stageBlocks', message: 'model.stageBlocks has the wrong type (a list holding lists, objects or null)' }]);
  });

  it('never throws, and always returns a valid config', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.record({ model: fc.dictionary(fc.constantFrom('skip', 'blocksPerStage', 'stageBlocks', 'family', 'x'), fc.jsonValue()) }), (any, shaped) => {
      for (const raw of [any, shaped]) expect(validateConfig(configFromJson(raw).config)).toEqual([]);
    }), { numRuns: 300 });
  });
});
