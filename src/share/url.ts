// The Config <-> URL query codec. One table, FIELDS, drives both directions
// (as tensorflow/playground's PROPS in src/state.ts does): a row is the short
// query key, the Config path and the kind. encode writes only what differs
// from DEFAULT_CONFIG; decode repairs untrusted input field by field (as
// excalidraw's restore.ts does with scenes): a bad field keeps its default
// and yields one FieldError, the rest still decode, and it never throws.
// Pure TS: imports no tfjs and no React, and has no side effects.
//
// Query grammar: `v=1&key=value&...`, parts split on '&' and the first '=',
// each part percent-decoded on its own with '+' meaning space.
// Duplicate keys: the last one wins, and the key is reported once. Lists are
// whole numbers joined by '-' (`blocks=3-4-6-3`), checked against LIST_LIMITS.
import { DEFAULT_CONFIG, sameValue } from '../config/presets';
import type { Config } from '../config/types';
import { checkList, checkNumber, LIMITS, type FieldError, type ListField, type NumericField } from '../config/validate';

/** The only format version this build writes and reads. */
export const VERSION = '1';
const VERSION_KEY = 'v';

type Section = keyof Config;
type Leaf<S extends Section> = keyof Config[S] & string;
/** Dotted paths of the leaves whose value type is T, e.g. 'model.skip' for boolean. */
type PathOf<T> = { [S in Section]: { [K in Leaf<S>]: Config[S][K] extends T ? `${S}.${K}` : never }[Leaf<S>] }[Section];
/** Every leaf of Config, as a dotted path. */
export type ConfigPath = PathOf<unknown>;
type ValueAt<P extends ConfigPath> = P extends `${infer S extends Section}.${infer K}`
  ? K extends keyof Config[S] ? Config[S][K] : never
  : never;

/** A whole number or a float, ranged by LIMITS[path]; the kind follows LIMITS, so the two cannot disagree. */
function num<const K extends string, const P extends NumericField>(key: K, path: P) {
  const kind: 'int' | 'float' = LIMITS[path].integer ? 'int' : 'float';
  return { key, path, kind };
}
/** Written as on|off. */
function bool<const K extends string, const P extends PathOf<boolean>>(key: K, path: P) {
  return { key, path, kind: 'bool' as const };
}
/** A list of whole numbers, written joined by '-' (`blocks=3-4-6-3`), ranged by LIST_LIMITS[path]. */
function ints<const K extends string, const P extends ListField>(key: K, path: P) {
  return { key, path, kind: 'ints' as const };
}
/** The allowed values, as a record so that the compiler checks them against the type: none missing, none extra. */
function oneOf<const K extends string, const P extends PathOf<string>>(key: K, path: P, values: Record<ValueAt<P> & string, true>) {
  return { key, path, kind: 'enum' as const, values: Object.keys(values) as readonly string[] };
}

/** The key table, in the order encode writes. The UI may read it (labels, inputs, kinds). */
export const FIELDS = [
  oneOf('family', 'model.family', { 'cifar-resnet': true, resnet: true, vgg: true, alexnet: true, densenet: true, efficientnet: true }),
  num('n', 'model.blocksPerStage'),
  ints('blocks', 'model.stageBlocks'),
  num('width', 'model.baseWidth'),
  oneOf('block', 'model.blockType', { basic: true, bottleneck: true }),
  oneOf('stem', 'model.stem', { cifar: true, imagenet: true, deep: true }),
  num('groups', 'model.cardinality'),
  num('groupwidth', 'model.groupWidth'),
  num('widen', 'model.widthFactor'),
  num('se', 'model.se'),
  bool('preact', 'model.preact'),
  num('growth', 'model.growthRate'),
  num('deepen', 'model.depthFactor'),
  num('hidden', 'model.hiddenUnits'),
  num('dropout', 'model.dropout'),
  num('droppath', 'model.dropPath'),
  bool('skip', 'model.skip'),
  bool('bn', 'model.batchNorm'),
  oneOf('shortcut', 'model.shortcut', { A: true, B: true, avgDown: true }),
  oneOf('init', 'model.init', { 'he-normal': true, 'he-normal-zero-gamma': true }),
  num('tlayers', 'model.transformerLayers'),
  num('twidth', 'model.transformerWidth'),
  num('heads', 'model.heads'),
  num('mlpratio', 'model.mlpRatio'),
  num('batch', 'train.batchSize'),
  oneOf('opt', 'train.optimizer', { sgd: true, momentum: true, adam: true }),
  num('lr', 'train.learningRate'),
  num('mom', 'train.momentum'),
  num('wd', 'train.weightDecay'),
  num('epochs', 'train.epochs'),
  num('steps', 'train.maxSteps'),
  num('seed', 'train.seed'),
  oneOf('backend', 'train.backend', { auto: true, webgpu: true, webgl: true, wasm: true, cpu: true }),
  oneOf('data', 'data.dataset', { mnist: true }),
  num('subset', 'data.trainSubset'),
  num('test', 'data.testSubset'),
] as const;

export type Field = (typeof FIELDS)[number];

// Compile-time check that every Config leaf has a row: a new Config field
// without a URL key fails here.
type Uncovered = Exclude<ConfigPath, Field['path']>;
const allCovered: [Uncovered] extends [never] ? true : Uncovered = true;
void allCovered;

// A Map, not an object, so that keys such as '__proto__' are plain misses.
const BY_KEY: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [f.key, f]));

function getAt(config: Config, path: ConfigPath): unknown {
  const [section, key] = path.split('.') as [Section, string];
  return (config[section] as unknown as Record<string, unknown>)[key];
}

/** Paths come from FIELDS only, never from the query. */
function setAt(config: Config, path: ConfigPath, value: unknown): void {
  const [section, key] = path.split('.') as [Section, string];
  (config[section] as unknown as Record<string, unknown>)[key] = value;
}

function format(field: Field, value: unknown): string {
  if (field.kind === 'bool') return value ? 'on' : 'off';
  if (field.kind === 'ints') return Array.isArray(value) ? value.join('-') : String(value);
  return String(value); // numbers: the shortest text that reads back to the same double
}

/**
 * The query string for a config, without a leading '?': `v=1` and then, in
 * FIELDS order, only the fields that differ from DEFAULT_CONFIG. Values are
 * written as they are; an invalid config encodes, and decode refuses the bad fields.
 */
export function encode(config: Config): string {
  const parts = [`${VERSION_KEY}=${VERSION}`];
  for (const field of FIELDS) {
    const value = getAt(config, field.path);
    if (sameValue(value, getAt(DEFAULT_CONFIG, field.path))) continue;
    parts.push(`${field.key}=${encodeURIComponent(format(field, value))}`);
  }
  return parts.join('&');
}

/** Shown in messages: quoted, escaped, and cut short. */
function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

// Plain decimal or exponent notation only: Number() alone would also take
// '', ' ', '0x10', '0b1' and 'Infinity'.
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value for a field, or the reason it is refused. */
function parse(field: Field, raw: string): { value: unknown } | { message: string } {
  switch (field.kind) {
    case 'int':
    case 'float': {
      if (!NUMBER.test(raw)) return { message: `${field.path} must be a number, got ${quote(raw)}` };
      const value = Number(raw) + 0; // + 0 turns -0 into 0
      const message = checkNumber(field.path, value);
      return message ? { message } : { value };
    }
    case 'bool':
      if (raw === 'on' || raw === 'off') return { value: raw === 'on' };
      return { message: `${field.path} must be on or off, got ${quote(raw)}` };
    case 'enum':
      if (field.values.includes(raw)) return { value: raw };
      return { message: `${field.path} must be one of ${field.values.join(', ')}, got ${quote(raw)}` };
    case 'ints': {
      const parts = raw.split('-');
      if (!parts.every((p) => /^\d{1,9}$/.test(p))) return { message: `${field.path} must be whole numbers joined by '-', e.g. 3-4-6-3, got ${quote(raw)}` };
      const value = parts.map(Number);
      const message = checkList(field.path, value);
      return message ? { message } : { value };
    }
  }
}

function percentDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

interface Param { raw: string; key: string | undefined; value: string | undefined }

function split(query: string): Param[] {
  const body = query.startsWith('?') ? query.slice(1) : query;
  return body.split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    return { raw: part, key: percentDecode(rawKey), value: percentDecode(eq < 0 ? '' : part.slice(eq + 1)) };
  });
}

/** One parameter into config; returns the error, if any. */
function apply(config: Config, key: string, value: string): FieldError | undefined {
  if (key === VERSION_KEY) {
    if (value === VERSION) return undefined;
    return { field: VERSION_KEY, message: `unsupported version ${quote(value)} (this build reads v=${VERSION}); decoded as v=${VERSION}` };
  }
  const field = BY_KEY.get(key);
  if (!field) return { field: key, message: `unknown field "${key}", ignored` };
  const result = parse(field, value);
  if ('message' in result) {
    return { field: field.path, message: `${result.message}; kept the default ${format(field, getAt(DEFAULT_CONFIG, field.path))}` };
  }
  setAt(config, field.path, result.value);
  return undefined;
}

/**
 * A config from a query string (with or without the leading '?'). Starts from
 * a copy of DEFAULT_CONFIG; each refused parameter keeps the default and adds
 * one FieldError (field: the Config path for a known key, else the key as
 * given). Never throws; the config it returns always passes validateConfig.
 */
export function decode(query: string): { config: Config; errors: FieldError[] } {
  const config = structuredClone(DEFAULT_CONFIG);
  const errors: FieldError[] = [];
  const params = split(typeof query === 'string' ? query : '');
  const lastIndex = new Map<string, number>();
  params.forEach((p, i) => { if (p.key !== undefined) lastIndex.set(p.key, i); });
  const reported = new Set<string>();
  params.forEach((p, i) => {
    const { key, value } = p;
    if (key === undefined || value === undefined) {
      const [rawKey = ''] = p.raw.split('=', 1);
      const field = key === undefined ? rawKey : (BY_KEY.get(key)?.path ?? key);
      errors.push({ field, message: `broken percent-encoding in ${quote(p.raw)}, ignored` });
      return;
    }
    if (lastIndex.get(key) !== i) {
      if (!reported.has(key)) errors.push({ field: BY_KEY.get(key)?.path ?? key, message: `"${key}" is given more than once; the last one is used` });
      reported.add(key);
      return;
    }
    const error = apply(config, key, value);
    if (error) errors.push(error);
  });
  return { config, errors };
}
