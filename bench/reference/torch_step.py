"""The native reference for `npm run bench`: one training step of a CIFAR
ResNet (He et al. 2015, section 4.2: 6n+2 layers, 16/32/64 channels, option A
shortcuts, batch norm) in PyTorch on the CPU, on random 32x32x3 input and 10
classes, with SGD + momentum 0.9 and weight decay 1e-4, as the engine's step.

  /usr/bin/python3 bench/reference/torch_step.py --n 3 --batch 128 --steps 20 --warmup 2 [--threads N]
  /usr/bin/python3 bench/reference/torch_step.py --model resnet18-cifar --batch 64

--model resnet18-cifar is torchvision's ResNet-18 with the CIFAR stem (one
3x3 conv, no max-pool) and 10 classes, as the bench's `resnet18-cifar`
(11,173,962 parameters in both).

runs on every core (--threads, default os.cpu_count()): PyTorch's own default
follows omp_get_max_threads(), which was 1 on the 2-core development machine,
and the fair reference for TF.js's threaded WASM is the same cores in full.

prints one JSON object: {"model", "batch", "msPerStep" (median), "samples",
"torch", "threads"}. Benchmarks only: no test needs PyTorch.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride, self.extra = stride, cout - cin

    def shortcut(self, x):
        # Option A: subsample by striding, zero-pad the new channels half before, half after.
        if self.stride != 1:
            x = x[:, :, :: self.stride, :: self.stride]
        if self.extra:
            x = F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
        return x

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, n, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for i, width in enumerate([16, 32, 64]):
            for b in range(n):
                layers.append(Block(cin, width, 2 if i > 0 and b == 0 else 1))
                cin = width
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def resnet18_cifar(classes=10):
    import torchvision

    model = torchvision.models.resnet18(num_classes=classes)
    model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    model.maxpool = nn.Identity()
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="cifar-resnet", choices=["cifar-resnet", "resnet18-cifar"])
    p.add_argument("--n", type=int, default=3, help="blocks per stage of the CIFAR ResNet (6n+2 layers)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--device", default="cpu", help="cpu, or cuda (the GPU kit's reference: npm run gpu-kit)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    device = torch.device(a.device)
    model = (resnet18_cifar() if a.model == "resnet18-cifar" else CifarResNet(a.n)).train().to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(a.batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (a.batch,), device=device)

    def step():
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()  # waits for the step (on a GPU too)
        return (time.perf_counter() - t0) * 1000

    for _ in range(a.warmup):
        step()
    samples = [step() for _ in range(a.steps)]
    name = a.model if a.model == "resnet18-cifar" else f"resnet{6 * a.n + 2}"
    print(json.dumps({"model": name, "params": sum(p.numel() for p in model.parameters()), "batch": a.batch, "msPerStep": statistics.median(samples),
                      "samples": samples, "torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(device),
                      **({"gpu": torch.cuda.get_device_name(device)} if device.type == "cuda" else {})}))


if __name__ == "__main__":
    main()
