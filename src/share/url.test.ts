// The URL codec: examples, the round trip over arbitrary valid configs, and
// decode's refusals of hostile input, field by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getAt, setAt } from '../config/path';
import { configFromPreset, DEFAULT_CONFIG } from '../config/presets';
import type { Config } from '../config/types';
import { validateConfig } from '../config/validate';
import { arbConfig } from '../testing/configs';
import { decode, decodeView, encode, FIELDS, type ConfigPath } from './url';

function withValue(config: Config, path: ConfigPath, value: unknown): Config {
  const copy = structuredClone(config);
  setAt(copy, path, value);
  return copy;
}

/** Query-shaped strings: known and junk keys, junk values, stray separators. */
const junk = fc.string({ unit: fc.constantFrom('%', '&', '=', '?', '+', 'a', '1', '.', 'e', '-', 'é', '😀', '\u0000', 'E0', 'A4') });
const arbQuery = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('v', '__proto__', 'constructor', 'prototype', ...FIELDS.map((f) => f.key)), junk), fc.oneof(junk, fc.constantFrom('on', 'off', '0', '3', '1e9', 'adam', 'B', '3-4-6-3', '3--4', '-3', '0-1', '201', 'avgDown', 'deep', 'resnet'))))
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

/** Every enum and bool in range too (validateConfig checks numbers only). */
function isFullyValid(config: Config): boolean {
  return validateConfig(config).length === 0 && decode(encode(config)).errors.length === 0;
}

describe('the key table', () => {
  it('has unique keys and covers every leaf of Config', () => {
    const keys = FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    const leaves = Object.entries(DEFAULT_CONFIG).flatMap(([s, o]) => Object.keys(o).map((k) => `${s}.${k}`));
    expect(FIELDS.map((f) => f.path).sort()).toEqual(leaves.sort());
  });
});

describe('encode and decode', () => {
  it('decodes the empty query to the defaults, with no errors', () => {
    expect(decode('')).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    expect(decode('?')).toEqual({ config: DEFAULT_CONFIG, errors: [] });
  });

  it('encodes the defaults as the version alone', () => {
    expect(encode(DEFAULT_CONFIG)).toBe('v=1');
  });

  it('round-trips a hand-written example, in table order', () => {
    let c = withValue(DEFAULT_CONFIG, 'model.blocksPerStage', 9);
    c = withValue(c, 'model.skip', false);
    c = withValue(c, 'model.shortcut', 'B');
    c = withValue(c, 'train.batchSize', 128);
    c = withValue(c, 'train.optimizer', 'adam');
    c = withValue(c, 'train.learningRate', 0.001);
    c = withValue(c, 'train.weightDecay', 5e-7);
    c = withValue(c, 'train.backend', 'webgl');
    c = withValue(c, 'data.trainSubset', 5000);
    const query = 'v=1&n=9&skip=off&shortcut=B&batch=128&opt=adam&lr=0.001&wd=5e-7&backend=webgl&subset=5000';
    expect(encode(c)).toBe(query);
    expect(decode(query)).toEqual({ config: c, errors: [] });
    expect(decode(`?${query}`)).toEqual({ config: c, errors: [] });
  });

  it('round-trips the optimizer, schedule and label smoothing', () => {
    let c = withValue(DEFAULT_CONFIG, 'train.optimizer', 'adamw');
    c = withValue(c, 'train.schedule', 'cosine');
    c = withValue(c, 'train.warmupEpochs', 0.5);
    c = withValue(c, 'train.decayEvery', 30);
    c = withValue(c, 'train.decayFactor', 0.2);
    c = withValue(c, 'train.labelSmoothing', 0.1);
    const query = 'v=1&opt=adamw&sched=cosine&warmup=0.5&decayevery=30&decay=0.2&smooth=0.1';
    expect(encode(c)).toBe(query);
    expect(decode(query)).toEqual({ config: c, errors: [] });
    expect(decode('opt=nesterov&sched=onecycle').config.train).toMatchObject({ optimizer: 'nesterov', schedule: 'onecycle' });
  });

  it('decodes the URLs of the CIFAR-only build as before', () => {
    const { config, errors } = decode('?v=1&n=9&skip=off');
    expect(errors).toEqual([]);
    expect(config).toEqual({ ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, blocksPerStage: 9, skip: false } });
    expect(config.model.family).toBe('cifar-resnet');
  });

  it('round-trips a zoo preset with its list of stage blocks', () => {
    const c = configFromPreset('resnext50_32x4d');
    const query = encode(c);
    expect(query).toBe('v=1&family=resnet&blocks=3-4-6-3&width=64&block=bottleneck&stem=imagenet&groups=32&groupwidth=4&shortcut=B');
    expect(decode(query)).toEqual({ config: c, errors: [] });
    expect(decode(encode(configFromPreset('resnet50d'))).config.model).toMatchObject({ stem: 'deep', shortcut: 'avgDown' });
  });

  it('round-trips the ResNet + Transformer hybrid with its encoder fields', () => {
    const c = configFromPreset('resnet_transformer');
    const query = encode(c);
    expect(query).toBe('v=1&family=resnet&blocks=2-2-2&width=64&shortcut=B&tlayers=2');
    expect(decode(query)).toEqual({ config: c, errors: [] });
    expect(decode('tlayers=1&twidth=96&heads=6&mlpratio=2').config.model).toMatchObject({ transformerLayers: 1, transformerWidth: 96, heads: 6, mlpRatio: 2 });
    expect(decode('heads=0').errors).toHaveLength(1);
  });

  it('round-trips the data fields: data set, augmentation and a mirror address', () => {
    let c = withValue(DEFAULT_CONFIG, 'data.dataset', 'cifar10');
    c = withValue(c, 'data.randomCrop', true);
    c = withValue(c, 'data.horizontalFlip', true);
    c = withValue(c, 'data.cutout', true);
    c = withValue(c, 'data.dataUrl', 'https://mirror.example/cifar/cifar-10-binary.tar.gz?x=1&y=2');
    const query = encode(c);
    expect(query).toBe('v=1&data=cifar10&crop=on&flip=on&cutout=on&dataurl=https%3A%2F%2Fmirror.example%2Fcifar%2Fcifar-10-binary.tar.gz%3Fx%3D1%26y%3D2');
    expect(decode(query)).toEqual({ config: c, errors: [] });
  });

  it('does not share objects with DEFAULT_CONFIG', () => {
    const { config } = decode('n=5');
    expect(DEFAULT_CONFIG.model.blocksPerStage).toBe(3);
    config.train.seed = 99;
    expect(DEFAULT_CONFIG.train.seed).toBe(1);
  });

  it('round-trips every valid config with no errors', () => {
    fc.assert(fc.property(arbConfig, (c) => {
      const { config, errors } = decode(encode(c));
      expect(errors).toEqual([]);
      expect(config).toEqual(c);
    }), { numRuns: 500 });
  });
});

describe('decode refuses bad input field by field', () => {
  it('never throws, and always returns a valid config', () => {
    const unicode = fc.string({ unit: 'binary' });
    const charset = fc.string({ unit: fc.constantFrom('%', '&', '=', '?', '+', 'n', '1', 'é', '\uD800', '😀') });
    for (const arb of [fc.string(), unicode, charset, arbQuery]) {
      fc.assert(fc.property(arb, (s) => isFullyValid(decode(s).config)), { numRuns: 500 });
    }
  });

  it('keeps the default for an out-of-range depth or batch', () => {
    const { config, errors } = decode('n=10000&batch=1e9&lr=0.5');
    expect(config.model.blocksPerStage).toBe(DEFAULT_CONFIG.model.blocksPerStage);
    expect(config.train.batchSize).toBe(DEFAULT_CONFIG.train.batchSize);
    expect(config.train.learningRate).toBe(0.5);
    expect(errors.map((e) => e.field)).toEqual(['model.blocksPerStage', 'train.batchSize']);
    expect(errors[0]?.message).toMatch(/between 1 and 200, got 10000/);
  });

  it.each([
    ['n=3.5', 'model.blocksPerStage', /whole number/],
    ['n=', 'model.blocksPerStage', /must be a number/],
    ['n=0x10', 'model.blocksPerStage', /must be a number/],
    ['lr=Infinity', 'train.learningRate', /must be a number/],
    ['lr=1e400', 'train.learningRate', /finite/],
    ['mom=-0.5', 'train.momentum', /between/],
    ['skip=yes', 'model.skip', /on or off/],
    ['opt=rmsprop', 'train.optimizer', /one of sgd, momentum, nesterov, adam, adamw/],
    ['sched=linear', 'train.schedule', /one of constant, step, multistep, cosine, onecycle, warmup/],
    ['smooth=0.6', 'train.labelSmoothing', /between 0 and 0.5, got 0.6/],
    ['decay=0', 'train.decayFactor', /between/],
    ['decayevery=1.5', 'train.decayEvery', /whole number/],
    ['warmup=-1', 'train.warmupEpochs', /between 0 and 1000/],
    ['blocks=3-4--3', 'model.stageBlocks', /whole numbers joined by '-'/],
    ['blocks=', 'model.stageBlocks', /whole numbers joined by '-'/],
    ['blocks=3-4.5', 'model.stageBlocks', /whole numbers joined by '-'/],
    ['blocks=-3', 'model.stageBlocks', /whole numbers joined by '-'/],
    ['blocks=3-0-6', 'model.stageBlocks', /between 1 and 200, got 0/],
    ['blocks=3-4-6-3-3-4-6-3-1', 'model.stageBlocks', /1 to 8 entries, got 9/],
    ['blocks=99999999999', 'model.stageBlocks', /whole numbers joined by '-'/],
    ['family=resnet9000', 'model.family', /one of cifar-resnet, resnet/],
    ['widen=0', 'model.widthFactor', /between/],
    ['data=cifar1000', 'data.dataset', /one of mnist, fashion, cifar10, cifar100/],
    ['crop=1', 'data.randomCrop', /on or off/],
    ['dataurl=javascript:alert(1)', 'data.dataUrl', /must be an http or https address/],
    ['dataurl=ftp%3A%2F%2Fx%2Fa.tgz', 'data.dataUrl', /must be an http or https address/],
    ['dataurl=https%3A%2F%2F', 'data.dataUrl', /must be an http or https address/],
  ])('%s is refused on %s', (query, field, message) => {
    const { config, errors } = decode(query);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe(field);
    expect(errors[0]?.message).toMatch(message);
  });

  it('treats prototype keys as unknown and pollutes nothing', () => {
    const { config, errors } = decode('__proto__=1&constructor=x&prototype=y&__proto__[polluted]=1&n=4');
    expect(errors.map((e) => e.field)).toEqual(['__proto__', 'constructor', 'prototype', '__proto__[polluted]']);
    expect(errors[0]?.message).toBe('unknown field "__proto__", ignored');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(config.model.blocksPerStage).toBe(4);
  });

  it('reports broken percent-encoding for that parameter and decodes the others', () => {
    const { config, errors } = decode('x=%&n=5&lr=%E0%A4%A&%=1&width=3%32');
    expect(config.model.blocksPerStage).toBe(5);
    expect(config.model.baseWidth).toBe(32);
    expect(config.train.learningRate).toBe(DEFAULT_CONFIG.train.learningRate);
    expect(errors.map((e) => e.field)).toEqual(['x', 'train.learningRate', '%']);
    expect(errors[0]?.message).toMatch(/percent-encoding/);
  });

  it("reads '+' as a space", () => {
    expect(decode('opt=+adam').errors[0]?.message).toMatch(/got " adam"/);
    expect(decode('lr=1e%2B0').config.train.learningRate).toBe(1);
  });

  it('uses the last of duplicate keys, and says so once', () => {
    const { config, errors } = decode('n=4&n=bad&n=6');
    expect(config.model.blocksPerStage).toBe(6);
    expect(errors).toEqual([{ field: 'model.blocksPerStage', message: '"n" is given more than once; the last one is used' }]);
  });

  it('reports another version on v and decodes anyway', () => {
    const { config, errors } = decode('v=2&n=7');
    expect(config.model.blocksPerStage).toBe(7);
    expect(errors.map((e) => e.field)).toEqual(['v']);
  });
});

describe('lesson mode: hide', () => {
  it('hides controls named by their URL keys, and round-trips them in table order', () => {
    const { config, errors, hidden } = decodeView('n=9&hide=lr,skip,bn');
    expect(errors).toEqual([]);
    expect(config.model.blocksPerStage).toBe(9);
    expect(hidden).toEqual(['model.skip', 'model.batchNorm', 'train.learningRate']);
    expect(encode(config, hidden)).toBe('v=1&n=9&hide=skip,bn,lr');
    expect(decode('hide=skip')).toEqual({ config: DEFAULT_CONFIG, errors: [] });
  });

  it('names unknown controls and hides the known ones', () => {
    const { hidden, errors } = decodeView('hide=skip,__proto__,,warp');
    expect(hidden).toEqual(['model.skip']);
    expect(errors.map((e) => e.field)).toEqual(['hide', 'hide']);
    expect(errors[1]?.message).toMatch(/unknown control "warp"/);
  });

  it('round-trips any set of hidden controls with any valid config', () => {
    const arbHidden = fc.subarray(FIELDS.map((f) => f.path as ConfigPath));
    fc.assert(fc.property(arbConfig, arbHidden, (c, h) => {
      expect(decodeView(encode(c, h))).toEqual({ config: c, errors: [], hidden: h, compared: [], page: {} });
    }), { numRuns: 300 });
  });

  it('never throws on hostile hide values', () => {
    fc.assert(fc.property(junk, (s) => Array.isArray(decodeView(`hide=${s}`).hidden)), { numRuns: 300 });
  });
});

describe('compared runs: cmp', () => {
  /** The run with the main config's address and name fields (not compared). */
  const sameAddress = (main: Config, run: Config): Config => {
    const out = structuredClone(run);
    for (const f of FIELDS) if (f.kind === 'url' || f.kind === 'text') setAt(out, f.path, getAt(main, f.path));
    return out;
  };

  it('writes each compared run as the fields where it differs, readable', () => {
    const main = configFromPreset('resnet56');
    const plain = { ...main, model: { ...main.model, skip: false } };
    const noBn = { ...plain, model: { ...plain.model, batchNorm: false }, train: { ...main.train, learningRate: 0.01 } };
    const query = encode(main, [], [plain, noBn, main]);
    expect(query).toBe('v=1&n=9&cmp=skip:off;skip:off,bn:off,lr:0.01;');
    expect(decodeView(query)).toEqual({ config: main, errors: [], hidden: [], compared: [plain, noBn, main], page: {} });
  });

  it('round-trips any compared configs over any main config (address and name fields follow the main config)', () => {
    fc.assert(fc.property(arbConfig, fc.array(arbConfig, { maxLength: 4 }), (main, runs) => {
      const compared = runs.map((r) => sameAddress(main, r));
      expect(decodeView(encode(main, [], compared))).toEqual({ config: main, errors: [], hidden: [], compared, page: {} });
    }), { numRuns: 200 });
  });

  it('refuses bad compared fields by run and field, keeping the main value; reads cmp wherever it stands', () => {
    const { config, compared, errors } = decodeView('cmp=skip:maybe,n:4;depth:3,dataurl:x;lr:0.5&n=5');
    expect(config.model.blocksPerStage).toBe(5);
    expect(compared.map((c) => [c.model.skip, c.model.blocksPerStage, c.train.learningRate])).toEqual([[true, 4, config.train.learningRate], [true, 5, config.train.learningRate], [true, 5, 0.5]]);
    expect(errors.map((e) => e.field)).toEqual(['cmp[0].model.skip', 'cmp[1].depth', 'cmp[1].data.dataUrl']);
  });

  it('never throws on hostile cmp values, and every compared config is valid', () => {
    const hostile = fc.string({ unit: fc.constantFrom(';', ',', ':', 'n', 'lr', 'skip', 'off', '9', '1e9', '%', '__proto__') });
    fc.assert(fc.property(hostile, (s) => decodeView(`cmp=${s}`).compared.every((c) => validateConfig(c).length === 0)), { numRuns: 300 });
  });
});

describe('page parameters: the language and the lesson', () => {
  it('round-trip beside the config, English and no lesson writing nothing', () => {
    const query = encode(DEFAULT_CONFIG, [], [], { lang: 'fa', lesson: 'skip' });
    expect(query).toBe('v=1&lesson=skip&lang=fa');
    expect(decodeView(query)).toMatchObject({ config: DEFAULT_CONFIG, errors: [], page: { lang: 'fa', lesson: 'skip' } });
    expect(encode(DEFAULT_CONFIG, [], [], { lang: 'en' })).toBe('v=1');
  });

  it('an unknown language or a lesson id of the wrong shape is named and ignored', () => {
    const { page, errors } = decodeView('lang=de&lesson=%3Cscript%3E&n=5');
    expect(page).toEqual({});
    expect(errors.map((e) => e.field)).toEqual(['lang', 'lesson']);
    expect(errors[0]?.message).toMatch(/unknown language "de".*en and fa/);
  });
});
