// train.py's recipe and weights files, as Python text: the safetensors reader
// and writer (no package beyond torch), loading a state dict all or nothing
// (a new head when only the classifier differs), the freeze policies, the
// optimizer's parameter groups (weight decay on kernels only; the head's own
// rate) in torch's SGD/Adam/AdamW, and the five schedules as torch's own
// schedulers stepped once a step (bench/reference/replay.py holds them to the
// engine's). Reads MODEL and TRAIN from the generated file. Pure TS: no TF.js.

export const PY_RECIPE = String.raw`
# ---------------------------------------------------------------- weights files
# safetensors (huggingface/safetensors): 8 bytes of header length, a JSON
# header (dtype, shape, offsets per tensor), then the raw little-endian bytes.

DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64, 'I32': torch.int32}


def read_safetensors(path, with_metadata=False):
    """-> {name: tensor}, and with with_metadata the header's __metadata__ (strings) too."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        if e['dtype'] not in DTYPES:
            raise SystemExit(f"--weights {path}: {name} is {e['dtype']}, which this script does not read")
        begin, end = e['data_offsets']
        raw = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=DTYPES[e['dtype']]).reshape(e['shape']) if raw else torch.zeros(e['shape'], dtype=DTYPES[e['dtype']])
    return (out, header.get('__metadata__', {})) if with_metadata else out


def write_safetensors(path, tensors, metadata):
    names = {v: k for k, v in DTYPES.items()}
    header, blobs, at = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        raw = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def load_weights(net, path):
    """A state dict under this net's names, all or nothing, as load_state_dict(strict=True) but
    for num_batches_tracked (a count, may be absent) and a classifier of another class count
    (a new head, kept at its initialisation). -> a line for the log."""
    state = read_safetensors(path)
    own = net.state_dict()
    head = [k for k in own if k.startswith(HEAD + '.')]
    new_head = all(k in state for k in head) and any(state[k].shape != own[k].shape for k in head)
    for key, value in own.items():
        if key.endswith('num_batches_tracked') or (new_head and key in head):
            continue
        if key not in state:
            raise SystemExit(f'--weights {path}: {key} is missing (are these {NAMING} weights for this net?)')
        if state[key].shape != value.shape:
            raise SystemExit(f'--weights {path}: {key} has shape {list(state[key].shape)}, the net needs {list(value.shape)}')
    extra = [k for k in state if k not in own]
    if extra:
        raise SystemExit(f'--weights {path}: {extra[0]} has no place in this net ({len(extra)} such tensors; another architecture?)')
    keep = {k: v for k, v in state.items() if not (new_head and k in head)}
    net.load_state_dict({**own, **keep})
    return f'started from {path}: {len(keep)} tensors' + (f', a new {HEAD} for {own[head[0]].shape[0]} classes' if new_head else '')


# The optimizer's state beside the weights (optimizer.safetensors): each parameter's momentum_buffer
# (SGD with momentum, Nesterov) or exp_avg and exp_avg_sq (Adam, AdamW) under the parameter's name,
# e.g. 'layer1.0.conv1.weight.momentum_buffer'; metadata: the optimizer, the step the run had
# reached ('step') and the optimizer's count of updates ('optimizer_steps', Adam's bias correction).
OPTIMIZER_FILE = 'optimizer.safetensors'
SLOTS = {'sgd': (), 'momentum': ('momentum_buffer',), 'nesterov': ('momentum_buffer',), 'adam': ('exp_avg', 'exp_avg_sq'), 'adamw': ('exp_avg', 'exp_avg_sq')}


def optimizer_path(args):
    """--optimizer FILE; by default the optimizer.safetensors beside --weights, if there is one; 'none' for none."""
    if args.optimizer == 'none' or not args.weights:
        return None
    if args.optimizer:
        return args.optimizer
    beside = os.path.join(os.path.dirname(args.weights), OPTIMIZER_FILE)
    return beside if os.path.isfile(beside) else None


def load_optimizer(opt, net, path):
    """Puts the file's state into opt (whose parameters are net's) -> the step the run had reached."""
    if not os.path.isfile(path):
        raise SystemExit(f'--optimizer {path}: no such file')
    state, meta = read_safetensors(path, with_metadata=True)
    if meta.get('optimizer') != TRAIN['optimizer']:
        raise SystemExit(f"--optimizer {path}: the state of {meta.get('optimizer', 'no optimizer')}; this run uses {TRAIN['optimizer']}")
    names = {p: n for n, p in net.named_parameters()}
    used = set()
    for group in opt.param_groups:
        for p in group['params']:
            keys = [f'{names[p]}.{slot}' for slot in SLOTS[TRAIN['optimizer']]]
            if not all(k in state for k in keys):
                continue  # no state yet: torch starts it as the playground does
            for k in keys:
                if state[k].shape != p.shape:
                    raise SystemExit(f'--optimizer {path}: {k} has shape {list(state[k].shape)}, the parameter {list(p.shape)}')
            slots = {k.rsplit('.', 1)[1]: state[k].to(p.device, p.dtype).clone() for k in keys}
            if TRAIN['optimizer'].startswith('adam'):
                slots['step'] = torch.tensor(float(meta['optimizer_steps']))
            opt.state[p].update(slots)
            used.update(keys)
    extra = [k for k in state if k not in used]
    if extra:
        raise SystemExit(f'--optimizer {path}: {extra[0]} is the state of no trainable parameter of this net ({len(extra)} such tensors)')
    return int(meta['step'])


def save_optimizer(path, opt, net, at):
    """The optimizer's state as load_optimizer reads it, at step at."""
    names = {p: n for n, p in net.named_parameters()}
    tensors, updates = {}, at
    for p, s in opt.state.items():
        for slot in SLOTS[TRAIN['optimizer']]:
            if slot in s:
                tensors[f'{names[p]}.{slot}'] = s[slot]
        if 'step' in s:
            updates = int(s['step'])
    if tensors:
        write_safetensors(path, tensors, {'format': 'pt', 'naming': NAMING, 'optimizer': TRAIN['optimizer'], 'step': str(at), 'optimizer_steps': str(updates)})


# ---------------------------------------------------------------- recipe

def frozen(name):
    """Whether the parameter or module name is frozen by TRAIN['freeze'] (src/weights/freeze.ts):
    'head' all but the classifier (a linear probe), 'stageN' the stem and stages 1..N (STAGE_OF)."""
    policy = TRAIN['freeze']
    if policy == 'none':
        return False
    if policy == 'head':
        return not in_head(name)
    stage = stage_of(name)
    return stage is not None and stage <= int(policy[len('stage'):])


def stage_of(name):
    """The playground's stage of a parameter or module (0 the stem), from its longest prefix in
    STAGE_OF; None for the head (and the Transformer encoder)."""
    parts = name.split('.')
    for k in range(len(parts), 0, -1):
        stage = STAGE_OF.get('.'.join(parts[:k]))
        if stage is not None:
            return stage
    return None


def in_head(name):
    """Whether the parameter or module name is the classifier's (HEAD, e.g. 'fc' or VGG's 'classifier.6')."""
    return name == HEAD or name.startswith(HEAD + '.')


def train_mode(net):
    """Training mode, but frozen layers' batch norm keeps its running statistics; a linear probe's
    body runs in inference mode throughout (the playground computes its features once, so), its head
    (the dropout just before the classifier, and the classifier) in training mode (src/train/features.ts)."""
    net.train()
    for name, m in net.named_modules():
        if frozen(name) and (isinstance(m, nn.modules.batchnorm._BatchNorm) or (TRAIN['freeze'] == 'head' and name)):
            m.eval()
    if TRAIN['freeze'] == 'head':
        for name in (HEAD, HEAD_DROPOUT):
            if name:
                net.get_submodule(name).train()


def param_groups(net):
    """Weight decay on kernels only (conv, SE and classifier weights; not BN or biases), as the
    playground; the classifier at headLrScale times the rate; frozen parameters left out."""
    groups = {}
    for module_name, m in net.named_modules():
        for pname, p in m.named_parameters(recurse=False):
            name = f'{module_name}.{pname}' if module_name else pname
            if frozen(name):
                p.requires_grad_(False)
                continue
            decay = isinstance(m, (nn.Conv2d, nn.Linear)) and pname == 'weight'
            scale = TRAIN['headLrScale'] if name.startswith(HEAD + '.') else 1.0
            groups.setdefault((decay, scale), []).append(p)
    return [{'params': ps, 'weight_decay': TRAIN['weightDecay'] if decay else 0.0, 'lr': TRAIN['learningRate'] * scale, 'scale': scale}
            for (decay, scale), ps in groups.items()]


def make_optimizer(groups):
    """The playground's optimizers are torch's: SGD; heavy-ball momentum and Nesterov's in torch's form;
    Adam with weight decay as an L2 term; AdamW with decoupled decay (Loshchilov & Hutter 2019)."""
    name, lr, mu = TRAIN['optimizer'], TRAIN['learningRate'], TRAIN['momentum']
    if name == 'sgd':
        return torch.optim.SGD(groups, lr=lr)
    if name in ('momentum', 'nesterov'):
        return torch.optim.SGD(groups, lr=lr, momentum=mu, nesterov=name == 'nesterov')
    if name == 'adam':
        return torch.optim.Adam(groups, lr=lr, eps=ADAM_EPS)
    return torch.optim.AdamW(groups, lr=lr, eps=ADAM_EPS)


def make_schedule(opt, steps_per_epoch, total_steps):
    """The rate over the run as torch's schedulers, stepped once a step (src/config/schedule.ts):
    constant; step (x decayFactor every decayEvery epochs); multistep (x decayFactor at 50% and 75% of the run); warmup (linear over warmupEpochs, then
    constant); cosine (to 0 after the warm-up); onecycle (OneCycleLR's defaults, momentum or Adam's
    beta1 cycled 0.95 -> 0.85 -> 0.95)."""
    s, sched = TRAIN['schedule'], torch.optim.lr_scheduler
    warm = round(TRAIN['warmupEpochs'] * steps_per_epoch)
    ramp = lambda: sched.LinearLR(opt, start_factor=1 / warm, end_factor=1.0, total_iters=warm - 1)
    if s == 'step':
        return sched.StepLR(opt, step_size=max(1, round(TRAIN['decayEvery'] * steps_per_epoch)), gamma=TRAIN['decayFactor'])
    if s == 'multistep':
        return sched.MultiStepLR(opt, milestones=[int(f * total_steps) for f in MULTI_STEP_AT], gamma=TRAIN['decayFactor'])
    if s == 'warmup' and warm > 1:
        return ramp()
    if s == 'cosine':
        cos = sched.CosineAnnealingLR(opt, T_max=max(1, total_steps - warm), eta_min=0.0)
        return sched.SequentialLR(opt, [ramp(), cos], milestones=[warm]) if warm >= 1 else cos
    if s == 'onecycle':
        return sched.OneCycleLR(opt, max_lr=[g['lr'] for g in opt.param_groups], total_steps=total_steps,
                                pct_start=ONE_CYCLE['pct_start'], anneal_strategy='cos', div_factor=ONE_CYCLE['div_factor'],
                                final_div_factor=ONE_CYCLE['final_div_factor'], cycle_momentum=TRAIN['optimizer'] != 'sgd',
                                base_momentum=ONE_CYCLE['base_momentum'], max_momentum=ONE_CYCLE['max_momentum'])
    return sched.LambdaLR(opt, lambda step: 1.0)  # constant, or a warm-up of at most one step
`;
