import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../protocol/messages';
import { colour, headlinePair, headlineRatio, heatWindow, verdict } from './gradflow';

const names = ['stem.conv', 'stage1.block0.conv1', 'stage3.block0.conv2', 'fc'];
const step = (n: number, gradNorms: number[]): StepMetrics => ({ step: n, epoch: 1, loss: 1, acc: 0, lr: 0.1, ms: 1, gradNorms, weightNorms: [], updateRatios: [], numTensors: 0 });

describe('gradient-flow numbers', () => {
  it('takes the last layer before the classifier, as the PyTorch reference (conv layers only)', () => {
    expect(headlinePair(names)).toEqual({ first: 0, last: 2 });
    expect(headlinePair(['conv1', 'head.fc1', 'head.fc2', 'fc'])).toEqual({ first: 0, last: 0 });
    expect(headlineRatio(names, [1e-3, 5, 1, 100])).toBeCloseTo(1e-3);
    expect(headlineRatio([], [])).toBeNaN();
  });

  it('explains what the numbers show, not a canned picture', () => {
    const plain = { skip: false, batchNorm: false };
    expect(verdict(2.9e-3, plain, 'stem.conv', 'stage3.block17.conv2')).toMatchObject({ kind: 'vanishing', keys: ['vanishing', 'vanishing_why'], values: { ratio: '2.9e-3', power: '10^-3', first: 'stem.conv' } });
    expect(verdict(8.8e5, { skip: false, batchNorm: true }, 'a', 'b')).toEqual({ kind: 'exploding', keys: ['exploding', 'exploding_why'], values: { ratio: '8.8e+5', power: '10^6', first: 'a', last: 'b', net: 'plain_bn' } });
    expect(verdict(0.87, { skip: true, batchNorm: true }, 'a', 'b').kind).toBe('balanced');
    expect(verdict(NaN, null, 'a', 'b').kind).toBe('none');
  });

  it('builds the heat map over the recent window only, in log10, with the colour range of that window', () => {
    const steps = [step(1, [1e6, 1e6, 1e6, 1e6]), step(2, [1e-3, 1e-2, 1, 0]), step(3, [1e-1, 1e-2, 10, 1])];
    const w = heatWindow(steps, 4, 2);
    expect(w.steps).toEqual([2, 3]);
    expect(w.rows[0]).toEqual([-3, -1]);
    expect(w.rows[3]?.[0]).toBeNaN();
    expect([w.lo, w.hi]).toEqual([-3, 1]);
  });

  it('maps the scale ends to viridis ends', () => {
    expect(colour(0)).toBe('rgb(68, 1, 84)');
    expect(colour(1)).toBe('rgb(253, 231, 37)');
    expect(colour(NaN)).toBe('rgb(68, 1, 84)');
  });
});
