// The optimizers, in torch's formulation, taking the learning rate at every
// step (the schedule in src/config/schedule.ts sets it). Ours rather than
// tf.train's: TF.js has no AdamW, fixes the rate at construction, and its
// MomentumOptimizer leaks a scalar on dispose. Call step() inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../config/types';
import { OPTIMIZER_STEP, type OptimizerStepAttrs } from '../kernels/names';

/** Adam's constants, torch's defaults (Kingma & Ba 2015 Algorithm 1 give the same betas; torch's ε is 1e-8). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export interface OptimizerOptions {
  name: OptimizerName;
  /** μ for 'momentum' and 'nesterov'. */
  momentum: number;
  /** λ, applied to the variables named in `decayed` only. */
  weightDecay: number;
}

const NO_SCALE: ReadonlyMap<string, number> = new Map();

export class Optimizer {
  /** Per-variable state (momentum buffer; Adam's first and second moments), by TF.js variable name. */
  private readonly slots = new Map<string, tf.Variable[]>();
  private t = 0;

  constructor(readonly options: OptimizerOptions) {}

  private slot(v: tf.Variable, count: number): tf.Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      // Inside tidy, so the zeros the variable copies are freed.
      s = Array.from({ length: count }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
      this.slots.set(v.name, s);
    }
    return s;
  }

  /**
   * One update of every variable in `grads` (keyed by variable name) at rate
   * `lr`. Weight decay applies to the variables named in `decayed`: as
   * g + λw for sgd, momentum, nesterov and adam (torch's weight_decay), and
   * decoupled for adamw, w ← w - lr·λ·w before the Adam step (Loshchilov &
   * Hutter 2019 Algorithm 2, with their schedule multiplier η_t folded into lr as torch does).
   * `momentum`: this step's μ (momentum, nesterov) or β1 (adam, adamw) where
   * the schedule sets it; Adam's bias correction then takes this β1, as torch's.
   * `lrScale`: a multiple of `lr` per variable name (a fine-tuned net's new
   * head at a higher rate, as torch's parameter groups); 1 for the others.
   */
  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number, decayed: ReadonlySet<string>, momentum: number | null = null, lrScale: ReadonlyMap<string, number> = NO_SCALE): void {
    const { name, weightDecay: wd } = this.options;
    // A schedule's momentum for this step (one-cycle's), else the optimizer's own: μ, or Adam's β1.
    const mu = momentum ?? this.options.momentum;
    this.t += 1;
    const { beta2, epsilon } = ADAM;
    const beta1 = momentum ?? ADAM.beta1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (const v of variables) {
      let g = grads[v.name];
      if (!g) continue;
      const rate = lr * (lrScale.get(v.name) ?? 1);
      const decays = wd > 0 && decayed.has(v.name);
      // Momentum folds the decay into its buffer's update (one addN): one dispatch fewer per variable.
      const folded = decays && (name === 'momentum' || name === 'nesterov');
      if (decays && name !== 'adamw' && !folded) g = tf.add(g, tf.mul(v, wd));
      const decay = folded ? tf.mul(v, wd) : null;
      switch (name) {
        case 'sgd':
          v.assign(tf.sub(v, tf.mul(g, rate)));
          break;
        case 'momentum':
        case 'nesterov': {
          const [buf] = this.slot(v, 1) as [tf.Variable];
          // torch: buf = μ·buf + g (the first step's buf is g, as here from zeros).
          // With decay, g + λw enters as a third term of one addN.
          buf.assign(decay ? tf.addN([tf.mul(buf, mu), g, decay]) : tf.add(tf.mul(buf, mu), g));
          const direction = name === 'nesterov' ? (decay ? tf.addN([g, decay, tf.mul(buf, mu)]) : tf.add(g, tf.mul(buf, mu))) : buf;
          v.assign(tf.sub(v, tf.mul(direction, rate)));
          break;
        }
        case 'adam':
        case 'adamw': {
          const [m, s] = this.slot(v, 2) as [tf.Variable, tf.Variable];
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          s.assign(tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const base = decays && name === 'adamw' ? tf.mul(v, 1 - rate * wd) : v;
          // lr·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = s/c2.
          const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(s, c2)), epsilon));
          v.assign(tf.sub(base, tf.mul(update, rate)));
          break;
        }
      }
    }
  }

  /**
   * step() as one OPTIMIZER_STEP kernel (where the backend registers it: the
   * caller checks ourKernelRuns), which also measures `normed`'s norms on the
   * way: -> [3L] for L = normed.length, the gradient norms (0 for a variable
   * without a gradient), the weight norms before the update, and the update
   * norms ‖new − old‖, as trainStep packs them. Same arguments and formulas as step().
   */
  stepFused(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number, decayed: ReadonlySet<string>, momentum: number | null, lrScale: ReadonlyMap<string, number>, normed: readonly tf.Variable[]): tf.Tensor1D {
    const { name, weightDecay: wd } = this.options;
    this.t += 1;
    const beta1 = momentum ?? (name === 'adam' || name === 'adamw' ? ADAM.beta1 : this.options.momentum);
    const slotCount = name === 'sgd' ? 0 : name === 'momentum' || name === 'nesterov' ? 1 : 2;
    // Entries: the variables updated (with a gradient), then any normed one that is not.
    const updated = variables.filter((v) => grads[v.name] !== undefined);
    const entries = [...updated, ...normed.filter((v) => !updated.includes(v))];
    const inputs: tf.NamedTensorMap = {};
    const attrs: OptimizerStepAttrs = {
      optimizer: name,
      updated: [],
      rates: [],
      decays: [],
      normIndex: [],
      norms: normed.length,
      momentum: beta1,
      beta2: ADAM.beta2,
      epsilon: ADAM.epsilon,
      c1: 1 - beta1 ** this.t,
      c2: 1 - ADAM.beta2 ** this.t,
    };
    entries.forEach((v, i) => {
      const isUpdated = i < updated.length;
      inputs[`v${i}`] = v;
      if (isUpdated) {
        inputs[`g${i}`] = grads[v.name] as tf.Tensor;
        this.slot(v, slotCount).forEach((slot, k) => (inputs[`${'ab'[k]}${i}`] = slot));
      }
      attrs.updated.push(isUpdated ? 1 : 0);
      attrs.rates.push(lr * (lrScale.get(v.name) ?? 1));
      attrs.decays.push(wd > 0 && decayed.has(v.name) ? wd : 0);
      attrs.normIndex.push(normed.indexOf(v));
    });
    const outs = tf.engine().runKernel(OPTIMIZER_STEP, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    updated.forEach((v, i) => {
      const at = i * (1 + slotCount);
      v.assign(outs[at] as tf.Tensor);
      this.slotsOf(v).forEach((slot, k) => slot.assign(outs[at + 1 + k] as tf.Tensor));
    });
    return normed.length > 0 ? (outs[outs.length - 1] as tf.Tensor1D) : tf.zeros([0]);
  }

  /** Steps taken (Adam's bias correction reads it): part of a checkpoint. */
  get stepCount(): number {
    return this.t;
  }

  /** The slots of one variable (none before its first update, or for plain SGD). */
  slotsOf(v: tf.Variable): readonly tf.Variable[] {
    return this.slots.get(v.name) ?? [];
  }

  /** Takes a checkpoint's state: the step count and, per variable, its slots' values (copied). */
  restore(stepCount: number, slots: ReadonlyMap<tf.Variable, readonly tf.Tensor[]>): void {
    this.dispose();
    this.t = stepCount;
    // A variable shares its initial tensor's data (and adds a reference): the caller frees the values.
    for (const [v, values] of slots) this.slots.set(v.name, values.map((value) => tf.variable(value, false)));
  }

  dispose(): void {
    for (const s of this.slots.values()) for (const v of s) v.dispose();
    this.slots.clear();
  }
}
