// The architecture tree against the paper: parameter counts of the CIFAR
// ResNets (option A, 10 classes), MACs, depth and names, and the plain twin.
import { describe, expect, it } from 'vitest';
import { configFromPreset, DEFAULT_MODEL, PRESETS, type PresetId } from '../config/presets';
import { buildArch, summarize } from './arch';

const CIFAR_PARAMS: Record<PresetId, number> = {
  resnet20: 269_722,
  resnet32: 464_154,
  resnet44: 658_586,
  resnet56: 853_018,
  resnet110: 1_727_962,
};

describe('CIFAR ResNets (He et al. 2015, §4.2)', () => {
  for (const [id, params] of Object.entries(CIFAR_PARAMS) as [PresetId, number][]) {
    it(`${id} has ${params.toLocaleString('en-US')} parameters and ${6 * PRESETS[id].blocksPerStage + 2} layers at 32×32×3`, () => {
      const s = summarize(buildArch(configFromPreset(id).model, 10), [32, 32, 3]);
      expect(s.params).toBe(params);
      expect(s.depth).toBe(6 * PRESETS[id].blocksPerStage + 2);
      expect(s.kernelNames).toHaveLength(s.depth);
    });
  }

  it('resnet20 costs 40.6 M multiply-accumulates per 32×32 image', () => {
    const s = summarize(buildArch(DEFAULT_MODEL, 10), [32, 32, 3]);
    expect(Math.round(s.macs / 1e5) / 10).toBe(40.6);
  });

  it('names layers by stage and block, with shapes halving at each new stage', () => {
    const s = summarize(buildArch(DEFAULT_MODEL, 10), [28, 28, 1]);
    expect(s.kernelNames.slice(0, 4)).toEqual(['stem.conv', 'stage1.block0.conv1', 'stage1.block0.conv2', 'stage1.block1.conv1']);
    expect(s.kernelNames.at(-1)).toBe('fc');
    const out = (name: string) => s.layers.find((l) => l.name === name)?.outShape;
    expect(out('stage1.block0.conv1')).toEqual([28, 28, 16]);
    expect(out('stage2.block0.conv1')).toEqual([14, 14, 32]);
    expect(out('stage3.block0.conv1')).toEqual([7, 7, 64]);
  });

  it('the plain twin has the same layers and parameters, and no additions', () => {
    const res = summarize(buildArch(DEFAULT_MODEL, 10), [32, 32, 3]);
    const plain = summarize(buildArch({ ...DEFAULT_MODEL, skip: false }, 10), [32, 32, 3]);
    expect(plain.kernelNames).toEqual(res.kernelNames);
    expect(plain.params).toBe(res.params);
    const adds = (ops: ReturnType<typeof buildArch>) => ops.filter((o) => o.op === 'residual' && o.skip).length;
    expect(adds(buildArch({ ...DEFAULT_MODEL, skip: false }, 10))).toBe(0);
    expect(adds(buildArch(DEFAULT_MODEL, 10))).toBe(9);
  });

  it('option B adds a 1×1 projection (and BN) exactly where the shape changes', () => {
    const s = summarize(buildArch({ ...DEFAULT_MODEL, shortcut: 'B' }, 10), [32, 32, 3]);
    const projections = s.layers.filter((l) => l.name.includes('shortcut.conv')).map((l) => l.name);
    expect(projections).toEqual(['stage2.block0.shortcut.conv', 'stage3.block0.shortcut.conv']);
    expect(s.params).toBe(269_722 + 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64);
    // Shortcut convolutions are not on the longest path, so depth stays 20.
    expect(s.depth).toBe(20);
  });

  it('without batch norm, convolutions get biases instead of BN parameters', () => {
    const s = summarize(buildArch({ ...DEFAULT_MODEL, batchNorm: false }, 10), [32, 32, 3]);
    expect(s.layers.some((l) => l.op === 'bn')).toBe(false);
    expect(s.stateSize).toBe(0);
    // Each BN had 2 per channel; each bias has 1 per channel.
    const bnParams = 2 * (16 + 6 * 16 + 6 * 32 + 6 * 64);
    expect(s.params).toBe(269_722 - bnParams / 2);
  });

  it('refuses an input too small for the network', () => {
    expect(() => summarize(buildArch({ ...DEFAULT_MODEL, blocksPerStage: 1 }, 10), [0, 0, 1])).toThrow(/too small/);
  });
});
