#!/usr/bin/env python3
"""The playground's CIFAR-10 ResNet-20 recipe written out in plain PyTorch,
the reference for `npx playground train` with the same flags (README, "Same
recipe, same accuracy"):

    python3 bench/reference/recipe.py --data cifar-10-binary.tar.gz --epochs 2 --seed 1

ResNet-20 (He et al. 2015 §4.2) with projection shortcuts (option B: 1×1
convolution + BN where the shape changes), He-normal convolutions, torch's
default Linear; batch 128, SGD with Nesterov momentum 0.9, weight decay 5e-4
on convolution and linear weights only, OneCycleLR to lr 0.1 (torch's
defaults: momentum cycled 0.95 -> 0.85 -> 0.95), 4-pixel zero padding + random
32×32 crop + horizontal flip, normalization by the training split's
per-channel mean and std. Evaluates the whole test split in eval mode after
each epoch. Prints one JSON object per epoch, as the CLI's `--json` epoch
lines. Needs torch and torchvision.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as T

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay import load_train_images  # noqa: E402  (the same archive reader)


def load_test_images(path):
    import tarfile
    with tarfile.open(path, 'r:*') as tar:
        m = next(m for m in tar.getmembers() if os.path.basename(m.name) == 'test_batch.bin')
        rec = np.frombuffer(tar.extractfile(m).read(), dtype=np.uint8).reshape(-1, 3073)
    return np.ascontiguousarray(rec[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)), rec[:, 0].astype(np.int64)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n=3, classes=10, width=16):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        layers, cin = [], width
        for stage, cout in enumerate([width, 2 * width, 4 * width]):
            for i in range(n):
                layers.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.linear = nn.Linear(cin, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)  # He-normal, fan_in, as the engine's init

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        return self.linear(x.mean(dim=(2, 3)))


class Images(torch.utils.data.Dataset):
    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.transform(self.images[i]), int(self.labels[i])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True, help='cifar-10-binary.tar.gz')
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--lr', type=float, default=0.1)
    ap.add_argument('--weight-decay', type=float, default=5e-4)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x, train_y = load_train_images('cifar10', args.data)
    test_x, test_y = load_test_images(args.data)
    mean = (train_x / 255.0).reshape(-1, 3).mean(0).tolist()
    std = (train_x / 255.0).reshape(-1, 3).std(0).tolist()
    norm = T.Normalize(mean, std)
    train_t = T.Compose([T.ToPILImage(), T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), norm])
    test_t = T.Compose([T.ToTensor(), norm])
    loader = torch.utils.data.DataLoader(Images(train_x, train_y, train_t), batch_size=args.batch, shuffle=True, num_workers=0)
    test_loader = torch.utils.data.DataLoader(Images(test_x, test_y, test_t), batch_size=500)
    net = ResNet()
    decayed = [p for n, p in net.named_parameters() if p.dim() > 1]
    rest = [p for n, p in net.named_parameters() if p.dim() <= 1]
    opt = torch.optim.SGD([{'params': decayed, 'weight_decay': args.weight_decay}, {'params': rest, 'weight_decay': 0.0}], lr=args.lr, momentum=0.9, nesterov=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * len(loader))
    step, start = 0, time.time()
    for epoch in range(1, args.epochs + 1):
        net.train()
        for x, y in loader:
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            opt.step()
            sched.step()
            step += 1
        net.eval()
        correct, loss, count = 0, 0.0, 0
        with torch.no_grad():
            for x, y in test_loader:
                logits = net(x)
                loss += float(F.cross_entropy(logits, y, reduction='sum'))
                correct += int((logits.argmax(1) == y).sum())
                count += len(y)
        print(json.dumps({'event': 'epoch', 'epoch': epoch, 'step': step, 'testLoss': loss / count, 'testAcc': correct / count, 'testCount': count, 'seconds': time.time() - start, 'seed': args.seed}), flush=True)


if __name__ == '__main__':
    main()
