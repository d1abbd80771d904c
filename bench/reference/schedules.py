#!/usr/bin/env python3
"""torch's learning rates (and one-cycle's momentum) at every step of a few
runs, as JSON: the reference that src/config/schedule.test.ts holds the
engine's schedules to (src/testing/torch-schedules.json, made by
`/usr/bin/python3 bench/reference/schedules.py > src/testing/torch-schedules.json`).
The schedulers are the ones bench/reference/replay.py uses."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay import make_scheduler  # noqa: E402

CASES = [
    {'schedule': 'constant', 'stepsPerEpoch': 10, 'epochs': 3},
    {'schedule': 'step', 'stepsPerEpoch': 10, 'epochs': 5, 'decayEvery': 2, 'decayFactor': 0.1},
    {'schedule': 'multistep', 'stepsPerEpoch': 10, 'epochs': 5, 'decayFactor': 0.1},
    {'schedule': 'multistep', 'stepsPerEpoch': 7, 'epochs': 3, 'decayFactor': 0.2},
    {'schedule': 'warmup', 'stepsPerEpoch': 10, 'epochs': 3, 'warmupEpochs': 1},
    {'schedule': 'cosine', 'stepsPerEpoch': 10, 'epochs': 4, 'warmupEpochs': 1},
    {'schedule': 'cosine', 'stepsPerEpoch': 10, 'epochs': 4, 'warmupEpochs': 0},
    {'schedule': 'onecycle', 'stepsPerEpoch': 391, 'epochs': 2},
    {'schedule': 'onecycle', 'stepsPerEpoch': 7, 'epochs': 3},
]

out = []
for case in CASES:
    train = {'learningRate': 0.1, 'warmupEpochs': 0, 'decayEvery': 1, 'decayFactor': 0.1, 'optimizer': 'nesterov', **case}
    total = case['stepsPerEpoch'] * case['epochs']
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=train['learningRate'], momentum=0.9, nesterov=True)
    sched = make_scheduler(opt, train, case['stepsPerEpoch'], total)
    lrs, moms = [], []
    for _ in range(total):
        lrs.append(opt.param_groups[0]['lr'])
        moms.append(opt.param_groups[0]['momentum'])
        opt.step()
        sched.step()
    out.append({**train, 'totalSteps': total, 'lr': lrs, 'momentum': moms})
json.dump({'torch': torch.__version__, 'cases': out}, sys.stdout)
print()
