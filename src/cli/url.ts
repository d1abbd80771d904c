// `playground url`: the URL codec from the command line.
//   playground url '<query>'            -> { "config": {...}, "errors": [...] }; exit 1 when a field was refused
//   playground url ''                   -> the default config
//   playground url --encode '<json>'    -> the query string of a config (missing fields: defaults)
// Pure TS over src/share/url.ts: no tfjs.
import { configFromJson } from '../share/json';
import { decode, encode } from '../share/url';
import { UsageError, type Flags } from './args';

export const URL_USAGE = `usage: playground url '<query>'
       playground url --encode '<config json>'
  Decodes a query string (with or without '?') and prints { "config", "errors" };
  exits 1 when any field was refused (the config then holds the defaults used
  instead). --encode prints the query string of a config given as JSON, e.g.
  '{"model":{"blocksPerStage":9,"skip":false}}' (missing fields take the defaults;
  a refused or unknown field is named on stderr, keeps its default, and exits 1).`;

export interface CommandResult { stdout: string; stderr?: string; code: number }

/** The JSON argument of --encode, as an object; bad JSON is a usage error. */
function parseJsonObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--encode needs a config as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError('--encode needs a JSON object such as {"model":{"blocksPerStage":9}}');
  return raw as Record<string, unknown>;
}

export function urlCommand(positional: string[], flags: Flags): CommandResult {
  const json = flags.get('encode');
  if (json !== undefined) {
    if (positional.length > 0) throw new UsageError(`url --encode takes one JSON argument, got also ${positional[0]}`);
    if (typeof json !== 'string') throw new UsageError('--encode needs a value');
    // Read as a run file's config is (src/share/json.ts): a refused field keeps its default and is named.
    const { config, errors } = configFromJson(parseJsonObject(json));
    const query = encode(config);
    const stderr = errors.map((e) => `playground url: ${e.field}: ${e.message}`).join('\n');
    return { stdout: query, code: errors.length > 0 ? 1 : 0, ...(stderr ? { stderr } : {}) };
  }
  if (positional.length !== 1) throw new UsageError(`url takes one query string (quote it; '' for the defaults), got ${positional.length} arguments`);
  const { config, errors } = decode(positional[0] as string);
  return { stdout: JSON.stringify({ config, errors }, null, 2), code: errors.length > 0 ? 1 : 0 };
}
