// Validation of a whole Config: one message per bad field, naming the field
// and the allowed range. Pure TS: no tfjs, no React.
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
  'model.baseWidth': { min: 1, max: 256, integer: true },
  'train.batchSize': { min: 1, max: 1024, integer: true },
  'train.learningRate': { min: 1e-6, max: 10, integer: false },
  'train.momentum': { min: 0, max: 0.999, integer: false },
  'train.weightDecay': { min: 0, max: 0.1, integer: false },
  'train.epochs': { min: 1, max: 1000, integer: true },
  'train.maxSteps': { min: 0, max: 10_000_000, integer: true },
  'train.seed': { min: 0, max: 2 ** 31 - 1, integer: true },
  'data.trainSubset': { min: 0, max: 10_000_000, integer: true },
  'data.testSubset': { min: 0, max: 10_000_000, integer: true },
} as const satisfies Record<string, Range>;

export type NumericField = keyof typeof LIMITS;

export function checkNumber(field: NumericField, value: unknown): string | undefined {
  const r: Range = LIMITS[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${field} must be a finite number`;
  if (r.integer && !Number.isInteger(value)) return `${field} must be a whole number, got ${value}`;
  if (value < r.min || value > r.max) return `${field} must be between ${r.min} and ${r.max}, got ${value}`;
  return undefined;
}

function get(config: Config, path: string): unknown {
  const [section, key] = path.split('.') as [keyof Config, string];
  return (config[section] as unknown as Record<string, unknown>)[key];
}

export function validateConfig(config: Config): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of Object.keys(LIMITS) as NumericField[]) {
    const message = checkNumber(field, get(config, field));
    if (message) errors.push({ field, message });
  }
  return errors;
}
