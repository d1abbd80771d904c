// One Config leaf by its dotted path ('model.skip', 'train.batchSize'): the
// path types and the one place that splits a path to read or write a field.
// Pure TS: imports no tfjs and no React.
import type { Config } from './types';

type Section = keyof Config;
type Leaf<S extends Section> = keyof Config[S] & string;

/** Dotted paths of the leaves whose value type is T, e.g. 'model.skip' for boolean. */
export type PathOf<T> = { [S in Section]: { [K in Leaf<S>]: Config[S][K] extends T ? `${S}.${K}` : never }[Leaf<S>] }[Section];
/** Every leaf of Config, as a dotted path. */
export type ConfigPath = PathOf<unknown>;
/** The value type at a path, e.g. boolean for 'model.skip'. */
export type ValueAt<P extends ConfigPath> = P extends `${infer S extends Section}.${infer K}`
  ? K extends keyof Config[S] ? Config[S][K] : never
  : never;

function split(path: ConfigPath): [Section, string] {
  return path.split('.') as [Section, string];
}

/** The value at `path`, as stored (an invalid config may hold anything there). */
export function getAt(config: Config, path: ConfigPath): unknown {
  const [section, key] = split(path);
  return (config[section] as unknown as Record<string, unknown>)[key];
}

/** Writes `value` at `path` in place. Paths come from code (FIELDS, LIMITS), never from untrusted input. */
export function setAt(config: Config, path: ConfigPath, value: unknown): void {
  const [section, key] = split(path);
  (config[section] as unknown as Record<string, unknown>)[key] = value;
}
