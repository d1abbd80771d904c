import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, modelFromPreset } from '../config/presets';
import type { RunRecord } from '../share/runfile';
import { configFromRun, estimatePolicies, normalizationFor, weightsSourceOf } from './weights';

const file = (name: string, size = 4) => new File([new Uint8Array(size)], name);

describe('weightsSourceOf', () => {
  it('reads one weights file, or model.json with its .bin', () => {
    expect(weightsSourceOf([file('resnet20.safetensors')])).toMatchObject({ kind: 'file', name: 'resnet20.safetensors' });
    expect(weightsSourceOf([file('a.weights.bin'), file('a.model.json')])).toMatchObject({ kind: 'manifest', name: 'a.model.json' });
  });

  it('refuses other sets, naming the files', () => {
    expect(weightsSourceOf([file('a.model.json')])).toEqual({ error: 'a.model.json: a model.json is read together with its .bin; drop or pick exactly those two files at once' });
    expect(weightsSourceOf([file('a.pth'), file('b.pth')])).toEqual({ error: 'a.pth, b.pth: one weights file at a time (.pth, .pt or .safetensors)' });
    expect(weightsSourceOf([])).toEqual({ error: 'no file was dropped' });
  });
});

describe('starting from weights', () => {
  it('times full fine-tuning, the chosen frozen body and the probe', () => {
    expect(estimatePolicies('none')).toEqual(['none', 'head']);
    expect(estimatePolicies('head')).toEqual(['none', 'head']);
    expect(estimatePolicies('stage2')).toEqual(['none', 'stage2', 'head']);
  });

  it("a kept run's weights: its net and normalization, the user's data and training", () => {
    const kept = { id: 'run-1-1', config: { ...DEFAULT_CONFIG, model: modelFromPreset('resnet32'), data: { ...DEFAULT_CONFIG.data, dataset: 'fashion', normalize: 'dataset' } } } as RunRecord;
    const user = { ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, epochs: 3, freeze: 'head' as const }, data: { ...DEFAULT_CONFIG.data, dataset: 'mnist' as const } };
    const c = configFromRun(user, kept);
    expect(c.model).toEqual(modelFromPreset('resnet32'));
    expect(c.train).toEqual({ ...user.train, initWeights: 'run/run-1-1' });
    expect(c.data.dataset).toBe('mnist');
    expect(normalizationFor(undefined, kept)).toBe('dataset');
    expect(normalizationFor({ imagenet: true })).toBe('imagenet');
    expect(normalizationFor({ imagenet: false })).toBe('dataset');
  });
});
