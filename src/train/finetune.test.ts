// Fine-tuning from PyTorch weights (the fixture akamaster ResNet-20 of
// src/testing/fixtures/weights/, 10 classes; SGD with momentum at the
// article's small rate, on WASM): a linear probe and a run with
// stages 1-2 frozen learn (the loss falls) and leave every frozen tensor,
// batch norm's running statistics included, bit for bit as loaded, while the
// rest moves; 5 classes get a new head; weights of another net are refused
// naming the file and the tensor. A linear probe (features computed once)
// steps exactly as the whole net with every layer but fc frozen; the head's
// own rate; ImageNet normalization; a kept run's weights (the playground's
// names) and PyTorch's, their naming found by the engine.
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
  config.train.initWeights = 'resnet20.safetensors';
  config.train.freeze = freeze as Config['train']['freeze'];
  await train({
    config,
    data,
    init: { source: 'resnet20.safetensors', tensors, naming: 'akamaster' },
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

  it('a linear probe computes features once and trains on them; its losses match a run with every layer but fc frozen on images', async () => {
    const probe = await fineTune('head');
    expect(probe.said.some((d) => /^linear probe: features of 384 of 384 images/.test(d))).toBe(true);
    // The same head on the same frozen body, stepping on images instead of
    // features: a freeze of all three stages leaves only fc training.
    const images = await fineTune('stage3');
    probe.losses.forEach((loss, i) => expect(loss).toBeCloseTo(images.losses[i]!, 4));
    expect(same(probe.final.get('fc.kernel')!, images.final.get('fc.kernel')!) || probe.final.get('fc.kernel')!.every((v, i) => Math.abs(v - images.final.get('fc.kernel')![i]!) < 1e-5)).toBe(true);
  });

  it("gives the head its own rate: headLrScale 10 moves fc ten times as far on the first step of plain SGD, the body as before", async () => {
    const run = async (scale: number) => {
      const config = recipe();
      Object.assign(config.train, { optimizer: 'sgd', maxSteps: 1, headLrScale: scale, weightDecay: 0 });
      return (await fineTune('none', dataset, config)).final;
    };
    const [one, ten] = [await run(1), await run(10)];
    const start = loaded(recipe());
    const moved = (f: Map<string, Float32Array>, name: string) => f.get(name)!.map((v, i) => v - start.get(name)![i]!);
    const [a, b] = [moved(one, 'fc.kernel'), moved(ten, 'fc.kernel')];
    a.forEach((d, i) => expect(b[i]!).toBeCloseTo(10 * d, 5));
    expect(same(one.get('stage2.block0.conv1.kernel')!, ten.get('stage2.block0.conv1.kernel')!)).toBe(true);
  });

  it("normalizes with ImageNet's mean and std when asked, and refuses them for grey images", async () => {
    const config = recipe();
    Object.assign(config.data, { normalize: 'imagenet' });
    Object.assign(config.train, { maxSteps: 2 });
    const plain = recipe();
    plain.train.maxSteps = 2;
    const own = await fineTune('none', dataset, plain);
    const imagenet = await fineTune('none', dataset, config);
    expect(imagenet.losses[0]).not.toBeCloseTo(own.losses[0]!, 3);
    const grey: Dataset = { ...dataset, channels: 1, train: { ...dataset.train, images: dataset.train.images.subarray(0, dataset.train.count * 32 * 32) }, test: { ...dataset.test, images: dataset.test.images.subarray(0, dataset.test.count * 32 * 32) } };
    const fresh = recipe();
    fresh.data.normalize = 'imagenet';
    await expect(train({ config: fresh, data: grey })).rejects.toThrow(/^ImageNet normalization needs colour images; \w+ has 1 channel \(set normalize to dataset\)$/);
  });

  it("starts from a kept run's weights (the playground's own names), found without being told the naming", async () => {
    const config = recipe();
    config.train.initWeights = 'run/1';
    const said: string[] = [];
    let last: Checkpoint | null = null;
    const kept = await checkpointOf(recipe());
    await train({ config, data: dataset, init: { source: 'run 1', tensors: kept, naming: null }, hooks: { onPhase: (_, d) => d && said.push(d), onCheckpoint: (c) => (last = c) } });
    expect(said[0]).toMatch(/^started from run 1: \d+ tensors \(playground names\)$/);
    expect(last).not.toBeNull();
  });

  it('finds the naming of PyTorch weights by itself', async () => {
    const config = recipe();
    config.train.initWeights = 'resnet20.safetensors';
    const said: string[] = [];
    await train({ config, data: dataset, init: { source: 'resnet20.safetensors', tensors, naming: null }, hooks: { onPhase: (_, d) => d && said.push(d) } });
    expect(said[0]).toMatch(/^started from resnet20\.safetensors: 97 tensors \(akamaster names\)$/);
  });

  it('refuses a freeze without starting weights, and a stage the net does not have', async () => {
    const config = recipe();
    config.train.freeze = 'head';
    await expect(train({ config, data: dataset })).rejects.toThrow('freeze head needs starting weights');
    const e = await fineTune('stage4').then(() => null, (err: unknown) => err);
    expect((e as Error).message).toBe('freeze stage4: this net has stages 1 to 3');
  });

  it('loads and freezes the starting weights also for a caller with no hooks but the checkpoint', async () => {
    const config = recipe();
    Object.assign(config.train, { initWeights: 'resnet20.safetensors', freeze: 'head', maxSteps: 2 });
    let last: Checkpoint | null = null;
    await train({ config, data: dataset, init: { source: 'resnet20.safetensors', tensors, naming: 'akamaster' }, hooks: { onCheckpoint: (c) => (last = c) } });
    const ckpt = last as unknown as Checkpoint;
    const values = tf.io.decodeWeights(ckpt.model.data, ckpt.model.specs);
    const kernel = values['stage2.block0.conv1.kernel']!.dataSync() as Float32Array;
    tf.dispose(Object.values(values));
    expect(same(kernel, loaded(recipe()).get('stage2.block0.conv1.kernel')!)).toBe(true);
  });
});

/** A run's checkpoint of `config` (2 steps) as tensors by the playground's names, with their shapes. */
async function checkpointOf(config: Config): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  let last: Checkpoint | null = null;
  config.train.maxSteps = 2;
  await train({ config, data: dataset, hooks: { onCheckpoint: (c) => (last = c) } });
  const ckpt = last as unknown as Checkpoint;
  const values = tf.io.decodeWeights(ckpt.model.data, ckpt.model.specs);
  const out = new Map(Object.entries(values).map(([k, t]) => [k, { shape: t.shape, values: t.dataSync() as Float32Array }]));
  tf.dispose(Object.values(values));
  return out;
}
