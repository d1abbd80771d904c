// The benches' argument parser: defaults, lists, booleans, flags that may go
// bare, choices, and errors that name the flag.
import { describe, expect, it } from 'vitest';
import { ArgsError, describeFlags, parseArgs } from './args';

const FLAGS = {
  model: { kind: 'list', default: ['resnet20', 'resnet56'], help: 'presets' },
  batch: { kind: 'numbers', default: [32, 128], help: 'batch sizes' },
  steps: { kind: 'number', default: 3, help: 'timed steps' },
  norms: { kind: 'string', default: 'both', choices: ['both', 'on', 'off'], help: 'norms' },
  threads: { kind: 'numbers', help: 'thread counts' },
  breakdown: { kind: 'string', bare: 'names', choices: ['names', 'shapes'], help: 'kernel times' },
  trace: { kind: 'string', bare: 'trace.json', help: 'trace file' },
  json: { kind: 'boolean', help: 'JSON out' },
} as const;

describe('parseArgs', () => {
  it('gives the defaults when nothing is passed', () => {
    expect(parseArgs([], FLAGS)).toEqual({ model: ['resnet20', 'resnet56'], batch: [32, 128], steps: 3, norms: 'both', threads: undefined, breakdown: undefined, trace: undefined, json: false, positionals: [] });
  });

  it('reads values after the flag or after =, lists split on commas', () => {
    const a = parseArgs(['--model', 'resnet18-cifar', '--batch=2,4', '--steps', '1', '--norms', 'off', '--json', '--threads', '1,2'], FLAGS);
    expect(a).toMatchObject({ model: ['resnet18-cifar'], batch: [2, 4], steps: 1, norms: 'off', json: true, threads: [1, 2] });
  });

  it('takes the bare value of a flag given without one', () => {
    expect(parseArgs(['--breakdown', '--json'], FLAGS)).toMatchObject({ breakdown: 'names', json: true });
    expect(parseArgs(['--breakdown', 'shapes'], FLAGS).breakdown).toBe('shapes');
    expect(parseArgs(['--trace'], FLAGS).trace).toBe('trace.json');
    expect(parseArgs(['--trace', 'out.json'], FLAGS).trace).toBe('out.json');
  });

  it('names the flag in every error', () => {
    const error = (argv: string[]) => {
      try {
        parseArgs(argv, FLAGS);
      } catch (e) {
        expect(e).toBeInstanceOf(ArgsError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error(['--stpes', '3'])).toBe('unknown flag --stpes');
    expect(error(['--steps'])).toBe('--steps needs a value');
    expect(error(['--steps', 'three'])).toBe('--steps: not a number: three');
    expect(error(['--norms', 'maybe'])).toBe('--norms: one of both, on, off, not maybe');
    expect(error(['--json=yes'])).toBe('--json takes no value');
    expect(error(['stray'])).toBe('unexpected argument stray');
  });

  it('takes positionals only where allowed', () => {
    expect(parseArgs(['trace.json'], {}, 1).positionals).toEqual(['trace.json']);
  });

  it('lists every flag with its default for --help', () => {
    const help = describeFlags(FLAGS);
    expect(help).toContain('--batch A,B');
    expect(help).toContain('default 32,128');
    expect(help).toContain('--breakdown [names|shapes]');
    expect(help.split('\n')).toHaveLength(Object.keys(FLAGS).length);
  });
});
