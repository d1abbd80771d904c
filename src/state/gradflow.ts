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
  /** One or two sentences for the page, with the numbers of this run. */
  text: string;
}

/** A power of ten in words the page can show, e.g. 10^-3. */
export function powerOfTen(x: number): string {
  return `10^${Math.round(Math.log10(x))}`;
}

/**
 * What the headline ratio says, in words computed from it and the run's
 * config: more than 10× apart is vanishing (first smaller) or exploding
 * (first larger); within 10× is balanced.
 */
export function verdict(ratio: number, model: { skip: boolean; batchNorm: boolean } | null, firstName: string, lastName: string): Verdict {
  if (!Number.isFinite(ratio) || ratio <= 0) return { kind: 'none', text: 'No gradient norms yet.' };
  const net = model ? `${model.skip ? 'residual' : 'plain'} net ${model.batchNorm ? 'with' : 'without'} batch norm` : 'net';
  const r = ratio.toExponential(1);
  if (ratio < 0.1) {
    const why = model && !model.skip && !model.batchNorm ? ' Each layer scales the backward signal down a little, and without shortcuts or normalisation nothing restores it, so the factors compound with depth.' : '';
    return { kind: 'vanishing', text: `Vanishing: ${firstName}'s gradient is ${r} (about ${powerOfTen(ratio)}) of ${lastName}'s in this ${net}; the early layers barely learn.${why}` };
  }
  if (ratio > 10) {
    const why = model && !model.skip && model.batchNorm ? ' In a deep plain net with batch norm, the backward pass grows at every layer at initialisation (Balduzzi et al. 2017, "shattered gradients"; Yang et al. 2019): the early layers get huge, noisy gradients.' : '';
    return { kind: 'exploding', text: `Exploding: ${firstName}'s gradient is ${r} (about ${powerOfTen(ratio)}) times ${lastName}'s in this ${net}.${why}` };
  }
  const why = model?.skip ? ' The shortcuts carry the gradient back to the early layers unchanged, so every layer learns at a similar pace.' : '';
  return { kind: 'balanced', text: `Balanced: ${firstName}'s gradient is ${r} of ${lastName}'s, within an order of magnitude, in this ${net}.${why}` };
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
