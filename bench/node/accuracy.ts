// Time to accuracy: the engine's real training loop (the CLI's and the
// worker's), in Node on the fastest CPU path (WASM, XNNPACK), on a real data
// set, evaluated on the whole test split after every epoch.
//   npx tsx bench/node/accuracy.ts --dataset mnist --target 0.99 [--epochs 3]
//   npx tsx bench/node/accuracy.ts --dataset cifar10 --archive cifar-10-binary.tar.gz --epochs 5
//   npx tsx bench/node/accuracy.ts --recipe he2015 --archive cifar-10-binary.tar.gz
// Options: --recipe (a training recipe of src/config/recipes.ts, its data set
// and every training field; its epochs unless --epochs), --arch (default resnet20), --batch, --lr, --backend wasm|cpu,
// --subset N, --json (--help lists them). Prints each epoch's test accuracy with the wall time
// since the first step (evaluation included, data loading not), and stops at
// the first epoch that reaches --target.
//
// Recipes. MNIST: the page's default config (what a new user trains: batch
// 32, momentum 0.9, lr 0.025, weight decay 1e-4, no augmentation). CIFAR-10:
// the standard recipe of He et al. 2015, §4.2: batch 128, SGD with momentum
// 0.9, lr 0.1, weight decay 1e-4, 4-pixel pad + random crop and horizontal
// flips, per-channel normalisation; the first decay comes at 32k iterations
// (epoch 82), so over a few epochs the rate is constant.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installKernels } from '../../src/kernels/install';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { configFromPreset, DEFAULT_CONFIG, isModelPresetId } from '../../src/config/presets';
import { applyRecipe, RECIPES } from '../../src/config/recipes';
import type { Config } from '../../src/config/types';
import { readArchiveFile } from '../../src/cli/data';
import { loadFashionNode } from '../../src/data/fashion-node';
import { loadMnistNode } from '../../src/data/mnist-node';
import type { Dataset } from '../../src/data/types';
import { RunControl } from '../../src/train/control';
import { train } from '../../src/train/engine';
import { benchArgs } from '../args';

const args = benchArgs('npx tsx bench/node/accuracy.ts [flags]', {
  recipe: { kind: 'string', choices: RECIPES.filter((r) => r.kind === 'training').map((r) => r.id), help: 'a training recipe: its data set and every training field (its epochs unless --epochs)' },
  dataset: { kind: 'string', default: 'mnist', choices: ['mnist', 'fashion', 'cifar10', 'cifar100'], help: 'the data set' },
  archive: { kind: 'string', arg: 'FILE', help: 'cifar10, cifar100: the official binary release (.tar.gz)' },
  arch: { kind: 'string', default: 'resnet20', arg: 'ID', help: 'a zoo preset' },
  backend: { kind: 'string', default: 'wasm', choices: ['wasm', 'cpu'], help: 'TF.js backend' },
  target: { kind: 'number', arg: 'ACC', help: 'stop at the first epoch whose test accuracy reaches it; default 0.99 on mnist, 1 otherwise' },
  epochs: { kind: 'number', help: 'epochs at most; default 3 on mnist, 5 otherwise' },
  batch: { kind: 'number', help: "batch size; default the recipe's" },
  lr: { kind: 'number', help: "learning rate; default the recipe's" },
  subset: { kind: 'number', help: 'train on the first N images' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
});
const { json, arch, backend } = args;
const chosen = RECIPES.find((r) => r.id === args.recipe);
const dataset = chosen?.data.dataset ?? args.dataset;
const log = (line: string) => (json ? console.error(line) : console.log(line));
const target = args.target ?? (dataset === 'mnist' ? 0.99 : 1);
if (!isModelPresetId(arch)) throw new Error(`--arch: unknown preset ${arch}`);

function recipe(): Config {
  const c = configFromPreset(arch as Parameters<typeof configFromPreset>[0], DEFAULT_CONFIG);
  if (chosen) {
    const r = applyRecipe(c, chosen);
    if (args.epochs !== undefined) r.train.epochs = args.epochs;
    r.train.backend = backend;
    return r;
  }
  c.data.dataset = dataset as Config['data']['dataset'];
  if (dataset === 'cifar10' || dataset === 'cifar100') {
    Object.assign(c.train, { batchSize: 128, optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, schedule: 'constant' });
    Object.assign(c.data, { randomCrop: true, horizontalFlip: true });
  }
  c.train.epochs = args.epochs ?? (dataset === 'mnist' ? 3 : 5);
  if (args.batch !== undefined) c.train.batchSize = args.batch;
  if (args.lr !== undefined) c.train.learningRate = args.lr;
  if (args.subset !== undefined) c.data.trainSubset = args.subset;
  c.train.backend = backend;
  return c;
}

async function load(): Promise<Dataset> {
  if (dataset === 'mnist') return loadMnistNode();
  if (dataset === 'fashion') return loadFashionNode();
  if (dataset !== 'cifar10' && dataset !== 'cifar100') throw new Error(`this bench reads MNIST, Fashion-MNIST and the CIFAR archives, not ${dataset}`);
  if (!args.archive) throw new Error(`--dataset ${dataset} needs --archive FILE (the official binary release, e.g. fetched by npm run data -- ${dataset})`);
  return readArchiveFile(args.archive, dataset);
}

tf.enableProdMode();
installKernels(backend as 'wasm' | 'cpu');
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to start`);
const config = recipe();
const loadStart = performance.now();
const data = await load();
const loadMs = performance.now() - loadStart;
const threads = backend === 'wasm' ? getThreadsCount() : 1;
log(`${arch} on ${dataset} (${data.train.count} train / ${data.test.count} test), ${backend} (${threads} thread${threads === 1 ? '' : 's'}), batch ${config.train.batchSize}, lr ${config.train.learningRate} (${config.train.schedule}), ${config.train.optimizer}, ${chosen ? `recipe ${chosen.id}, ` : ''} ${config.train.epochs} epochs at most, target ${target}; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; data loaded in ${(loadMs / 1000).toFixed(1)} s`);

const control = new RunControl();
const epochs: { epoch: number; step: number; testAcc: number; testLoss: number; wallS: number; trainLoss: number; load: number }[] = [];
let start = 0;
let lossSum = 0;
let lossCount = 0;
let reached = null as number | null; // set by the onEpoch hook
const result = await train({
  config,
  data,
  control,
  gradNorms: true, // as the page trains: the norms are part of every step
  hooks: {
    onStep: (m) => {
      if (start === 0) start = performance.now() - m.ms; // the clock starts with the first step
      lossSum += m.loss;
      lossCount += 1;
      if (m.step % 100 === 0) log(`  step ${m.step}: loss ${m.loss.toFixed(4)}, ${m.ms.toFixed(0)} ms, ${((performance.now() - start) / 1000).toFixed(0)} s`);
    },
    onEpoch: (e) => {
      const wallS = (performance.now() - start) / 1000;
      const row = { epoch: e.epoch, step: e.step, testAcc: e.testAcc, testLoss: e.testLoss, wallS, trainLoss: lossSum / Math.max(1, lossCount), load: os.loadavg()[0] ?? 0 };
      epochs.push(row);
      lossSum = 0;
      lossCount = 0;
      log(`epoch ${e.epoch} (step ${e.step}): test accuracy ${(e.testAcc * 100).toFixed(2)}% on ${e.testCount}, test loss ${e.testLoss.toFixed(4)}, mean train loss ${row.trainLoss.toFixed(4)}, wall ${wallS.toFixed(0)} s (${(wallS / 60).toFixed(1)} min), load ${row.load.toFixed(1)}`);
      if (reached === null && e.testAcc >= target) {
        reached = wallS;
        control.stop();
      }
    },
  },
});
const summary = reached !== null ? `reached ${(target * 100).toFixed(1)}% in ${reached.toFixed(0)} s (${(reached / 60).toFixed(1)} min)` : `did not reach ${(target * 100).toFixed(1)}% in ${epochs.length} epochs`;
log(`${summary}; ${result.steps} steps`);
if (json) console.log(JSON.stringify({ recipe: chosen?.id ?? null, arch, dataset, backend, threads, config: config.train, augmentation: { crop: config.data.randomCrop, flip: config.data.horizontalFlip }, target, reachedS: reached, loadS: loadMs / 1000, epochs }));
