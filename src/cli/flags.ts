// The CLI's config flags, generated from the FIELDS table (src/share/fields.ts):
// one flag per field, named by its URL key (`--n 9 --skip off --wd 1e-4` is
// the link's `n=9&skip=off&wd=0.0001`), the CLI's older names as aliases
// (`--blocks`, `--weight-decay`, `--dataset` ...), and the help lines with the
// allowed values from the field's kind and src/config/validate.ts's limits.
// Values read as the CLI always has: numbers as Number() reads them, on/off
// also as true/false; then as the URL reads them (parseValue). Pure TS.
import { formatValue } from '../config/format';
import { getAt, setAt, type ConfigPath } from '../config/path';
import type { Config } from '../config/types';
import { LIMITS, LIST_LIMITS } from '../config/validate';
import { fieldByPath, FIELDS, parseValue, type Field } from '../share/fields';
import { numberFlag, UsageError, type Flags } from './args';

/** Every name a field goes by on the command line, its flag first. */
export function namesOf(field: Field): string[] {
  return [field.flag, ...field.aliases];
}

/** The flag names of `fields`, aliases included. */
export function flagNames(fields: readonly Field[] = FIELDS): string[] {
  return fields.flatMap(namesOf);
}

/** The name `field` was given under, if any; two names for one field is a usage error. */
function nameGiven(flags: Flags, field: Field): string | undefined {
  const given = namesOf(field).filter((n) => flags.has(n));
  if (given.length > 1) throw new UsageError(`${given.map((n) => `--${n}`).join(' and ')} both set ${field.path}; give one`);
  return given[0];
}

/** The name the field at `path` was given under, if any, e.g. 'dataset' for data.dataset. */
export function givenFlag(flags: Flags, path: ConfigPath): string | undefined {
  const field = fieldByPath(path);
  return field && nameGiven(flags, field);
}

/** A flag's value in the URL's words: numbers as Number() reads them ('1e-4', '0x10'), true/false as on/off. */
function urlText(field: Field, flags: Flags, name: string): string {
  if (field.kind === 'int' || field.kind === 'float') return String(numberFlag(flags, name));
  const raw = flags.get(name);
  const text = typeof raw === 'string' ? raw : '';
  if (field.kind === 'bool' && (text === 'true' || text === 'false')) return text === 'true' ? 'on' : 'off';
  return text;
}

/**
 * A copy of `config` with the flags of `fields` applied. A value of the
 * wrong kind throws a UsageError naming its flag; values out of range are
 * gathered into one UsageError naming their Config paths.
 */
export function applyFieldFlags(config: Config, flags: Flags, fields: readonly Field[] = FIELDS): Config {
  const c = structuredClone(config);
  const refused: string[] = [];
  for (const field of fields) {
    const name = nameGiven(flags, field);
    if (name === undefined) continue;
    const result = parseValue(field, urlText(field, flags, name));
    if ('expected' in result) throw new UsageError(`--${name} must be ${result.expected}, got ${String(flags.get(name))}`);
    if ('message' in result) refused.push(result.message);
    else setAt(c, field.path, result.value);
  }
  if (refused.length > 0) throw new UsageError(refused.join('; '));
  return c;
}

/** What a flag takes: N (whole), X (number), on|off, the choices, L (list), URL or NAME. */
function valueName(field: Field): string {
  switch (field.kind) {
    case 'int': return 'N';
    case 'float': return 'X';
    case 'bool': return 'on|off';
    case 'enum': return field.values.join('|');
    case 'ints': return 'L';
    case 'url': return 'URL';
    case 'text': return 'NAME';
  }
}

/** The allowed values in words, from the limits; '' where the value name says it all. */
function allowed(field: Field): string {
  switch (field.kind) {
    case 'int':
    case 'float': return `${LIMITS[field.path].min} to ${LIMITS[field.path].max}`;
    case 'ints': {
      const r = LIST_LIMITS[field.path];
      return `e.g. 3-4-6-3: ${r.minLength} to ${r.maxLength} numbers of ${r.min} to ${r.max}`;
    }
    case 'url': return "http(s), or '' for none";
    case 'text': return "'' for none";
    case 'bool':
    case 'enum': return '';
  }
}

/** Column of the help text. */
const HELP_COLUMN = 24;

/**
 * One help entry per field, in FIELDS order: the flag and what it takes, its
 * help, a CLI note where given, the allowed values, the default from
 * `defaults` (when given), the aliases, and the URL key where the flag differs.
 */
export function fieldHelp(fields: readonly Field[], defaults?: Config, notes: Readonly<Record<string, string>> = {}): string[] {
  return fields.map((f) => {
    const head = `  --${f.flag} ${valueName(f)}`;
    const fallback = defaults ? formatValue(getAt(defaults, f.path)) : '';
    const facts = [allowed(f), fallback !== '' ? `default ${fallback}` : ''].filter((s) => s !== '').join(', ');
    const names = [...f.aliases.map((a) => `alias --${a}`), ...(f.flag !== f.key ? [`URL key ${f.key}`] : [])].join(', ');
    const note = notes[f.key];
    const text = `${f.help}${note ? `; ${note}` : ''}${facts ? ` [${facts}]` : ''}${names ? ` (${names})` : ''}`;
    return head.length < HELP_COLUMN ? `${head.padEnd(HELP_COLUMN)}${text}` : `${head}\n${' '.repeat(HELP_COLUMN)}${text}`;
  });
}
