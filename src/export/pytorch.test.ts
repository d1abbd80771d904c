// The train.py generator without torch: what it refuses, by name; the
// PyTorch names each family's file carries; every config key the Python
// reads is written; the same config gives the same text. The torch side
// (the file run against the engine) is pytorch.torch.test.ts.
import { describe, expect, it } from 'vitest';
import { buildArch, summarize } from '../arch/arch';
import { configFromPreset, type ModelPresetId } from '../config/presets';
import type { Config } from '../config/types';
import { configJson, ExportError, exportLayers, exportNaming, exportRefusal, netTitle, stageTable, trainPy } from './pytorch';
import { pyValue } from './python';
import { exportReadme } from './readme';

function config(preset: ModelPresetId, over: Partial<Config['model']> = {}, dataset: Config['data']['dataset'] = 'cifar10'): Config {
  const c = configFromPreset(preset);
  Object.assign(c.model, over);
  c.data.dataset = dataset;
  return c;
}

describe('what export to PyTorch refuses', () => {
  it('refuses by name only what no PyTorch implementation lays out: every family is written', () => {
    for (const preset of ['resnet20', 'resnet50', 'resnet_transformer', 'vgg16', 'alexnet', 'densenet121', 'efficientnet_b0'] as const) {
      expect(exportRefusal(config(preset).model)).toBeNull();
    }
    expect(exportRefusal({ ...config('resnet20').model, family: 'transformer' as never })).toMatch(/^export to PyTorch does not write transformer nets yet/);
  });

  it('a knob only timm names, under a naming without it (SE in a CIFAR ResNet; a deep stem under torchvision)', () => {
    expect(() => trainPy(config('resnet20', { se: 16 }), 'akamaster', 'a test')).toThrow(/export to PyTorch: squeeze-and-excitation .* timm's names only/);
    expect(() => trainPy(config('resnet50d'), 'torchvision', 'a test')).toThrow(/deep stem .* timm's names only/);
  });

  it("what torchvision's AlexNet and DenseNet have no place for, by name (a resize in AlexNet, DenseNet's deep stem)", () => {
    expect(() => trainPy(config('alexnet', { inputSize: 64 }), 'torchvision', 'a test')).toThrow(/export to PyTorch: a resize layer has no place in torchvision's alexnet/);
    expect(() => trainPy(config('densenet121', { stem: 'deep' }), 'torchvision', 'a test')).toThrow(/export to PyTorch: stem\.conv1 has no torchvision name/);
  });

  it("freeze stageN in every family: STAGE_OF gives the stem's and the stages' modules, by the shortest prefix", () => {
    const table = (preset: ModelPresetId) => Object.fromEntries(stageTable(config(preset), exportNaming(config(preset).model)));
    expect(table('resnet50')).toEqual({ conv1: 0, bn1: 0, layer1: 1, layer2: 2, layer3: 3, layer4: 4 });
    expect(table('densenet121')).toMatchObject({ 'features.conv0': 0, 'features.norm0': 0, 'features.denseblock1': 1, 'features.transition1': 2, 'features.denseblock2': 2 });
    expect(table('vgg16')).toMatchObject({ 'features.0': 1, 'features.2': 1, 'features.5': 2, 'features.28': 5 });
    expect(table('efficientnet_b0')).toMatchObject({ 'features.0': 0, 'features.7': 7 });
    expect(Object.keys(table('resnet_transformer'))).toEqual(['conv1', 'bn1', 'layer1', 'layer2', 'layer3']); // the encoder is in no stage
    const frozen = config('vgg16');
    frozen.train.freeze = 'stage2';
    expect(trainPy(frozen, 'torchvision', 'a test')).toContain("    'features.5': 2, 'features.7': 2,");
  });

  it('writes every ResNet preset and knob it claims', () => {
    for (const preset of ['resnet20', 'resnet110', 'resnet18', 'resnet50', 'resnext50_32x4d', 'wide_resnet50_2', 'seresnet50', 'resnet50d', 'resnet_transformer'] as const) {
      expect(exportRefusal(config(preset).model)).toBeNull();
      expect(() => trainPy(config(preset), exportNaming(config(preset).model), 'a test')).not.toThrow();
    }
    for (const over of [{ skip: false }, { batchNorm: false }, { shortcut: 'B' as const }, { dropPath: 0.1 }, { inputSize: 64 }, { dropout: 0.2 }, { preact: true }, { preact: true, shortcut: 'B' as const }]) {
      expect(() => trainPy(config('resnet20', over), 'akamaster', 'a test')).not.toThrow();
    }
  });

  it('EfficientNet: every knob it has (width, depth, stochastic depth, dropout, the plain twin, a resize); without batch norm refused by name', () => {
    for (const over of [{}, { widthFactor: 0.5, depthFactor: 0.5 }, { dropPath: 0.2, dropout: 0.2 }, { skip: false }, { inputSize: 64 }]) {
      const c = config('efficientnet_b0', over);
      expect(exportRefusal(c.model)).toBeNull();
      expect(() => trainPy(c, exportNaming(c.model), 'a test')).not.toThrow();
    }
    expect(() => trainPy(config('efficientnet_b0', { batchNorm: false }), 'torchvision', 'a test')).toThrow(/export to PyTorch: EfficientNet without batch norm has no torchvision names/);
  });
});

describe('the names in train.py', () => {
  it.each([
    ['vgg16', {}, ['features.0.weight', 'features.2.weight', 'features.5.weight', 'features.26.weight', 'features.28.weight', 'classifier.0.weight', 'classifier.3.weight', 'classifier.6.weight'], 'classifier.6'],
    ['vgg16', { batchNorm: true }, ['features.0.weight', 'features.3.weight', 'features.7.weight', 'features.37.weight', 'features.40.weight', 'classifier.6.weight'], 'classifier.6'],
    ['alexnet', { stem: 'cifar' as const }, ['features.0.weight', 'features.3.weight', 'features.6.weight', 'features.8.weight', 'features.10.weight', 'classifier.1.weight', 'classifier.4.weight', 'classifier.6.weight'], 'classifier.6'],
    ['alexnet', { stem: 'cifar' as const, batchNorm: true }, ['features.0.weight', 'features.4.weight', 'features.8.weight', 'features.11.weight', 'features.14.weight', 'classifier.6.weight'], 'classifier.6'],
    ['densenet121', {}, ['features.conv0.weight', 'features.denseblock1.denselayer1.conv1.weight', 'features.transition3.conv.weight', 'features.denseblock4.denselayer16.conv2.weight', 'classifier.weight'], 'classifier'],
    ['efficientnet_b0', {}, ['features.0.0.weight', 'features.1.0.block.0.0.weight', 'features.1.0.block.1.fc1.weight', 'features.1.0.block.2.0.weight', 'features.2.0.block.0.0.weight', 'features.2.0.block.2.fc2.weight', 'features.7.0.block.3.0.weight', 'features.8.0.weight', 'classifier.1.weight'], 'classifier.1'],
  ] as const)("%s %j: torchvision's names, the head %s", (preset, over, names, head) => {
    const c = config(preset, over);
    expect(exportRefusal(c.model)).toBeNull();
    expect(exportNaming(c.model)).toBe('torchvision');
    const layers = exportLayers(c, 'torchvision');
    expect(layers.map(([, torch]) => torch).filter((t) => names.includes(t as never))).toEqual(names);
    expect(layers.at(-1)).toEqual(['fc', `${head}.weight`]);
    const text = trainPy(c, 'torchvision', 'a test');
    expect(text).toContain(`HEAD = {'vgg': 'classifier.6', 'alexnet': 'classifier.6', 'densenet': 'classifier', 'efficientnet': 'classifier.1'}.get(MODEL['family'], HEAD)`);
    expect(text).toContain(`    family='${c.model.family}',`);
  });


  it("the CIFAR ResNets: akamaster's (conv1, bn1, layerS.B.convK, shortcut for option B, linear)", () => {
    const text = trainPy(config('resnet20', { shortcut: 'B' }), 'akamaster', 'a test');
    expect(text).toContain("NAMING = 'akamaster'");
    expect(text).toContain("SHORTCUT, HEAD = ('shortcut', 'linear') if NAMING == 'akamaster' else ('downsample', 'fc')");
    for (const name of ['conv1.weight', 'layer1.0.conv1.weight', 'layer1.2.conv2.weight', 'layer2.0.shortcut.0.weight', 'layer3.2.conv2.weight', 'linear.weight']) expect(text).toContain(`'${name}'`);
  });

  it("the ImageNet ResNets: torchvision's (downsample.0, fc); ResNet-D and SE: timm's (conv1.0/3/6, downsample.1, se.fc1)", () => {
    const r50 = trainPy(config('resnet50'), 'torchvision', 'a test');
    for (const name of ['conv1.weight', 'layer1.0.conv3.weight', 'layer1.0.downsample.0.weight', 'layer4.2.conv3.weight', 'fc.weight']) expect(r50).toContain(`'${name}'`);
    const d = trainPy(config('resnet50d'), 'timm', 'a test');
    for (const name of ['conv1.0.weight', 'conv1.3.weight', 'conv1.6.weight', 'layer1.0.downsample.1.weight']) expect(d).toContain(`'${name}'`);
    expect(trainPy(config('seresnet50'), 'timm', 'a test')).toContain("'layer1.0.se.fc1.weight'");
  });

  it("LAYERS holds every kernel in the engine's order, its layer name first (the gradient norms' keys)", () => {
    const c = config('resnext50_32x4d');
    const layers = exportLayers(c, 'torchvision');
    expect(layers.map(([layer]) => layer)).toEqual(summarize(buildArch(c.model, 10), [32, 32, 3]).kernelNames);
    expect(layers[0]).toEqual(['stem.conv', 'conv1.weight']);
    expect(layers.at(-1)).toEqual(['fc', 'fc.weight']);
  });
});

describe('the text of train.py', () => {
  const c = config('resnet20', {}, 'mnist');
  const text = trainPy(c, 'akamaster', 'the link ?v=1');

  it('writes every key the Python reads of MODEL, TRAIN and DATA', () => {
    for (const dict of ['MODEL', 'TRAIN', 'DATA']) {
      const read = new Set([...text.matchAll(new RegExp(`${dict}\\['(\\w+)'\\]`, 'g'))].map((m) => m[1] as string));
      expect(read.size).toBeGreaterThan(3);
      const section = text.slice(text.indexOf(`${dict} = dict(`), text.indexOf('\n)', text.indexOf(`${dict} = dict(`)));
      const written = new Set([...section.matchAll(/^ {4}(\w+)=/gm)].map((m) => m[1] as string));
      // Other families' keys (a CIFAR ResNet has no stageBlocks and no Transformer).
      const others = ['stageBlocks', 'hiddenUnits', 'growthRate', 'depthFactor', 'transformerLayers', 'transformerWidth', 'heads', 'mlpRatio'];
      for (const key of read) if (!(dict === 'MODEL' && others.includes(key))) expect(written, `${dict}['${key}']`).toContain(key);
    }
  });

  it("writes the keys VGG's, AlexNet's, DenseNet's and EfficientNet's Python reads, and not the ResNets'", () => {
    const section = (text: string) => text.slice(text.indexOf('MODEL = dict('), text.indexOf('\n)', text.indexOf('MODEL = dict(')));
    const keys = (preset: ModelPresetId) => [...section(trainPy(config(preset, preset === 'alexnet' ? { stem: 'cifar' } : {}), 'torchvision', 'a test')).matchAll(/^ {4}(\w+)=/gm)].map((m) => m[1]);
    expect(keys('vgg16')).toEqual(['family', 'stageBlocks', 'baseWidth', 'inputSize', 'hiddenUnits', 'dropout', 'batchNorm', 'init']);
    expect(keys('alexnet')).toEqual(['family', 'baseWidth', 'stem', 'inputSize', 'hiddenUnits', 'dropout', 'batchNorm', 'init']);
    expect(keys('densenet121')).toEqual(['family', 'stageBlocks', 'baseWidth', 'growthRate', 'stem', 'inputSize', 'batchNorm', 'init']);
    expect(keys('efficientnet_b0')).toEqual(['family', 'widthFactor', 'depthFactor', 'inputSize', 'dropout', 'dropPath', 'skip', 'batchNorm', 'init']);
    expect(netTitle(config('vgg16', { stageBlocks: [1, 1, 1] }))).toBe('a 6-layer VGG (no batch norm) on CIFAR-10');
    expect(netTitle(config('densenet121'))).toBe('densenet121 on CIFAR-10');
  });

  it('is the same text for the same config, with the config in Python', () => {
    expect(trainPy(c, 'akamaster', 'the link ?v=1')).toBe(text);
    expect(text).toContain("    dataset='mnist',");
    expect(text).toContain('DATA_SHAPE = (28, 28, 1)');
    expect(text).toContain('NUM_CLASSES = 10');
    expect(text).toMatch(/^"""resnet20 on MNIST: a ResNet Playground run in PyTorch\./m);
  });

  it('says what the net is in its title', () => {
    expect(netTitle(config('resnet20', { skip: false, batchNorm: false, shortcut: 'B' }))).toBe('a 20-layer CIFAR ResNet (plain twin (no skip connections), no batch norm, option B shortcuts) on CIFAR-10');
    expect(netTitle(config('resnet20', { blocksPerStage: 1 }))).toBe('an 8-layer CIFAR ResNet on CIFAR-10');
  });

  it('config.json is the config; the README lists the commands for a CPU, a GPU, 8 GPUs and several machines', () => {
    expect(JSON.parse(configJson(c))).toEqual(c);
    const readme = exportReadme(c, 'akamaster', 'the seeded initial weights (seed 1)');
    expect(readme).toContain('python3 train.py --data DATA --weights weights.safetensors --device cpu');
    expect(readme).toContain('--device cuda');
    expect(readme).toContain('torchrun --nproc_per_node=8 train.py');
    expect(readme).toContain('torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500');
    expect(readme).toMatch(/on CPU \(gloo\) each\s+process normalises over its own share/);
  });

  it('writes Python literals', () => {
    expect([true, false, null, 3, 1e-4, "it's", [3, 4, 6, 3], 'a\\b'].map(pyValue)).toEqual(['True', 'False', 'None', '3', '0.0001', "'it\\'s'", '[3, 4, 6, 3]', "'a\\\\b'"]);
  });
});
