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
// Lesson mode (as TF Playground's `hide`): `hide=skip,bn,lr` names, by the
// same keys, the controls the page hides; it is not part of the Config.
import { formatValue } from '../config/format';
import { getAt, setAt, type ConfigPath, type PathOf, type ValueAt } from '../config/path';
import { DEFAULT_CONFIG, sameValue } from '../config/presets';
import type { Config } from '../config/types';
import { checkList, checkNumber, LIMITS, type FieldError, type ListField, type NumericField } from '../config/validate';

/** The only format version this build writes and reads. */
export const VERSION = '1';
const VERSION_KEY = 'v';
/** Lesson mode: the keys of the controls to hide, joined by ','. */
export const HIDE_KEY = 'hide';

/**
 * The runs compared with this config, as configs: each run is the fields
 * where it differs from the main config, `key:value` joined by ',', runs
 * joined by ';' (e.g. `cmp=skip:off;bn:off,lr:0.01`; an empty entry is the
 * main config itself). Address fields are not compared (their values could
 * hold the separators): a compared run uses the main config's.
 */
export const COMPARE_KEY = 'cmp';
/** Most runs one link compares. */
export const MAX_COMPARED = 8;

export type { ConfigPath };

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
/** A web address, http(s) only, or '' for none; kept as written. */
function address<const K extends string, const P extends PathOf<string>>(key: K, path: P) {
  return { key, path, kind: 'url' as const };
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
  num('input', 'model.inputSize'),
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
  oneOf('opt', 'train.optimizer', { sgd: true, momentum: true, nesterov: true, adam: true, adamw: true }),
  num('lr', 'train.learningRate'),
  oneOf('sched', 'train.schedule', { constant: true, step: true, cosine: true, onecycle: true, warmup: true }),
  num('warmup', 'train.warmupEpochs'),
  num('decayevery', 'train.decayEvery'),
  num('decay', 'train.decayFactor'),
  num('mom', 'train.momentum'),
  num('wd', 'train.weightDecay'),
  num('smooth', 'train.labelSmoothing'),
  num('epochs', 'train.epochs'),
  num('steps', 'train.maxSteps'),
  num('seed', 'train.seed'),
  oneOf('backend', 'train.backend', { auto: true, webgpu: true, webgl: true, wasm: true, cpu: true }),
  oneOf('data', 'data.dataset', { mnist: true, fashion: true, cifar10: true, cifar100: true }),
  num('subset', 'data.trainSubset'),
  num('test', 'data.testSubset'),
  bool('crop', 'data.randomCrop'),
  bool('flip', 'data.horizontalFlip'),
  bool('cutout', 'data.cutout'),
  address('dataurl', 'data.dataUrl'),
] as const;

export type Field = (typeof FIELDS)[number];

// Compile-time check that every Config leaf has a row: a new Config field
// without a URL key fails here.
type Uncovered = Exclude<ConfigPath, Field['path']>;
const allCovered: [Uncovered] extends [never] ? true : Uncovered = true;
void allCovered;

// A Map, not an object, so that keys such as '__proto__' are plain misses.
const BY_KEY: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [f.key, f]));

/**
 * The query string for a config, without a leading '?': `v=1` and then, in
 * FIELDS order, only the fields that differ from DEFAULT_CONFIG; last, the
 * hidden controls' keys (lesson mode), in FIELDS order, when there are any.
 * Values are written as they are; an invalid config encodes, and decode
 * refuses the bad fields.
 */
export function encode(config: Config, hidden: readonly ConfigPath[] = [], compared: readonly Config[] = []): string {
  const parts = [`${VERSION_KEY}=${VERSION}`];
  for (const field of FIELDS) {
    const value = getAt(config, field.path);
    if (sameValue(value, getAt(DEFAULT_CONFIG, field.path))) continue;
    parts.push(`${field.key}=${encodeURIComponent(formatValue(value))}`);
  }
  const hide = FIELDS.filter((f) => hidden.includes(f.path)).map((f) => f.key);
  if (hide.length > 0) parts.push(`${HIDE_KEY}=${hide.join(',')}`);
  if (compared.length > 0) parts.push(`${COMPARE_KEY}=${compared.slice(0, MAX_COMPARED).map((c) => comparedEntry(config, c)).join(';')}`);
  return parts.join('&');
}

/** One compared run: `key:value` for each comparable field where it differs from `main`. */
function comparedEntry(main: Config, run: Config): string {
  return FIELDS.filter((f) => f.kind !== 'url' && !sameValue(getAt(run, f.path), getAt(main, f.path)))
    // Numbers, switches, names and '-' lists: nothing to escape.
    .map((f) => `${f.key}:${formatValue(getAt(run, f.path))}`)
    .join(',');
}

/** The compared runs of a `cmp` value, each over a copy of `main`; errors name the run and field, e.g. 'cmp[1].model.skip'. */
function parseCompared(main: Config, raw: string): { compared: Config[]; errors: FieldError[] } {
  const entries = raw.split(';');
  const errors: FieldError[] = [];
  if (entries.length > MAX_COMPARED) errors.push({ field: COMPARE_KEY, message: `cmp lists ${entries.length} runs; the first ${MAX_COMPARED} are compared` });
  const compared = entries.slice(0, MAX_COMPARED).map((entry, i) => {
    const run = structuredClone(main);
    for (const pair of entry.split(',').filter((p) => p !== '')) {
      const colon = pair.indexOf(':');
      const key = colon < 0 ? pair : pair.slice(0, colon);
      const value = colon < 0 ? '' : pair.slice(colon + 1);
      const field = BY_KEY.get(key);
      if (!field || field.kind === 'url') {
        errors.push({ field: `${COMPARE_KEY}[${i}].${field?.path ?? key}`, message: `cmp run ${i + 1}: ${!field ? `unknown field "${key}"` : `${key} cannot differ between compared runs`}, ignored` });
        continue;
      }
      const result = parse(field, value);
      if ('message' in result) errors.push({ field: `${COMPARE_KEY}[${i}].${field.path}`, message: `cmp run ${i + 1}: ${result.message}; kept the main config's value` });
      else setAt(run, field.path, result.value);
    }
    return run;
  });
  return { compared, errors };
}

/** The controls named by a `hide` value, in FIELDS order, and an error per name that is not a key. */
function parseHide(raw: string): { hidden: ConfigPath[]; errors: FieldError[] } {
  const names = raw.split(',').filter((n) => n !== '');
  const errors = names
    .filter((n) => !BY_KEY.has(n))
    .map((n) => ({ field: HIDE_KEY, message: `hide: unknown control ${quote(n)}, ignored (names are the URL keys, e.g. skip, bn, lr)` }));
  const hidden = FIELDS.filter((f) => names.includes(f.key)).map((f) => f.path);
  return { hidden, errors };
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
    case 'url': {
      const message = checkAddress(field.path, raw);
      return message ? { message } : { value: raw };
    }
    case 'ints': {
      const parts = raw.split('-');
      if (!parts.every((p) => /^\d{1,9}$/.test(p))) return { message: `${field.path} must be whole numbers joined by '-', e.g. 3-4-6-3, got ${quote(raw)}` };
      const value = parts.map(Number);
      const message = checkList(field.path, value);
      return message ? { message } : { value };
    }
  }
}

/** Longest address accepted: a mirror's URL, not a payload. */
export const MAX_ADDRESS_LENGTH = 2000;

/** Why `raw` is not a usable address ('' is: it means none). */
export function checkAddress(path: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.length > MAX_ADDRESS_LENGTH) return `${path} must be at most ${MAX_ADDRESS_LENGTH} characters, got ${raw.length}`;
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) return `${path} must be an http or https address, got ${quote(raw)}`;
  return undefined;
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
  if (key === HIDE_KEY || key === COMPARE_KEY) return undefined; // read by decodeView
  if (key === VERSION_KEY) {
    if (value === VERSION) return undefined;
    return { field: VERSION_KEY, message: `unsupported version ${quote(value)} (this build reads v=${VERSION}); decoded as v=${VERSION}` };
  }
  const field = BY_KEY.get(key);
  if (!field) return { field: key, message: `unknown field "${key}", ignored` };
  const result = parse(field, value);
  if ('message' in result) {
    return { field: field.path, message: `${result.message}; kept the default ${formatValue(getAt(DEFAULT_CONFIG, field.path))}` };
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
  const { config, errors } = decodeView(query);
  return { config, errors };
}

/**
 * decode, plus the controls lesson mode hides (`hide=`), as Config paths in
 * FIELDS order, and the compared runs (`cmp=`), each over the decoded config.
 */
export function decodeView(query: string): { config: Config; errors: FieldError[]; hidden: ConfigPath[]; compared: Config[] } {
  const config = structuredClone(DEFAULT_CONFIG);
  const errors: FieldError[] = [];
  let hidden: ConfigPath[] = [];
  let compare = '';
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
    if (key === HIDE_KEY) {
      const hide = parseHide(value);
      hidden = hide.hidden;
      errors.push(...hide.errors);
      return;
    }
    if (key === COMPARE_KEY) {
      // Read last, over the whole main config, wherever it stands in the query.
      compare = value;
      return;
    }
    const error = apply(config, key, value);
    if (error) errors.push(error);
  });
  const { compared, errors: compareErrors } = lastIndex.has(COMPARE_KEY) ? parseCompared(config, compare) : { compared: [], errors: [] };
  return { config, errors: [...errors, ...compareErrors], hidden, compared };
}
