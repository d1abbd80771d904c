// The CLI: the same engine as the browser worker, from Node.
//   playground train --arch resnet20 --skip off --dataset mnist --steps 50 --backend cpu --json
// prints one JSON object per step: step, loss, acc, lr, ms, gradNorms,
// weightNorms and updateRatios (each keyed by layer name) and numTensors;
// then epoch and done lines.
//   playground model resnet50 --input 224 --classes 1000 [--json]
// prints the stage table (src/cli/model.ts).
//   playground url '<query>' | playground url --encode '<config json>'
// decodes or encodes a share link (src/cli/url.ts).
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, MODEL_PRESET_IDS, configFromPreset, isModelPresetId } from '../config/presets';
import type { BackendChoice, Config, OptimizerName, ScheduleName } from '../config/types';
import { validateConfig } from '../config/validate';
import { loadFashionNode } from '../data/fashion-node';
import { loadMnistNode } from '../data/mnist-node';
import type { Dataset } from '../data/types';
import { DATA_USAGE, dataCommand, readArchiveFile } from './data';
import type { StepMetrics } from '../protocol/messages';
import { RunControl } from '../train/control';
import { train } from '../train/engine';
import '@tensorflow/tfjs-backend-wasm';
import { installKernels } from '../kernels/install';
import { applyModelFlags, MODEL_FLAGS, MODEL_USAGE, modelCommand } from './model';
import { URL_USAGE, urlCommand } from './url';
import { choiceFlag, numberFlag, onOffFlag, parseArgs, UsageError, type Flags } from './args';

const USAGE = `usage: playground train [options]
  --arch ID           ${MODEL_PRESET_IDS.join(', ')} (default resnet20)
  --blocks N          blocks per stage (n in 6n+2), overrides --arch
  --width N           channels of the first stage (default 16)
  --skip on|off       residual connections (off: the plain twin)
  --bn on|off         batch norm
  --shortcut A|B|avgDown  option A (zero-pad), B (1x1 projection), avgDown (ResNet-D)
  --dataset ID        mnist (default), fashion, cifar10, cifar100
  --archive FILE      the CIFAR tarball, for --dataset cifar10 or cifar100
  --crop on|off       augmentation: pad 4 and random crop; --flip on|off, --cutout on|off
  --steps N           stop after N steps (default: run all epochs)
  --epochs N          epochs (default ${DEFAULT_CONFIG.train.epochs})
  --batch N           batch size (default ${DEFAULT_CONFIG.train.batchSize})
  --lr X              learning rate (default ${DEFAULT_CONFIG.train.learningRate})
  --optimizer NAME    sgd, momentum, nesterov, adam, adamw (decoupled weight decay)
  --schedule NAME     constant, step, cosine, onecycle, warmup (default constant)
  --warmup-epochs X   linear warm-up for warmup and cosine (default ${DEFAULT_CONFIG.train.warmupEpochs})
  --decay-every N     step: epochs between decays (default ${DEFAULT_CONFIG.train.decayEvery})
  --decay-factor X    step: factor per decay (default ${DEFAULT_CONFIG.train.decayFactor})
  --weight-decay X    on kernels (default ${DEFAULT_CONFIG.train.weightDecay})
  --label-smoothing X target smoothing ε (default 0)
  --seed N            seed for weights and shuffling
  --subset N          train on N images; --test-subset N evaluates on N
  --backend wasm      Node runs wasm (XNNPACK, one thread; the default for auto) or cpu
  --json              one JSON object per line

${MODEL_USAGE}

${URL_USAGE}

${DATA_USAGE}`;

const TRAIN_FLAGS = new Set(['arch', ...MODEL_FLAGS, 'dataset', 'archive', 'crop', 'flip', 'cutout', 'steps', 'epochs', 'batch', 'lr', 'optimizer', 'schedule', 'warmup-epochs', 'decay-every', 'decay-factor', 'weight-decay', 'label-smoothing', 'seed', 'subset', 'test-subset', 'backend']);
const BOOLEAN_FLAGS = new Set(['json', 'help']);

/** Builds a Config from train flags over the defaults; throws UsageError naming a bad flag. */
export function configFromFlags(flags: Flags): Config {
  const arch = flags.get('arch') ?? 'resnet20';
  if (typeof arch !== 'string' || !isModelPresetId(arch)) throw new UsageError(`--arch must be one of ${MODEL_PRESET_IDS.join(', ')}, got ${String(arch)}`);
  const c = configFromPreset(arch);
  c.model = applyModelFlags(c.model, flags);
  const set = <T>(value: T | undefined, apply: (v: T) => void) => value !== undefined && apply(value);
  set(choiceFlag(flags, 'dataset', ['mnist', 'fashion', 'cifar10', 'cifar100'] as const), (v) => (c.data.dataset = v));
  set(onOffFlag(flags, 'crop'), (v) => (c.data.randomCrop = v));
  set(onOffFlag(flags, 'flip'), (v) => (c.data.horizontalFlip = v));
  set(onOffFlag(flags, 'cutout'), (v) => (c.data.cutout = v));
  set(numberFlag(flags, 'steps'), (v) => {
    c.train.maxSteps = v;
    // --steps alone should run that many steps, not stop at the epoch limit.
    if (!flags.has('epochs')) c.train.epochs = 1000;
  });
  set(numberFlag(flags, 'epochs'), (v) => (c.train.epochs = v));
  set(numberFlag(flags, 'batch'), (v) => (c.train.batchSize = v));
  set(numberFlag(flags, 'lr'), (v) => (c.train.learningRate = v));
  set(choiceFlag<OptimizerName>(flags, 'optimizer', ['sgd', 'momentum', 'nesterov', 'adam', 'adamw']), (v) => (c.train.optimizer = v));
  set(choiceFlag<ScheduleName>(flags, 'schedule', ['constant', 'step', 'cosine', 'onecycle', 'warmup']), (v) => (c.train.schedule = v));
  set(numberFlag(flags, 'warmup-epochs'), (v) => (c.train.warmupEpochs = v));
  set(numberFlag(flags, 'decay-every'), (v) => (c.train.decayEvery = v));
  set(numberFlag(flags, 'decay-factor'), (v) => (c.train.decayFactor = v));
  set(numberFlag(flags, 'weight-decay'), (v) => (c.train.weightDecay = v));
  set(numberFlag(flags, 'label-smoothing'), (v) => (c.train.labelSmoothing = v));
  set(numberFlag(flags, 'seed'), (v) => (c.train.seed = v));
  set(numberFlag(flags, 'subset'), (v) => (c.data.trainSubset = v));
  set(numberFlag(flags, 'test-subset'), (v) => (c.data.testSubset = v));
  set(choiceFlag<BackendChoice>(flags, 'backend', ['auto', 'wasm', 'cpu', 'webgl', 'webgpu']), (v) => (c.train.backend = v));
  const errors = validateConfig(c);
  if (errors.length > 0) throw new UsageError(errors.map((e) => e.message).join('; '));
  return c;
}

/** Node has the wasm (the default for auto: XNNPACK, several times faster) and cpu backends; the GPU ones live in the browser. */
async function startNodeBackend(choice: BackendChoice): Promise<void> {
  if (choice === 'webgl' || choice === 'webgpu') throw new UsageError(`backend ${choice} runs only in the browser; in Node use --backend wasm or cpu`);
  const name = choice === 'auto' ? 'wasm' : choice;
  installKernels(name);
  if (!(await tf.setBackend(name))) throw new UsageError(`backend ${name} failed to start`);
}

function stepLine(m: StepMetrics, kernelNames: string[], json: boolean): string {
  if (!json) return `step ${m.step}  loss ${m.loss.toFixed(4)}  acc ${m.acc.toFixed(3)}  ${m.ms.toFixed(0)} ms  tensors ${m.numTensors}`;
  const byLayer = (values: number[]) => Object.fromEntries(kernelNames.map((name, i) => [name, values[i]]));
  return JSON.stringify({ step: m.step, epoch: m.epoch, loss: m.loss, acc: m.acc, lr: m.lr, ms: m.ms, gradNorms: byLayer(m.gradNorms), weightNorms: byLayer(m.weightNorms ?? []), updateRatios: byLayer(m.updateRatios ?? []), numTensors: m.numTensors });
}

async function loadNodeData(config: Config, flags: Flags): Promise<Dataset> {
  const id = config.data.dataset;
  const archive = flags.get('archive');
  if (id === 'mnist') return loadMnistNode();
  if (id === 'fashion') return loadFashionNode();
  if (typeof archive !== 'string') throw new UsageError(`--dataset ${id} needs --archive FILE (the official ${id === 'cifar10' ? 'cifar-10' : 'cifar-100'}-binary.tar.gz)`);
  return readArchiveFile(archive, id);
}

async function trainCommand(flags: Flags): Promise<number> {
  const config = configFromFlags(flags);
  const json = flags.has('json');
  await startNodeBackend(config.train.backend);
  const data = await loadNodeData(config, flags);
  const control = new RunControl();
  const onSignal = () => control.stop();
  process.once('SIGINT', onSignal);
  let kernelNames: string[] = [];
  const out = (line: string) => process.stdout.write(line + '\n');
  try {
    const result = await train({
      config,
      data,
      control,
      hooks: {
        onModel: (info) => {
          kernelNames = info.kernelNames;
          if (!json) out(`${info.depth} layers, ${info.params.toLocaleString('en-US')} parameters, backend ${tf.getBackend()}`);
        },
        onStep: (m) => out(stepLine(m, kernelNames, json)),
        onEpoch: (e) => out(json ? JSON.stringify({ event: 'epoch', ...e }) : `epoch ${e.epoch}  test loss ${e.testLoss.toFixed(4)}  test acc ${e.testAcc.toFixed(4)} (${e.testCount} images)`),
      },
    });
    if (!json) out(`${result.reason} after ${result.steps} steps`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export async function main(argv: string[]): Promise<number> {
  tf.enableProdMode();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, TRAIN_FLAGS);
        if (flags.has('help')) return (console.log(USAGE), 0);
        if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
        return await trainCommand(flags);
      }
      case 'model': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set([...MODEL_FLAGS, 'input', 'classes']));
        if (flags.has('help')) return (console.log(MODEL_USAGE), 0);
        process.stdout.write(modelCommand(positional, flags) + '\n');
        return 0;
      }
      case 'url': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set(['encode']));
        if (flags.has('help')) return (console.log(URL_USAGE), 0);
        const result = urlCommand(positional, flags);
        process.stdout.write(result.stdout + '\n');
        if (result.stderr) process.stderr.write(result.stderr + '\n');
        return result.code;
      }
      case 'data': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set());
        if (flags.has('help')) return (console.log(DATA_USAGE), 0);
        return await dataCommand(positional, flags.has('json'));
      }
      case undefined:
      case '--help':
      case 'help':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`playground: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`playground: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
