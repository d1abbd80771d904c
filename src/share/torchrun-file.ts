// A train.py run read back as a kept run: the metrics.jsonl that
// `train.py --out DIR` writes (export/python-loop.ts: a JSON line a step,
// {step, epoch, loss, acc, lr, ms, gradNorms: {layer: norm}, weightNorms},
// and a line an epoch, {event: 'epoch', epoch, step, testLoss, testAcc,
// testCount, confusion}) and, when given, the config.json beside it
// ({model, train, data}, read field by field as a run file's config). The
// files are untrusted: a bad line is refused by its number, a file over
// the size cap by its name; layer names are taken as they come (a run
// of another net, or a later train.py, may name layers this page does not
// know). Pure TS: no tfjs, no React.
import { formatBytes } from '../config/format';
import type { FieldError } from '../config/validate';
import type { StepMetrics } from '../protocol/messages';
import { configFromJson } from './json';
import { MAX_RUN_FILE_BYTES, type EpochSummary, type RunRecord } from './runfile';

/** Largest metrics.jsonl or config.json read, as for a run file. */
export const MAX_TORCH_RUN_BYTES = MAX_RUN_FILE_BYTES;

export interface TorchRunFiles {
  metrics: { name: string; text: string };
  /** train.py's config.json; absent: the config is unknown and the defaults stand in. */
  config?: { name: string; text: string };
}

export type ParsedTorchRun = { record: RunRecord; warnings: FieldError[]; configKnown: boolean } | { error: string };

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One step line's numbers, and its gradient norms by layer name. */
interface StepLine {
  metrics: Omit<StepMetrics, 'gradNorms'>;
  norms: Array<[string, number]>;
}

function readStepLine(raw: Record<string, unknown>): StepLine | string {
  for (const k of ['step', 'epoch', 'loss', 'acc', 'lr', 'ms'] as const) if (!isNum(raw[k])) return `"${k}" must be a number`;
  const g = raw.gradNorms ?? {};
  if (!isRecord(g)) return '"gradNorms" must be an object of layer name: norm';
  const norms: Array<[string, number]> = [];
  for (const [name, v] of Object.entries(g)) {
    if (!isNum(v)) return `"gradNorms"."${name}" must be a number`;
    norms.push([name, v]);
  }
  const n = (k: string) => raw[k] as number;
  return { metrics: { step: n('step'), epoch: n('epoch'), loss: n('loss'), acc: n('acc'), lr: n('lr'), ms: n('ms'), numTensors: 0 }, norms };
}

function readEpochLine(raw: Record<string, unknown>): EpochSummary | string {
  for (const k of ['epoch', 'step', 'testLoss', 'testAcc', 'testCount'] as const) if (!isNum(raw[k])) return `"${k}" must be a number`;
  const confusion = Array.isArray(raw.confusion) && raw.confusion.every(isNum) ? (raw.confusion as number[]) : [];
  const n = (k: string) => raw[k] as number;
  return { epoch: n('epoch'), step: n('step'), testLoss: n('testLoss'), testAcc: n('testAcc'), testCount: n('testCount'), confusion };
}

/** The step and epoch lines of metrics.jsonl, or the first bad line by its number (1-based). */
function readLines(text: string, file: string): { steps: StepLine[]; epochs: EpochSummary[]; skipped: number } | string {
  const steps: StepLine[] = [];
  const epochs: EpochSummary[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const bad = (why: string) => `${file}: line ${i + 1}: ${why}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      return bad(`not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!isRecord(raw)) return bad('not a JSON object');
    if (raw.event === 'epoch') {
      const epoch = readEpochLine(raw);
      if (typeof epoch === 'string') return bad(epoch);
      epochs.push(epoch);
    } else if (raw.event !== undefined) {
      skipped++; // an event a later train.py may write; nothing to chart
    } else {
      const step = readStepLine(raw);
      if (typeof step === 'string') return bad(step);
      steps.push(step);
    }
  }
  return { steps, epochs, skipped };
}

/**
 * A train.py run as a kept run, or what is wrong, naming the file (and the
 * line). Gradient norms: the layers in the order they first appear (train.py
 * writes them in the playground's kernel order); a step without a layer's
 * norm has NaN there. Never throws.
 */
export function parseTorchRun(files: TorchRunFiles, now = Date.now()): ParsedTorchRun {
  const { metrics, config: configFile } = files;
  for (const f of [metrics, configFile]) {
    if (f && f.text.length > MAX_TORCH_RUN_BYTES) return { error: `${f.name}: larger than ${formatBytes(MAX_TORCH_RUN_BYTES, 'MiB')}, not read` };
  }
  let rawConfig: unknown = undefined;
  if (configFile) {
    try {
      rawConfig = JSON.parse(configFile.text);
    } catch (e) {
      return { error: `${configFile.name}: not JSON (${e instanceof Error ? e.message : String(e)})` };
    }
    if (!isRecord(rawConfig)) return { error: `${configFile.name}: not a config (an object holding model, train and data)` };
  }
  const read = readLines(metrics.text, metrics.name);
  if (typeof read === 'string') return { error: read };
  if (read.steps.length === 0) return { error: `${metrics.name}: no step lines (a train.py --out DIR run writes one JSON line a step)` };
  const kernelNames: string[] = [];
  const index = new Map<string, number>();
  for (const s of read.steps) for (const [name] of s.norms) if (!index.has(name)) index.set(name, kernelNames.push(name) - 1);
  const steps: StepMetrics[] = read.steps.map((s) => {
    const gradNorms = new Array<number>(kernelNames.length).fill(NaN);
    for (const [name, v] of s.norms) gradNorms[index.get(name)!] = v;
    return { ...s.metrics, gradNorms };
  });
  const { config, errors } = configFromJson(rawConfig);
  const warnings: FieldError[] = configFile
    ? errors.map((e) => ({ ...e, message: `${configFile.name}: ${e.message}` }))
    : [{ field: 'config', message: `no config.json given with ${metrics.name}: the run's config is unknown; the defaults stand in for it` }];
  const stem = metrics.name.replace(/\.jsonl$/i, '');
  const record: RunRecord = {
    id: `torch-${now}`,
    name: `PyTorch ${stem}${configFile ? '' : ' (config unknown)'}`.slice(0, 200),
    createdAt: now,
    config,
    outcome: 'finished',
    kernelNames,
    backend: configFile ? 'pytorch' : 'pytorch, config unknown',
    steps,
    epochs: read.epochs,
  };
  return { record, warnings, configKnown: configFile !== undefined };
}
