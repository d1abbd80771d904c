// The numbers behind the gradient-flow views, from the step metrics: the
// headline ratio (the first convolution's gradient norm over the last one's
// before the classifier, as the PyTorch reference in
// bench/reference/torch_gradflow.py defines it; one definition with the
// engine's, in src/arch/gradflow.ts), the words that explain it, and the
// heat map's window on a log scale. Pure TS: no tfjs, no React.
import { firstLastConv, firstOverLast } from '../arch/gradflow';
import type { StepMetrics } from '../protocol/messages';

/** Indices of the headline's two kernels, the first and the last convolution; null when there is none. */
export const headlinePair = firstLastConv;

/** first / last of one step's gradient norms, NaN when either is missing or the last is 0. */
export const headlineRatio = firstOverLast;

export interface Verdict {
  kind: 'vanishing' | 'exploding' | 'balanced' | 'none';
  /**
   * The page's words, by key under charts:verdict (one or two sentences with
   * this run's numbers): KIND, then KIND_why where the config explains it;
   * `net` is the key under charts:verdict.net naming the net.
   */
  keys: string[];
  values: { ratio: string; power: string; first: string; last: string; net: string };
}

/** A power of ten in words the page can show, e.g. 10^-3. */
export function powerOfTen(x: number): string {
  return `10^${Math.round(Math.log10(x))}`;
}

/**
 * What the headline ratio says, computed from it and the run's config: more
 * than 10× apart is vanishing (first smaller) or exploding (first larger);
 * within 10× is balanced. The why: without shortcuts or normalisation the
 * backward factors compound with depth; a deep plain net with batch norm
 * grows its backward pass at every layer at initialisation (Balduzzi et al.
 * 2017, "shattered gradients"; Yang et al. 2019); shortcuts carry the
 * gradient back unchanged.
 */
export function verdict(ratio: number, model: { skip: boolean; batchNorm: boolean } | null, firstName: string, lastName: string): Verdict {
  const net = model ? `${model.skip ? 'residual' : 'plain'}_${model.batchNorm ? 'bn' : 'nobn'}` : 'unknown';
  const values = { ratio: Number.isFinite(ratio) ? ratio.toExponential(1) : '', power: ratio > 0 && Number.isFinite(ratio) ? powerOfTen(ratio) : '', first: firstName, last: lastName, net };
  if (!Number.isFinite(ratio) || ratio <= 0) return { kind: 'none', keys: ['none'], values };
  if (ratio < 0.1) return { kind: 'vanishing', keys: model && !model.skip && !model.batchNorm ? ['vanishing', 'vanishing_why'] : ['vanishing'], values };
  if (ratio > 10) return { kind: 'exploding', keys: model && !model.skip && model.batchNorm ? ['exploding', 'exploding_why'] : ['exploding'], values };
  return { kind: 'balanced', keys: model?.skip ? ['balanced', 'balanced_why'] : ['balanced'], values };
}

export interface HeatWindow {
  /** Steps shown, oldest first. */
  steps: number[];
  /** log10 of each layer's norm at each step: rows[layer][column]; NaN where missing or not positive. */
  rows: number[][];
  /** The colour scale's range over the window, in log10 units (lo < hi unless the window is empty). */
  lo: number;
  hi: number;
}

/** The last `window` steps as a layer × step grid of log10 gradient norms, the colour range taken over that window only. */
export function heatWindow(steps: readonly StepMetrics[], layers: number, window: number): HeatWindow {
  const recent = steps.slice(-window);
  const rows = Array.from({ length: layers }, (_, l) => recent.map((s) => {
    const v = s.gradNorms[l];
    return v !== undefined && v > 0 ? Math.log10(v) : NaN;
  }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) for (const v of row) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) return { steps: recent.map((s) => s.step), rows, lo: 0, hi: 0 };
  if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
  return { steps: recent.map((s) => s.step), rows, lo, hi };
}

/** Viridis at five stops, interpolated: t in [0, 1] -> 'rgb(r, g, b)'. Perceptually ordered, readable in grey. */
const VIRIDIS: readonly [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** Viridis at t in [0, 1] as [r, g, b], 0..255 (for ImageData). */
export function colourRgb(t: number): [number, number, number] {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const [a, b] = [VIRIDIS[i] as [number, number, number], VIRIDIS[i + 1] as [number, number, number]];
  return a.map((v, k) => Math.round(v + ((b[k] as number) - v) * f)) as [number, number, number];
}

export function colour(t: number): string {
  return `rgb(${colourRgb(t).join(', ')})`;
}
