// A weights file of either format, told by its first bytes: PyTorch's zip
// (.pth/.pt, 'PK') or safetensors (an 8-byte header length, then '{').
// One map of tensors in torch's shapes, for src/model/weights.ts. Pure TS.
import { decodeSafetensors, SafetensorsError } from './safetensors';
import { PthError, readPth } from './pth';

export interface WeightsTensor {
  /** As stored: 'F32', 'float32', 'int64', ... */
  dtype: string;
  shape: number[];
  values: ArrayLike<number>;
}

export interface WeightsFile {
  format: 'safetensors' | 'pth';
  tensors: Map<string, WeightsTensor>;
  /** What the reader skipped or found odd, one sentence each. */
  problems: string[];
}

export class WeightsFileError extends Error {
  override name = 'WeightsFileError';
}

/** Files past this are refused before they are read (ResNet-152 is 241 MB; VGG-16 528 MB). */
export const MAX_WEIGHTS_BYTES = 1024 * 2 ** 20;

/** Reads `bytes` (named `file` in messages); throws WeightsFileError naming the file and the problem. */
export async function readWeightsFile(bytes: Uint8Array, file: string): Promise<WeightsFile> {
  if (bytes.length > MAX_WEIGHTS_BYTES) throw new WeightsFileError(`${file} is ${(bytes.length / 2 ** 20).toFixed(0)} MiB, over the ${MAX_WEIGHTS_BYTES / 2 ** 20} MiB cap for weights`);
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    try {
      const sd = await readPth(bytes, file);
      return { format: 'pth', tensors: sd.tensors, problems: sd.problems };
    } catch (e) {
      if (e instanceof PthError) throw new WeightsFileError(e.message);
      throw e;
    }
  }
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    try {
      const { tensors } = decodeSafetensors(bytes, file);
      return { format: 'safetensors', tensors, problems: [] };
    } catch (e) {
      if (e instanceof SafetensorsError) throw new WeightsFileError(e.message);
      throw e;
    }
  }
  throw new WeightsFileError(`${file} is neither a PyTorch state dict (.pth/.pt, a zip) nor safetensors (its first bytes are ${Array.from(bytes.subarray(0, 9), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'missing: the file is empty'})`);
}

/** The name of every tensor holding NaN or ±Infinity, with the count of such values. */
export function nonFinite(tensors: ReadonlyMap<string, WeightsTensor>): Array<{ key: string; count: number }> {
  const out: Array<{ key: string; count: number }> = [];
  for (const [key, t] of tensors) {
    let count = 0;
    for (let i = 0; i < t.values.length; i++) if (!Number.isFinite(t.values[i] as number)) count++;
    if (count > 0) out.push({ key, count });
  }
  return out;
}
