// optimizer.safetensors: a checkpoint's optimizer state as torch's
// (weights/export.ts optimizerStateOf), beside weights.safetensors, so that
// train.py --weights continues the run where the playground left it: the
// momentum buffers or Adam's moments, Adam's step count (its bias
// correction), and the step the run had reached (the schedule and the
// batches resume there). Pure TS: the page and the CLI write the same file.
import type { Config } from '../config/types';
import { decodeSafetensors, encodeSafetensors } from '../data/safetensors';
import { MAX_WEIGHTS_BYTES } from '../data/weights-file';
import type { Checkpoint } from '../protocol/messages';
import { decodeSpecs } from '../share/modelfile';
import { optimizerStateOf, SLOT_SUFFIXES } from '../weights/export';
import type { Naming } from '../weights/torch-names';

/** The largest optimizer file read: Adam keeps two slots a parameter, so twice the weights cap. */
export const MAX_OPTIMIZER_BYTES = 2 * MAX_WEIGHTS_BYTES;

/** The name the file has beside weights.safetensors; train.py looks for it there. */
export const OPTIMIZER_FILE = 'optimizer.safetensors';

/** The checkpoint's optimizer state as safetensors under `naming`'s names; null when it holds none (plain SGD, or none kept). */
export function optimizerSafetensors(config: Config, numClasses: number, checkpoint: Checkpoint, naming: Naming): Uint8Array | null {
  if (checkpoint.optimizer === null) return null;
  const slots = decodeSpecs(checkpoint.optimizer.specs, new Uint8Array(checkpoint.optimizer.data), 'the optimizer state');
  const count = slots.get('optimizer.stepCount')?.values[0];
  if (count === undefined) return null;
  const state = optimizerStateOf(config.model, numClasses, config.train.optimizer, slots, naming);
  if (state.size === 0) return null;
  return encodeSafetensors(Object.fromEntries(state), {
    format: 'pt',
    naming,
    optimizer: config.train.optimizer,
    // The run's position (steps taken), where train.py resumes; the optimizer's own count of updates (Adam's step).
    step: String(checkpoint.step),
    optimizer_steps: String(count),
    generatedBy: 'ResNet Playground',
  });
}

/**
 * Why an optimizer file does not fit a run, or null when it does: it must be
 * safetensors of the run's optimizer (metadata 'optimizer' and 'step'), each
 * tensor a parameter of `params` (torch name -> shape) with a suffix of that
 * optimizer and the parameter's shape.
 */
export function optimizerFileProblem(bytes: Uint8Array, file: string, optimizer: string, params: ReadonlyMap<string, readonly number[]>): string | null {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes, file);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const { tensors, metadata } = decoded;
  if (metadata.optimizer !== optimizer) return `${file} holds ${metadata.optimizer === undefined ? 'no optimizer state' : `the state of ${metadata.optimizer}`}; this run uses ${optimizer}`;
  if (!/^\d+$/.test(metadata.step ?? '') || !/^\d+$/.test(metadata.optimizer_steps ?? '')) return `${file}: its metadata has no step count (step, optimizer_steps)`;
  for (const [name, t] of tensors) {
    const dot = name.lastIndexOf('.');
    const [param, suffix] = [name.slice(0, dot), name.slice(dot + 1)];
    const shape = params.get(param);
    if (shape === undefined || !(SLOT_SUFFIXES[optimizer] ?? []).includes(suffix)) return `${file}: ${name} is not the ${optimizer} state of a parameter of this net`;
    if (shape.join() !== t.shape.join()) return `${file}: ${name} is [${t.shape.join(', ')}], the parameter [${shape.join(', ')}]`;
  }
  return null;
}
