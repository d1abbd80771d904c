// `playground weights inspect FILE [--arch PRESET] [--json]`: a weights
// file's tensors and, with a net, the mapping report per tensor.
// `playground forward --arch PRESET --weights FILE --input X.safetensors
// [--classes K] [--grads] [--json]`: the net with those weights on the batch
// x (float32 N×C×H×W, PyTorch's layout): inference-mode logits, and with
// --grads the labels y, the training-mode cross-entropy and every weight
// tensor's gradient norm by its PyTorch name. The same code the page runs
// (src/model/weights.ts), so each number can be held against PyTorch.
import { readFileSync, statSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { buildArch } from '../arch/arch';
import { DEFAULT_CONFIG, isModelPresetId, MODEL_PRESET_IDS, modelFromPreset } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { decodeSafetensors, SafetensorsError } from '../data/safetensors';
import { fileOverCap } from '../share/caps';
import { MAX_WEIGHTS_BYTES, nonFinite, readWeightsFile, type WeightsFile, type WeightsTensor } from '../data/weights-file';
import { buildModel, type Model } from '../model/build';
import { firstProblem, loadTorchWeights, matchWeights, type WeightsReport } from '../model/weights';
import { defaultNaming, namingsFor, noNames, torchNames, type Naming } from '../weights/torch-names';
import { numberFlag, UsageError, type Flags } from './args';
import { applyModelFlags, MODEL_FLAGS } from './model';

export const WEIGHTS_USAGE = `usage: playground weights inspect FILE [--arch PRESET] [--classes K] [--naming N] [--json]
  Lists a .pth/.pt or .safetensors file's tensors (name, dtype, shape); with
  --arch (and the model flags of train) also how each maps onto that net:
  matched, missing, unexpected or shape mismatch. Exits 1 on a problem.
  --naming torchvision|timm|akamaster   whose names (default: the usual for the net)
usage: playground forward --arch PRESET --weights FILE --input X.safetensors [--classes K] [--grads] [--json]
  Runs the net with FILE's weights on the batch x of X.safetensors (float32,
  N×C×H×W as PyTorch) in inference mode: { "logits": [[...]] }. With --grads,
  also the labels y (int64 or int32): the training-mode mean cross-entropy
  "loss" and "gradNorms", each weight tensor's gradient norm by PyTorch name.
  The input size comes from x; --classes from the weights' head unless given.
  --backend wasm|cpu (default wasm)`;

export const WEIGHTS_FLAGS: readonly string[] = [...MODEL_FLAGS, 'arch', 'classes', 'naming', 'weights', 'input', 'backend'];

/** The largest --input batch read (float32 N×C×H×W): 1 GiB, e.g. 256 images of 3×512×512. */
const MAX_INPUT_BYTES = 2 ** 30;

/** The file at `path`, its size checked against `cap` (`kind`: what it is, for the refusal) before it is read. */
function readFile(path: string, what: string, cap: number, kind: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new Error(`cannot read ${what} ${path}: no such file`);
  }
  const big = fileOverCap(path, size, cap, kind);
  if (big) throw new Error(big);
  return new Uint8Array(readFileSync(path));
}

/** A weights file at `path`, capped and parsed; `finite` refuses one holding NaN or ±Infinity, naming the tensor. */
export async function readWeightsPath(path: string, finite: boolean): Promise<WeightsFile & { nonFinite: ReturnType<typeof nonFinite> }> {
  const file = await readWeightsFile(readFile(path, 'weights', MAX_WEIGHTS_BYTES, 'a weights file'), path);
  const bad = nonFinite(file.tensors);
  if (finite && bad.length > 0) throw new Error(`${path}: ${nonFiniteText(bad)}`);
  return { ...file, nonFinite: bad };
}

function nonFiniteText(bad: ReturnType<typeof nonFinite>): string {
  return `${bad[0]!.key} holds ${bad[0]!.count} NaN or infinite values (${bad.length} such tensors)`;
}

/** The net named by --arch and the model flags. */
function archFromFlags(flags: Flags): { id: string; cfg: ModelConfig } {
  const id = flags.get('arch');
  if (typeof id !== 'string' || !isModelPresetId(id)) throw new UsageError(`--arch needs a preset, one of ${MODEL_PRESET_IDS.join(', ')}${typeof id === 'string' ? `; got ${id}` : ''}`);
  const cfg = applyModelFlags(modelFromPreset(id), flags);
  const errors = validateConfig({ ...DEFAULT_CONFIG, model: cfg });
  if (errors.length > 0) throw new UsageError(errors.map((e) => e.message).join('; '));
  return { id, cfg };
}

/** --naming, or the net's usual naming; a UsageError for a net without names or a naming it has not. */
export function namingFromFlags(flags: Flags, cfg: ModelConfig): Naming {
  const given = flags.get('naming');
  const known = namingsFor(cfg);
  if (given === undefined) {
    const naming = defaultNaming(cfg);
    if (naming === null) throw new UsageError(noNames(cfg));
    return naming;
  }
  if (typeof given !== 'string' || !(known as string[]).includes(given)) throw new UsageError(`--naming for ${cfg.family} nets is ${known.join(' or ') || 'not available'}, got ${String(given)}`);
  return given as Naming;
}

/** --classes, or the row count of the head's weight in the file, or the preset's usual. */
function classesFor(flags: Flags, cfg: ModelConfig, naming: Naming, tensors: ReadonlyMap<string, WeightsTensor>): number {
  const given = numberFlag(flags, 'classes');
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1 || given > 100_000) throw new UsageError(`--classes must be a whole number from 1 to 100000, got ${given}`);
    return given;
  }
  // The names do not depend on the class count; build any head to find the head's key.
  const head = torchNames(cfg, buildArch(cfg, 10), naming).find((n) => n.engine === 'fc.bias');
  const rows = head === undefined ? undefined : tensors.get(head.torch)?.shape[0];
  return rows ?? (cfg.family === 'cifar-resnet' ? 10 : 1000);
}

function reportLines(r: WeightsReport): string[] {
  const lines = [`${r.naming} names: ${r.matched.length} matched, ${r.missing.length} missing, ${r.unexpected.length} unexpected, ${r.mismatched.length} shape mismatches`];
  for (const k of r.missing) lines.push(`  missing     ${k}`);
  for (const k of r.unexpected) lines.push(`  unexpected  ${k}`);
  for (const m of r.mismatched) lines.push(`  mismatch    ${m.key}: file [${m.got.join(', ')}], net [${m.expected.join(', ')}]`);
  return lines;
}

/** `weights inspect`: stdout and the exit code. */
export async function inspectCommand(positional: string[], flags: Flags): Promise<{ stdout: string; code: number }> {
  const [sub, path, extra] = positional;
  if (sub !== 'inspect') throw new UsageError(`weights needs a subcommand: inspect${sub === undefined ? '' : `; got ${sub}`}`);
  if (path === undefined) throw new UsageError('weights inspect needs a FILE');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  const file = await readWeightsPath(path, false);
  const tensors = [...file.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  const bad = file.nonFinite;
  let report: WeightsReport | null = null;
  if (flags.has('arch')) {
    const { cfg } = archFromFlags(flags);
    const naming = namingFromFlags(flags, cfg);
    const classes = classesFor(flags, cfg, naming, file.tensors);
    const model = buildModel(cfg, [32, 32, 3], classes, 1);
    try {
      report = matchWeights(model, cfg, file.tensors, naming);
    } finally {
      model.dispose();
    }
  }
  const problem = bad.length > 0 ? nonFiniteText(bad) : report === null ? null : firstProblem(report);
  if (flags.has('json')) return { stdout: JSON.stringify({ format: file.format, tensors, problems: file.problems, nonFinite: bad, report, problem }), code: problem === null ? 0 : 1 };
  const params = tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const lines = [`${path}: ${file.format}, ${tensors.length} tensors, ${params.toLocaleString('en-US')} values`];
  const width = Math.max(...tensors.map((t) => t.name.length), 4);
  for (const t of tensors) lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(8)}  [${t.shape.join(', ')}]`);
  for (const p of file.problems) lines.push(`note: ${p}`);
  if (report !== null) lines.push(...reportLines(report));
  if (problem !== null) lines.push(`problem: ${problem}`);
  return { stdout: lines.join('\n'), code: problem === null ? 0 : 1 };
}

/** The batch of --input: x as N×C×H×W float32, y when asked. */
function readInput(path: string, needLabels: boolean): { x: { shape: number[]; values: Float32Array }; y: Int32Array | null } {
  let tensors;
  try {
    tensors = decodeSafetensors(readFile(path, 'the input', MAX_INPUT_BYTES, 'an input batch'), path).tensors;
  } catch (e) {
    if (e instanceof SafetensorsError) throw new Error(e.message);
    throw e;
  }
  const x = tensors.get('x');
  if (x === undefined) throw new Error(`${path} has no tensor x (the batch, float32 N×C×H×W); it has ${[...tensors.keys()].join(', ') || 'none'}`);
  if (x.dtype !== 'F32' || x.shape.length !== 4) throw new Error(`${path}: x must be float32 N×C×H×W, is ${x.dtype} [${x.shape.join(', ')}]`);
  if (!needLabels) return { x: { shape: x.shape, values: x.values as Float32Array }, y: null };
  const y = tensors.get('y');
  if (y === undefined) throw new Error(`${path} has no tensor y (the labels, int64 or int32), which --grads needs`);
  if ((y.dtype !== 'I64' && y.dtype !== 'I32') || y.shape.length !== 1 || y.shape[0] !== x.shape[0]) throw new Error(`${path}: y must be int64 or int32 [${x.shape[0]}], is ${y.dtype} [${y.shape.join(', ')}]`);
  return { x: { shape: x.shape, values: x.values as Float32Array }, y: Int32Array.from(y.values as ArrayLike<number>) };
}

export interface ForwardResult {
  logits: number[][];
  loss?: number;
  gradNorms?: Record<string, number>;
}

/** `forward`: the numbers, for the JSON line or the text. */
export async function forward(flags: Flags): Promise<ForwardResult> {
  const { cfg } = archFromFlags(flags);
  const weightsPath = flags.get('weights');
  const inputPath = flags.get('input');
  if (typeof weightsPath !== 'string') throw new UsageError('forward needs --weights FILE');
  if (typeof inputPath !== 'string') throw new UsageError('forward needs --input X.safetensors');
  const naming = namingFromFlags(flags, cfg);
  const file = await readWeightsPath(weightsPath, true);
  const grads = flags.has('grads');
  const { x, y } = readInput(inputPath, grads);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const classes = classesFor(flags, cfg, naming, file.tensors);
  const model: Model = buildModel(cfg, [h, w, c], classes, 1);
  try {
    loadTorchWeights(model, cfg, file.tensors, naming);
    const input = tf.tidy(() => tf.tensor4d(x.values, [n, c, h, w]).transpose([0, 2, 3, 1]) as tf.Tensor4D); // NCHW -> NHWC
    try {
      const logits = tf.tidy(() => model.forward(input, false).arraySync() as number[][]);
      if (y === null) return { logits };
      for (const label of y) if (!(label >= 0 && label < classes)) throw new Error(`${inputPath}: label ${label} is outside 0..${classes - 1}`);
      const names = torchNames(cfg, model.arch, naming).filter((t) => model.params.has(t.engine));
      const variables = names.map((t) => model.params.get(t.engine) as tf.Variable);
      const { value, grads: g } = tf.variableGrads(() => {
        const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat();
        return tf.losses.softmaxCrossEntropy(onehot, model.forward(input, true)) as tf.Scalar; // mean over the batch, as F.cross_entropy
      }, variables);
      try {
        const norms = tf.tidy(() => tf.stack(variables.map((v) => tf.norm(g[v.name] as tf.Tensor))).dataSync());
        return { logits, loss: value.dataSync()[0] as number, gradNorms: Object.fromEntries(names.map((t, i) => [t.torch, norms[i] as number])) };
      } finally {
        tf.dispose([value, ...Object.values(g)]);
      }
    } finally {
      input.dispose();
    }
  } finally {
    model.dispose();
  }
}

export function forwardText(r: ForwardResult): string {
  const lines = r.logits.map((row, i) => `image ${i}: class ${row.indexOf(Math.max(...row))}  logits ${row.map((v) => v.toFixed(4)).join(' ')}`);
  if (r.loss !== undefined) lines.push(`loss ${r.loss.toFixed(6)}`);
  for (const [k, v] of Object.entries(r.gradNorms ?? {})) lines.push(`  grad norm ${k}  ${v.toExponential(4)}`);
  return lines.join('\n');
}
