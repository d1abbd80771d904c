// A Config from untrusted JSON (a run file's config, the argument of
// `playground url --encode`), through the FIELDS table: each value is written
// as its URL text and decoded, so a bad field is refused by name and keeps
// its default, exactly as in a link. Pure TS: no tfjs, no React.
import { formatValue } from '../config/format';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import { fieldByPath, MAX_ADDRESS_LENGTH, MAX_TEXT_LENGTH, type Field } from './fields';
import { decode } from './url';

const SECTIONS: readonly string[] = ['model', 'train', 'data'];

/**
 * The longest text a value of each kind is read at (a number or a list of
 * 8 is under 32 characters): longer is refused before it is encoded, so
 * that the query made of a whole config stays under url.ts's caps.
 */
const longest = (kind: Field['kind']) => (kind === 'url' ? MAX_ADDRESS_LENGTH : kind === 'text' ? MAX_TEXT_LENGTH : 64);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The config a JSON value describes, over the defaults, section by section
 * (`{"model": {"blocksPerStage": 9}}`). A missing or null section, or a
 * missing or null whole value, is the defaults. Each refused field, unknown
 * section or unknown field adds one FieldError naming it and is ignored
 * (past MAX_CONFIG_ERRORS, one more counts the rest).
 * Never throws; the config always passes validateConfig.
 */
export function configFromJson(raw: unknown): { config: Config; errors: FieldError[] } {
  const parts: string[] = [];
  const errors: FieldError[] = [];
  if (raw !== undefined && raw !== null && !isRecord(raw)) errors.push({ field: 'config', message: 'a config must be an object holding model, train and data; used the defaults' });
  for (const [section, holder] of Object.entries(isRecord(raw) ? raw : {})) {
    if (!SECTIONS.includes(section) || (holder !== null && !isRecord(holder))) {
      errors.push({ field: section, message: `unknown section "${section}" (expected model, train or data holding an object), ignored` });
      continue;
    }
    for (const [key, value] of Object.entries(holder ?? {})) {
      const field = fieldByPath(`${section}.${key}`);
      if (!field) errors.push({ field: `${section}.${key}`, message: `unknown field "${section}.${key}", ignored` });
      else if (!['boolean', 'number', 'string'].includes(typeof value) && !Array.isArray(value)) errors.push({ field: field.path, message: `${field.path} has the wrong type (${value === null ? 'null' : typeof value})` });
      // Joining lists nested thousands deep overflows the stack: only a flat list is written out.
      else if (Array.isArray(value) && !value.every((v) => ['boolean', 'number', 'string'].includes(typeof v))) errors.push({ field: field.path, message: `${field.path} has the wrong type (a list holding lists, objects or null)` });
      else {
        const text = formatValue(value);
        if (text.length > longest(field.kind)) errors.push({ field: field.path, message: `${field.path} must be at most ${longest(field.kind)} characters, got ${text.length.toLocaleString('en-US')}; kept the default` });
        else parts.push(`${field.key}=${encodeURIComponent(text)}`);
      }
    }
  }
  const decoded = decode(parts.join('&'));
  const all = [...errors, ...decoded.errors];
  // A hostile file can name a million unknown fields: the panel lists a few and counts the rest.
  if (all.length <= MAX_CONFIG_ERRORS) return { config: decoded.config, errors: all };
  return { config: decoded.config, errors: [...all.slice(0, MAX_CONFIG_ERRORS), { field: 'config', message: `and ${(all.length - MAX_CONFIG_ERRORS).toLocaleString('en-US')} more refused fields, not listed` }] };
}

/** Most refused fields of one config that are listed one by one. */
export const MAX_CONFIG_ERRORS = 20;
