# The PyTorch oracle of the gradient-flow checks (src/train/gradflow.test.ts,
# bench/node/gradflow.ts), copied verbatim below this comment. Their reference
# values, src/lessons/gradflow-reference.json, are its first_over_last to two
# significant figures, from
#   /usr/bin/python3 bench/reference/torch_gradflow.py DIR
# with DIR holding data_batch_1.bin of CIFAR-10's binary release; the test and
# the bench read that file and never run PyTorch. A rerun (PyTorch 1.13.0a0,
# CPU, on the JPEG round trip of CIFAR-10 that cifar10-binary.mjs builds) gave
# the same figures except plain + BN, which amplifies every difference: 295 at
# depth 56 and 9.0e5 at depth 110.
"""Reference for the gradient-flow view: per-layer gradient L2 norms at
initialisation for CIFAR ResNets and their plain twins, with and without batch
norm, on one batch of real CIFAR-10 (He normal init, cross-entropy).
usage: /usr/bin/python3 torch_gradflow.py DIR  (DIR holds data_batch_1.bin, e.g. from cifar10-binary.mjs)
Prints one JSON line per net: first/last conv gradient-norm ratio and the norms."""
import json, os, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
class Block(nn.Module):
    def __init__(s, cin, cout, stride, skip, bn):
        super().__init__(); s.skip = skip
        s.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=not bn); s.b1 = nn.BatchNorm2d(cout) if bn else nn.Identity()
        s.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=not bn); s.b2 = nn.BatchNorm2d(cout) if bn else nn.Identity()
        s.stride, s.pad = stride, cout - cin
    def short(s, x):  # option A: strided identity, zero-padded channels
        if s.stride != 1: x = x[:, :, ::2, ::2]
        return F.pad(x, (0, 0, 0, 0, s.pad // 2, s.pad - s.pad // 2)) if s.pad else x
    def forward(s, x):
        o = s.b2(s.c2(F.relu(s.b1(s.c1(x)))))
        return F.relu(o + s.short(x) if s.skip else o)
class Net(nn.Module):
    def __init__(s, depth, skip, bn):
        super().__init__(); n = (depth - 2) // 6
        s.c = nn.Conv2d(3, 16, 3, 1, 1, bias=not bn); s.b = nn.BatchNorm2d(16) if bn else nn.Identity()
        L, cin = [], 16
        for i, c in enumerate([16, 32, 64]):
            for j in range(n): L.append(Block(cin, c, 2 if j == 0 and i else 1, skip, bn)); cin = c
        s.L = nn.Sequential(*L); s.fc = nn.Linear(64, 10)
        for m in s.modules():
            if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
    def forward(s, x): return s.fc(F.adaptive_avg_pool2d(s.L(F.relu(s.b(s.c(x)))), 1).flatten(1))
raw = np.fromfile(os.path.join(sys.argv[1], 'data_batch_1.bin'), dtype=np.uint8).reshape(-1, 3073)[:128]
x = torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32)).float() / 255; x = (x - x.mean((0, 2, 3), keepdim=True)) / x.std((0, 2, 3), keepdim=True)
y = torch.from_numpy(raw[:, 0].astype(np.int64))
for depth in (20, 56, 110):
    for skip in (True, False):
        for bn in (True, False):
            net = Net(depth, skip, bn); net.train()
            F.cross_entropy(net(x), y).backward()
            norms = [m.weight.grad.norm().item() for m in net.modules() if isinstance(m, nn.Conv2d)]
            print(json.dumps({'depth': depth, 'skip': skip, 'bn': bn, 'first_over_last': norms[0] / norms[-1],
                              'first': norms[0], 'last': norms[-1], 'min': min(norms), 'max': max(norms)}))
