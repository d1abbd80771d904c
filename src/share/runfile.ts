// A run as a file: JSON export and import (config, per-step and per-epoch
// metrics) and the metrics as CSV. Imported files are untrusted: the config
// goes through the URL codec's table field by field, metrics are checked
// for shape and size. Pure TS: no tfjs, no React.
import { formatBytes } from '../config/format';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import type { EpochMetrics, StepMetrics } from '../protocol/messages';
import { configFromJson } from './json';

/** A run file's config is read by the one JSON reader (json.ts), field by field. */
export { configFromJson };

export const RUN_FILE_FORMAT = 'resnet-playground-run';
export const RUN_FILE_VERSION = 1;
/** Largest run file accepted on import (a 100,000-step run of ResNet-110 is ~80 MB). */
export const MAX_RUN_FILE_BYTES = 128 * 1024 * 1024;

/** An epoch as kept with a run: the numbers, without the per-image predictions. */
export type EpochSummary = Pick<EpochMetrics, 'epoch' | 'step' | 'testLoss' | 'testAcc' | 'testCount' | 'confusion'>;

export type RunOutcome = 'running' | 'finished' | 'stopped' | 'error';

/** A kept run: what the runs list, the overlays, the exports and a reload need. */
export interface RunRecord {
  id: string;
  name: string;
  /** ms since the epoch. */
  createdAt: number;
  config: Config;
  outcome: RunOutcome;
  /** Kernel names the gradient norms are aligned with. */
  kernelNames: string[];
  backend: string;
  steps: StepMetrics[];
  epochs: EpochSummary[];
  /** Step of the run's latest kept checkpoint (its weights live beside the record); absent when none. */
  checkpointStep?: number;
}

export function summarizeEpoch(e: EpochMetrics): EpochSummary {
  return { epoch: e.epoch, step: e.step, testLoss: e.testLoss, testAcc: e.testAcc, testCount: e.testCount, confusion: e.confusion };
}

export function toRunFile(record: RunRecord): string {
  return JSON.stringify({ format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, ...record });
}

/** Per-step CSV: one row a step, the epoch's test numbers on the step that ended it, then each layer's gradient norm. */
export function toCsv(record: RunRecord): string {
  const byStep = new Map(record.epochs.map((e) => [e.step, e]));
  const header = ['step', 'epoch', 'loss', 'acc', 'lr', 'ms', 'test_loss', 'test_acc', ...record.kernelNames.map((n) => `grad_norm:${n}`)];
  const rows = record.steps.map((s) => {
    const e = byStep.get(s.step);
    return [s.step, s.epoch, s.loss, s.acc, s.lr, s.ms, e?.testLoss ?? '', e?.testAcc ?? '', ...record.kernelNames.map((_, i) => s.gradNorms[i] ?? '')].join(',');
  });
  return [header.join(','), ...rows].join('\n') + '\n';
}

export type ParsedRun = { record: RunRecord; warnings: FieldError[] } | { error: string };

/** Reads a run file, or says what is wrong with it, naming the file. Never throws. */
export function parseRunFile(text: string, fileName: string): ParsedRun {
  const fail = (why: string): ParsedRun => ({ error: `${fileName}: ${why}` });
  if (text.length > MAX_RUN_FILE_BYTES) return fail(`larger than ${formatBytes(MAX_RUN_FILE_BYTES, 'MiB')}, not read`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(raw) || raw.format !== RUN_FILE_FORMAT) return fail(`not a ResNet Playground run file (no "format": "${RUN_FILE_FORMAT}")`);
  if (raw.version !== RUN_FILE_VERSION) return fail(`run file version ${String(raw.version)} is not supported (this page reads version ${RUN_FILE_VERSION})`);
  const { config, errors } = configFromJson(raw.config);
  const kernelNames = raw.kernelNames;
  if (!Array.isArray(kernelNames) || !kernelNames.every((n) => typeof n === 'string')) return fail('"kernelNames" must be a list of layer names');
  const steps = readList(raw.steps, 'steps', (s, i) => readStep(s, i, kernelNames.length));
  if (typeof steps === 'string') return fail(steps);
  const epochs = readList(raw.epochs, 'epochs', readEpoch);
  if (typeof epochs === 'string') return fail(epochs);
  const outcome = (['running', 'finished', 'stopped', 'error'] as const).find((o) => o === raw.outcome) ?? 'stopped';
  const record: RunRecord = {
    id: typeof raw.id === 'string' && raw.id.length <= 64 ? raw.id : `import-${Date.now()}`,
    name: typeof raw.name === 'string' ? raw.name.slice(0, 200) : fileName,
    createdAt: typeof raw.createdAt === 'number' && Number.isFinite(raw.createdAt) ? raw.createdAt : Date.now(),
    config,
    // A run that was training when exported is, once imported, a stopped one.
    outcome: outcome === 'running' ? 'stopped' : outcome,
    kernelNames: kernelNames as string[],
    backend: typeof raw.backend === 'string' ? raw.backend.slice(0, 40) : '',
    steps,
    epochs,
  };
  return { record, warnings: errors };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readList<T>(raw: unknown, what: string, read: (item: unknown, i: number) => T | string): T[] | string {
  if (!Array.isArray(raw)) return `"${what}" must be a list`;
  const out: T[] = [];
  for (let i = 0; i < raw.length; i++) {
    const item = read(raw[i], i);
    if (typeof item === 'string') return `${what}[${i}]: ${item}`;
    out.push(item);
  }
  return out;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function readStep(raw: unknown, _i: number, layers: number): StepMetrics | string {
  if (!isRecord(raw)) return 'not an object';
  for (const k of ['step', 'epoch', 'loss', 'acc', 'lr', 'ms'] as const) if (!isNum(raw[k])) return `"${k}" must be a number`;
  const norms = raw.gradNorms;
  if (!Array.isArray(norms) || norms.length !== layers || !norms.every(isNum)) return `"gradNorms" must hold ${layers} numbers, one per layer`;
  return {
    step: raw.step as number,
    epoch: raw.epoch as number,
    loss: raw.loss as number,
    acc: raw.acc as number,
    lr: raw.lr as number,
    ms: raw.ms as number,
    gradNorms: norms as number[],
    numTensors: isNum(raw.numTensors) ? raw.numTensors : 0,
  };
}

function readEpoch(raw: unknown): EpochSummary | string {
  if (!isRecord(raw)) return 'not an object';
  for (const k of ['epoch', 'step', 'testLoss', 'testAcc', 'testCount'] as const) if (!isNum(raw[k])) return `"${k}" must be a number`;
  const confusion = Array.isArray(raw.confusion) && raw.confusion.every(isNum) ? (raw.confusion as number[]) : [];
  return { epoch: raw.epoch as number, step: raw.step as number, testLoss: raw.testLoss as number, testAcc: raw.testAcc as number, testCount: raw.testCount as number, confusion };
}
