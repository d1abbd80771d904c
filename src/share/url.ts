// The Config <-> URL query codec. One table, FIELDS (fields.ts), drives both
// directions (as tensorflow/playground's PROPS in src/state.ts does): a row
// is the short query key, the Config path and the kind. encode writes only what differs
// from DEFAULT_CONFIG; decode repairs untrusted input field by field (as
// excalidraw's restore.ts does with scenes): a bad field keeps its default
// and yields one FieldError, the rest still decode, and it never throws.
// Pure TS: imports no tfjs and no React, and has no side effects.
//
// Query grammar: `v=1&key=value&...`, parts split on '&' and the first '=',
// each part percent-decoded on its own with '+' meaning space.
// A query past MAX_QUERY_LENGTH is refused whole and a parameter past
// MAX_PARAM_LENGTH by its key, neither decoded; past MAX_PARAMS parameters
// the rest are dropped with one error.
// Duplicate keys: the last one wins, and the key is reported once. Lists are
// whole numbers joined by '-' (`blocks=3-4-6-3`), checked against LIST_LIMITS.
// Lesson mode (as TF Playground's `hide`): `hide=skip,bn,lr` names, by the
// same keys, the controls the page hides; it is not part of the Config.
// Page parameters, not part of the Config either: `lang=fa|en` (the page's
// language) and `lesson=ID` (the lesson open, src/lessons/).
import { formatValue } from '../config/format';
import { getAt, setAt, type ConfigPath } from '../config/path';
import { DEFAULT_CONFIG, sameValue } from '../config/presets';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import { textOverCap } from './caps';
import { fieldByKey, FIELDS, parseValue, quote, type Field } from './fields';
import { isLanguage, LANGUAGES, type Language } from '../config/languages';

/** The only format version this build writes and reads. */
export const VERSION = '1';
const VERSION_KEY = 'v';
/** Lesson mode: the keys of the controls to hide, joined by ','. */
export const HIDE_KEY = 'hide';

/**
 * The runs compared with this config, as configs: each run is the fields
 * where it differs from the main config, `key:value` joined by ',', runs
 * joined by ';' (e.g. `cmp=skip:off;bn:off,lr:0.01`; an empty entry is the
 * main config itself). Address and name fields (the data mirror, the
 * starting weights) are not compared (their values could hold the
 * separators): a compared run uses the main config's.
 */
export const COMPARE_KEY = 'cmp';
/** The page's language, `lang=fa` (src/i18n/languages.ts). */
export const LANG_KEY = 'lang';
/** The lesson open, `lesson=skip` (src/lessons/lessons.ts). */
export const LESSON_KEY = 'lesson';

/** What a link says about the page besides the config: its language and the lesson open. */
export interface PageParams {
  lang?: Language;
  lesson?: string;
}

/** Most runs one link compares. */
export const MAX_COMPARED = 8;

/**
 * The longest query read, in characters: about four times the longest this
 * build writes (every field off its default, a 2,000-character non-ASCII
 * mirror address percent-encoded, 8 compared runs: about 33,000), and past
 * the longest a run file's config makes (json.ts). Past it the whole query
 * is refused, unread, and the defaults stand.
 */
export const MAX_QUERY_LENGTH = 128 * 1024;
/** The longest parameter read (`key=value`, percent-encoded); past it the parameter is refused by its key, undecoded. */
export const MAX_PARAM_LENGTH = 32 * 1024;
/** Parameters read at most: one per field and a few more; the rest are refused in one error, not one each. */
export const MAX_PARAMS = 256;

export { checkAddress, FIELDS, MAX_ADDRESS_LENGTH, type Field } from './fields';
export type { ConfigPath };

/**
 * The query string for a config, without a leading '?': `v=1` and then, in
 * FIELDS order, only the fields that differ from DEFAULT_CONFIG; last, the
 * hidden controls' keys (lesson mode), in FIELDS order, when there are any.
 * Values are written as they are; an invalid config encodes, and decode
 * refuses the bad fields.
 */
export function encode(config: Config, hidden: readonly ConfigPath[] = [], compared: readonly Config[] = [], page: PageParams = {}): string {
  const parts = [`${VERSION_KEY}=${VERSION}`];
  for (const field of FIELDS) {
    const value = getAt(config, field.path);
    if (sameValue(value, getAt(DEFAULT_CONFIG, field.path))) continue;
    parts.push(`${field.key}=${encodeURIComponent(formatValue(value))}`);
  }
  const hide = FIELDS.filter((f) => hidden.includes(f.path)).map((f) => f.key);
  if (hide.length > 0) parts.push(`${HIDE_KEY}=${hide.join(',')}`);
  if (compared.length > 0) parts.push(`${COMPARE_KEY}=${compared.slice(0, MAX_COMPARED).map((c) => comparedEntry(config, c)).join(';')}`);
  if (page.lesson) parts.push(`${LESSON_KEY}=${encodeURIComponent(page.lesson)}`);
  if (page.lang && page.lang !== 'en') parts.push(`${LANG_KEY}=${page.lang}`);
  return parts.join('&');
}

/** One compared run: `key:value` for each comparable field where it differs from `main`. */
function comparedEntry(main: Config, run: Config): string {
  return FIELDS.filter((f) => f.kind !== 'url' && f.kind !== 'text' && !sameValue(getAt(run, f.path), getAt(main, f.path)))
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
      const field = fieldByKey(key);
      if (!field || field.kind === 'url' || field.kind === 'text') {
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
    .filter((n) => !fieldByKey(n))
    .map((n) => ({ field: HIDE_KEY, message: `hide: unknown control ${quote(n)}, ignored (names are the URL keys, e.g. skip, bn, lr)` }));
  const hidden = FIELDS.filter((f) => names.includes(f.key)).map((f) => f.path);
  return { hidden, errors };
}

/** The value for a field, or the reason it is refused, naming the Config path. */
function parse(field: Field, raw: string): { value: unknown } | { message: string } {
  const result = parseValue(field, raw);
  return 'expected' in result ? { message: `${field.path} must be ${result.expected}, got ${quote(raw)}` } : result;
}

function percentDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

interface Param { raw: string; key: string | undefined; value: string | undefined }

/** A parameter's key as given, for a message about it (percent-decoded where it can be, at most 100 characters), and the field it names. */
function keyOf(part: string): { key: string; field: string } {
  const eq = part.indexOf('=');
  const rawKey = (eq < 0 ? part : part.slice(0, eq)).slice(0, 100);
  const key = percentDecode(rawKey) ?? rawKey;
  return { key, field: fieldByKey(key)?.path ?? key };
}

/** The query's parameters, each percent-decoded, and the refusals of those too long or too many to read. */
function split(query: string): { params: Param[]; errors: FieldError[] } {
  const body = query.startsWith('?') ? query.slice(1) : query;
  const parts = body.split('&').filter((part) => part !== '');
  const errors: FieldError[] = [];
  if (parts.length > MAX_PARAMS) errors.push({ field: 'query', message: `the link has ${parts.length.toLocaleString('en-US')} parameters, more than a link of this page can have (${MAX_PARAMS}); the first ${MAX_PARAMS} are read` });
  const params = parts.slice(0, MAX_PARAMS).flatMap((part) => {
    const long = textOverCap(part.length, MAX_PARAM_LENGTH, 'a parameter');
    if (long) {
      const { key, field } = keyOf(part);
      errors.push({ field, message: `${quote(key)}: ${long}; ignored` });
      return [];
    }
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    return [{ raw: part, key: percentDecode(rawKey), value: percentDecode(eq < 0 ? '' : part.slice(eq + 1)) }];
  });
  return { params, errors };
}

/** The longest parameter of a query too long to read, by its key, found without splitting or decoding it. */
function longestKey(query: string): string {
  let [best, from, at] = [0, 0, 0];
  for (let i = 0; i <= query.length; i = at + 1) {
    at = query.indexOf('&', i);
    if (at < 0) at = query.length;
    if (at - i > best) [best, from] = [at - i, i];
  }
  return quote(keyOf(query.slice(from, from + Math.min(best, 200)).replace(/^\?/, '')).key);
}

/** One parameter into config; returns the error, if any. */
function apply(config: Config, key: string, value: string): FieldError | undefined {
  if (key === HIDE_KEY || key === COMPARE_KEY || key === LANG_KEY || key === LESSON_KEY) return undefined; // read by decodeView
  if (key === VERSION_KEY) {
    if (value === VERSION) return undefined;
    return { field: VERSION_KEY, message: `unsupported version ${quote(value)} (this build reads v=${VERSION}); decoded as v=${VERSION}` };
  }
  const field = fieldByKey(key);
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
export function decodeView(query: string): { config: Config; errors: FieldError[]; hidden: ConfigPath[]; compared: Config[]; page: PageParams } {
  const config = structuredClone(DEFAULT_CONFIG);
  const errors: FieldError[] = [];
  const page: PageParams = {};
  let hidden: ConfigPath[] = [];
  let compare = '';
  const text = typeof query === 'string' ? query : '';
  const long = textOverCap(text.length, MAX_QUERY_LENGTH, 'a link of this page');
  if (long) return { config, errors: [{ field: 'query', message: `the link is ${long} (its longest part: ${longestKey(text)}); not read, the defaults are used` }], hidden, compared: [], page };
  const { params, errors: splitErrors } = split(text);
  errors.push(...splitErrors);
  const lastIndex = new Map<string, number>();
  params.forEach((p, i) => { if (p.key !== undefined) lastIndex.set(p.key, i); });
  const reported = new Set<string>();
  params.forEach((p, i) => {
    const { key, value } = p;
    if (key === undefined || value === undefined) {
      const [rawKey = ''] = p.raw.split('=', 1);
      const field = key === undefined ? rawKey : (fieldByKey(key)?.path ?? key);
      errors.push({ field, message: `broken percent-encoding in ${quote(p.raw)}, ignored` });
      return;
    }
    if (lastIndex.get(key) !== i) {
      if (!reported.has(key)) errors.push({ field: fieldByKey(key)?.path ?? key, message: `"${key}" is given more than once; the last one is used` });
      reported.add(key);
      return;
    }
    if (key === HIDE_KEY) {
      const hide = parseHide(value);
      hidden = hide.hidden;
      errors.push(...hide.errors);
      return;
    }
    if (key === LANG_KEY) {
      if (isLanguage(value)) page.lang = value;
      else errors.push({ field: LANG_KEY, message: `lang: unknown language ${quote(value)} (this page speaks ${Object.keys(LANGUAGES).join(' and ')}), English used` });
      return;
    }
    if (key === LESSON_KEY) {
      // Which ids exist is the lessons' business (the page names an unknown one); here only its shape.
      if (/^[a-z0-9-]{1,40}$/.test(value)) page.lesson = value;
      else errors.push({ field: LESSON_KEY, message: `lesson: ${quote(value.slice(0, 40))} is not a lesson id (e.g. lesson=skip), ignored` });
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
  return { config, errors: [...errors, ...compareErrors], hidden, compared, page };
}
