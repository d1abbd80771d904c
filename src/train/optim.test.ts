// Our optimizers against TF.js's own (sgd, momentum, Nesterov, Adam) and
// against AdamW worked by hand (Loshchilov & Hutter 2019 Algorithm 2).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerName } from '../config/types';
import { ADAM, Optimizer } from './optim';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const W0 = [0.5, -1.5, 2, 0.25];
/** Gradient of a fixed quadratic, so every step sees a new gradient: ∇ ½‖w - t‖² ⊙ s. */
const gradOf = (w: tf.Tensor) => tf.mul(tf.sub(w, tf.tensor1d([1, 1, -1, 0])), tf.tensor1d([1, 3, 0.5, 2]));

function ours(name: OptimizerName, steps: number, lr: (t: number) => number, wd = 0): number[] {
  const w = tf.variable(tf.tensor1d(W0), true, `w-${name}-${Math.random()}`);
  const opt = new Optimizer({ name, momentum: 0.9, weightDecay: wd });
  for (let t = 0; t < steps; t++) tf.tidy(() => opt.step([w], { [w.name]: gradOf(w) }, lr(t), new Set([w.name])));
  const out = Array.from(w.dataSync());
  opt.dispose();
  w.dispose();
  return out;
}

function theirs(make: () => tf.Optimizer, steps: number): number[] {
  const w = tf.variable(tf.tensor1d(W0), true, `w-tf-${Math.random()}`);
  const opt = make();
  for (let t = 0; t < steps; t++) tf.tidy(() => opt.applyGradients({ [w.name]: gradOf(w) }));
  const out = Array.from(w.dataSync());
  opt.dispose();
  w.dispose();
  return out;
}

const close = (a: number[], b: number[], digits = 5) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i] as number, digits));

describe('Optimizer', () => {
  it.each([
    ['sgd', () => tf.train.sgd(0.1)],
    ['momentum', () => tf.train.momentum(0.1, 0.9)],
    ['nesterov', () => tf.train.momentum(0.1, 0.9, true)],
    ['adam', () => tf.train.adam(0.1, ADAM.beta1, ADAM.beta2, ADAM.epsilon)],
  ] as const)('%s takes the same steps as TF.js', (name, make) => {
    // TF.js keeps Adam's bias corrections as float32 powers: agreement to ~1e-5.
    close(ours(name, 5, () => 0.1), theirs(make, 5), name === 'adam' ? 4 : 5);
  });

  it('nesterov and momentum differ (the look-ahead is applied)', () => {
    expect(ours('nesterov', 3, () => 0.1)).not.toEqual(ours('momentum', 3, () => 0.1));
  });

  it('uses the rate given at each step', () => {
    // Two SGD steps at 0.1 then 0.01 equal TF.js's steps at those rates one by one.
    const w = ours('sgd', 2, (t) => (t === 0 ? 0.1 : 0.01));
    const g0 = [(0.5 - 1) * 1, (-1.5 - 1) * 3, (2 + 1) * 0.5, 0.25 * 2];
    const w1 = W0.map((x, i) => x - 0.1 * (g0[i] as number));
    const g1 = w1.map((x, i) => (x - ([1, 1, -1, 0][i] as number)) * ([1, 3, 0.5, 2][i] as number));
    close(w, w1.map((x, i) => x - 0.01 * (g1[i] as number)));
  });

  it('AdamW decays the weights apart from the adaptive step, as worked by hand', () => {
    const lr = 0.1;
    const wd = 0.05;
    const w = [...W0];
    const m = W0.map(() => 0);
    const v = W0.map(() => 0);
    for (let t = 1; t <= 3; t++) {
      const g = w.map((x, i) => (x - ([1, 1, -1, 0][i] as number)) * ([1, 3, 0.5, 2][i] as number));
      for (let i = 0; i < w.length; i++) {
        m[i] = 0.9 * (m[i] as number) + 0.1 * (g[i] as number);
        v[i] = 0.999 * (v[i] as number) + 0.001 * (g[i] as number) ** 2;
        const mh = (m[i] as number) / (1 - 0.9 ** t);
        const vh = (v[i] as number) / (1 - 0.999 ** t);
        w[i] = (w[i] as number) * (1 - lr * wd) - lr * (mh / (Math.sqrt(vh) + 1e-8));
      }
    }
    close(ours('adamw', 3, () => lr, wd), w);
  });

  it('AdamW shrinks weights with no gradient by exactly (1 - lr·λ) a step; Adam with L2 does not', () => {
    const run = (name: OptimizerName) => {
      const w = tf.variable(tf.tensor1d(W0), true, `z-${name}-${Math.random()}`);
      const opt = new Optimizer({ name, momentum: 0, weightDecay: 0.1 });
      for (let t = 0; t < 4; t++) tf.tidy(() => opt.step([w], { [w.name]: tf.zerosLike(w) }, 0.01, new Set([w.name])));
      const out = Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    close(run('adamw'), W0.map((x) => x * (1 - 0.01 * 0.1) ** 4));
    // Adam normalises the L2 gradient λw: each weight moves by about lr a step, whatever λ.
    close(run('adam'), W0.map((x) => x - Math.sign(x) * 0.04), 3);
  });

  it('leaves decay off the variables not named, and frees its slots', () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor1d(W0), true, `n-${Math.random()}`));
    const opt = new Optimizer({ name: 'adamw', momentum: 0, weightDecay: 0.5 });
    tf.tidy(() => opt.step([w], { [w.name]: tf.zerosLike(w) }, 0.1, new Set()));
    close(Array.from(w.dataSync()), W0);
    opt.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
