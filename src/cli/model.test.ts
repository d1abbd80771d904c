// `playground model`: the stage table and its JSON, and the model flags that
// `train` shares. Pure: no tfjs is loaded for the architecture.
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';
import { configFromFlags } from './main';
import { MODEL_FLAGS, modelCommand } from './model';

const known = new Set<string>([...MODEL_FLAGS, 'input', 'classes']);
const run = (...argv: string[]) => {
  const { positional, flags } = parseArgs(argv, new Set(['json']), known);
  return modelCommand(positional, flags);
};

describe('playground model', () => {
  it('prints ResNet-50 as the paper lays it out', () => {
    const out = run('resnet50', '--input', '224', '--classes', '1000');
    expect(out).toMatch(/^resnet50 at 224×224×3, 1000 classes: 25,557,032 parameters, 4\.09 G multiply-accumulates per image, 50 weighted layers/);
    expect(out).toMatch(/stage\s+blocks\s+block type\s+output\s+params\s+MACs/);
    expect(out).toMatch(/stage3\s+6\s+bottleneck\s+14×14×1024\s+7,098,368/);
  });

  it('--json gives params, macs, stages and layers', () => {
    const json = JSON.parse(run('resnet50', '--json')) as { params: number; macs: number; stages: { stage: string; blocks: number; outShape: number[] }[]; layers: { name: string }[] };
    expect(Object.keys(json)).toEqual(['params', 'macs', 'stages', 'layers']);
    expect(json.params).toBe(25_557_032);
    expect(Math.round(json.macs / 1e7) / 100).toBe(4.09);
    expect(json.stages.map((s) => [s.stage, s.blocks, s.outShape])).toEqual([
      ['stem', 0, [56, 56, 64]], ['stage1', 3, [56, 56, 256]], ['stage2', 4, [28, 28, 512]],
      ['stage3', 6, [14, 14, 1024]], ['stage4', 3, [7, 7, 2048]], ['head', 0, [1000]],
    ]);
    expect(json.layers[0]?.name).toBe('stem.conv');
  });

  it('defaults the CIFAR ResNets to 32×32 and 10 classes, and takes model flags', () => {
    expect(run('resnet20')).toMatch(/^resnet20 at 32×32×3, 10 classes: 269,722 parameters/);
    const json = JSON.parse(run('resnet18', '--stage-blocks', '1-1-1-1', '--json')) as { stages: { blocks: number }[] };
    expect(json.stages.map((s) => s.blocks)).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it('refuses unknown presets and bad values, naming them', () => {
    expect(() => run('resnet9000')).toThrow(UsageError);
    expect(() => run('resnet50', '--stage-blocks', '3-x')).toThrow(/--stage-blocks must be whole numbers/);
    expect(() => run('resnet50', '--stage-blocks', '3-0')).toThrow(/between 1 and 200/);
    expect(() => run('resnet50', '--input', '0')).toThrow(/--input must be a whole number/);
    expect(() => run('alexnet', '--input', '32')).toThrow(/too small/);
  });
});

describe('train flags', () => {
  it('--arch takes every preset, and model flags apply over it', () => {
    const { flags } = parseArgs(['--arch', 'resnext50_32x4d', '--skip', 'off', '--steps', '5'], new Set(['json']), new Set(['arch', ...MODEL_FLAGS, 'steps']));
    const c = configFromFlags(flags);
    expect(c.model).toMatchObject({ family: 'resnet', cardinality: 32, groupWidth: 4, skip: false });
    expect(c.train.maxSteps).toBe(5);
  });
});
