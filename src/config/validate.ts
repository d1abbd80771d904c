// Validation of a whole Config: one message per bad field, naming the field
// and the allowed range. Pure TS: no tfjs, no React.
import { getAt } from './path';
import type { Config } from './types';

export interface FieldError {
  /** Dotted path, e.g. 'train.batchSize'. */
  field: string;
  message: string;
}

interface Range { min: number; max: number; integer: boolean }

/** Limits for every numeric field, shared by validation, the UI inputs and the URL codec. */
export const LIMITS = {
  'model.blocksPerStage': { min: 1, max: 200, integer: true },
  // 0 keeps the data set's size; 512 bounds the memory a URL can ask for.
  'model.inputSize': { min: 0, max: 512, integer: true },
  'model.baseWidth': { min: 1, max: 256, integer: true },
  'model.cardinality': { min: 1, max: 256, integer: true },
  'model.groupWidth': { min: 1, max: 1024, integer: true },
  'model.widthFactor': { min: 0.0625, max: 16, integer: false },
  'model.se': { min: 0, max: 256, integer: true },
  'model.growthRate': { min: 1, max: 256, integer: true },
  'model.depthFactor': { min: 0.1, max: 10, integer: false },
  'model.hiddenUnits': { min: 1, max: 16384, integer: true },
  'model.dropout': { min: 0, max: 0.9, integer: false },
  'model.dropPath': { min: 0, max: 0.9, integer: false },
  // The encoder of the ResNet + Transformer hybrid. That heads divide the
  // width is checked by the architecture walk (as groups for convolutions).
  'model.transformerLayers': { min: 0, max: 48, integer: true },
  'model.transformerWidth': { min: 1, max: 4096, integer: true },
  'model.heads': { min: 1, max: 64, integer: true },
  'model.mlpRatio': { min: 1, max: 16, integer: true },
  'train.batchSize': { min: 1, max: 1024, integer: true },
  'train.learningRate': { min: 1e-6, max: 10, integer: false },
  'train.warmupEpochs': { min: 0, max: 1000, integer: false },
  'train.decayEvery': { min: 1, max: 1000, integer: true },
  'train.decayFactor': { min: 0.001, max: 1, integer: false },
  'train.momentum': { min: 0, max: 0.999, integer: false },
  'train.weightDecay': { min: 0, max: 0.1, integer: false },
  'train.labelSmoothing': { min: 0, max: 0.5, integer: false },
  'train.epochs': { min: 1, max: 1000, integer: true },
  'train.maxSteps': { min: 0, max: 10_000_000, integer: true },
  'train.seed': { min: 0, max: 2 ** 31 - 1, integer: true },
  'train.headLrScale': { min: 0, max: 1000, integer: false },
  'data.trainSubset': { min: 0, max: 10_000_000, integer: true },
  'data.testSubset': { min: 0, max: 10_000_000, integer: true },
  'data.imageSize': { min: 8, max: 512, integer: true },
  'data.testShare': { min: 0.01, max: 0.9, integer: false },
  // 0 until a folder is read; then 2 to MAX_CLASSES (src/data/imagefolder.ts).
  'data.classes': { min: 0, max: 1000, integer: true },
} as const satisfies Record<string, Range>;

export type NumericField = keyof typeof LIMITS;

interface ListRange extends Range { minLength: number; maxLength: number }

/** Limits for list fields: the length and every element. */
export const LIST_LIMITS = {
  /** Up to 8 stages of 1 to 200 blocks (ResNet-152 has [3, 8, 36, 3]). */
  'model.stageBlocks': { min: 1, max: 200, integer: true, minLength: 1, maxLength: 8 },
} as const satisfies Record<string, ListRange>;

export type ListField = keyof typeof LIST_LIMITS;

export function checkList(field: ListField, value: unknown): string | undefined {
  const r: ListRange = LIST_LIMITS[field];
  if (!Array.isArray(value)) return `${field} must be a list of numbers`;
  if (value.length < r.minLength || value.length > r.maxLength) return `${field} must have ${r.minLength} to ${r.maxLength} entries, got ${value.length}`;
  for (const v of value as unknown[]) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (r.integer && !Number.isInteger(v))) return `${field} must hold whole numbers, got ${String(v)}`;
    if (v < r.min || v > r.max) return `${field} entries must be between ${r.min} and ${r.max}, got ${v}`;
  }
  return undefined;
}

export function checkNumber(field: NumericField, value: unknown): string | undefined {
  const r: Range = LIMITS[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${field} must be a finite number`;
  if (r.integer && !Number.isInteger(value)) return `${field} must be a whole number, got ${value}`;
  if (value < r.min || value > r.max) return `${field} must be between ${r.min} and ${r.max}, got ${value}`;
  return undefined;
}

export function validateConfig(config: Config): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of Object.keys(LIMITS) as NumericField[]) {
    const message = checkNumber(field, getAt(config, field));
    if (message) errors.push({ field, message });
  }
  for (const field of Object.keys(LIST_LIMITS) as ListField[]) {
    const message = checkList(field, getAt(config, field));
    if (message) errors.push({ field, message });
  }
  return errors;
}
