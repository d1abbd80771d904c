// PyTorch names without torch: timm's names for what torchvision lacks (the
// deep stem, avgDown shortcuts, SE), the refusals, and the layouts as exact
// inverses. The names and layouts against torch itself: model/weights.torch.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFromPreset } from '../config/presets';
import { buildArch } from '../arch/arch';
import { defaultNaming, namingsFor, NamingError, noNames, toEngine, toTorch, torchNames, torchShape, type Layout } from './torch-names';

function names(preset: Parameters<typeof modelFromPreset>[0], naming: Parameters<typeof torchNames>[2], over = {}) {
  const cfg = { ...modelFromPreset(preset), ...over };
  return torchNames(cfg, buildArch(cfg, 1000), naming);
}

const lookup = (list: ReturnType<typeof names>) => new Map(list.map((n) => [n.engine, n.torch]));

describe('PyTorch names', () => {
  it('names timm\'s resnet50d: the deep stem as conv1.0/1/3/4/6 and bn1, avgDown as downsample.0 pool, .1 conv, .2 BN', () => {
    const m = lookup(names('resnet50d', 'timm'));
    expect(['stem.conv1.kernel', 'stem.bn1.gamma', 'stem.conv2.kernel', 'stem.bn2.movingVariance', 'stem.conv3.kernel', 'stem.bn3.beta'].map((e) => m.get(e)))
      .toEqual(['conv1.0.weight', 'conv1.1.weight', 'conv1.3.weight', 'conv1.4.running_var', 'conv1.6.weight', 'bn1.bias']);
    expect(m.get('stage2.block0.shortcut.conv.kernel')).toBe('layer2.0.downsample.1.weight');
    expect(m.get('stage2.block0.shortcut.bn.movingMean')).toBe('layer2.0.downsample.2.running_mean');
    expect(m.get('fc.kernel')).toBe('fc.weight');
  });

  it('names timm\'s seresnet50: se.fc1 and se.fc2, 1×1 convolutions with bias', () => {
    const list = names('seresnet50', 'timm');
    const fc1 = list.find((n) => n.engine === 'stage1.block0.se.fc1.kernel');
    expect(fc1?.torch).toBe('layer1.0.se.fc1.weight');
    expect(fc1?.layout).toEqual({ kind: 'dense1x1' });
    expect(torchShape(fc1!.layout, [256, 16])).toEqual([16, 256, 1, 1]);
    expect(lookup(list).get('stage4.block2.se.fc2.bias')).toBe('layer4.2.se.fc2.bias');
  });

  it("names pre-activation ResNets as bearpaw's preresnet.py: bnK before convK, the projection without BN, the final BN 'bn'", () => {
    const m = lookup(names('resnet50', 'torchvision', { preact: true }));
    expect(['stem.conv.kernel', 'stem.bn.gamma', 'stage1.block0.bn1.gamma', 'stage1.block0.conv1.kernel', 'stage1.block0.bn3.movingMean', 'stage1.block0.shortcut.conv.kernel', 'head.bn.movingVariance', 'fc.kernel'].map((e) => m.get(e)))
      .toEqual(['conv1.weight', 'bn1.weight', 'layer1.0.bn1.weight', 'layer1.0.conv1.weight', 'layer1.0.bn3.running_mean', 'layer1.0.downsample.0.weight', 'bn.running_var', 'fc.weight']);
    expect([...m.keys()].some((e) => e.startsWith('stage1.block0.shortcut.bn'))).toBe(false);
    const cifar = lookup(names('resnet20', 'akamaster', { preact: true, shortcut: 'B' }));
    expect(['stem.conv.kernel', 'stage2.block0.shortcut.conv.kernel', 'head.bn.beta', 'fc.bias'].map((e) => cifar.get(e))).toEqual(['conv1.weight', 'layer2.0.shortcut.0.weight', 'bn.bias', 'linear.bias']);
  });

  it('gives every variable one name, and the torchvision ResNets the same names under timm', () => {
    for (const preset of ['resnet18', 'resnet50', 'resnext50_32x4d', 'wide_resnet50_2'] as const) {
      const tv = names(preset, 'torchvision');
      expect(new Set(tv.map((n) => n.torch)).size).toBe(tv.length);
      expect(names(preset, 'timm')).toEqual(tv);
    }
  });

  it('names the CIFAR ResNets as akamaster: linear, and option B shortcuts as shortcut.0/1', () => {
    const m = lookup(names('resnet20', 'akamaster', { shortcut: 'B' }));
    expect(m.get('stage2.block0.shortcut.conv.kernel')).toBe('layer2.0.shortcut.0.weight');
    expect(m.get('stage2.block0.shortcut.bn.gamma')).toBe('layer2.0.shortcut.1.weight');
    expect(m.get('fc.bias')).toBe('linear.bias');
    expect(names('resnet20', 'akamaster', { shortcut: 'A' }).some((n) => n.torch.includes('shortcut'))).toBe(false);
  });

  it('names torchvision\'s efficientnet_b0: block.i counts only the modules present, the depthwise [C, 1, k, k] in the conv layout', () => {
    const list = names('efficientnet_b0', 'torchvision');
    const m = lookup(list);
    expect(new Set(list.map((n) => n.torch)).size).toBe(list.length);
    // Stage 1 (expand ratio 1) starts at the depthwise; stage 2 at the expand.
    expect(['stage1.block0.dw.conv.kernel', 'stage1.block0.se.fc1.kernel', 'stage1.block0.project.bn.movingMean'].map((e) => m.get(e)))
      .toEqual(['features.1.0.block.0.0.weight', 'features.1.0.block.1.fc1.weight', 'features.1.0.block.2.1.running_mean']);
    expect(['stage2.block1.expand.conv.kernel', 'stage2.block1.dw.bn.gamma', 'stage2.block1.se.fc2.bias', 'stage2.block1.project.conv.kernel'].map((e) => m.get(e)))
      .toEqual(['features.2.1.block.0.0.weight', 'features.2.1.block.1.1.weight', 'features.2.1.block.2.fc2.bias', 'features.2.1.block.3.0.weight']);
    expect(['stem.conv.kernel', 'stem.bn.beta', 'head.conv.kernel', 'head.bn.movingVariance', 'fc.kernel'].map((e) => m.get(e)))
      .toEqual(['features.0.0.weight', 'features.0.1.bias', 'features.8.0.weight', 'features.8.1.running_var', 'classifier.1.weight']);
    const dw = list.find((n) => n.engine === 'stage3.block0.dw.conv.kernel')!;
    expect(torchShape(dw.layout, [5, 5, 1, 144])).toEqual([144, 1, 5, 5]);
    const cfg = modelFromPreset('efficientnet_b0');
    expect([namingsFor(cfg), defaultNaming(cfg)]).toEqual([['torchvision'], 'torchvision']);
  });

  it('refuses, by name, what has no PyTorch names', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(NamingError);
        return (e as Error).message;
      }
      return 'no refusal';
    };
    expect(refusal(() => names('resnet50d', 'torchvision'))).toBe("the deep stem (stem.conv1) has timm's names only: choose timm");
    expect(refusal(() => names('seresnet50', 'torchvision'))).toBe("squeeze-and-excitation (stage1.block0.se) has timm's names only: choose timm");
    expect(refusal(() => names('resnet20', 'torchvision'))).toBe('cifar-resnet nets have no torchvision names; use akamaster');
    expect(refusal(() => names('resnet18', 'akamaster'))).toBe('resnet nets have no akamaster names; use torchvision or timm');
    expect(refusal(() => names('efficientnet_b0', 'timm'))).toBe('efficientnet nets have no timm names; use torchvision');
    expect(refusal(() => names('efficientnet_b0', 'torchvision', { batchNorm: false }))).toBe("EfficientNet without batch norm has no torchvision names (torchvision's convolutions have no bias)");
    expect(noNames({ ...modelFromPreset('resnet18'), family: 'transformer' as never })).toBe('transformer nets have no PyTorch names yet (ResNets, VGG, AlexNet, DenseNet and EfficientNet do)');
  });
});

describe('layouts', () => {
  const layouts: fc.Arbitrary<{ layout: Layout; shape: number[] }> = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map((s) => ({ layout: { kind: 'conv' } as Layout, shape: s })),
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).map((s) => ({ layout: { kind: 'dense' } as Layout, shape: s })),
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).map((s) => ({ layout: { kind: 'dense1x1' } as Layout, shape: s })),
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .map(([h, w, c, out]) => ({ layout: { kind: 'denseFromMap', height: h, width: w, channels: c } as Layout, shape: [h * w * c, out] })),
  );

  it('toEngine undoes toTorch, and both move every value once', () => {
    fc.assert(fc.property(layouts, ({ layout, shape }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => i);
      const torch = toTorch(layout, shape, values);
      expect([...torch].sort((a, b) => a - b)).toEqual([...values]);
      expect(toEngine(layout, shape, torch)).toEqual(values);
    }));
  });

  it('puts a conv weight\'s [o, i, y, x] at the engine\'s [y, x, i, o], and a flattened map\'s (c, y, x) column at row (y, x, c)', () => {
    // torch [2 out, 3 in, 1, 2] with value o*100 + i*10 + x.
    const torch = Float32Array.from({ length: 12 }, (_, t) => Math.floor(t / 6) * 100 + (Math.floor(t / 2) % 3) * 10 + (t % 2));
    const engine = toEngine({ kind: 'conv' }, [1, 2, 3, 2], torch);
    expect(engine[((0 * 2 + 1) * 3 + 2) * 2 + 1]).toBe(121); // y 0, x 1, i 2, o 1
    // A 1×2 map of 2 channels into 1 output: torch column (c, y, x) holds c*10 + x.
    const fromMap = toEngine({ kind: 'denseFromMap', height: 1, width: 2, channels: 2 }, [4, 1], Float32Array.from([0, 1, 10, 11]));
    expect(Array.from(fromMap)).toEqual([0, 10, 1, 11]);
  });

  it('refuses values of the wrong length', () => {
    expect(() => toEngine({ kind: 'dense' }, [2, 3], new Float32Array(5))).toThrow('expected 6 values for shape [2, 3], got 5');
  });
});
