// PyTorch weights into a built model: every variable looked up by its torch
// name (src/weights/torch-names.ts), checked, converted to the engine's
// layout and assigned, all or nothing, with a report per tensor. The tensors
// come from src/data/safetensors.ts or src/data/pth.ts.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/types';
import { NamingError, toEngine, toTorch, torchNames, torchShape, type Naming, type TorchName } from '../weights/torch-names';
import type { Model } from './build';

/** A tensor as the readers give it: torch's shape, row-major values. */
export interface TorchTensor {
  shape: readonly number[];
  values: ArrayLike<number>;
}

/**
 * Whose names the tensors carry: PyTorch's (a Naming), or the playground's
 * own stable names in the engine's layout (a kept run's checkpoint, or the
 * model.json + .bin the page exports: src/share/modelfile.ts).
 */
export type WeightsNaming = Naming | 'playground';

/** Every variable of `model` with its name in `naming`. */
function namesOf(model: Model, cfg: ModelConfig, naming: WeightsNaming): TorchName[] {
  if (naming !== 'playground') return torchNames(cfg, model.arch, naming);
  return [...model.params.keys(), ...model.state.keys()].map((engine) => ({ engine, torch: engine, layout: { kind: 'same' } }));
}

export interface WeightsReport {
  naming: WeightsNaming;
  /** Torch keys loaded. */
  matched: string[];
  /** Torch keys the net needs and the file lacks. */
  missing: string[];
  /** File keys the net has no place for (num_batches_tracked aside). */
  unexpected: string[];
  /** Keys in both with different shapes; `head` when it is the classifier's. */
  mismatched: Array<{ key: string; expected: number[]; got: number[]; head: boolean }>;
  /** Keys left at their initialisation by choice (a new head). */
  kept: string[];
}

export interface LoadOptions {
  /** Keep the net's own classifier ('fc'): fine-tuning to other classes. */
  newHead?: boolean;
}

export class WeightsError extends Error {
  override name = 'WeightsError';
  constructor(message: string, readonly report: WeightsReport) {
    super(message);
  }
}

const IGNORED = /(^|\.)num_batches_tracked$/;

/** The report for `tensors` against `model`, loading nothing. */
export function matchWeights(model: Model, cfg: ModelConfig, tensors: ReadonlyMap<string, TorchTensor>, naming: WeightsNaming, options: LoadOptions = {}): WeightsReport {
  const report: WeightsReport = { naming, matched: [], missing: [], unexpected: [], mismatched: [], kept: [] };
  const known = new Set<string>();
  for (const n of namesOf(model, cfg, naming)) {
    known.add(n.torch);
    const variable = model.params.get(n.engine) ?? model.state.get(n.engine);
    if (variable === undefined) throw new Error(`the net has no variable ${n.engine} (for ${n.torch})`);
    if (options.newHead === true && n.engine.startsWith('fc.')) {
      report.kept.push(n.torch);
      continue;
    }
    const t = tensors.get(n.torch);
    if (t === undefined) {
      report.missing.push(n.torch);
      continue;
    }
    const expected = torchShape(n.layout, variable.shape);
    if (expected.length !== t.shape.length || expected.some((d, i) => d !== t.shape[i])) report.mismatched.push({ key: n.torch, expected, got: [...t.shape], head: n.engine.startsWith('fc.') });
    else report.matched.push(n.torch);
  }
  for (const key of tensors.keys()) if (!known.has(key) && !IGNORED.test(key)) report.unexpected.push(key);
  return report;
}

/** The first problem of a report in words, or null when every tensor the net needs matched. */
export function firstProblem(r: WeightsReport): string | null {
  const m = r.mismatched[0];
  if (m !== undefined) return `${m.key} has shape [${m.got.join(', ')}], the net needs [${m.expected.join(', ')}]${m.head ? ' (trained for another number of classes: load it with a new head)' : ''}`;
  if (r.missing.length > 0) return `${r.missing[0]} is missing from the file (${r.missing.length} of ${r.missing.length + r.matched.length + r.kept.length} tensors missing; are these ${r.naming} weights for this net?)`;
  if (r.unexpected.length > 0) return `${r.unexpected[0]} in the file has no place in this net (${r.unexpected.length} such tensors; is it another architecture?)`;
  return null;
}

/**
 * Loads `tensors` (torch names and layouts) into `model`, all or nothing:
 * throws WeightsError naming the first problem and changing nothing unless
 * every tensor the net needs is there with its shape and nothing is left over.
 */
export function loadTorchWeights(model: Model, cfg: ModelConfig, tensors: ReadonlyMap<string, TorchTensor>, naming: WeightsNaming, options: LoadOptions = {}): WeightsReport {
  const report = matchWeights(model, cfg, tensors, naming, options);
  const problem = firstProblem(report);
  if (problem !== null) throw new WeightsError(problem, report);
  const keep = new Set(report.kept);
  for (const n of namesOf(model, cfg, naming)) {
    if (keep.has(n.torch)) continue;
    const variable = (model.params.get(n.engine) ?? model.state.get(n.engine)) as tf.Variable;
    const t = tensors.get(n.torch) as TorchTensor;
    const values = toEngine(n.layout, variable.shape, Float32Array.from(t.values));
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  }
  return report;
}

/** The model's variables as a torch state dict: names, shapes and values in torch's layout (BN running statistics included). */
export function torchStateDict(model: Model, cfg: ModelConfig, naming: Naming): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const n of torchNames(cfg, model.arch, naming)) {
    const variable = (model.params.get(n.engine) ?? model.state.get(n.engine)) as tf.Variable;
    const values = variable.dataSync() as Float32Array;
    out.set(n.torch, { shape: torchShape(n.layout, variable.shape), values: toTorch(n.layout, variable.shape, values) });
  }
  return out;
}

/**
 * The naming under which `tensors` fit `model` best: the first with no
 * problem, else the one matching the most tensors (its report then names
 * the first problem). `candidates` in order of preference.
 */
export function bestNaming(model: Model, cfg: ModelConfig, tensors: ReadonlyMap<string, TorchTensor>, candidates: readonly WeightsNaming[], options: LoadOptions = {}): WeightsNaming {
  let best: { naming: WeightsNaming; matched: number } | null = null;
  for (const naming of candidates) {
    let r: WeightsReport;
    try {
      r = matchWeights(model, cfg, tensors, naming, options);
    } catch (e) {
      if (e instanceof NamingError) continue; // a naming this net has no names in
      throw e;
    }
    const fits = r.mismatched.every((m) => m.head) && r.missing.length === 0 && r.unexpected.length === 0;
    if (fits) return naming;
    if (best === null || r.matched.length > best.matched) best = { naming, matched: r.matched.length };
  }
  return best?.naming ?? 'playground';
}
