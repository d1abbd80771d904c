// `playground export pytorch (--config QUERY | --run FILE) --out DIR
// [--weights FILE] [--naming N]`: the run as a PyTorch project, the files of
// src/export/ (train.py, config.json, README.md) and weights.safetensors,
// the weights train.py starts from under its PyTorch names. A run file holds
// no weights (src/share/runfile.ts): without --weights these are the seeded
// initial weights the engine starts the run from, built by the engine's own
// model on the cpu backend; with --weights, that file loaded into the net
// as the engine's fine-tuning start does (any naming the import reads; a new
// head when only the classes differ). Node only.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { datasetShape } from '../config/datasets';
import type { Config } from '../config/types';
import { validateConfig, type FieldError } from '../config/validate';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from '../data/safetensors';
import { MAX_OPTIMIZER_BYTES, OPTIMIZER_FILE, optimizerFileProblem } from '../export/optimizer';
import { exportReadme } from '../export/readme';
import { configJson, ExportError, exportNaming, exportRefusal, trainPy } from '../export/pytorch';
import { buildModel } from '../model/build';
import { bestNaming, loadTorchWeights, matchWeights, WeightsError } from '../model/weights';
import { fileOverCap } from '../share/caps';
import { MAX_RUN_FILE_BYTES, parseRunFile } from '../share/runfile';
import { decode } from '../share/url';
import { stateDictOf, type EngineTensor } from '../weights/export';
import { namingsFor, type Naming } from '../weights/torch-names';
import { UsageError, type Flags } from './args';
import { readWeightsPath } from './weights';

export const EXPORT_USAGE = `usage: playground export pytorch (--config QUERY | --run FILE) --out DIR [--weights FILE [--optimizer FILE]] [--naming N]
  Writes a PyTorch project for a run into DIR: train.py (needs only torch and
  torchvision: the same net under PyTorch's names, the same recipe, data
  pipeline and seeded batches), weights.safetensors (the weights it starts
  from), config.json and README.md (the commands to run it).
  --config QUERY   the run's config as a share link's query (or the whole link)
  --run FILE       a run file exported from the page (its config; a run file holds no weights)
  --out DIR        where the files go (created if need be)
  --weights FILE   start from these weights (.pth/.pt/.safetensors, any naming the import
                   reads; a new head when only the classes differ); default: the seeded
                   initial weights the playground starts the run from
  --optimizer FILE the optimizer state to resume from (playground train --save-optimizer):
                   written as optimizer.safetensors, which train.py --weights reads, continuing
                   the run at the step it had reached
  --naming N       torchvision or timm for the ImageNet ResNets (default: timm where only
                   timm has the layers: deep stem, avgDown, SE; else torchvision)`;

/** Every option `export` takes but the boolean ones (--json, --help). */
export const EXPORT_FLAGS: readonly string[] = ['config', 'run', 'out', 'weights', 'optimizer', 'naming'];

function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

function refusedFields(what: string, errors: readonly FieldError[]): void {
  if (errors.length > 0) throw new UsageError(`${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
}

/** The run's config and where it came from, from --config or --run; a refused field is an error, never a default. */
function configOf(flags: Flags): { config: Config; source: string } {
  const query = stringFlag(flags, 'config');
  const run = stringFlag(flags, 'run');
  if ((query === undefined) === (run === undefined)) throw new UsageError('export pytorch needs one of --config QUERY or --run FILE');
  let config: Config;
  let source: string;
  if (query !== undefined) {
    const q = query.includes('?') ? query.slice(query.indexOf('?') + 1) : query;
    const decoded = decode(q);
    refusedFields('--config', decoded.errors);
    config = decoded.config;
    source = `the link ?${q}`;
  } else {
    const path = run as string;
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new UsageError(`--run ${path}: no such file`);
    }
    const big = fileOverCap(`--run ${path}`, size, MAX_RUN_FILE_BYTES, 'a run file');
    if (big) throw new UsageError(big);
    const parsed = parseRunFile(readFileSync(path, 'utf8'), path);
    if ('error' in parsed) throw new UsageError(parsed.error);
    refusedFields(`--run ${path}`, parsed.warnings);
    config = parsed.record.config;
    source = `the run file ${path} ("${parsed.record.name}")`;
  }
  const errors = validateConfig(config);
  refusedFields('the config', errors);
  return { config, source };
}

/** --naming, checked against the net's namings. */
function namingOf(flags: Flags, config: Config): Naming | undefined {
  const given = stringFlag(flags, 'naming');
  if (given === undefined) return undefined;
  const known = namingsFor(config.model);
  if (!(known as string[]).includes(given)) throw new UsageError(`--naming for ${config.model.family} nets is ${known.join(' or ')}, got ${given}`);
  return given as Naming;
}

/**
 * The state dict train.py starts from: the engine's seeded net for the
 * config, with `weightsPath` loaded into it when given. -> the safetensors
 * bytes and a line saying what they are.
 */
async function startingWeights(config: Config, naming: Naming, weightsPath: string | undefined): Promise<{ bytes: Uint8Array; what: string }> {
  await tf.setBackend('cpu');
  const shape = datasetShape(config.data);
  const model = buildModel(config.model, shape.input, shape.classes, config.train.seed);
  try {
    let what = `the seeded initial weights (seed ${config.train.seed})`;
    if (weightsPath !== undefined) {
      const file = await readWeightsPath(weightsPath, true);
      const from = bestNaming(model, config.model, file.tensors, [...namingsFor(config.model), 'playground']);
      const fits = matchWeights(model, config.model, file.tensors, from);
      const newHead = fits.mismatched.length > 0 && fits.mismatched.every((m) => m.head);
      try {
        loadTorchWeights(model, config.model, file.tensors, from, { newHead });
      } catch (e) {
        if (e instanceof WeightsError) throw new Error(`--weights ${weightsPath}: ${e.message}`);
        throw e;
      }
      what = `${weightsPath} (${from} names${newHead ? `, a new head for ${shape.classes} classes` : ''})`;
    }
    const tensors = new Map<string, EngineTensor>([...model.params, ...model.state].map(([name, v]) => [name, { shape: v.shape, values: v.dataSync() as Float32Array }]));
    const state = stateDictOf(config.model, shape.classes, tensors, naming, 0);
    const bytes = encodeSafetensors(Object.fromEntries(state), { format: 'pt', naming, source: 'resnet-playground export' });
    return { bytes, what };
  } finally {
    model.dispose();
  }
}

/** The optimizer file's bytes, checked against the run's optimizer and the exported weights' parameters. */
function readOptimizer(path: string, config: Config, weights: Uint8Array): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`--optimizer ${path}: no such file`);
  }
  const big = fileOverCap(`--optimizer ${path}`, size, MAX_OPTIMIZER_BYTES, 'an optimizer file');
  if (big) throw new UsageError(big);
  const bytes = new Uint8Array(readFileSync(path));
  const params = new Map([...decodeSafetensors(weights).tensors].map(([k, t]) => [k, t.shape]));
  const problem = optimizerFileProblem(bytes, `--optimizer ${path}`, config.train.optimizer, params);
  if (problem !== null) throw new UsageError(problem);
  return bytes;
}

/** `export pytorch ...`: writes the files and lists them; -> the exit code. */
export async function exportCommand(positional: string[], flags: Flags): Promise<number> {
  const [target, extra] = positional;
  if (target !== 'pytorch') throw new UsageError(`export needs a target: pytorch${target === undefined ? '' : `; got ${target}`}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  const out = stringFlag(flags, 'out');
  if (out === undefined) throw new UsageError('export pytorch needs --out DIR');
  const { config, source } = configOf(flags);
  const weightsPath = stringFlag(flags, 'weights');
  if (config.train.initWeights !== '' && weightsPath === undefined) {
    throw new UsageError(`the run starts from ${config.train.initWeights} (train.initWeights); give those weights, or the run's, as --weights FILE`);
  }
  const refusal = exportRefusal(config.model);
  if (refusal !== null) throw new ExportError(refusal);
  const naming = exportNaming(config.model, namingOf(flags, config));
  const optimizerPath = stringFlag(flags, 'optimizer');
  if (optimizerPath !== undefined && weightsPath === undefined) throw new UsageError('--optimizer goes with the weights it was saved with: give --weights FILE too');
  const files: Array<[string, string | Uint8Array]> = [['train.py', trainPy(config, naming, source)]];
  const weights = await startingWeights(config, naming, weightsPath);
  files.push(['weights.safetensors', weights.bytes]);
  let resumes: string | undefined;
  if (optimizerPath !== undefined) {
    const bytes = readOptimizer(optimizerPath, config, weights.bytes);
    files.push([OPTIMIZER_FILE, bytes]);
    resumes = `${optimizerPath} (the ${config.train.optimizer} state at step ${readSafetensorsHeader(bytes, bytes.length).metadata.step})`;
  }
  files.push(['config.json', configJson(config)], ['README.md', exportReadme(config, naming, weights.what, resumes)]);
  mkdirSync(out, { recursive: true });
  for (const [name, body] of files) writeFileSync(join(out, name), body);
  const size = (b: string | Uint8Array) => (typeof b === 'string' ? Buffer.byteLength(b) : b.length);
  console.log(files.map(([name, body]) => `${join(out, name)}  ${size(body).toLocaleString('en-US')} bytes`).join('\n'));
  console.log(`weights: ${weights.what}; ${naming} names. Next: python3 ${join(out, 'train.py')} --data DATA --weights ${join(out, 'weights.safetensors')} (see ${join(out, 'README.md')})`);
  return 0;
}
