// A train.py run read back: metrics.jsonl with and without its config.json,
// bad lines by number, layers the page does not know, the size cap.
import { describe, expect, it } from 'vitest';
import { configFromPreset, DEFAULT_CONFIG } from '../config/presets';
import { MAX_TORCH_RUN_BYTES, parseTorchRun, type ParsedTorchRun } from './torchrun-file';

/** Lines as train.py's Log writes them (export/python-loop.ts). */
const step = (n: number, epoch: number, norms: Record<string, number> = { stem: 0.5 + n, 'stage1.block0.conv1': 0.25 * n }) =>
  JSON.stringify({ step: n, epoch, loss: 2.5 - n / 4, acc: 0.1 * n, lr: 0.1, ms: 12.5, gradNorms: norms, weightNorms: Object.fromEntries(Object.keys(norms).map((k) => [k, 1])) });
const epochLine = (epoch: number, at: number) => JSON.stringify({ event: 'epoch', epoch, step: at, testLoss: 2.0, testAcc: 0.3, testCount: 16, confusion: [1, 2, 3, 4] });
const METRICS = [step(1, 1), step(2, 1), epochLine(1, 2), step(3, 2), step(4, 2), epochLine(2, 4)].join('\n') + '\n';

/** train.py's config.json: {model, train, data}, each a dict of the Config's fields (MODEL without the other family's depth field). */
function trainPyConfig(): string {
  const c = configFromPreset('resnet20');
  c.model.blocksPerStage = 5;
  const { stageBlocks: _drop, ...model } = c.model as unknown as Record<string, unknown>;
  return JSON.stringify({ model, train: { ...c.train, epochs: 2 }, data: c.data }, null, 2);
}

function ok(p: ParsedTorchRun) {
  if ('error' in p) throw new Error(p.error);
  return p;
}

describe('parseTorchRun', () => {
  it('metrics.jsonl with its config.json: steps, epochs, gradient norms by layer, the config', () => {
    const { record, warnings, configKnown } = ok(parseTorchRun({ metrics: { name: 'metrics.jsonl', text: METRICS }, config: { name: 'config.json', text: trainPyConfig() } }, 1234));
    expect(warnings).toEqual([]);
    expect(configKnown).toBe(true);
    expect(record.config.model.blocksPerStage).toBe(5);
    expect(record.config.train.epochs).toBe(2);
    expect(record.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(record.steps[1]).toMatchObject({ step: 2, epoch: 1, loss: 2, acc: 0.2, lr: 0.1, ms: 12.5, gradNorms: [2.5, 0.5] });
    expect(record.kernelNames).toEqual(['stem', 'stage1.block0.conv1']);
    expect(record.epochs).toEqual([
      { epoch: 1, step: 2, testLoss: 2, testAcc: 0.3, testCount: 16, confusion: [1, 2, 3, 4] },
      { epoch: 2, step: 4, testLoss: 2, testAcc: 0.3, testCount: 16, confusion: [1, 2, 3, 4] },
    ]);
    expect(record).toMatchObject({ id: 'torch-1234', createdAt: 1234, outcome: 'finished', backend: 'pytorch', name: 'PyTorch metrics' });
  });

  it('metrics.jsonl alone: the defaults stand in for the config, and it says so', () => {
    const { record, warnings, configKnown } = ok(parseTorchRun({ metrics: { name: 'metrics.jsonl', text: METRICS } }));
    expect(configKnown).toBe(false);
    expect(record.config).toEqual(DEFAULT_CONFIG);
    expect(record.name).toBe('PyTorch metrics (config unknown)');
    expect(record.backend).toMatch(/config unknown/);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/no config\.json given with metrics\.jsonl: the run's config is unknown/)]);
  });

  it('without gradient norms (--no-log-grad-norms): no layers, empty norms', () => {
    const text = [step(1, 1, {}), step(2, 1, {})].join('\n');
    const { record } = ok(parseTorchRun({ metrics: { name: 'm.jsonl', text } }));
    expect(record.kernelNames).toEqual([]);
    expect(record.steps.map((s) => s.gradNorms)).toEqual([[], []]);
  });

  it('layer names the page does not know are kept; a step missing a layer has NaN there', () => {
    const text = [step(1, 1, { 'mystery.layer': 1 }), step(2, 1, { 'mystery.layer': 2, 'later.added': 3 })].join('\n');
    const { record } = ok(parseTorchRun({ metrics: { name: 'm.jsonl', text } }));
    expect(record.kernelNames).toEqual(['mystery.layer', 'later.added']);
    expect(record.steps[0]!.gradNorms).toEqual([1, NaN]);
    expect(record.steps[1]!.gradNorms).toEqual([2, 3]);
  });

  it('an event it does not know is skipped; blank lines and CRLF are fine', () => {
    const text = [JSON.stringify({ event: 'checkpoint', step: 1 }), '', step(1, 1)].join('\r\n');
    expect(ok(parseTorchRun({ metrics: { name: 'm.jsonl', text } })).record.steps).toHaveLength(1);
  });

  it.each([
    [[step(1, 1), '{"step": 2, "epoch"'], /^metrics\.jsonl: line 2: not JSON/],
    [[step(1, 1), '', '[1, 2]'], /^metrics\.jsonl: line 3: not a JSON object/],
    [[JSON.stringify({ step: 1, epoch: 1, loss: 'low', acc: 0, lr: 0, ms: 0 })], /^metrics\.jsonl: line 1: "loss" must be a number/],
    [[step(1, 1), JSON.stringify({ step: 2, epoch: 1, loss: 1, acc: 0, lr: 0, ms: 0, gradNorms: { stem: 'big' } })], /^metrics\.jsonl: line 2: "gradNorms"."stem" must be a number/],
    [[step(1, 1), JSON.stringify({ event: 'epoch', epoch: 1, step: 1, testLoss: 1 })], /^metrics\.jsonl: line 2: "testAcc" must be a number/],
    [[epochLine(1, 2)], /^metrics\.jsonl: no step lines/],
  ])('a bad file is refused by name and line: %j', (lines, message) => {
    const p = parseTorchRun({ metrics: { name: 'metrics.jsonl', text: lines.join('\n') } });
    expect('error' in p && p.error).toMatch(message);
  });

  it('a bad config.json is refused by name; an unknown field in it is a warning naming the file', () => {
    const bad = parseTorchRun({ metrics: { name: 'metrics.jsonl', text: METRICS }, config: { name: 'config.json', text: '{nope' } });
    expect('error' in bad && bad.error).toMatch(/^config\.json: not JSON/);
    const odd = ok(parseTorchRun({ metrics: { name: 'metrics.jsonl', text: METRICS }, config: { name: 'config.json', text: JSON.stringify({ model: { blocksPerStage: 2, futureKnob: 1 } }) } }));
    expect(odd.record.config.model.blocksPerStage).toBe(2);
    expect(odd.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^config\.json: unknown field "model\.futureKnob"/)]);
  });

  it('a file over the size cap is refused by its name, unread', () => {
    const huge = { name: 'huge.jsonl', text: { length: MAX_TORCH_RUN_BYTES + 1 } as unknown as string };
    expect(parseTorchRun({ metrics: huge })).toEqual({ error: expect.stringMatching(/^huge\.jsonl: larger than/) });
    const hugeConfig = { name: 'big-config.json', text: { length: MAX_TORCH_RUN_BYTES + 1 } as unknown as string };
    expect(parseTorchRun({ metrics: { name: 'm.jsonl', text: METRICS }, config: hugeConfig })).toEqual({ error: expect.stringMatching(/^big-config\.json: larger than/) });
  });
});
