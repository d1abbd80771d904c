// A run's weights out as a PyTorch state dict: every variable under its
// PyTorch name (torch-names.ts) in PyTorch's layout, batch norm's running
// statistics included, and each BN's num_batches_tracked (int64, the steps
// trained) so that torch's load_state_dict(strict=True) takes the file as
// it is. The same names the import reads: export then import gives every
// tensor back bit for bit. Pure TS.
import { buildArch } from '../arch/arch';
import type { ModelConfig } from '../config/types';
import { toTorch, torchNames, torchShape, type Naming } from './torch-names';

/** A variable as the engine holds it: its shape and values, by the playground's name. */
export interface EngineTensor {
  shape: readonly number[];
  values: Float32Array;
}

export type TorchOut = { shape: number[]; values: Float32Array } | { shape: number[]; values: BigInt64Array };

/**
 * `tensors` (a checkpoint's variables) as the state dict of the net `cfg`
 * with `numClasses` outputs, in torch's key order of the engine's variables.
 * Throws naming the first variable the checkpoint lacks or holds in another
 * shape (a checkpoint of another net).
 */
export function stateDictOf(cfg: ModelConfig, numClasses: number, tensors: ReadonlyMap<string, EngineTensor>, naming: Naming, steps: number): Map<string, TorchOut> {
  const out = new Map<string, TorchOut>();
  for (const n of torchNames(cfg, buildArch(cfg, numClasses), naming)) {
    const t = tensors.get(n.engine);
    if (t === undefined) throw new Error(`the weights have no ${n.engine} (${n.torch}): not this net's`);
    const values = toTorch(n.layout, t.shape, t.values);
    out.set(n.torch, { shape: torchShape(n.layout, t.shape), values });
    if (n.torch.endsWith('.running_var')) out.set(n.torch.replace(/running_var$/, 'num_batches_tracked'), { shape: [], values: BigInt64Array.of(BigInt(steps)) });
  }
  return out;
}

/** torch's names of an optimizer's per-parameter state, in the order of the engine's slots (train/optim.ts). */
export const SLOT_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  sgd: [],
  momentum: ['momentum_buffer'],
  nesterov: ['momentum_buffer'],
  adam: ['exp_avg', 'exp_avg_sq'],
  adamw: ['exp_avg', 'exp_avg_sq'],
};

/**
 * The optimizer's state (a checkpoint's slots, `${variable}/slot${k}`) as
 * torch's: each parameter's momentum_buffer (SGD with momentum or
 * Nesterov's: the same buffer, μ·buf + g) or Adam's exp_avg and exp_avg_sq
 * (the same moments), under the parameter's PyTorch name and layout, e.g.
 * 'layer1.0.conv1.weight.momentum_buffer'. Parameters without state (frozen,
 * or every one for plain SGD) are left out; an empty map means there is no
 * state to carry. Throws naming a slot that fits no parameter.
 */
export function optimizerStateOf(cfg: ModelConfig, numClasses: number, optimizer: string, slots: ReadonlyMap<string, EngineTensor>, naming: Naming): Map<string, TorchOut> {
  const names = SLOT_SUFFIXES[optimizer];
  if (names === undefined) throw new Error(`no torch state for the optimizer ${optimizer}`);
  const out = new Map<string, TorchOut>();
  const used = new Set<string>();
  for (const n of torchNames(cfg, buildArch(cfg, numClasses), naming)) {
    names.forEach((suffix, k) => {
      const slot = slots.get(`${n.engine}/slot${k}`);
      if (slot === undefined) return;
      used.add(`${n.engine}/slot${k}`);
      out.set(`${n.torch}.${suffix}`, { shape: torchShape(n.layout, slot.shape), values: toTorch(n.layout, slot.shape, slot.values) });
    });
  }
  const stray = [...slots.keys()].find((k) => k.includes('/slot') && !used.has(k));
  if (stray !== undefined) throw new Error(`the optimizer state has ${stray}, which fits no parameter of this net under ${optimizer}`);
  return out;
}
