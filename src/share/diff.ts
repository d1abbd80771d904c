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

/** The data fields whose difference makes two runs' numbers incomparable (another data set, another folder of images). */
const DATA_IDENTITY = ['data.dataset', 'data.images', 'data.imageSize'];

/** How many differing fields an overlay's label names before it counts the rest. */
export const LABEL_FIELDS = 4;

export interface OverlayLabel {
  /** What sets this run apart from the current one, e.g. 'skip off, lr 0.1', or 'the same config'. */
  label: string;
  /** False when the runs trained on different data: their losses and accuracies do not compare. */
  comparable: boolean;
}

/**
 * An overlaid run's legend: the fields in which `run` differs from
 * `current`, in the URL table's words, and whether the two compare at all.
 */
export function overlayLabel(run: Config, current: Config): OverlayLabel {
  const diffs = diffConfigs(current, run);
  const data = diffs.filter((d) => DATA_IDENTITY.includes(d.path));
  const named = diffs.slice(0, LABEL_FIELDS).map((d) => `${d.key} ${d.b || '(none)'}`);
  const more = diffs.length > LABEL_FIELDS ? ` +${diffs.length - LABEL_FIELDS} more` : '';
  const label = diffs.length === 0 ? 'the same config' : `${named.join(', ')}${more}`;
  if (data.length === 0) return { label, comparable: true };
  const why = data.map((d) => `${d.key} ${d.b || '(none)'} vs ${d.a || '(none)'}`).join(', ');
  return { label: `${label} (not comparable: ${why})`, comparable: false };
}
