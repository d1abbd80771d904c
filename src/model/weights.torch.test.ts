// PyTorch's names and layouts against torch itself (Debian's torch 1.13 and
// torchvision): every torchvision model the zoo mirrors has exactly the keys
// and shapes src/weights/torch-names.ts gives the preset (num_batches_tracked
// aside), and weights saved by torch.save, read by readPth and loaded by
// loadTorchWeights give torch's own logits (eval mode, with BN running
// statistics that are not the defaults) and, through torchStateDict, the
// file's tensors back bit for bit, for a torchvision ResNet-18, a ResNet-50,
// a VGG-16 (a flatten over a 7×7 map), an AlexNet, a DenseNet-121, an
// EfficientNet-B0 (depthwise convolutions, SE as 1×1 convolutions) and
// akamaster's CIFAR ResNet-20 (option A) and its option B twin. Skipped, with
// the reason printed, where torch is missing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromPreset, type ModelPresetId } from '../config/presets';
import type { ModelConfig } from '../config/types';
import { readPth } from '../data/pth';
import { PYTHON, torchMissing } from '../testing/torch';
import { torchNames, torchShape, type Naming } from '../weights/torch-names';
import { buildModel } from './build';
import { loadTorchWeights, torchStateDict, WeightsError } from './weights';
import { spawnSync } from 'node:child_process';

/** torchvision's constructors against the presets that mirror them. */
const TORCHVISION: ReadonlyArray<[ModelPresetId, string]> = [
  ['resnet18', 'resnet18'], ['resnet34', 'resnet34'], ['resnet50', 'resnet50'], ['resnet101', 'resnet101'], ['resnet152', 'resnet152'],
  ['resnext50_32x4d', 'resnext50_32x4d'], ['wide_resnet50_2', 'wide_resnet50_2'], ['vgg16', 'vgg16'], ['alexnet', 'alexnet'], ['densenet121', 'densenet121'],
  ['efficientnet_b0', 'efficientnet_b0'],
];

// Writes keys.json (every model's key -> shape) and, per case, <case>.pth,
// <case>.x.raw (the input, NCHW float32) and <case>.y.raw (torch's logits).
const SCRIPT = String.raw`
import json, os, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F, torchvision
out = sys.argv[1]
p = lambda name: os.path.join(out, name)
keys = {}
for name in sys.argv[2].split(','):
    sd = getattr(torchvision.models, name)(weights=None).state_dict()
    keys[name] = {k: list(v.shape) for k, v in sd.items() if not k.endswith('num_batches_tracked')}
json.dump(keys, open(p('keys.json'), 'w'))

# akamaster's resnet.py (github.com/akamaster/pytorch_resnet_cifar10), its names and option A.
class LambdaLayer(nn.Module):
    def __init__(self, f): super().__init__(); self.f = f
    def forward(self, x): return self.f(x)
class BasicBlock(nn.Module):
    def __init__(self, inp, planes, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or inp != planes:
            if option == 'A':
                pad = planes // 4
                self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, pad, pad), 'constant', 0))
            else:
                self.shortcut = nn.Sequential(nn.Conv2d(inp, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
class ResNet(nn.Module):
    def __init__(self, n, option, classes=10):
        super().__init__()
        self.in_planes = 16
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._make_layer(16, n, 1, option)
        self.layer2 = self._make_layer(32, n, 2, option)
        self.layer3 = self._make_layer(64, n, 2, option)
        self.linear = nn.Linear(64, classes)
    def _make_layer(self, planes, n, stride, option):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(BasicBlock(self.in_planes, planes, s, option)); self.in_planes = planes
        return nn.Sequential(*layers)
    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))

def small_vgg():
    m = torchvision.models.vgg16(weights=None)
    m.classifier[0] = nn.Linear(512 * 7 * 7, 64); m.classifier[3] = nn.Linear(64, 64); m.classifier[6] = nn.Linear(64, 10)
    return m
def small_alexnet():
    m = torchvision.models.alexnet(weights=None)
    m.classifier[1] = nn.Linear(256 * 6 * 6, 64); m.classifier[4] = nn.Linear(64, 64); m.classifier[6] = nn.Linear(64, 10)
    return m
cases = {
    'resnet18': (lambda: torchvision.models.resnet18(weights=None, num_classes=10), 32),
    'resnet50': (lambda: torchvision.models.resnet50(weights=None, num_classes=10), 32),
    'vgg16': (small_vgg, 32),
    'alexnet': (small_alexnet, 64),
    'densenet121': (lambda: torchvision.models.densenet121(weights=None, num_classes=10), 32),
    'efficientnet_b0': (lambda: torchvision.models.efficientnet_b0(weights=None, num_classes=10), 64),
    'akamaster_A': (lambda: ResNet(3, 'A'), 32),
    'akamaster_B': (lambda: ResNet(3, 'B'), 32),
}
for name, (make, size) in cases.items():
    torch.manual_seed(1)
    m = make()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2.0)
                mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.2, 0.2)
    m.eval()
    x = torch.randn(2, 3, size, size)
    with torch.no_grad(): y = m(x)
    torch.save(m.state_dict(), p(name + '.pth'))
    open(p(name + '.x.raw'), 'wb').write(x.numpy().astype('<f4').tobytes())
    open(p(name + '.y.raw'), 'wb').write(y.numpy().astype('<f4').tobytes())
`;

let dir = '';
const raw = (name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
};

const skip = torchMissing() !== null;

beforeAll(async () => {
  await tf.setBackend('cpu');
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'weights-'));
  const r = spawnSync(PYTHON, ['-c', SCRIPT, dir, TORCHVISION.map(([, t]) => t).join(',')], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  expect(r.stderr.split('\n').filter((l) => /Error|Traceback/.test(l))).toEqual([]);
  expect(r.status).toBe(0);
}, 300_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('PyTorch names and layouts against torch', () => {
  it.each(TORCHVISION)('%s has torchvision.models.%s\'s keys and shapes', (preset, name) => {
    const keys = (JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as Record<string, Record<string, number[]>>)[name] as Record<string, number[]>;
    const cfg = modelFromPreset(preset);
    const model = buildModel(cfg, [224, 224, 3], 1000, 1);
    try {
      const ours = Object.fromEntries(torchNames(cfg, model.arch, 'torchvision').map((n) => [n.torch, torchShape(n.layout, (model.params.get(n.engine) ?? model.state.get(n.engine))!.shape)]));
      expect(ours).toEqual(keys);
    } finally {
      model.dispose();
    }
  });

  /** Loads <name>.pth into the preset's net and runs torch's input through it in eval mode. */
  async function logits(name: string, cfg: ModelConfig, size: number, naming: Naming): Promise<{ got: Float32Array; want: Float32Array }> {
    const sd = await readPth(new Uint8Array(readFileSync(join(dir, `${name}.pth`))), `${name}.pth`);
    const model = buildModel(cfg, [size, size, 3], 10, 7);
    try {
      const report = loadTorchWeights(model, cfg, sd.tensors, naming);
      expect(report.missing.concat(report.unexpected)).toEqual([]);
      // Exported back, every tensor is the file's, shape and bits.
      const changed = [...torchStateDict(model, cfg, naming)].filter(([key, t]) => {
        const file = sd.tensors.get(key);
        return file === undefined || file.shape.join() !== t.shape.join() || t.values.some((v, i) => !Object.is(v, file.values[i]));
      }).map(([key]) => key);
      expect(changed).toEqual([]);
      const got = tf.tidy(() => {
        const x = tf.tensor4d(raw(`${name}.x.raw`), [2, 3, size, size]).transpose([0, 2, 3, 1]) as tf.Tensor4D; // NCHW -> NHWC
        return model.forward(x, false).dataSync() as Float32Array;
      });
      return { got, want: raw(`${name}.y.raw`) };
    } finally {
      model.dispose();
    }
  }

  const CASES: ReadonlyArray<[string, ModelPresetId, Partial<ModelConfig>, number, Naming]> = [
    ['resnet18', 'resnet18', {}, 32, 'torchvision'],
    ['resnet50', 'resnet50', {}, 32, 'torchvision'],
    ['vgg16', 'vgg16', { hiddenUnits: 64, dropout: 0 }, 32, 'torchvision'],
    ['alexnet', 'alexnet', { hiddenUnits: 64, dropout: 0 }, 64, 'torchvision'],
    ['densenet121', 'densenet121', {}, 32, 'torchvision'],
    ['efficientnet_b0', 'efficientnet_b0', {}, 64, 'torchvision'],
    ['akamaster_A', 'resnet20', { shortcut: 'A' }, 32, 'akamaster'],
    ['akamaster_B', 'resnet20', { shortcut: 'B' }, 32, 'akamaster'],
  ];
  it.each(CASES)('%s: torch.save, readPth, loadTorchWeights give torch\'s logits', async (name, preset, over, size, naming) => {
    const { got, want } = await logits(name, { ...modelFromPreset(preset), ...over }, size, naming);
    expect(got.length).toBe(want.length);
    const scale = Math.max(...Array.from(want, Math.abs));
    const worst = Math.max(...Array.from(got, (g, i) => Math.abs(g - (want[i] as number))));
    expect(worst / scale, `worst difference ${worst} at logits of scale ${scale}`).toBeLessThan(1e-4);
  }, 120_000);

  it('refuses weights for another net, naming the first problem and changing nothing', async () => {
    const sd = await readPth(new Uint8Array(readFileSync(join(dir, 'resnet18.pth'))), 'resnet18.pth');
    const cfg = modelFromPreset('resnet34');
    const model = buildModel(cfg, [32, 32, 3], 10, 7);
    try {
      const before = model.params.get('stem.conv.kernel')!.dataSync().slice();
      const e = (() => {
        try {
          loadTorchWeights(model, cfg, sd.tensors, 'torchvision');
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(e).toBeInstanceOf(WeightsError);
      expect((e as WeightsError).message).toMatch(/^layer1\.2\.conv1\.weight is missing from the file \(\d+ of \d+ tensors missing; are these torchvision weights for this net\?\)$/);
      expect(Array.from(model.params.get('stem.conv.kernel')!.dataSync())).toEqual(Array.from(before));
    } finally {
      model.dispose();
    }
  });
});
