// What a fine-tuned net trains: the freeze policies, by layer name. Pure TS.
//
//   none    every layer trains (full fine-tuning);
//   head    only the classifier 'fc' trains (a linear probe, Kornblith et al.
//           2019 "Do Better ImageNet Models Transfer Better?" §3);
//   stageN  the stem and stages 1..N are frozen, the rest trains (Yosinski et
//           al. 2014: early features are general, late ones specific).
//
// Frozen layers keep their weights bit for bit, and their batch norm runs
// in inference mode with the loaded running statistics.
import { stageOf } from '../arch/arch';

export type Freeze = 'none' | 'head' | `stage${number}`;

/** 'stage2' -> 2; null for none and head. */
function stagesFrozen(policy: Freeze): number | null {
  const m = /^stage(\d+)$/.exec(policy);
  return m === null ? null : Number(m[1]);
}

/** The policy named by `text` for a net of `stages` stages, or a message naming the problem. */
export function parseFreeze(text: string, stages: number): { policy: Freeze } | { error: string } {
  if (text === 'none' || text === 'head') return { policy: text };
  const n = stagesFrozen(text as Freeze);
  if (n === null) return { error: `freeze is none, head or stageN (the stem and stages 1 to N frozen), got ${text}` };
  if (!(n >= 1 && n <= stages)) return { error: `freeze ${text}: this net has stages 1 to ${stages}` };
  return { policy: text as Freeze };
}

/** Whether the layer `layer` (e.g. 'stage2.block0.conv1', 'fc') is frozen under `policy`. */
export function isFrozen(layer: string, policy: Freeze): boolean {
  if (policy === 'none') return false;
  if (policy === 'head') return layer !== 'fc';
  const n = stagesFrozen(policy) as number;
  const stage = stageOf(layer);
  if (stage === 'stem') return true;
  const m = /^stage(\d+)$/.exec(stage);
  return m !== null && Number(m[1]) <= n;
}

/** The layer a variable belongs to: 'stage1.block0.bn1.movingMean' -> 'stage1.block0.bn1'. */
export function layerOf(variable: string): string {
  return variable.slice(0, variable.lastIndexOf('.'));
}
