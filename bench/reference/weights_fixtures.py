"""PyTorch's numbers for src/cli/weights.test.ts, committed in
src/testing/fixtures/weights/ (about 1.5 MB together), so the tests hold the
engine against PyTorch without torch installed.

Writes, from seeded weights with batch-norm running statistics and affine
parameters that are not the defaults:

  resnet20.safetensors    akamaster's CIFAR ResNet-20 (option A), float32,
                          akamaster's names (conv1, bn1, layer1.0.conv1, ..., linear)
  resnet18w8.safetensors  torchvision's ResNet-18 built by torchvision's own
                          ResNet._make_layer and forward at width 8 (8/16/32/64
                          channels, so the file stays small), float16; the
                          reference numbers are computed from the float16 values
  batch.safetensors       x: float32 [4, 3, 32, 32], y: int64 [4]
  expected.json           per net: eval-mode logits, the training-mode mean
                          cross-entropy of (x, y) and every weight tensor's
                          gradient norm by name

Run from the repository root with Debian's torch 1.13 and torchvision:
  /usr/bin/python3 bench/reference/weights_fixtures.py src/testing/fixtures/weights
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock, ResNet


def write_safetensors(path, tensors):
    """The safetensors layout: u64 header length, the JSON header (padded to 8 bytes), the data."""
    kinds = {torch.float32: ('F32', '<f4'), torch.float16: ('F16', '<f2'), torch.int64: ('I64', '<i8')}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        dtype, np_dtype = kinds[t.dtype]
        blob = np.ascontiguousarray(t.detach().numpy().astype(np_dtype)).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


class LambdaLayer(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


class CifarBlock(nn.Module):
    """akamaster's BasicBlock with option A: x[:, :, ::2, ::2], planes // 4 zero channels each side."""

    def __init__(self, inp, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or inp != planes:
            pad = planes // 4
            self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, pad, pad), 'constant', 0))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, n=3, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, inp = [], 16
        for planes, stride in [(16, 1), (32, 2), (64, 2)]:
            layer = []
            for s in [stride] + [1] * (n - 1):
                layer.append(CifarBlock(inp, planes, s))
                inp = planes
            blocks.append(nn.Sequential(*layer))
        self.layer1, self.layer2, self.layer3 = blocks
        self.linear = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def narrow_resnet18(width, classes):
    """torchvision's ResNet-18 at another width: its __init__ with 64 replaced, its own _make_layer and forward."""
    m = ResNet.__new__(ResNet)
    nn.Module.__init__(m)
    m._norm_layer, m.inplanes, m.dilation, m.groups, m.base_width = nn.BatchNorm2d, width, 1, 1, 64
    m.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
    m.bn1 = nn.BatchNorm2d(width)
    m.relu = nn.ReLU(inplace=True)
    m.maxpool = nn.MaxPool2d(3, 2, 1)
    m.layer1 = m._make_layer(BasicBlock, width, 2)
    m.layer2 = m._make_layer(BasicBlock, width * 2, 2, stride=2)
    m.layer3 = m._make_layer(BasicBlock, width * 4, 2, stride=2)
    m.layer4 = m._make_layer(BasicBlock, width * 8, 2, stride=2)
    m.avgpool = nn.AdaptiveAvgPool2d((1, 1))
    m.fc = nn.Linear(width * 8, classes)
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode='fan_out', nonlinearity='relu')
    return m


def perturb_bn(m):
    """Running statistics and affine parameters away from 0/1, so a wrong mapping shows."""
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.3, 0.3)
                mod.running_var.uniform_(0.5, 2.0)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)


def reference(m, x, y):
    m.eval()
    with torch.no_grad():
        logits = m(x)
    m.train()
    m.zero_grad()
    loss = F.cross_entropy(m(x), y)
    loss.backward()
    grads = {n: p.grad.norm().item() for n, p in m.named_parameters()}
    return {'logits': logits.tolist(), 'loss': loss.item(), 'gradNorms': grads}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20)
    x = torch.randn(4, 3, 32, 32)
    y = torch.tensor([3, 8, 0, 3], dtype=torch.int64)
    write_safetensors(os.path.join(out, 'batch.safetensors'), {'x': x, 'y': y})
    expected = {}

    torch.manual_seed(1)
    r20 = CifarResNet()
    perturb_bn(r20)
    write_safetensors(os.path.join(out, 'resnet20.safetensors'), dict(r20.state_dict()))
    expected['resnet20'] = reference(r20, x, y)

    torch.manual_seed(2)
    r18 = narrow_resnet18(8, 10)
    perturb_bn(r18)
    with torch.no_grad():  # the numbers from the float16 values the file holds
        for t in r18.state_dict().values():
            if t.dtype == torch.float32:
                t.copy_(t.half().float())
    sd = {k: (v.half() if v.dtype == torch.float32 else v) for k, v in r18.state_dict().items()}
    write_safetensors(os.path.join(out, 'resnet18w8.safetensors'), sd)
    expected['resnet18w8'] = reference(r18, x, y)

    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump({'torch': torch.__version__, **expected}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
