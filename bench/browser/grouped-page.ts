// The grouped-convolution bench page: TF.js runs in the page itself (an op
// bench, not the app, whose page never imports TF.js).
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src/config/types';
import { selectBackend } from '../../src/train/backends';
import { benchGrouped, type GroupedResult, type GroupedSpec } from '../kernels/grouped-op';

declare global {
  interface Window {
    runGrouped(backend: BackendName, spec: GroupedSpec): Promise<GroupedResult>;
    groupedReady: boolean;
  }
}

tf.enableProdMode();
window.runGrouped = async (backend, spec) => {
  if (tf.getBackend() !== backend) await selectBackend(backend);
  return benchGrouped(spec);
};
window.groupedReady = true;
