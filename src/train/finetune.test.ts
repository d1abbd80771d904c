// Fine-tuning from PyTorch weights (the fixture akamaster ResNet-20 of
// src/testing/fixtures/weights/, 10 classes; SGD with momentum at the
// article's small rate, on WASM): a linear probe and a run with
// stages 1-2 frozen learn (the loss falls) and leave every frozen tensor,
// batch norm's running statistics included, bit for bit as loaded, while the
// rest moves; 5 classes get a new head; weights of another net are refused
// naming the file and the tensor.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromPreset } from '../config/presets';
import type { Config } from '../config/types';
import { decodeSafetensors } from '../data/safetensors';
import type { Dataset } from '../data/types';
import type { Checkpoint } from '../protocol/messages';
import { texturedCifar } from '../testing/textured';
import { layerOf, type Freeze } from '../weights/freeze';
import { toEngine, torchNames } from '../weights/torch-names';
import { buildArch } from '../arch/arch';
import { installKernels } from '../kernels/install';
import { train, TrainingError } from './engine';

const FILE = new URL('../testing/fixtures/weights/resnet20.safetensors', import.meta.url).pathname;
const tensors = decodeSafetensors(new Uint8Array(readFileSync(FILE))).tensors;
const { dataset } = texturedCifar(320, 64);

beforeAll(async () => {
  installKernels('wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
});

function recipe(): Config {
  const config = configFromPreset('resnet20');
  Object.assign(config.model, { shortcut: 'A' });
  Object.assign(config.train, { optimizer: 'momentum', learningRate: 0.002, batchSize: 32, epochs: 1, maxSteps: 8, schedule: 'constant', weightDecay: 5e-4, seed: 4 });
  Object.assign(config.data, { randomCrop: false, horizontalFlip: false, testSubset: 64 });
  return config;
}

/** Trains from the fixture under `freeze`; -> the losses, the final variables by name and what the engine said. */
async function fineTune(freeze: Freeze, data: Dataset = dataset, config = recipe()): Promise<{ losses: number[]; final: Map<string, Float32Array>; said: string[] }> {
  const losses: number[] = [];
  const said: string[] = [];
  let last: Checkpoint | null = null;
  await train({
    config,
    data,
    init: { source: 'resnet20.safetensors', tensors, naming: 'akamaster', freeze },
    hooks: { onStep: (m) => losses.push(m.loss), onPhase: (_, d) => d && said.push(d), onCheckpoint: (c) => (last = c) },
  });
  const ckpt = last as unknown as Checkpoint;
  const values = tf.io.decodeWeights(ckpt.model.data, ckpt.model.specs);
  const final = new Map(Object.entries(values).map(([k, t]) => [k, t.dataSync() as Float32Array]));
  tf.dispose(Object.values(values));
  return { losses, final, said };
}

/** The fixture's value of each engine variable, in the engine's layout. */
function loaded(config: Config): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const n of torchNames(config.model, buildArch(config.model, 10), 'akamaster')) {
    const t = tensors.get(n.torch)!;
    const shape = n.layout.kind === 'conv' ? [t.shape[2]!, t.shape[3]!, t.shape[1]!, t.shape[0]!] : n.layout.kind === 'same' ? t.shape : [t.shape[1]!, t.shape[0]!];
    out.set(n.engine, toEngine(n.layout, shape, Float32Array.from(t.values)));
  }
  return out;
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('fine-tuning from PyTorch weights', () => {
  it.each([
    ['head', (layer: string) => layer !== 'fc'],
    ['stage2', (layer: string) => /^(stem|stage1|stage2)\./.test(layer)],
  ] as const)('freeze %s: the loss falls, frozen tensors stay bit for bit, the rest moves', async (freeze, frozen) => {
    const { losses, final, said } = await fineTune(freeze);
    expect(said[0]).toMatch(new RegExp(`^started from resnet20\\.safetensors: 97 tensors \\(akamaster names\\); [\\d,]+ of 269,722 parameters frozen \\(${freeze}\\)$`));
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    const start = loaded(recipe());
    const stuck: string[] = [];
    const moved: string[] = [];
    for (const [name, value] of start) {
      const kept = same(final.get(name)!, value);
      if (frozen(layerOf(name)) && !kept) moved.push(name);
      if (!frozen(layerOf(name)) && kept) stuck.push(name);
    }
    expect(moved, 'frozen tensors that changed').toEqual([]);
    expect(stuck, 'trainable tensors that did not change').toEqual([]);
  });

  it('gives 5 classes a new head and loads the rest', async () => {
    const five: Dataset = { ...dataset, numClasses: 5, classNames: dataset.classNames.slice(0, 5), train: { ...dataset.train, labels: dataset.train.labels.map((l) => l % 5) }, test: { ...dataset.test, labels: dataset.test.labels.map((l) => l % 5) } };
    const { said, final } = await fineTune('none', five);
    expect(said[0]).toBe('started from resnet20.safetensors: 95 tensors (akamaster names), a new head for the data\'s classes');
    expect(final.get('fc.kernel')!.length).toBe(64 * 5);
  });

  it('refuses the weights of another net, naming the file and the first tensor', async () => {
    const config = recipe();
    config.model.blocksPerStage = 5;
    const e = await fineTune('none', dataset, config).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(TrainingError);
    expect((e as Error).message).toMatch(/^resnet20\.safetensors: layer1\.3\.conv1\.weight is missing from the file \(\d+ of \d+ tensors missing; are these akamaster weights for this net\?\)$/);
  });
});
