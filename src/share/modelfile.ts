// A trained model as TF.js's weights-manifest format: model.json (our config,
// the layer names, and `weightsManifest` pointing at one .bin of float32
// values) and the bytes. tf.io.loadWeights or decodeWeights reads them; the
// config rebuilds the same net (src/model/build.ts). Pure TS.
import type { Config } from '../config/types';
import type { Checkpoint, WeightSpec } from '../protocol/messages';

export const MODEL_FILE_FORMAT = 'resnet-playground-model';

export function modelJson(config: Config, kernelNames: string[], checkpoint: Checkpoint, binName: string): string {
  return JSON.stringify(
    {
      format: MODEL_FILE_FORMAT,
      version: 1,
      generatedBy: 'ResNet Playground',
      config,
      kernelNames,
      trainedSteps: checkpoint.step,
      weightsManifest: [{ paths: [binName], weights: checkpoint.model.specs }],
    },
    null,
    1,
  );
}

/** float32 tensors laid one after another as TF.js's encodeWeights writes them, by the playground's names. */
export function decodeSpecs(specs: readonly WeightSpec[], bytes: Uint8Array, name: string): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let at = 0;
  for (const s of specs) {
    if (typeof s?.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${name}: a weights entry is malformed (${JSON.stringify(s).slice(0, 80)})`);
    if (s.dtype !== 'float32') throw new Error(`${name}: ${s.name} is ${String(s.dtype)}; only float32 weights are read`);
    const count = s.shape.reduce((a, b) => a * b, 1);
    if (at + count * 4 > bytes.length) throw new Error(`${name}: ${s.name} runs past the end of the .bin (${bytes.length.toLocaleString('en-US')} bytes): the file is truncated or not this model's`);
    out.set(s.name, { shape: [...s.shape], values: new Float32Array(bytes.slice(at, at + count * 4).buffer) });
    at += count * 4;
  }
  if (at !== bytes.length) throw new Error(`${name}: the .bin has ${(bytes.length - at).toLocaleString('en-US')} bytes more than its manifest lists: not this model's`);
  return out;
}
