// The CLI: the same engine as the browser worker, from Node.
//   playground train --arch resnet20 --skip off --dataset mnist --steps 50 --backend cpu --json
// prints one JSON object per step: step, loss, acc, lr, ms, gradNorms,
// weightNorms and updateRatios (each keyed by layer name) and numTensors;
// then epoch and done lines.
//   playground model resnet50 --input 224 --classes 1000 [--json]
// prints the stage table (src/cli/model.ts).
//   playground url '<query>' | playground url --encode '<config json>'
// decodes or encodes a share link (src/cli/url.ts).
//   playground estimate --arch resnet50 --input 224 --data cifar10 --archive FILE --init-weights W
// times an epoch per freeze policy (src/cli/estimate.ts).
//   playground export pytorch (--config QUERY | --run FILE) --out DIR
// writes train.py, weights, config and a README for PyTorch (src/cli/export.ts).
//   playground weights inspect FILE [--arch PRESET] | playground forward --arch PRESET --weights FILE --input X.safetensors [--grads]
// lists a weights file against a net, or runs it on a batch (src/cli/weights.ts).
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, Config } from '../config/types';
import { CPU_LIMITS, WASM_LIMITS } from '../arch/memory';
import { ESTIMATE_USAGE, estimateCommand } from './estimate';
import { EXPORT_FLAGS, EXPORT_USAGE, exportCommand } from './export';
import { loadFashionNode } from '../data/fashion-node';
import { loadMnistNode } from '../data/mnist-node';
import type { Dataset } from '../data/types';
import { DATA_USAGE, dataCommand, readArchiveFile } from './data';
import type { Checkpoint, StepMetrics } from '../protocol/messages';
import { writeFileSync } from 'node:fs';
import { decodeSpecs } from '../share/modelfile';
import { encodeSafetensors } from '../data/safetensors';
import { stateDictOf } from '../weights/export';
import { defaultNaming, NamingError, noNames, type Naming } from '../weights/torch-names';
import { optimizerSafetensors } from '../export/optimizer';
import { RunControl } from '../train/control';
import { train, type InitWeights } from '../train/engine';
import { buildArch, summarize } from '../arch/arch';
import { parseFreeze } from '../weights/freeze';
import '@tensorflow/tfjs-backend-wasm';
import { startNodeWebGpu } from '../train/webgpu-node';
import { fileTraceSink } from './trace';
import { installKernels } from '../kernels/install';
import { CIFAR_LAYOUTS } from '../data/cifar';
import { readFolderNode } from '../data/folder-node';
import { FOLDER_SIZES, FolderError } from '../data/imagefolder';
import { MODEL_FLAGS, MODEL_HELP, MODEL_USAGE, modelCommand } from './model';
import { URL_USAGE, urlCommand } from './url';
import { parseArgs, UsageError, type Flags } from './args';
import { givenFlag } from './flags';
import { configFromFlags, TRAIN_FLAGS, TRAIN_USAGE } from './train-config';
import { forward, forwardText, inspectCommand, namingFromFlags, readWeightsPath, WEIGHTS_FLAGS, WEIGHTS_USAGE } from './weights';

export { configFromFlags };

const USAGE = `${TRAIN_USAGE}

${MODEL_USAGE}

${URL_USAGE}

${DATA_USAGE}

${WEIGHTS_USAGE}

${ESTIMATE_USAGE}

${EXPORT_USAGE}`;

const BOOLEAN_FLAGS = new Set(['json', 'help']);
const WEIGHTS_BOOLEANS = new Set(['json', 'help', 'grads']);

/**
 * Node has the wasm (the default for auto: XNNPACK, several times faster)
 * and cpu backends, and webgpu through Dawn where the optional webgpu
 * package and a Vulkan driver are there (train/webgpu-node.ts); WebGL lives
 * only in the browser.
 */
async function startNodeBackend(choice: BackendChoice): Promise<void> {
  if (choice === 'webgl') throw new UsageError('backend webgl runs only in the browser; in Node use --backend wasm, cpu or webgpu');
  if (choice === 'webgpu') {
    try {
      process.stderr.write(`webgpu: ${await startNodeWebGpu()}\n`);
      return;
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const name = choice === 'auto' ? 'wasm' : choice;
  installKernels(name);
  if (!(await tf.setBackend(name))) throw new UsageError(`backend ${name} failed to start`);
}

function stepLine(m: StepMetrics, kernelNames: string[], json: boolean): string {
  if (!json) return `step ${m.step}  loss ${m.loss.toFixed(4)}  acc ${m.acc.toFixed(3)}  ${m.ms.toFixed(0)} ms  tensors ${m.numTensors}`;
  const byLayer = (values: number[]) => Object.fromEntries(kernelNames.map((name, i) => [name, values[i]]));
  return JSON.stringify({ step: m.step, epoch: m.epoch, loss: m.loss, acc: m.acc, lr: m.lr, ms: m.ms, gradNorms: byLayer(m.gradNorms), weightNorms: byLayer(m.weightNorms ?? []), updateRatios: byLayer(m.updateRatios ?? []), numTensors: m.numTensors });
}

async function loadNodeData(config: Config, flags: Flags, say: (line: string) => void): Promise<Dataset> {
  const id = config.data.dataset;
  const archive = flags.get('archive');
  if (id === 'mnist') return loadMnistNode();
  if (id === 'fashion') return loadFashionNode();
  if (id === 'folder') return loadFolder(config, say);
  if (typeof archive !== 'string') throw new UsageError(`--${givenFlag(flags, 'data.dataset') ?? 'data'} ${id} needs --archive FILE (the official ${CIFAR_LAYOUTS[id].release})`);
  return readArchiveFile(archive, id);
}

/**
 * --data folder --images DIR|ZIP: one's own images read as the page reads
 * them; every skipped file and warning said, and the config's class count
 * set from the folder's (the net's outputs, the export's).
 */
async function loadFolder(config: Config, say: (line: string) => void): Promise<Dataset> {
  const d = config.data;
  if (d.images === '') throw new UsageError('--data folder needs --images DIR (a folder of CLASS/IMAGE, or train/ and test/ above them; or a .zip of one)');
  if (!(FOLDER_SIZES as readonly number[]).includes(d.imageSize)) throw new UsageError(`--size is one of ${FOLDER_SIZES.join(', ')} for --data folder, got ${d.imageSize}`);
  let report;
  try {
    report = await readFolderNode(d.images, { size: d.imageSize, fit: d.fit, testShare: d.testShare, seed: config.train.seed });
  } catch (e) {
    if (e instanceof FolderError) throw new UsageError(e.message);
    throw e;
  }
  const ds = report.dataset;
  say(`${d.images}: ${ds.numClasses} classes, ${ds.train.count} training and ${ds.test.count} test images at ${d.imageSize}×${d.imageSize} (${report.layout === 'split' ? "the folder's train/ and test/" : `a seeded split, ${d.testShare} held out`})`);
  if (report.notImages > 0) say(`skipped ${report.notImages} files that are not images`);
  for (const p of report.problems) say(`${p.file}: ${p.problem}`);
  for (const w of report.warnings) say(`warning: ${w}`);
  config.data.classes = ds.numClasses;
  return ds;
}

/** --init-weights (config.train.initWeights), with --freeze and --naming, read and checked before the run builds anything. */
async function initFromFlags(flags: Flags, config: Config): Promise<InitWeights | undefined> {
  const path = config.train.initWeights;
  for (const f of ['freeze', 'naming']) if (flags.has(f) && path === '') throw new UsageError(`--${f} needs --init-weights FILE`);
  if (path === '') return undefined;
  const stages = summarize(buildArch(config.model, 10), [32, 32, 3]).layers.reduce((n, l) => Math.max(n, Number(/^stage(\d+)$/.exec(l.stage)?.[1] ?? 0)), 0);
  const freeze = parseFreeze(config.train.freeze, stages);
  if ('error' in freeze) throw new UsageError(freeze.error);
  const naming = flags.has('naming') ? namingFromFlags(flags, config.model) : null;
  const file = await readWeightsPath(path, true);
  return { source: path, tensors: file.tensors, naming };
}

async function trainCommand(flags: Flags): Promise<number> {
  const config = configFromFlags(flags);
  const json = flags.has('json');
  await startNodeBackend(config.train.backend);
  const data = await loadNodeData(config, flags, (line) => process.stderr.write(line + '\n'));
  const control = new RunControl();
  const onSignal = () => control.stop();
  process.once('SIGINT', onSignal);
  let kernelNames: string[] = [];
  const out = (line: string) => process.stdout.write(line + '\n');
  const traceFile = flags.get('trace');
  if (traceFile === true) throw new UsageError('--trace needs a FILE');
  const trace = traceFile ? fileTraceSink(traceFile) : undefined;
  const init = await initFromFlags(flags, config);
  const saveTo = flags.get('save-weights');
  if (saveTo === true) throw new UsageError('--save-weights needs a FILE');
  const saveOptimizerTo = flags.get('save-optimizer');
  if (saveOptimizerTo === true) throw new UsageError('--save-optimizer needs a FILE');
  let last: Checkpoint | null = null;
  try {
    const result = await train({
      config,
      data,
      control,
      limits: tf.getBackend() === 'wasm' ? WASM_LIMITS : CPU_LIMITS,
      ...(trace ? { trace } : {}),
      ...(init ? { init } : {}),
      hooks: {
        onPhase: (_, detail) => {
          if (detail && !json) out(detail);
        },
        onModel: (info) => {
          kernelNames = info.kernelNames;
          if (!json) out(`${info.depth} layers, ${info.params.toLocaleString('en-US')} parameters, backend ${tf.getBackend()}`);
        },
        onStep: (m) => out(stepLine(m, kernelNames, json)),
        onEpoch: (e) => out(json ? JSON.stringify({ event: 'epoch', ...e }) : `epoch ${e.epoch}  test loss ${e.testLoss.toFixed(4)}  test acc ${e.testAcc.toFixed(4)} (${e.testCount} images)`),
        ...(saveTo !== undefined || saveOptimizerTo !== undefined ? { onCheckpoint: (c: Checkpoint) => (last = c) } : {}),
      },
    });
    if (!json) out(`${result.reason} after ${result.steps} steps`);
    if (typeof saveTo === 'string') {
      if (last === null) throw new Error(`--save-weights ${saveTo}: the run ended before its first step; nothing written`);
      const naming = saveWeights(saveTo, config, data.numClasses, last);
      if (!json) out(`wrote ${saveTo} (${naming} names)`);
    }
    if (typeof saveOptimizerTo === 'string') {
      const what = saveOptimizer(saveOptimizerTo, config, data.numClasses, last);
      if (!json) out(what);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    trace?.close();
  }
}

/**
 * The checkpoint's weights as safetensors: PyTorch's state dict under the
 * net's usual PyTorch names (--init-weights and PyTorch read it), or the
 * playground's own names for a net PyTorch has none for. -> the naming.
 */
function saveWeights(path: string, config: Config, numClasses: number, checkpoint: Checkpoint): string {
  const tensors = decodeSpecs(checkpoint.model.specs, new Uint8Array(checkpoint.model.data), path);
  let naming: string = defaultNaming(config.model) ?? 'playground';
  let dict: Record<string, { shape: readonly number[]; values: Float32Array | BigInt64Array }> = Object.fromEntries(tensors);
  try {
    if (naming !== 'playground') dict = Object.fromEntries(stateDictOf(config.model, numClasses, tensors, naming as Naming, checkpoint.step));
  } catch (e) {
    if (!(e instanceof NamingError)) throw e;
    naming = 'playground'; // a layer PyTorch's implementations do not have (the Transformer hybrid's)
  }
  writeFileSync(path, encodeSafetensors(dict, { format: 'pt', naming, generatedBy: 'ResNet Playground' }));
  return naming;
}

/** The checkpoint's optimizer state as torch's (export/optimizer.ts), for train.py --weights to resume from. -> a line saying what was written. */
function saveOptimizer(path: string, config: Config, numClasses: number, checkpoint: Checkpoint | null): string {
  if (checkpoint === null) throw new Error(`--save-optimizer ${path}: the run ended before its first step; nothing written`);
  const naming = defaultNaming(config.model);
  if (naming === null) throw new Error(`--save-optimizer ${path}: ${noNames(config.model)}`);
  const bytes = optimizerSafetensors(config, numClasses, checkpoint, naming);
  if (bytes === null) return `--save-optimizer ${path}: ${config.train.optimizer} keeps no state here; nothing written`;
  writeFileSync(path, bytes);
  return `wrote ${path} (the ${config.train.optimizer} state at step ${checkpoint.step}, ${naming} names)`;
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
      case 'estimate': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set([...TRAIN_FLAGS, 'policies']));
        if (flags.has('help')) return (console.log(ESTIMATE_USAGE), 0);
        if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
        return await estimateCommand(flags, () => startNodeBackend(configFromFlags(flags).train.backend), (config) => loadNodeData(config, flags, (line) => process.stderr.write(line + '\n')));
      }
      case 'export': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set(EXPORT_FLAGS));
        if (flags.has('help')) return (console.log(EXPORT_USAGE), 0);
        return await exportCommand(positional, flags);
      }
      case 'model': {
        const { flags, positional } = parseArgs(rest, BOOLEAN_FLAGS, new Set([...MODEL_FLAGS, 'input', 'classes']));
        if (flags.has('help')) return (console.log(MODEL_HELP), 0);
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
      case 'weights': {
        const { flags, positional } = parseArgs(rest, WEIGHTS_BOOLEANS, new Set(WEIGHTS_FLAGS));
        if (flags.has('help')) return (console.log(WEIGHTS_USAGE), 0);
        await startNodeBackend('cpu');
        const result = await inspectCommand(positional, flags);
        process.stdout.write(result.stdout + '\n');
        return result.code;
      }
      case 'forward': {
        const { flags, positional } = parseArgs(rest, WEIGHTS_BOOLEANS, new Set(WEIGHTS_FLAGS));
        if (flags.has('help')) return (console.log(WEIGHTS_USAGE), 0);
        if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
        const backend = flags.get('backend') ?? 'wasm';
        if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend for forward is wasm or cpu, got ${String(backend)}`);
        await startNodeBackend(backend);
        const result = await forward(flags);
        process.stdout.write((flags.has('json') ? JSON.stringify(result) : forwardText(result)) + '\n');
        return 0;
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
