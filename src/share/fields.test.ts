// The one table: every row has help and command-line names, each name means
// one field, and parseValue tells a wrong kind from a value out of range.
import { describe, expect, it } from 'vitest';
import { fieldByKey, fieldByPath, FIELDS, parseValue } from './fields';

const field = (key: string) => fieldByKey(key) ?? expect.fail(`no row ${key}`);

describe('the FIELDS table', () => {
  it('gives every row a line of help and a flag; each command-line name means one field', () => {
    for (const f of FIELDS) {
      expect(f.help.length, f.key).toBeGreaterThan(0);
      expect(f.help.length, f.key).toBeLessThanOrEqual(80);
    }
    const names = FIELDS.flatMap((f) => [f.flag, ...f.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names each flag by its URL key, but stage blocks (--blocks stays the blocks per stage of old scripts) and the starting weights (a file on the command line)', () => {
    expect(FIELDS.filter((f) => f.flag !== f.key).map((f) => [f.key, f.flag])).toEqual([['blocks', 'stage-blocks'], ['weights', 'init-weights']]);
    expect(field('n').aliases).toContain('blocks');
  });

  it('finds rows by key and by path, and nothing by prototype names', () => {
    expect(fieldByKey('wd')?.path).toBe('train.weightDecay');
    expect(fieldByPath('train.weightDecay')?.key).toBe('wd');
    expect([fieldByKey('__proto__'), fieldByKey('constructor'), fieldByPath('toString')]).toEqual([undefined, undefined, undefined]);
  });

  it('parses a value by its kind: the wrong kind is `expected`, out of range is a message naming the path', () => {
    expect(parseValue(field('n'), '9')).toEqual({ value: 9 });
    expect(parseValue(field('n'), 'nine')).toEqual({ expected: 'a number' });
    expect(parseValue(field('n'), '0')).toEqual({ message: 'model.blocksPerStage must be between 1 and 200, got 0' });
    expect(parseValue(field('skip'), 'off')).toEqual({ value: false });
    expect(parseValue(field('skip'), 'true')).toEqual({ expected: 'on or off' });
    expect(parseValue(field('opt'), 'rmsprop')).toEqual({ expected: 'one of sgd, momentum, nesterov, adam, adamw' });
    expect(parseValue(field('blocks'), '3-4-6-3')).toEqual({ value: [3, 4, 6, 3] });
    expect(parseValue(field('blocks'), '3-x')).toEqual({ expected: "whole numbers joined by '-', e.g. 3-4-6-3" });
    expect(parseValue(field('dataurl'), 'ftp://x')).toHaveProperty('message');
  });
});
