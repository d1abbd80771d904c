// `playground estimate [train options] [--policies P,...] [--json]`: the time
// of an epoch under each freeze policy, from measured steps (the engine's
// src/train/estimate.ts, as the page's weights panel shows it).
import * as tf from '@tensorflow/tfjs';
import type { Config, FreezePolicy } from '../config/types';
import { CPU_LIMITS, WASM_LIMITS } from '../arch/memory';
import type { Dataset } from '../data/types';
import { fieldByPath } from '../share/fields';
import { RunControl } from '../train/control';
import { estimateEpochs } from '../train/estimate';
import { UsageError, type Flags } from './args';
import { configFromFlags } from './train-config';

export const ESTIMATE_USAGE = `usage: playground estimate [train options] [--policies P,P,...] [--json]
  Times an epoch of the train options' run under each freeze policy (default
  none,head and --freeze's stageN), from measured steps of the real net at
  its batch size on this backend: what the page's weights panel shows.`;

/** Seconds as the estimate table writes them: 12.3 s, 4 min 05 s, 2 h 03 min. */
function duration(seconds: number): string {
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

/** `estimate`: the table (or JSON) on stdout, progress on stderr. */
export async function estimateCommand(flags: Flags, startBackend: () => Promise<void>, loadData: (config: Config) => Promise<Dataset>): Promise<number> {
  const config = configFromFlags(flags);
  const given = flags.get('policies');
  if (given === true) throw new UsageError('--policies needs a list, e.g. none,head,stage2');
  const policies = (typeof given === 'string' ? given.split(',') : ['none', 'head', ...(config.train.freeze.startsWith('stage') ? [config.train.freeze] : [])]) as FreezePolicy[];
  const allowed = fieldByPath('train.freeze');
  const bad = policies.find((p) => allowed?.kind === 'enum' && !allowed.values.includes(p));
  if (bad !== undefined) throw new UsageError(`--policies takes none, head and stageN, got ${bad}`);
  await startBackend();
  const data = await loadData(config);
  const json = flags.has('json');
  const estimates = await estimateEpochs(config, data, policies, new RunControl(), (detail) => json || process.stderr.write(`${detail}\n`), tf.getBackend() === 'wasm' ? WASM_LIMITS : CPU_LIMITS);
  if (json) return (process.stdout.write(JSON.stringify({ backend: tf.getBackend(), estimates }) + '\n'), 0);
  const { epochs } = config.train;
  process.stdout.write(`backend ${tf.getBackend()}, batch ${config.train.batchSize}, ${estimates[0]?.stepsPerEpoch ?? 0} steps an epoch\n`);
  for (const e of estimates) {
    const name = e.freeze === 'none' ? 'full fine-tuning' : e.freeze === 'head' ? 'linear probe' : `freeze ${e.freeze}`;
    const once = e.onceSeconds > 0 ? `, once ${duration(e.onceSeconds)}` : '';
    process.stdout.write(`${name.padEnd(18)} ${e.msPerStep.toFixed(0).padStart(7)} ms/step  epoch ${duration(e.epochSeconds)}${once}; ${epochs} epoch${epochs === 1 ? '' : 's'} ${duration(e.onceSeconds + epochs * e.epochSeconds)}\n`);
  }
  return 0;
}

