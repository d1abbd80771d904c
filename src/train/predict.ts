// One image through a kept run's net: the top classes and their
// probabilities, as the run's own evaluation would score it (the net built
// from the run's config, its checkpoint's weights, inference mode, the run's
// normalization). The image comes fitted to the data set's side by the data
// worker; colour is averaged to grey for a grey data set (MNIST).
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/types';
import type { Dataset } from '../data/types';
import { buildModel, type Model } from '../model/build';
import type { Checkpoint, PredictImage, Prediction } from '../protocol/messages';
import type { ChannelStats } from './batches';
import { loadModelValues } from './checkpoint';
import { statsOf } from './engine';

export interface Predictor {
  key: string;
  model: Model;
  stats: ChannelStats;
  classNames: string[];
  shape: [number, number, number];
}

/** The run's net with the checkpoint's weights, ready to score images like `data`'s. */
export function makePredictor(key: string, config: Config, checkpoint: Checkpoint, data: Dataset): Predictor {
  const shape: [number, number, number] = [data.height, data.width, data.channels];
  const model = buildModel(config.model, shape, data.numClasses, config.train.seed);
  try {
    loadModelValues(model, checkpoint);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const classNames = data.classNames.length === data.numClasses ? data.classNames : Array.from({ length: data.numClasses }, (_, i) => String(i));
  return { key, model, stats: statsOf(config, data), classNames, shape };
}

/** The image as the net's input [1, H, W, C], normalized; refused by name when its size is not the data's. */
function input(p: Predictor, image: PredictImage): tf.Tensor4D {
  const [h, w, c] = p.shape;
  if (image.height !== h || image.width !== w) throw new Error(`the image is ${image.width}×${image.height}; this net takes ${w}×${h}`);
  if (image.pixels.length !== h * w * image.channels) throw new Error(`the image holds ${image.pixels.length} values, not ${h}×${w}×${image.channels}`);
  const values = new Float32Array(h * w * c);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < c; k++) {
      // A colour image for a grey net: the mean of its channels.
      let v = 0;
      if (c === image.channels) v = image.pixels[i * c + k] as number;
      else for (let j = 0; j < image.channels; j++) v += (image.pixels[i * image.channels + j] as number) / image.channels;
      values[i * c + k] = (v / 255 - (p.stats.mean[k] ?? 0)) / (p.stats.std[k] ?? 1);
    }
  }
  return tf.tensor4d(values, [1, h, w, c]);
}

/** The k most likely classes, most likely first. */
export async function predictTop(p: Predictor, image: PredictImage, k = 3): Promise<Prediction[]> {
  const probs = tf.tidy(() => tf.softmax(p.model.forward(input(p, image), false)));
  try {
    const values = await probs.data();
    return [...values]
      .map((v, label) => ({ label, name: p.classNames[label] ?? String(label), p: v }))
      .sort((a, b) => b.p - a.p)
      .slice(0, Math.min(k, values.length));
  } finally {
    probs.dispose();
  }
}
