// Checkpoints: the model's variables and the optimizer's slots as bytes
// (TF.js's weights-manifest encoding), and back into a freshly built model.
// Names are the stable layer names, so a checkpoint fits any model built
// from the same config.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../model/build';
import type { Checkpoint, WeightBlob } from '../protocol/messages';
import type { Optimizer } from './optim';

/** The optimizer's step count rides along as a one-element tensor of this name. */
const STEP_COUNT = 'optimizer.stepCount';

async function encode(named: tf.NamedTensorMap): Promise<WeightBlob> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data, specs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })) };
}

/** Reads every variable (asynchronously: no GPU stall) into a checkpoint at this position. */
export async function saveCheckpoint(model: Model, optimizer: Optimizer, at: Pick<Checkpoint, 'step' | 'epoch' | 'stepInEpoch'>): Promise<Checkpoint> {
  const variables: tf.NamedTensorMap = Object.fromEntries([...model.params, ...model.state]);
  const count = tf.tensor1d([optimizer.stepCount], 'float32');
  const slots: tf.NamedTensorMap = { [STEP_COUNT]: count };
  for (const [name, v] of model.params) optimizer.slotsOf(v).forEach((slot, k) => (slots[`${name}/slot${k}`] = slot));
  try {
    return { ...at, model: await encode(variables), optimizer: await encode(slots) };
  } finally {
    count.dispose();
  }
}

/**
 * Writes a checkpoint's values into a model built from the same config, and
 * its slots into the optimizer. Throws, naming the variable, when the
 * checkpoint does not fit the model. Returns whether the optimizer's state came back.
 */
export async function loadCheckpoint(model: Model, optimizer: Optimizer, checkpoint: Checkpoint): Promise<boolean> {
  loadModelValues(model, checkpoint);
  if (!checkpoint.optimizer) return false;
  const slots = tf.io.decodeWeights(checkpoint.optimizer.data, checkpoint.optimizer.specs);
  try {
    const count = slots[STEP_COUNT];
    if (!count) return false;
    const perVariable = new Map<tf.Variable, tf.Tensor[]>();
    for (const [name, v] of model.params) {
      const own: tf.Tensor[] = [];
      for (let k = 0; slots[`${name}/slot${k}`]; k++) own.push(slots[`${name}/slot${k}`] as tf.Tensor);
      if (own.length > 0) perVariable.set(v, own);
    }
    optimizer.restore((await count.data())[0] ?? 0, perVariable);
    return true;
  } finally {
    tf.dispose(Object.values(slots));
  }
}

/** Writes a checkpoint's variables into a model built from the same config (the optimizer's slots left alone). */
export function loadModelValues(model: Model, checkpoint: Checkpoint): void {
  const values = tf.io.decodeWeights(checkpoint.model.data, checkpoint.model.specs);
  try {
    const variables = new Map([...model.params, ...model.state]);
    const missing = [...variables.keys()].filter((name) => !(name in values));
    if (missing.length > 0) throw new Error(`the checkpoint does not fit this model: no values for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}`);
    for (const [name, v] of variables) {
      const value = values[name] as tf.Tensor;
      if (value.shape.join() !== v.shape.join()) throw new Error(`the checkpoint does not fit this model: ${name} is [${value.shape.join(', ')}], the model's is [${v.shape.join(', ')}]`);
      v.assign(value);
    }
  } finally {
    tf.dispose(Object.values(values));
  }
}
