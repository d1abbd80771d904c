// `playground url`: the URL codec from the command line.
//   playground url '<query>'            -> { "config": {...}, "errors": [...] }; exit 1 when a field was refused
//   playground url ''                   -> the default config
//   playground url --encode '<json>'    -> the query string of a config (missing fields: defaults)
// Pure TS over src/share/url.ts: no tfjs.
import { DEFAULT_CONFIG } from '../config/presets';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import { decode, encode } from '../share/url';
import { UsageError, type Flags } from './args';

export const URL_USAGE = `usage: playground url '<query>'
       playground url --encode '<config json>'
  Decodes a query string (with or without '?') and prints { "config", "errors" };
  exits 1 when any field was refused (the config then holds the defaults used
  instead). --encode prints the query string of a config given as JSON, e.g.
  '{"model":{"blocksPerStage":9,"skip":false}}' (missing fields take the defaults).`;

export interface CommandResult { stdout: string; stderr?: string; code: number }

/** A whole Config from JSON over the defaults, section by section; keys outside Config are errors. */
function configFromJson(text: string): { config: Config; errors: FieldError[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--encode needs a config as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError('--encode needs a JSON object such as {"model":{"blocksPerStage":9}}');
  const config = structuredClone(DEFAULT_CONFIG);
  const errors: FieldError[] = [];
  for (const [section, value] of Object.entries(raw)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_CONFIG, section) || typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ field: section, message: `unknown section "${section}" (expected model, train or data holding an object), ignored` });
      continue;
    }
    const target = config[section as keyof Config] as unknown as Record<string, unknown>;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (Object.prototype.hasOwnProperty.call(target, key)) target[key] = v;
      else errors.push({ field: `${section}.${key}`, message: `unknown field "${section}.${key}", ignored` });
    }
  }
  return { config, errors };
}

export function urlCommand(positional: string[], flags: Flags): CommandResult {
  const json = flags.get('encode');
  if (json !== undefined) {
    if (positional.length > 0) throw new UsageError(`url --encode takes one JSON argument, got also ${positional[0]}`);
    if (typeof json !== 'string') throw new UsageError('--encode needs a value');
    const { config, errors } = configFromJson(json);
    const query = encode(config);
    // Values of the wrong type or out of range encode as given; decoding says which.
    const all = [...errors, ...decode(query).errors];
    const stderr = all.map((e) => `playground url: ${e.field}: ${e.message}`).join('\n');
    return { stdout: query, code: all.length > 0 ? 1 : 0, ...(stderr ? { stderr } : {}) };
  }
  if (positional.length !== 1) throw new UsageError(`url takes one query string (quote it; '' for the defaults), got ${positional.length} arguments`);
  const { config, errors } = decode(positional[0] as string);
  return { stdout: JSON.stringify({ config, errors }, null, 2), code: errors.length > 0 ? 1 : 0 };
}
