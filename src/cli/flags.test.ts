// The CLI's config flags come from the FIELDS table: the help lists every
// field, the older names parse as they always did, and a config's flags
// give the same Config as its share link, field for field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../config/format';
import { getAt } from '../config/path';
import { configFromPreset, DEFAULT_CONFIG } from '../config/presets';
import { FIELDS } from '../share/fields';
import { decode, encode } from '../share/url';
import { arbConfig } from '../testing/configs';
import { parseArgs } from './args';
import { namesOf } from './flags';
import { MODEL_FLAGS, MODEL_HELP } from './model';
import { configFromFlags, TRAIN_FLAGS, TRAIN_USAGE } from './train-config';

const flagsOf = (argv: string[]) => parseArgs(argv, new Set(['json', 'help']), TRAIN_FLAGS).flags;
const train = (...argv: string[]) => configFromFlags(flagsOf(argv));

describe('train --help', () => {
  it.each(FIELDS.map((f) => [f.key, f] as const))('lists %s: its flag, its aliases, its URL key, what it takes', (_, f) => {
    const line = TRAIN_USAGE.split('\n').findIndex((l) => l.startsWith(`  --${f.flag} `));
    expect(line, `--${f.flag}`).toBeGreaterThan(0);
    const entry = TRAIN_USAGE.split('\n').slice(line, line + 2).join('\n');
    for (const alias of f.aliases) expect(entry).toContain(`alias --${alias}`);
    if (f.flag !== f.key) expect(entry).toContain(`URL key ${f.key}`);
    if (f.kind === 'enum') expect(entry).toContain(f.values.join('|'));
    if (f.kind === 'bool') expect(entry).toContain('on|off');
    expect(entry).toContain(f.help);
  });

  it('lists the CLI-only options in the same help, and the model command lists its model fields', () => {
    for (const flag of ['--arch ID', '--archive FILE', '--json', '--help']) expect(TRAIN_USAGE).toContain(flag);
    for (const f of FIELDS.filter((f) => f.path.startsWith('model.') && f.key !== 'input')) expect(MODEL_HELP).toContain(`  --${f.flag} `);
    expect(MODEL_FLAGS).not.toContain('input');
  });
});

describe('the older flag names, as before', () => {
  it.each([
    [['--blocks', '9', '--skip', 'off', '--weight-decay', '1e-4'], 'n=9&skip=off&wd=0.0001'],
    [['--arch', 'resnet56', '--bn', 'false', '--width', '8', '--shortcut', 'B'], 'n=9&bn=off&width=8&shortcut=B'],
    [
      ['--dataset', 'cifar10', '--optimizer', 'adamw', '--schedule', 'cosine', '--warmup-epochs', '0.5', '--decay-every', '30', '--decay-factor', '0.2', '--label-smoothing', '0.1', '--test-subset', '100', '--subset', '1000', '--batch', '128', '--lr', '0.1', '--crop', 'on', '--flip', 'true', '--cutout', 'on', '--epochs', '3', '--seed', '7', '--backend', 'cpu'],
      'data=cifar10&opt=adamw&sched=cosine&warmup=0.5&decayevery=30&decay=0.2&smooth=0.1&test=100&subset=1000&batch=128&lr=0.1&crop=on&flip=on&cutout=on&epochs=3&seed=7&backend=cpu',
    ],
    [['--steps', '50'], 'steps=50&epochs=1000'],
    [['--steps', '50', '--epochs', '3'], 'steps=50&epochs=3'],
    [['--stage-blocks', '3-4-6-3', '--stem', 'deep', '--preact', 'on', '--se', '16', '--groups', '32', '--group-width', '4', '--widen', '2'], 'blocks=3-4-6-3&stem=deep&preact=on&se=16&groups=32&groupwidth=4&widen=2'],
  ])('%j parses as the link %s decodes', (argv, query) => {
    const { config, errors } = decode(query);
    expect(errors).toEqual([]);
    expect(train(...argv)).toEqual(config);
  });

  it('starts from the --arch preset, whose fields the flags override', () => {
    const resnet50 = configFromPreset('resnet50');
    expect(train('--arch', 'resnet50', '--stage-blocks', '3-4-23-3', '--shortcut', 'avgDown')).toEqual({ ...resnet50, model: { ...resnet50.model, stageBlocks: [3, 4, 23, 3], shortcut: 'avgDown' } });
    expect(train()).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    [['--skip', 'maybe'], '--skip must be on or off, got maybe'],
    [['--optimizer', 'rmsprop'], '--optimizer must be one of sgd, momentum, nesterov, adam, adamw, got rmsprop'],
    [['--batch', 'x'], '--batch must be a number, got x'],
    [['--batch', '5000'], 'train.batchSize must be between 1 and 1024, got 5000'],
    [['--blocks', '0', '--lr', '20'], 'model.blocksPerStage must be between 1 and 200, got 0; train.learningRate must be between 0.000001 and 10, got 20'],
    [['--stage-blocks', '3-x'], "--stage-blocks must be whole numbers joined by '-', e.g. 3-4-6-3, got 3-x"],
    [['--arch', 'resnet9000'], /--arch must be one of resnet20/],
    [['--dataset', 'mnist', '--data', 'fashion'], '--data and --dataset both set data.dataset; give one'],
  ])('%j is refused, naming the flag or field', (argv, message) => {
    expect(() => train(...argv)).toThrow(message);
  });
});

describe('flags and links agree', () => {
  it('a config spelled as flags (any of each field\'s names) is the config its link decodes to', () => {
    const spelled = fc.tuple(arbConfig, fc.array(fc.nat(), { minLength: FIELDS.length, maxLength: FIELDS.length }), fc.boolean());
    fc.assert(fc.property(spelled, ([c, picks, inline]) => {
      const argv = FIELDS.flatMap((f, i) => {
        const names = namesOf(f);
        const name = names[(picks[i] as number) % names.length] as string;
        const value = formatValue(getAt(c, f.path));
        return inline ? [`--${name}=${value}`] : [`--${name}`, value];
      });
      const fromLink = decode(encode(c));
      expect(fromLink.errors).toEqual([]);
      expect(train(...argv)).toEqual(fromLink.config);
    }), { numRuns: 300 });
  });
});
