// A small `--flag value` parser for the CLI: unknown flags and bad values are
// errors that name the flag (a config field's value: src/cli/flags.ts). Pure TS.

export type Flags = Map<string, string | true>;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Splits argv into positionals and --flags; a flag takes the next word unless it is boolean. */
export function parseArgs(argv: string[], booleans: ReadonlySet<string>, known: ReadonlySet<string>): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const [name, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.has(name) && !booleans.has(name)) throw new UsageError(`unknown option --${name}`);
    if (booleans.has(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { positional, flags };
}

export function numberFlag(flags: Flags, name: string): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got ${String(raw)}`);
  return value;
}
