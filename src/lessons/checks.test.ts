// The lessons' checks read runs and say, from their numbers, whether the
// effect appeared: each check on runs where it did, where it did not, and
// before the runs exist; and every lesson is well formed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, modelFromPreset } from '../config/presets';
import { validateConfig } from '../config/validate';
import type { Config } from '../config/types';
import type { RunRecord } from '../share/runfile';
import en from '../i18n/locales/en/lessons.json';
import { bottleneckCheck, degradationCheck, endRatio, fastCheck, ratioText, skipCheck, trainError, transferCheck, vanishingCheck, type LessonContext } from './checks';
import { LESSON_IDS, lessonById, lessons, stepsForBudget } from './lessons';

const NAMES = ['stem.conv', 'stage1.block0.conv1', 'stage3.block0.conv2', 'fc'];
let clock = 0;

/** A run of `steps` steps whose first conv gets `ratio` × the last conv's gradient, with batch accuracy `acc` and loss `loss`. */
function run(config: Config, steps: number, ratio: number, acc = 0.5, loss = 1, testAcc?: number[]): RunRecord {
  return {
    id: `r${++clock}`, name: 'r', createdAt: clock, config, outcome: 'finished', kernelNames: NAMES, backend: 'wasm',
    steps: Array.from({ length: steps }, (_, i) => ({ step: i + 1, epoch: 1, loss, acc, lr: 0.1, ms: 1000, gradNorms: [ratio, 1, 1, 1], numTensors: 0 })),
    epochs: (testAcc ?? []).map((a, i) => ({ epoch: i + 1, step: steps, testLoss: 1, testAcc: a, testCount: 100, confusion: [] })),
  };
}

const net = (n: number, skip: boolean, batchNorm: boolean, data = DEFAULT_CONFIG.data): Config => ({ ...DEFAULT_CONFIG, model: { ...modelFromPreset('resnet20'), blocksPerStage: n, skip, batchNorm }, data });
const ctx = (over: Partial<LessonContext>): LessonContext => ({ runs: [], gradFlow: [], measured: [], ...over });

describe('lessons', () => {
  it('every lesson has a title, a summary and every step its text, and what it sets, presses and looks at in words', () => {
    const words = en as unknown as Record<string, Record<string, Record<string, string> | string>>;
    for (const lesson of lessons()) {
      expect(words[lesson.id]?.title, lesson.id).toBeTruthy();
      expect(words[lesson.id]?.summary, lesson.id).toBeTruthy();
      for (const step of lesson.steps) {
        const text = words[lesson.id]?.[step.id] as Record<string, string> | undefined;
        expect(text?.text, `${lesson.id}.${step.id}`).toBeTruthy();
        if (step.config) expect(text?.sets, `${lesson.id}.${step.id}.sets`).toBeTruthy();
        if (step.look) expect(text?.look, `${lesson.id}.${step.id}.look`).toBeTruthy();
      }
      // Every check's message key exists in English, whatever it says.
    }
    expect(LESSON_IDS).toEqual(['skip', 'vanishing', 'degradation', 'bottleneck', 'transfer', 'fast-cifar']);
  });

  it("every step's config is valid", () => {
    for (const lesson of lessons({ degradationSteps: 42 }))
      for (const step of lesson.steps) if (step.config) expect(validateConfig(step.config(DEFAULT_CONFIG)), `${lesson.id}.${step.id}`).toEqual([]);
  });

  it('the vanishing lesson sets ResNet-56 and plain-56 without BN for 300 steps; the degradation runs get the budget\'s steps', () => {
    const [a, b] = lessonById('vanishing')!.steps.map((s) => s.config?.(DEFAULT_CONFIG));
    expect(a?.model).toMatchObject({ blocksPerStage: 9, skip: true, batchNorm: true });
    expect(b?.model).toMatchObject({ blocksPerStage: 9, skip: false, batchNorm: false });
    expect(b?.train.maxSteps).toBe(300);
    const plain56 = lessonById('degradation', { degradationSteps: 42 })!.steps.find((s) => s.id === 'plain56')!.config!(DEFAULT_CONFIG);
    expect(plain56.model).toMatchObject({ blocksPerStage: 9, skip: false, batchNorm: true });
    expect(plain56.train.maxSteps).toBe(42);
    expect(plain56.data).toMatchObject({ dataset: 'cifar10', trainSubset: 5000 });
  });

  it('a budget buys the same steps for the four runs: minutes over two shallow and two deep steps', () => {
    expect(stepsForBudget(10, 500, 1500)).toBe(150);
    expect(stepsForBudget(10, 1e9, 1e9)).toBe(1);
  });
});

describe('checks', () => {
  it('say they are waiting before the runs exist', () => {
    for (const check of [skipCheck, vanishingCheck, degradationCheck, bottleneckCheck, transferCheck, fastCheck]) expect(check(ctx({})).status).toBe('waiting');
  });

  it('skip: reads the deepest complete depth; seen when plain + BN explodes, plain without BN vanishes and residual + BN stays balanced', () => {
    const row = (depth: number, skip: boolean, bn: boolean, firstOverLast: number) => ({ depth, skip, bn, firstOverLast, ms: 1 });
    const table = [row(110, true, true, 7.1), row(110, false, true, 912_345), row(110, true, false, 0.41), row(110, false, false, 0.031), row(20, true, true, 1)];
    const seen = skipCheck(ctx({ gradFlow: table }));
    expect(seen).toEqual({ status: 'seen', key: 'skip.seen', values: { depth: '110', resBn: '7.1', plainBn: '9.1e+5', res: '0.41', plain: '0.031' } });
    const notSeen = skipCheck(ctx({ gradFlow: [row(20, true, true, 0.87), row(20, false, true, 1.5), row(20, true, false, 0.08), row(20, false, false, 0.11)] }));
    expect(notSeen.status).toBe('not-seen');
    expect(notSeen.values.plainBn).toBe('1.5');
    // A depth with a cell missing is not read.
    expect(skipCheck(ctx({ gradFlow: table.slice(0, 3) })).status).toBe('waiting');
  });

  it('vanishing: compares the newest residual + BN run with the plain run without BN at its depth', () => {
    const res = run(net(9, true, true), 300, 1.2, 0.8, 0.6);
    const plain = run(net(9, false, false), 300, 0.004, 0.1, 2.3);
    const result = vanishingCheck(ctx({ runs: [plain, res] }));
    expect(result).toMatchObject({ status: 'seen', runs: [res.id, plain.id], values: { depth: '56', res: '1.2', plain: '4.0e-3', factor: '300', resLoss: '0.600', plainLoss: '2.300', resSteps: '300' } });
    expect(vanishingCheck(ctx({ runs: [res, run(net(9, false, false), 300, 0.5)] })).status).toBe('not-seen');
    // Another depth's plain run is not its twin.
    expect(vanishingCheck(ctx({ runs: [res, run(net(3, false, false), 300, 0.004)] })).status).toBe('waiting');
  });

  it('degradation: the deeper plain net\'s higher training error is the effect; the residual pair\'s order is stated as measured', () => {
    const cifar = { ...DEFAULT_CONFIG.data, dataset: 'cifar10' as const };
    const runs = [run(net(3, false, true, cifar), 50, 1, 0.6), run(net(9, false, true, cifar), 50, 1, 0.45), run(net(3, true, true, cifar), 50, 1, 0.62), run(net(9, true, true, cifar), 40, 1, 0.66)];
    expect(degradationCheck(ctx({ runs }))).toEqual({
      status: 'seen', key: 'degradation.seen.resDeeperBetter', runs: runs.map((r) => r.id),
      values: { shallow: '20', deep: '56', plainShallow: '40.0%', plainDeep: '55.0%', resShallow: '38.0%', resDeep: '34.0%', steps: '40' },
    });
    const flipped = [run(net(3, false, true, cifar), 50, 1, 0.4), run(net(9, false, true, cifar), 50, 1, 0.5), ...runs.slice(2, 3), run(net(9, true, true, cifar), 40, 1, 0.3)];
    expect(degradationCheck(ctx({ runs: flipped })).key).toBe('degradation.notSeen.resDeeperWorse');
    // Runs on another data set do not mix in.
    expect(degradationCheck(ctx({ runs: [...runs.slice(0, 3), run(net(9, true, true), 40, 1)] })).status).toBe('waiting');
  });

  it('bottleneck: deeper for a small rise in multiply-adds, with the measured steps', () => {
    const measured = [
      { preset: 'resnet34' as const, params: 21.8e6, macs: 3.67e9, depth: 34, msPerStep: 400 },
      { preset: 'resnet50' as const, params: 25.6e6, macs: 4.11e9, depth: 50, msPerStep: 620 },
    ];
    expect(bottleneckCheck(ctx({ measured }))).toEqual({ status: 'seen', key: 'bottleneck.seen', values: { d34: '34', d50: '50', p34: '21.8', p50: '25.6', m34: '3.67', m50: '4.11', macRatio: '1.12', t34: '400', t50: '620', timeRatio: '1.55' } });
  });

  it('transfer: the probe against full fine-tuning from the same weights, by test accuracy once both were evaluated', () => {
    const from = (freeze: Config['train']['freeze'], weights = 'run/x'): Config => ({ ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, initWeights: weights, freeze } });
    const probe = run(from('head'), 10, 1, 0.7, 1, [0.8]);
    const full = run(from('none'), 10, 1, 0.9, 1, [0.9]);
    expect(transferCheck(ctx({ runs: [probe, full] }))).toMatchObject({ key: 'transfer.test.fullAhead', values: { full: '90.0%', probe: '80.0%', points: '10.0', fullMin: '0.2' } });
    const untested = [run(from('head'), 10, 1, 0.7), run(from('none'), 10, 1, 0.6)];
    expect(transferCheck(ctx({ runs: untested })).key).toBe('transfer.train.probeAhead');
    expect(transferCheck(ctx({ runs: [probe, run(from('none', 'run/y'), 10, 1)] })).status).toBe('waiting');
  });

  it('fast-cifar: the fast recipe\'s best test accuracy and minutes, beside a He et al. run\'s', () => {
    const cifar = { ...DEFAULT_CONFIG.data, dataset: 'cifar10' as const };
    const fast: Config = { ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, optimizer: 'nesterov', schedule: 'onecycle', labelSmoothing: 0.1 }, data: cifar };
    const he: Config = { ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, optimizer: 'momentum', schedule: 'multistep' }, data: cifar };
    expect(fastCheck(ctx({ runs: [run(fast, 60, 1, 0.4)] }))).toMatchObject({ status: 'waiting', key: 'fast.noEpoch', values: { steps: '60', train: '40.0%' } });
    const done = run(fast, 60, 1, 0.4, 1, [0.61, 0.72]);
    expect(fastCheck(ctx({ runs: [done] }))).toEqual({ status: 'seen', key: 'fast.result', values: { acc: '72.0%', epochs: '2', min: '1.0' }, runs: [done.id] });
    expect(fastCheck(ctx({ runs: [run(he, 120, 1, 0.4, 1, [0.5, 0.6, 0.65]), run(fast, 60, 1, 0.4, 1, [0.61, 0.72])] })).values).toMatchObject({ heAcc: '65.0%', heEpochs: '3', heMin: '2.0' });
  });

  it('read the last tenth of a run: training error and the geometric mean of the ratio', () => {
    const r = run(net(3, true, true), 20, 1, 0.5);
    r.steps[19]!.acc = 0.9;
    r.steps[18]!.gradNorms = [100, 1, 1, 1];
    expect(trainError(r)).toBeCloseTo(0.3, 12);
    expect(endRatio(r)).toBeCloseTo(10, 12);
    expect(ratioText(880_000)).toBe('8.8e+5');
    expect(ratioText(0.029)).toBe('0.029');
    expect(ratioText(7.52)).toBe('7.5');
  });
});
