// A trained model as TF.js's weights-manifest format: model.json (our config,
// the layer names, and `weightsManifest` pointing at one .bin of float32
// values) and the bytes. tf.io.loadWeights or decodeWeights reads them; the
// config rebuilds the same net (src/model/build.ts). Pure TS.
import type { Config } from '../config/types';
import type { Checkpoint } from '../protocol/messages';

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
