// Time per epoch of each freeze policy, from measured steps of the real net
// at the run's batch size on this backend, before a run starts: what the
// weights panel shows beside full fine-tuning, a frozen body and a linear
// probe. The weights' values do not change the time, so the net keeps its
// initialisation and nothing is loaded.
import * as tf from '@tensorflow/tfjs';
import { buildArch, summarize, type Shape } from '../arch/arch';
import { checkFits, DEFAULT_LIMITS, trainingMemory, type BackendLimits } from '../arch/memory';
import type { Config, FreezePolicy } from '../config/types';
import type { Dataset } from '../data/types';
import { buildModel, type Model } from '../model/build';
import type { PolicyEstimate } from '../protocol/messages';
import { isFrozen, layerOf, parseFreeze } from '../weights/freeze';
import { Batcher, channelStats } from './batches';
import type { RunControl } from './control';
import { makeOptimizer, trainStep, TrainingError } from './engine';
import { splitHead } from './features';

/** Timed steps after one untimed (which compiles shaders or warms caches). */
const TIMED = 2;

export async function estimateEpochs(config: Config, data: Dataset, policies: readonly FreezePolicy[], control: RunControl, onProgress: (detail: string) => void, limits: BackendLimits = DEFAULT_LIMITS): Promise<PolicyEstimate[]> {
  const input: Shape = [data.height, data.width, data.channels];
  const { batchSize } = config.train;
  const tooBig = checkFits(trainingMemory(summarize(buildArch(config.model, data.numClasses), input), batchSize, config.train.optimizer), limits, batchSize);
  if (tooBig) throw new TrainingError(`This configuration is ${tooBig}`);
  const pool = config.data.trainSubset > 0 ? Math.min(config.data.trainSubset, data.train.count) : data.train.count;
  const tested = config.data.testSubset > 0 ? Math.min(config.data.testSubset, data.test.count) : data.test.count;
  const stepsPerEpoch = Math.ceil(pool / batchSize);
  const batcher = new Batcher(data, channelStats(data.train, data.channels, 1000));
  const indices = Array.from({ length: batchSize }, (_, i) => i % data.train.count);
  const out: PolicyEstimate[] = [];
  const model = buildModel(config.model, input, data.numClasses, config.train.seed);
  try {
    const stages = model.summary.layers.reduce((n, l) => Math.max(n, Number(/^stage(\d+)$/.exec(l.stage)?.[1] ?? 0)), 0);
    // Inference: what evaluation and a probe's features cost per image.
    onProgress('timing inference');
    const perImage = (await timed(TIMED, control, () => {
      const { x, y } = batcher.batch(data.train, indices);
      tf.tidy(() => model.forward(x as tf.Tensor4D, false).dataSync());
      tf.dispose([x, y]);
    })) / batchSize;
    const evalSeconds = (tested * perImage) / 1000;
    for (const freeze of policies) {
      if (control.isStopped) break;
      if ('error' in parseFreeze(freeze, stages)) continue; // a stage this net does not have
      onProgress(`timing ${freeze === 'none' ? 'full fine-tuning' : freeze === 'head' ? 'the linear probe' : `freeze ${freeze}`}`);
      if (freeze === 'head') {
        // A probe steps on features: time the head alone on a batch of them.
        const { head, body } = splitHead(model.arch);
        const { x, y } = batcher.batch(data.train, indices);
        const features = tf.tidy(() => tf.reshape(model.run(body, x, false), [batchSize, -1]));
        tf.dispose([x]);
        const ms = await stepTime(model, config, features, y, (v) => layerOf(v) !== 'fc', (f, training) => model.run(head, f, training) as tf.Tensor2D, control);
        // Its evaluation is the head on the test images' features.
        const evalPerImage = (await timed(TIMED, control, () => tf.tidy(() => model.run(head, features, false).dataSync()))) / batchSize;
        tf.dispose([features, y]);
        out.push({ freeze, msPerStep: ms, stepsPerEpoch, epochSeconds: (stepsPerEpoch * ms + tested * evalPerImage) / 1000, onceSeconds: ((pool + tested) * perImage) / 1000 });
        continue;
      }
      const { x, y } = batcher.batch(data.train, indices);
      const ms = await stepTime(model, config, x, y, (v) => isFrozen(layerOf(v), freeze), undefined, control);
      tf.dispose([x, y]);
      out.push({ freeze, msPerStep: ms, stepsPerEpoch, epochSeconds: (stepsPerEpoch * ms) / 1000 + evalSeconds, onceSeconds: 0 });
    }
  } finally {
    model.dispose();
  }
  return out;
}

/** Median ms of a training step with `frozen` variables held (BN of frozen layers in inference mode). */
async function stepTime(model: Model, config: Config, x: tf.Tensor, y: tf.Tensor2D, frozen: (variable: string) => boolean, forward: ((x: tf.Tensor, training: boolean) => tf.Tensor2D) | undefined, control: RunControl): Promise<number> {
  model.frozenBatchNorm.clear();
  for (const name of model.state.keys()) if (frozen(name)) model.frozenBatchNorm.add(layerOf(name));
  const trainable = [...model.params].filter(([name]) => !frozen(name)).map(([, v]) => v);
  const optimizer = makeOptimizer(config.train);
  try {
    return await timed(TIMED, control, async () => {
      const packed = trainStep(model, optimizer, x, y, { lr: 0, labelSmoothing: 0, withNorms: true, trainable, ...(forward ? { forward } : {}) });
      await packed.data();
      packed.dispose();
    });
  } finally {
    optimizer.dispose();
    model.frozenBatchNorm.clear();
  }
}

/** Median ms of `times` runs of `body` after one untimed. */
async function timed(times: number, control: RunControl, body: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i <= times && !control.isStopped; i++) {
    const t0 = performance.now();
    await body();
    if (i > 0) ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)] ?? NaN;
}
