// The fields two configs disagree on, in the URL table's order and words.
// Pure TS: no tfjs, no React.
import { formatValue } from '../config/format';
import { getAt } from '../config/path';
import { sameValue } from '../config/presets';
import type { Config } from '../config/types';
import { FIELDS } from './fields';

export interface FieldDiff {
  /** Config path, e.g. 'model.skip'. */
  path: string;
  /** The URL key, e.g. 'skip'. */
  key: string;
  a: string;
  b: string;
}

export function diffConfigs(a: Config, b: Config): FieldDiff[] {
  return FIELDS.filter((f) => !sameValue(getAt(a, f.path), getAt(b, f.path))).map((f) => ({ path: f.path, key: f.key, a: formatValue(getAt(a, f.path)), b: formatValue(getAt(b, f.path)) }));
}
