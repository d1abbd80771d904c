// Checkpoints: the model's variables and the optimizer's slots as bytes
// (TF.js's weights-manifest encoding), and back into a freshly built model.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../model/build';
import type { Checkpoint, WeightBlob } from '../protocol/messages';

async function encode(named: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): Promise<WeightBlob> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data, specs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })) };
}

/** Reads every variable (asynchronously: no GPU stall) into a checkpoint at this position. */
export async function saveCheckpoint(model: Model, optimizer: tf.Optimizer, at: Pick<Checkpoint, 'step' | 'epoch' | 'stepInEpoch'>): Promise<Checkpoint> {
  const variables: tf.NamedTensorMap = Object.fromEntries([...model.params, ...model.state]);
  let slots: WeightBlob | null = null;
  try {
    const weights = await optimizer.getWeights();
    slots = await encode(weights);
    // getWeights' iteration count is a fresh scalar; the slots are the optimizer's own variables.
    weights[0]?.tensor.dispose();
  } catch {
    slots = null;
  }
  return { ...at, model: await encode(variables), optimizer: slots };
}

/**
 * Writes a checkpoint's values into a model built from the same config, and
 * its slots into a new optimizer. Throws, naming the variable, when the
 * checkpoint does not fit the model. Returns whether the optimizer's state came back.
 */
export async function loadCheckpoint(model: Model, optimizer: tf.Optimizer, checkpoint: Checkpoint): Promise<boolean> {
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
  if (!checkpoint.optimizer) return false;
  const slots = tf.io.decodeWeights(checkpoint.optimizer.data, checkpoint.optimizer.specs);
  try {
    // Order matters: TF.js optimizers keep their slots by position.
    await optimizer.setWeights(checkpoint.optimizer.specs.map((s) => ({ name: s.name, tensor: slots[s.name] as tf.Tensor })));
    return true;
  } catch {
    return false;
  } finally {
    tf.dispose(Object.values(slots));
  }
}
