// `playground model <preset>`: the architecture without the engine (no
// tfjs): the stage table, or with --json { params, macs, stages, layers }.
// The model flags are train's (from the FIELDS table, src/cli/flags.ts).
import { DEFAULT_CONFIG, isModelPresetId, MODEL_PRESET_IDS, modelFromPreset } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { buildArch, summarize } from '../arch/arch';
import { stageTable, type StageSummary } from '../arch/stages';
import { FIELDS } from '../share/fields';
import { numberFlag, UsageError, type Flags } from './args';
import { applyFieldFlags, fieldHelp, flagNames } from './flags';

/** The model fields' flags, from the FIELDS table; --input is the command's own (the table's input size). */
const MODEL_FIELDS = FIELDS.filter((f) => f.path.startsWith('model.') && f.key !== 'input');

export const MODEL_USAGE = `usage: playground model PRESET [options]
  PRESET              ${MODEL_PRESET_IDS.join(', ')}
  --input N           the net's input, N×N×3 (default 32 for the CIFAR ResNets, else 224)
  --classes N         classes (default 10 for the CIFAR ResNets, else 1000)
  --json              { "params", "macs", "stages": [...], "layers": [...] }
  and the model fields of train over the preset (playground model --help lists them),
  e.g. --stage-blocks 3-4-6-3, --stem deep, --preact on, --se 16, --groups 32, --widen 2`;

/** `playground model --help`: the usage and every model field's flag. */
export const MODEL_HELP = [MODEL_USAGE, ' model fields (defaults: the preset\'s):', ...fieldHelp(MODEL_FIELDS)].join('\n');

/** Flags that set model fields, for `model` and `train`, aliases included. */
export const MODEL_FLAGS: readonly string[] = flagNames(MODEL_FIELDS);

/** A copy of `model` with the model flags applied; a value of the wrong kind or out of range is a UsageError. */
export function applyModelFlags(model: ModelConfig, flags: Flags): ModelConfig {
  return applyFieldFlags({ ...DEFAULT_CONFIG, model }, flags, MODEL_FIELDS).model;
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
