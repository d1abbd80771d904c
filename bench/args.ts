// The benches' one argument parser: named flags with defaults (`--steps 3`
// or `--steps=3`), comma lists (`--batch 32,128`), booleans (`--json`),
// flags whose value may be left out (`--breakdown` or `--breakdown shapes`),
// choices checked, and an error naming any flag it does not know. `--help`
// prints the flags with their defaults. Node only.

interface Common {
  /** One line for --help. */
  help: string;
  /** The value's name in --help, e.g. 'N', 'FILE'. */
  arg?: string;
}
/** Present or not: `--json`. */
interface BooleanFlag extends Common { kind: 'boolean' }
/** One value; `bare` is taken when the flag is given without one. */
interface StringFlag extends Common { kind: 'string'; default?: string; bare?: string; choices?: readonly string[] }
interface NumberFlag extends Common { kind: 'number'; default?: number; bare?: number }
/** Comma-separated values, empty ones dropped. */
interface ListFlag extends Common { kind: 'list'; default?: readonly string[]; choices?: readonly string[] }
interface NumbersFlag extends Common { kind: 'numbers'; default?: readonly number[] }

export type Flag = BooleanFlag | StringFlag | NumberFlag | ListFlag | NumbersFlag;
export type Flags = Record<string, Flag>;

type Choice<F> = F extends { choices: readonly (infer C)[] } ? C : string;
/** Undefined when the flag has no default and was not given. */
type Maybe<F, T> = F extends { default: unknown } ? T : T | undefined;
type Value<F> = F extends BooleanFlag ? boolean
  : F extends StringFlag ? Maybe<F, Choice<F>>
  : F extends NumberFlag ? Maybe<F, number>
  : F extends ListFlag ? Maybe<F, Choice<F>[]>
  : F extends NumbersFlag ? Maybe<F, number[]>
  : never;

/** The parsed flags, keyed by their names as written ('torch-threads'), and the arguments that are not flags. */
export type Args<S extends Flags> = { -readonly [K in keyof S]: Value<S[K]> } & { positionals: string[] };

export class ArgsError extends Error {}

function number(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new ArgsError(`--${name}: not a number: ${text}`);
  return n;
}

function checkChoice(name: string, flag: StringFlag | ListFlag, value: string): string {
  if (flag.choices && !flag.choices.includes(value)) throw new ArgsError(`--${name}: one of ${flag.choices.join(', ')}, not ${value}`);
  return value;
}

function convert(name: string, flag: Exclude<Flag, BooleanFlag>, text: string): unknown {
  switch (flag.kind) {
    case 'string':
      return checkChoice(name, flag, text);
    case 'number':
      return number(name, text);
    case 'list':
      return text.split(',').filter(Boolean).map((v) => checkChoice(name, flag, v));
    case 'numbers':
      return text.split(',').filter(Boolean).map((v) => number(name, v));
  }
}

/**
 * Parses `argv` (without node and the script) against `flags`. At most
 * `positionals` arguments that are not flags (none by default). Throws
 * ArgsError naming the flag for an unknown flag, a missing or bad value.
 */
export function parseArgs<const S extends Flags>(argv: readonly string[], flags: S, positionals = 0): Args<S> {
  const values: Record<string, unknown> = {};
  const rest: string[] = [];
  for (const [name, flag] of Object.entries(flags)) values[name] = flag.kind === 'boolean' ? false : Array.isArray(flag.default) ? [...flag.default] : flag.default;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('--')) {
      if (rest.length >= positionals) throw new ArgsError(`unexpected argument ${token}`);
      rest.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const flag = flags[name];
    if (!flag) throw new ArgsError(`unknown flag --${name}`);
    if (flag.kind === 'boolean') {
      if (eq >= 0) throw new ArgsError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let text = eq >= 0 ? token.slice(eq + 1) : argv[i + 1];
    const bare = 'bare' in flag ? flag.bare : undefined;
    if (eq < 0) {
      // The next argument is this flag's value unless it is a flag itself, or
      // (for a flag that may go bare) not one of its choices.
      const optional = bare !== undefined;
      const fits = text !== undefined && !text.startsWith('--') && (!optional || !('choices' in flag) || !flag.choices || flag.choices.includes(text));
      if (fits) i++;
      else text = undefined;
    }
    if (text === undefined) {
      if (bare === undefined) throw new ArgsError(`--${name} needs a value`);
      values[name] = bare;
      continue;
    }
    values[name] = convert(name, flag, text);
  }
  return Object.assign(values, { positionals: rest }) as Args<S>;
}

/** The flags, their values and defaults, one a line, for --help. */
export function describeFlags(flags: Flags): string {
  const rows = Object.entries(flags).map(([name, flag]) => {
    const oneOf = flag.kind === 'string' && flag.choices ? flag.choices.join('|') : undefined;
    const arg = flag.kind === 'boolean' ? '' : (flag.arg ?? oneOf ?? (flag.kind === 'list' || flag.kind === 'numbers' ? 'A,B' : flag.kind === 'number' ? 'N' : 'VALUE'));
    const left = `--${name}${!arg ? '' : 'bare' in flag && flag.bare !== undefined ? ` [${arg}]` : ` ${arg}`}`;
    const choices = flag.kind === 'list' && flag.choices ? ` (of ${flag.choices.join(', ')})` : '';
    const fallback = flag.kind !== 'boolean' && flag.default !== undefined ? `; default ${[flag.default].flat().join(',')}` : '';
    return [left, `${flag.help}${choices}${fallback}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n');
}

/**
 * A bench's flags from process.argv: `--help` prints `usage` and the flags
 * and exits 0; a bad command line prints the error and exits 2.
 */
export function benchArgs<const S extends Flags>(usage: string, flags: S, positionals = 0): Args<S> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: ${usage}\n${describeFlags(flags)}`);
    process.exit(0);
  }
  try {
    return parseArgs(argv, flags, positionals);
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(`${e.message}\nusage: ${usage} (--help lists the flags)`);
    process.exit(2);
  }
}
