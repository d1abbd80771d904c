// The lessons' checks: each reads the user's own runs (or the numbers the
// lesson measured) and says whether the expected effect appeared, as a
// message key (lessons:checks.KEY) and the measured numbers it is built
// from, formatted here (Latin digits in both languages). Never canned: no
// number in a message comes from anywhere but the user's runs. Pure TS.
import { firstOverLast } from '../arch/gradflow';
import type { GradFlowRow } from '../protocol/messages';
import type { RunRecord } from '../share/runfile';
import TORCH from './gradflow-reference.json';

/** A net the bottleneck lesson measured: its size from the layer tree at 224×224, its step timed here. */
export interface Measured {
  preset: 'resnet34' | 'resnet50';
  params: number;
  macs: number;
  depth: number;
  msPerStep: number;
}

export interface LessonContext {
  /** The kept runs, any order. */
  runs: readonly RunRecord[];
  /** The skip lesson's table, as computed so far. */
  gradFlow: readonly GradFlowRow[];
  measured: readonly Measured[];
}

/** 'waiting': the runs or numbers it needs are not there yet. */
export type CheckStatus = 'waiting' | 'seen' | 'not-seen';

export interface CheckResult {
  status: CheckStatus;
  /** Under lessons:checks. */
  key: string;
  values: Record<string, string>;
  /** The ids of the runs it read, for the panel to overlay them. */
  runs?: string[];
}

export type Check = (ctx: LessonContext) => CheckResult;

const waiting = (key: string): CheckResult => ({ status: 'waiting', key, values: {} });

/** A ratio in two significant figures, or as 8.8e+5 past 10,000 and below 0.01. */
export function ratioText(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 1e4 || x < 0.01 ? x.toExponential(1) : String(Number(x.toPrecision(2)));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const minutes = (ms: number) => (ms / 60_000).toFixed(1);

/** Mean of `f` over the last tenth of a run's steps (at least one). */
function tail(run: RunRecord, f: (s: RunRecord['steps'][number]) => number): number {
  const n = Math.max(1, Math.round(run.steps.length / 10));
  const last = run.steps.slice(-n);
  return last.reduce((a, s) => a + f(s), 0) / last.length;
}

/** The headline ratio (first conv / last conv gradient) over the last tenth of the run's steps, as a geometric mean. */
export function endRatio(run: RunRecord): number {
  return Math.exp(tail(run, (s) => Math.log(firstOverLast(run.kernelNames, s.gradNorms))));
}

/** The training error over the last tenth of the run's steps: 1 - the batches' accuracy. */
export function trainError(run: RunRecord): number {
  return 1 - tail(run, (s) => s.acc);
}

const trainLoss = (run: RunRecord) => tail(run, (s) => s.loss);
const trainMs = (run: RunRecord) => run.steps.reduce((a, s) => a + s.ms, 0);
const depthOf = (run: RunRecord) => 6 * run.config.model.blocksPerStage + 2;

/** The newest run with steps that `match` accepts. */
function newest(runs: readonly RunRecord[], match: (r: RunRecord) => boolean): RunRecord | undefined {
  return [...runs].sort((a, b) => b.createdAt - a.createdAt).find((r) => r.steps.length > 0 && match(r));
}

const cifarResNet = (r: RunRecord) => r.config.model.family === 'cifar-resnet';

/** PyTorch's first/last at this cell (torch_gradflow.py on a CIFAR-10 batch of 128), if it has one. */
export function torchRatio(depth: number, skip: boolean, bn: boolean): number | undefined {
  return TORCH.rows.find((r) => r.depth === depth && r.skip === skip && r.bn === bn)?.first_over_last;
}

/** How a first/last ratio reads: a tenfold either way is an explosion or a vanishing. */
export type Regime = 'explodes' | 'vanishes' | 'balanced';
export function regime(ratio: number): Regime {
  return ratio > 10 ? 'explodes' : ratio < 0.1 ? 'vanishes' : 'balanced';
}

/**
 * The skip lesson: at the deepest depth computed in full, plain + BN
 * explodes, plain without BN vanishes, and residual + BN stays within an
 * order of magnitude (PyTorch at depth 110: 880,000, 0.029 and 7.5).
 */
export const skipCheck: Check = ({ gradFlow }) => {
  const cell = (depth: number, skip: boolean, bn: boolean) => gradFlow.find((r) => r.depth === depth && r.skip === skip && r.bn === bn)?.firstOverLast;
  const complete = [...new Set(gradFlow.map((r) => r.depth))].filter((d) => [true, false].every((s) => [true, false].every((b) => cell(d, s, b) !== undefined)));
  if (complete.length === 0) return waiting('skip.waiting');
  const depth = Math.max(...complete);
  const [resBn, plainBn, res, plain] = [cell(depth, true, true)!, cell(depth, false, true)!, cell(depth, true, false)!, cell(depth, false, false)!];
  const seen = regime(plainBn) === 'explodes' && regime(plain) === 'vanishes' && regime(resBn) === 'balanced';
  return { status: seen ? 'seen' : 'not-seen', key: seen ? 'skip.seen' : 'skip.notSeen', values: { depth: String(depth), resBn: ratioText(resBn), plainBn: ratioText(plainBn), res: ratioText(res), plain: ratioText(plain) } };
};

/** The vanishing lesson: the plain net without BN gets a tenth or less of the residual net's first-layer gradient, at the same depth. */
export const vanishingCheck: Check = ({ runs }) => {
  const res = newest(runs, (r) => cifarResNet(r) && r.config.model.skip && r.config.model.batchNorm);
  const plain = res && newest(runs, (r) => cifarResNet(r) && !r.config.model.skip && !r.config.model.batchNorm && r.config.model.blocksPerStage === res.config.model.blocksPerStage);
  if (!res || !plain) return waiting('vanishing.waiting');
  const [rr, pr] = [endRatio(res), endRatio(plain)];
  const seen = pr < rr / 10;
  return {
    status: seen ? 'seen' : 'not-seen',
    key: seen ? 'vanishing.seen' : 'vanishing.notSeen',
    runs: [res.id, plain.id],
    values: { depth: String(depthOf(res)), res: ratioText(rr), plain: ratioText(pr), factor: ratioText(rr / pr), resLoss: trainLoss(res).toFixed(3), plainLoss: trainLoss(plain).toFixed(3), resSteps: String(res.steps.length), plainSteps: String(plain.steps.length) },
  };
};

/**
 * The degradation lesson (He et al. 2015 Fig. 6): of the plain nets with
 * batch norm on one data set, the deeper ends with the higher training
 * error; the residual pair's order is stated as it came out.
 */
export const degradationCheck: Check = ({ runs }) => {
  const candidates = runs.filter((r) => cifarResNet(r) && r.config.model.batchNorm && r.steps.length > 0);
  const dataset = newest(candidates, () => true)?.config.data.dataset;
  const same = candidates.filter((r) => r.config.data.dataset === dataset);
  const depths = [...new Set(same.map((r) => r.config.model.blocksPerStage))];
  if (depths.length < 2) return waiting('degradation.waiting');
  const [shallow, deep] = [Math.min(...depths), Math.max(...depths)];
  const pick = (skip: boolean, n: number) => newest(same, (r) => r.config.model.skip === skip && r.config.model.blocksPerStage === n);
  const [p20, p56, r20, r56] = [pick(false, shallow), pick(false, deep), pick(true, shallow), pick(true, deep)];
  if (!p20 || !p56 || !r20 || !r56) return waiting('degradation.waiting');
  const [ep20, ep56, er20, er56] = [p20, p56, r20, r56].map(trainError) as [number, number, number, number];
  const seen = ep56 > ep20;
  return {
    status: seen ? 'seen' : 'not-seen',
    key: `degradation.${seen ? 'seen' : 'notSeen'}.${er56 <= er20 ? 'resDeeperBetter' : 'resDeeperWorse'}`,
    runs: [p20.id, p56.id, r20.id, r56.id],
    values: { shallow: String(6 * shallow + 2), deep: String(6 * deep + 2), plainShallow: pct(ep20), plainDeep: pct(ep56), resShallow: pct(er20), resDeep: pct(er56), steps: String(Math.min(...[p20, p56, r20, r56].map((r) => r.steps.length))) },
  };
};

/** The bottleneck lesson: ResNet-50 is deeper than ResNet-34 for a small rise in multiply-adds; the measured step says what the depth costs here. */
export const bottleneckCheck: Check = ({ measured }) => {
  const a = measured.find((m) => m.preset === 'resnet34');
  const b = measured.find((m) => m.preset === 'resnet50');
  if (!a || !b) return waiting('bottleneck.waiting');
  const seen = b.depth > a.depth && b.macs < 1.5 * a.macs;
  return {
    status: seen ? 'seen' : 'not-seen',
    key: seen ? 'bottleneck.seen' : 'bottleneck.notSeen',
    values: {
      d34: String(a.depth), d50: String(b.depth),
      p34: (a.params / 1e6).toFixed(1), p50: (b.params / 1e6).toFixed(1),
      m34: (a.macs / 1e9).toFixed(2), m50: (b.macs / 1e9).toFixed(2), macRatio: (b.macs / a.macs).toFixed(2),
      t34: a.msPerStep.toFixed(0), t50: b.msPerStep.toFixed(0), timeRatio: (b.msPerStep / a.msPerStep).toFixed(2),
    },
  };
};

/** The best test accuracy a run's evaluations reached, if it was evaluated. */
const bestTest = (r: RunRecord) => (r.epochs.length > 0 ? Math.max(...r.epochs.map((e) => e.testAcc)) : undefined);

/** The transfer lesson: a linear probe against full fine-tuning from the same weights, by test accuracy where both were evaluated, else by training accuracy. */
export const transferCheck: Check = ({ runs }) => {
  const full = newest(runs, (r) => r.config.train.initWeights !== '' && r.config.train.freeze === 'none');
  const probe = full && newest(runs, (r) => r.config.train.initWeights === full.config.train.initWeights && r.config.train.freeze === 'head');
  if (!full || !probe) return waiting('transfer.waiting');
  const [ft, pt] = [bestTest(full), bestTest(probe)];
  const tested = ft !== undefined && pt !== undefined;
  const [fa, pa] = tested ? [ft, pt] : [1 - trainError(full), 1 - trainError(probe)];
  return {
    status: 'seen',
    key: `transfer.${tested ? 'test' : 'train'}.${fa >= pa ? 'fullAhead' : 'probeAhead'}`,
    runs: [probe.id, full.id],
    values: { full: pct(fa), probe: pct(pa), points: (Math.abs(fa - pa) * 100).toFixed(1), fullSteps: String(full.steps.length), probeSteps: String(probe.steps.length), fullMin: minutes(trainMs(full)), probeMin: minutes(trainMs(probe)) },
  };
};

/** Whether a run trained with the fast recipe's optimizer, schedule and smoothing on CIFAR-10 (its length is the user's). */
const isFast = (r: RunRecord) => r.config.data.dataset === 'cifar10' && r.config.train.schedule === 'onecycle' && r.config.train.optimizer === 'nesterov' && r.config.train.labelSmoothing > 0;
const isHe = (r: RunRecord) => r.config.data.dataset === 'cifar10' && r.config.train.schedule === 'multistep' && r.config.train.optimizer === 'momentum';

/** The fast-cifar lesson: the fast recipe's run, its best test accuracy and its training minutes, beside a He et al. run's where one is kept. */
export const fastCheck: Check = ({ runs }) => {
  const fast = newest(runs, isFast);
  if (!fast) return waiting('fast.waiting');
  const acc = bestTest(fast);
  if (acc === undefined) return { status: 'waiting', key: 'fast.noEpoch', values: { steps: String(fast.steps.length), train: pct(1 - trainError(fast)) } };
  const values = { acc: pct(acc), epochs: String(fast.epochs.length), min: minutes(trainMs(fast)) };
  const he = newest(runs, isHe);
  const heAcc = he && bestTest(he);
  if (!he || heAcc === undefined) return { status: 'seen', key: 'fast.result', values, runs: [fast.id] };
  return { status: 'seen', key: 'fast.resultVsHe', runs: [he.id, fast.id], values: { ...values, heAcc: pct(heAcc), heEpochs: String(he.epochs.length), heMin: minutes(trainMs(he)) } };
};
