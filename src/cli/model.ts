// `playground model <preset>`: the architecture without the engine (no
// tfjs): the stage table, or with --json { params, macs, stages, layers }.
// Also the model flags that `train` shares.
import { DEFAULT_CONFIG, isModelPresetId, MODEL_PRESET_IDS, modelFromPreset } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { buildArch, summarize } from '../arch/arch';
import { stageTable, type StageSummary } from '../arch/stages';
import { choiceFlag, numberFlag, onOffFlag, UsageError, type Flags } from './args';

export const MODEL_USAGE = `usage: playground model PRESET [options]
  PRESET              ${MODEL_PRESET_IDS.join(', ')}
  --input N           N×N×3 input (default 32 for the CIFAR ResNets, else 224)
  --classes N         classes (default 10 for the CIFAR ResNets, else 1000)
  --json              { "params", "macs", "stages": [...], "layers": [...] }
  model options (also for train):
  --stage-blocks L    blocks per stage, e.g. 3-4-6-3
  --stem S            cifar, imagenet, deep
  --preact on|off     pre-activation blocks
  --se R              squeeze-and-excitation reduction (0: none)
  --groups N          bottleneck cardinality; --group-width N channels per group at width 64
  --widen K           width factor`;

/** Flags that set model fields, for `model` and `train`. */
export const MODEL_FLAGS = ['blocks', 'width', 'skip', 'bn', 'shortcut', 'stage-blocks', 'stem', 'preact', 'se', 'groups', 'group-width', 'widen'] as const;

function listFlag(flags: Flags, name: string): number[] | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  if (raw === true || !/^\d+(-\d+)*$/.test(raw)) throw new UsageError(`--${name} must be whole numbers joined by '-', e.g. 3-4-6-3, got ${String(raw)}`);
  return raw.split('-').map(Number);
}

/** A copy of `model` with the model flags applied (not yet validated). */
export function applyModelFlags(model: ModelConfig, flags: Flags): ModelConfig {
  const m = { ...model };
  const set = <T>(value: T | undefined, apply: (v: T) => void) => value !== undefined && apply(value);
  set(numberFlag(flags, 'blocks'), (v) => (m.blocksPerStage = v));
  set(numberFlag(flags, 'width'), (v) => (m.baseWidth = v));
  set(onOffFlag(flags, 'skip'), (v) => (m.skip = v));
  set(onOffFlag(flags, 'bn'), (v) => (m.batchNorm = v));
  set(choiceFlag(flags, 'shortcut', ['A', 'B', 'avgDown'] as const), (v) => (m.shortcut = v));
  set(listFlag(flags, 'stage-blocks'), (v) => (m.stageBlocks = v));
  set(choiceFlag(flags, 'stem', ['cifar', 'imagenet', 'deep'] as const), (v) => (m.stem = v));
  set(onOffFlag(flags, 'preact'), (v) => (m.preact = v));
  set(numberFlag(flags, 'se'), (v) => (m.se = v));
  set(numberFlag(flags, 'groups'), (v) => (m.cardinality = v));
  set(numberFlag(flags, 'group-width'), (v) => (m.groupWidth = v));
  set(numberFlag(flags, 'widen'), (v) => (m.widthFactor = v));
  return m;
}

function positiveInt(flags: Flags, name: string, fallback: number, max: number): number {
  const v = numberFlag(flags, name) ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got ${v}`);
  return v;
}

/** The command's whole output. Throws UsageError on bad arguments, Error when the input is too small for the net. */
export function modelCommand(positional: string[], flags: Flags): string {
  const [id, extra] = positional;
  if (id === undefined || !isModelPresetId(id)) throw new UsageError(`model needs a preset, one of ${MODEL_PRESET_IDS.join(', ')}${id === undefined ? '' : `; got ${id}`}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  const model = applyModelFlags(modelFromPreset(id), flags);
  const errors = validateConfig({ ...DEFAULT_CONFIG, model });
  if (errors.length > 0) throw new UsageError(errors.map((e) => e.message).join('; '));
  const cifar = model.family === 'cifar-resnet';
  const input = positiveInt(flags, 'input', cifar ? 32 : 224, 4096);
  const classes = positiveInt(flags, 'classes', cifar ? 10 : 1000, 100_000);
  const summary = summarize(buildArch(model, classes), [input, input, 3]);
  const stages = stageTable(model, summary);
  if (flags.has('json')) return JSON.stringify({ params: summary.params, macs: summary.macs, stages, layers: summary.layers });
  const head = `${id} at ${input}×${input}×3, ${classes} classes: ${summary.params.toLocaleString('en-US')} parameters, ${count(summary.macs)} multiply-accumulates per image, ${summary.depth} weighted layers`;
  return [head, '', ...table(stages)].join('\n');
}

/** 4089184256 -> '4.09 G'. */
export function count(n: number): string {
  const [value, unit] = n >= 1e9 ? [n / 1e9, ' G'] : n >= 1e6 ? [n / 1e6, ' M'] : n >= 1e3 ? [n / 1e3, ' K'] : [n, ''];
  return `${value.toFixed(unit ? 2 : 0)}${unit}`;
}

function table(stages: StageSummary[]): string[] {
  const rows = [
    ['stage', 'blocks', 'block type', 'output', 'params', 'MACs'],
    ...stages.map((s) => [s.stage, s.blocks > 0 ? String(s.blocks) : '-', s.blockType, s.outShape.join('×'), s.params.toLocaleString('en-US'), count(s.macs)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  // Text columns left-aligned, numbers right-aligned.
  const right = [false, true, false, true, true, true];
  return rows.map((r) => r.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}
