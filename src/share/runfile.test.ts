import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { configFromJson, parseRunFile, toCsv, toRunFile, type RunRecord } from './runfile';

const RECORD: RunRecord = {
  id: 'run-1',
  name: 'resnet20, skip off',
  createdAt: 1_764_288_000_000,
  config: { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, skip: false, stageBlocks: [3, 4, 6, 3] }, train: { ...DEFAULT_CONFIG.train, learningRate: 0.05 } },
  outcome: 'finished',
  kernelNames: ['stem.conv', 'fc'],
  backend: 'webgl',
  steps: [
    { step: 1, epoch: 1, loss: 2.3, acc: 0.1, lr: 0.05, ms: 120.5, gradNorms: [0.5, 1.25], numTensors: 40 },
    { step: 2, epoch: 1, loss: 2.1, acc: 0.2, lr: 0.05, ms: 99, gradNorms: [0.25, 1], numTensors: 40 },
  ],
  epochs: [{ epoch: 1, step: 2, testLoss: 2.0, testAcc: 0.3, testCount: 10, confusion: [1, 2, 3, 4] }],
};

describe('run files', () => {
  it('round-trips a run through JSON', () => {
    const parsed = parseRunFile(toRunFile(RECORD), 'run.json');
    expect(parsed).toEqual({ record: RECORD, warnings: [] });
  });

  it('writes the metrics as CSV, one row a step, test numbers on the step that ended the epoch', () => {
    expect(toCsv(RECORD).split('\n')).toEqual([
      'step,epoch,loss,acc,lr,ms,test_loss,test_acc,grad_norm:stem.conv,grad_norm:fc',
      '1,1,2.3,0.1,0.05,120.5,,,0.5,1.25',
      '2,1,2.1,0.2,0.05,99,2,0.3,0.25,1',
      '',
    ]);
  });

  it('restores a config field by field: bad fields keep their defaults and are named', () => {
    const { config, errors } = configFromJson({ model: { blocksPerStage: 10000, skip: 'yes', baseWidth: 8, __proto__: { polluted: true } }, train: { batchSize: 1e9, optimizer: 'adam' }, data: null });
    expect(config.model.blocksPerStage).toBe(DEFAULT_CONFIG.model.blocksPerStage);
    expect(config.model.baseWidth).toBe(8);
    expect(config.train.optimizer).toBe('adam');
    expect(config.train.batchSize).toBe(DEFAULT_CONFIG.train.batchSize);
    expect(errors.map((e) => e.field).sort()).toEqual(['model.blocksPerStage', 'model.skip', 'train.batchSize']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not JSON', 'oops{', /run\.json: not JSON/],
    ['another JSON file', '{"a":1}', /run\.json: not a ResNet Playground run file/],
    ['a newer version', JSON.stringify({ ...JSON.parse(toRunFile(RECORD)), version: 99 }), /version 99 is not supported/],
    ['gradient norms of the wrong length', JSON.stringify({ ...JSON.parse(toRunFile(RECORD)), kernelNames: ['a'] }), /steps\[0\]: "gradNorms" must hold 1 numbers/],
    ['a step without a loss', JSON.stringify({ ...JSON.parse(toRunFile(RECORD)), steps: [{ step: 1 }] }), /steps\[0\]: "epoch" must be a number/],
  ])('refuses %s, naming the file and the problem', (_, text, message) => {
    const parsed = parseRunFile(text, 'run.json');
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});
