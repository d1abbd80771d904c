// The architecture tree against the references: parameter counts of the
// CIFAR ResNets (option A, 10 classes) and of the torchvision and timm models
// (224×224×3, 1000 classes), MACs, depth and names, the plain twin, and the
// one shortcut rule.
import { describe, expect, it } from 'vitest';
import { configFromPreset, DEFAULT_MODEL, modelFromPreset, PRESETS, type ModelPresetId, type PresetId } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { buildArch, summarize, type LayerOp } from './arch';

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

/** Trainable parameters of torchvision's (and, for two, timm's) models at 224×224×3 and 1000 classes. */
const IMAGENET_PARAMS: [ModelPresetId, number, 'torchvision' | 'timm'][] = [
  ['resnet18', 11_689_512, 'torchvision'],
  ['resnet34', 21_797_672, 'torchvision'],
  ['resnet50', 25_557_032, 'torchvision'],
  ['resnet101', 44_549_160, 'torchvision'],
  ['resnet152', 60_192_808, 'torchvision'],
  ['resnext50_32x4d', 25_028_904, 'torchvision'],
  ['wide_resnet50_2', 68_883_240, 'torchvision'],
  ['vgg16', 138_357_544, 'torchvision'],
  ['alexnet', 61_100_840, 'torchvision'],
  ['densenet121', 7_978_856, 'torchvision'],
  ['efficientnet_b0', 5_288_548, 'torchvision'],
  ['seresnet50', 28_088_024, 'timm'],
  ['resnet50d', 25_576_264, 'timm'],
];

const imagenet = (model: ModelConfig) => summarize(buildArch(model, 1000), [224, 224, 3]);

describe('ImageNet models at 224×224×3, 1000 classes', () => {
  it.each(IMAGENET_PARAMS)('%s has %i parameters, as %s', (id, params) => {
    expect(imagenet(modelFromPreset(id)).params).toBe(params);
  });

  it('resnet50 costs 4.09 G multiply-accumulates per image', () => {
    expect(Math.round(imagenet(modelFromPreset('resnet50')).macs / 1e7) / 100).toBe(4.09);
  });

  // torchvision's model table lists these as GFLOPS; they count multiply-accumulates of convolutions and dense layers.
  it.each([
    ['resnet18', 1.81], ['resnet34', 3.66], ['resnet101', 7.8], ['resnet152', 11.51], ['resnext50_32x4d', 4.23],
    ['wide_resnet50_2', 11.4], ['vgg16', 15.47], ['alexnet', 0.71], ['densenet121', 2.83], ['efficientnet_b0', 0.39],
  ] as [ModelPresetId, number][])('%s costs %f G multiply-accumulates, as torchvision lists', (id, gmacs) => {
    expect(Math.round(imagenet(modelFromPreset(id)).macs / 1e7) / 100).toBe(gmacs);
  });

  it('counts depth as the names say', () => {
    const depth = (id: ModelPresetId) => imagenet(modelFromPreset(id)).depth;
    expect([depth('resnet18'), depth('resnet34'), depth('resnet50'), depth('resnet101'), depth('resnet152')]).toEqual([18, 34, 50, 101, 152]);
    expect([depth('vgg16'), depth('alexnet'), depth('densenet121')]).toEqual([16, 8, 121]);
    // EfficientNet-B0: the stem, 16 MBConv blocks (2 or 3 convs each, SE's two 1×1 not counted), the head conv and the classifier.
    expect(depth('efficientnet_b0')).toBe(50);
  });

  it('resnet50 halves the map at the stem, the pool and each later stage', () => {
    const s = imagenet(modelFromPreset('resnet50'));
    const out = (name: string) => s.layers.find((l) => l.name === name)?.outShape;
    expect(out('stem.conv')).toEqual([112, 112, 64]);
    expect(out('stem.pool')).toEqual([56, 56, 64]);
    expect(out('stage1.block2.conv3')).toEqual([56, 56, 256]);
    expect(out('stage2.block0.conv2')).toEqual([28, 28, 128]); // the stride is on the 3×3, as torchvision
    expect(out('stage4.block2.conv3')).toEqual([7, 7, 2048]);
    expect(s.layers.at(-1)).toMatchObject({ name: 'fc', stage: 'head', outShape: [1000] });
    expect(new Set(s.layers.map((l) => l.stage))).toEqual(new Set(['stem', 'stage1', 'stage2', 'stage3', 'stage4', 'head']));
  });

  it('resnext50_32x4d groups its 3×3 convolutions 32 ways, 4 channels each at stage 1', () => {
    const conv2 = buildArch(modelFromPreset('resnext50_32x4d'), 1000).flatMap(flat).find((o) => o.op === 'conv' && o.name === 'stage1.block0.conv2');
    expect(conv2).toMatchObject({ groups: 32, filters: 128, kernel: 3 });
  });

  it('resnet50d pools before its stride-1 projections where the stride is 2', () => {
    const s = imagenet(modelFromPreset('resnet50d'));
    const shortcut = s.layers.filter((l) => l.name.startsWith('stage2.block0.shortcut')).map((l) => [l.name, l.outShape]);
    expect(shortcut).toEqual([['stage2.block0.shortcut.pool', [28, 28, 256]], ['stage2.block0.shortcut.conv', [28, 28, 512]], ['stage2.block0.shortcut.bn', [28, 28, 512]]]);
    expect(s.layers.some((l) => l.name === 'stage1.block0.shortcut.pool')).toBe(false);
  });
});

/** Every op of a tree, nested ones included. */
function flat(op: LayerOp): LayerOp[] {
  if (op.op === 'residual') return [op, ...op.branch.flatMap(flat), ...op.shortcut.flatMap(flat)];
  if (op.op === 'concat') return [op, ...op.branch.flatMap(flat)];
  return [op];
}

describe('the one shortcut rule', () => {
  const resnet50 = modelFromPreset('resnet50');

  it('projects exactly where the stride is not 1 or the channels change', () => {
    const s = imagenet(resnet50);
    const projections = s.layers.filter((l) => l.name.endsWith('shortcut.conv')).map((l) => l.name);
    expect(projections).toEqual(['stage1.block0.shortcut.conv', 'stage2.block0.shortcut.conv', 'stage3.block0.shortcut.conv', 'stage4.block0.shortcut.conv']);
    const basic = imagenet(modelFromPreset('resnet18')).layers.filter((l) => l.name.endsWith('shortcut.conv')).map((l) => l.name);
    expect(basic).toEqual(['stage2.block0.shortcut.conv', 'stage3.block0.shortcut.conv', 'stage4.block0.shortcut.conv']);
  });

  it('option A gives the same net without projection parameters', () => {
    const a = imagenet({ ...resnet50, shortcut: 'A' });
    const projection = (c: number, o: number) => c * o + 2 * o;
    expect(a.params).toBe(25_557_032 - projection(64, 256) - projection(256, 512) - projection(512, 1024) - projection(1024, 2048));
  });

  it("the plain twin keeps every branch layer and drops the shortcuts' layers", () => {
    const plain = imagenet({ ...resnet50, skip: false });
    const res = imagenet(resnet50);
    expect(plain.kernelNames).toEqual(res.kernelNames.filter((n) => !n.includes('shortcut')));
    expect(plain.depth).toBe(50);
    const adds = buildArch({ ...resnet50, skip: false }, 1000).flatMap(flat).filter((o) => o.op === 'residual' && o.skip);
    expect(adds).toHaveLength(0);
  });
});

describe('variants on the same builder', () => {
  it('pre-activation puts BN-ReLU before each conv, shares it with a reshaping shortcut, and ends with BN-ReLU', () => {
    const model = { ...modelFromPreset('resnet50'), preact: true };
    const ops = buildArch(model, 1000);
    const names = (os: LayerOp[]) => os.map((o) => ('name' in o ? o.name : o.op));
    // Block 0 of stage 2 changes shape: its BN-ReLU runs before the residual, feeding both paths.
    const i = ops.findIndex((o) => o.op === 'residual' && o.name === 'stage2.block0');
    expect(names(ops.slice(i - 2, i))).toEqual(['stage2.block0.bn1', 'relu']);
    const block = ops[i] as Extract<LayerOp, { op: 'residual' }>;
    expect(names(block.branch)).toEqual(['stage2.block0.conv1', 'stage2.block0.bn2', 'relu', 'stage2.block0.conv2', 'stage2.block0.bn3', 'relu', 'stage2.block0.conv3']);
    // Block 1 keeps the shape: the identity takes x before BN-ReLU.
    const next = ops[i + 1] as Extract<LayerOp, { op: 'residual' }>;
    expect(names(next.branch).slice(0, 3)).toEqual(['stage2.block1.bn1', 'relu', 'stage2.block1.conv1']);
    expect(names(ops.slice(-4))).toEqual(['head.bn', 'relu', 'gap', 'fc']);
    // The same convolutions. Each block's BNs now normalize its input instead of its output (over all blocks
    // that nets 64 - 2048 channels), 'head.bn' adds 2048, and the projections lose their BN.
    expect(imagenet(model).params).toBe(25_557_032 + 2 * (64 - 2048) + 2 * 2048 - 2 * (256 + 512 + 1024 + 2048));
  });

  it('SE squeezes C to make_divisible(C / 16, 8) with biases, after the last BN', () => {
    const ops = buildArch(modelFromPreset('seresnet50'), 1000);
    const block = ops.find((o) => o.op === 'residual' && o.name === 'stage4.block2') as Extract<LayerOp, { op: 'residual' }>;
    expect(block.branch.slice(-2)).toEqual([{ op: 'bn', name: 'stage4.block2.bn3', zeroGamma: false }, { op: 'se', name: 'stage4.block2.se', squeeze: 128, act: 'relu' }]);
    expect(buildArch({ ...DEFAULT_MODEL, se: 16 }, 10).flatMap(flat).find((o) => o.op === 'se')).toMatchObject({ squeeze: 8 });
  });

  it('widthFactor widens the bottleneck 3×3 as wide_resnet50_2, and a basic block entirely', () => {
    const wide = buildArch({ ...modelFromPreset('resnet50'), widthFactor: 2 }, 1000).flatMap(flat);
    expect(wide.find((o) => o.op === 'conv' && o.name === 'stage1.block0.conv2')).toMatchObject({ filters: 128 });
    expect(wide.find((o) => o.op === 'conv' && o.name === 'stage1.block0.conv3')).toMatchObject({ filters: 256 });
    // WRN-16-4 on CIFAR: 16 -> 64/128/256 basic blocks.
    const wrn = summarize(buildArch({ ...DEFAULT_MODEL, blocksPerStage: 2, widthFactor: 4, shortcut: 'B' }, 10), [32, 32, 3]);
    expect(wrn.layers.find((l) => l.name === 'stage3.block1.conv2')?.outShape).toEqual([8, 8, 256]);
  });

  it('zero-gamma init zeroes the last BN of each residual branch only', () => {
    const ops = buildArch({ ...modelFromPreset('resnet50'), init: 'he-normal-zero-gamma' }, 1000).flatMap(flat);
    const zeroed = ops.filter((o) => o.op === 'bn' && o.zeroGamma).map((o) => ('name' in o ? o.name : ''));
    expect(zeroed).toHaveLength(16);
    expect(zeroed.every((n) => n.endsWith('.bn3'))).toBe(true);
  });

  it('vgg16 with batch norm matches torchvision vgg16_bn (conv biases kept)', () => {
    expect(imagenet({ ...modelFromPreset('vgg16'), batchNorm: true }).params).toBe(138_365_992);
  });

  it('each comparison net also runs at 32×32; AlexNet needs 63×63, or its CIFAR stem', () => {
    for (const id of ['vgg16', 'densenet121', 'efficientnet_b0'] as const) {
      expect(summarize(buildArch(modelFromPreset(id), 10), [32, 32, 3]).layers.at(-1)?.outShape).toEqual([10]);
    }
    const alexnet = modelFromPreset('alexnet');
    expect(() => summarize(buildArch(alexnet, 10), [62, 62, 3])).toThrow(/too small/);
    expect(summarize(buildArch(alexnet, 10), [63, 63, 3]).layers.at(-1)?.outShape).toEqual([10]);
    const small = summarize(buildArch({ ...alexnet, stem: 'cifar' }, 10), [28, 28, 1]);
    expect(small.layers.find((l) => l.name === 'stage3.pool')?.outShape).toEqual([2, 2, 256]);
  });

  it('inputSize resizes the data first: AlexNet at its ImageNet shape on 32×32 images', () => {
    const alexnet = { ...modelFromPreset('alexnet'), inputSize: 224 };
    const resized = summarize(buildArch(alexnet, 1000), [32, 32, 3]);
    const native = summarize(buildArch(modelFromPreset('alexnet'), 1000), [224, 224, 3]);
    expect(resized.layers[0]).toMatchObject({ name: 'stem.resize', stage: 'stem', outShape: [224, 224, 3], params: 0, macs: 0 });
    expect([resized.params, resized.macs]).toEqual([61_100_840, native.macs]);
    // 0 keeps the data's size: no resize layer.
    expect(summarize(buildArch(modelFromPreset('resnet20'), 10), [32, 32, 3]).layers[0]?.name).toBe('stem.conv');
  });
});
