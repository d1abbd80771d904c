// train.py's loop and command line, as Python text: the options (--data,
// --epochs, --steps, --weights, --out, --device, ...), the run's data and
// normalization, one step as the engine takes it (src/train/engine.ts: the
// plain cross-entropy reported, the smoothed one minimised, per-layer
// gradient and weight norms from the same gradients before the update), the
// evaluation after each epoch, the metrics as JSON lines in the CLI's
// format and the final weights as safetensors; under torchrun, one process
// per device with DistributedDataParallel, each on its share of the
// playground's global batch. Reads MODEL, TRAIN, DATA, NUM_CLASSES, LAYERS,
// DATA_SHAPE, DATA_HELP and TITLE from the generated file. Pure TS: no TF.js.

export const PY_LOOP = String.raw`
# ---------------------------------------------------------------- many processes (torchrun)
# Under torchrun every process runs this file: it joins the group (NCCL on
# CUDA, gloo on CPU), draws the same global batches from the seed as the
# others and trains on its own contiguous share of each; DistributedDataParallel
# averages the gradients. Each share's loss is weighted by its size, so the
# update is the one-process update of the whole batch. Batch norm: on CUDA
# SyncBatchNorm normalises over the whole batch; on CPU each process
# normalises over its own share (gloo has no SyncBatchNorm).

def join_group(args):
    """-> (rank, world): (0, 1) alone; under torchrun its RANK and WORLD_SIZE, this process's device chosen."""
    world = int(os.environ.get('WORLD_SIZE', '1'))
    if world == 1:
        return 0, 1
    cuda = args.device.startswith('cuda')
    if cuda:
        torch.cuda.set_device(int(os.environ.get('LOCAL_RANK', '0')))
        args.device = f"cuda:{torch.cuda.current_device()}"
    torch.distributed.init_process_group('nccl' if cuda else 'gloo')
    return torch.distributed.get_rank(), world


def share(batch, rank, world):
    """This process's contiguous share of a global batch (sizes differ by at most one)."""
    return batch[rank * len(batch) // world:(rank + 1) * len(batch) // world]


class ShareSampler(torch.utils.data.distributed.DistributedSampler):
    """torch's DistributedSampler (num_replicas and rank; set_epoch before each epoch) over the
    playground's batches rather than torch's shuffle: a batch sampler whose every step is this
    process's share of the seeded global batch, so that the processes together take the
    one-process step. skip(n): the epoch's first n batches are drawn and dropped (a resumed run),
    which keeps the augmentation stream where the run's stood."""

    def __init__(self, batches, world, rank):
        super().__init__(range(len(batches.pool)), num_replicas=world, rank=rank, shuffle=False)
        self.batches, self.dropped = batches, 0

    def skip(self, n):
        self.dropped = n

    def __iter__(self):                                        # lists of (image index, augmentation)
        drawn = self.batches.epoch(self.epoch)
        for _ in range(self.dropped):
            next(drawn)
        for batch in drawn:
            yield share(batch, self.rank, self.num_replicas)

    def __len__(self):
        return self.batches.steps_per_epoch - self.dropped


def total_over_group(values, world, device):
    """Sums a few numbers over the processes (e.g. loss x images, correct, images)."""
    t = torch.tensor(values, dtype=torch.float64 if device.type == 'cpu' else torch.float32, device=device)
    if world > 1:
        torch.distributed.all_reduce(t)
    return t.tolist()


# ---------------------------------------------------------------- the loop

def evaluate(net, test, count, batch_size, device):
    """Mean cross-entropy, accuracy and the confusion matrix (row: true class) over the first
    count test images (0: all), in inference mode, as src/train/evaluate.ts."""
    n = min(count or len(test), len(test))
    classes = net.get_submodule(HEAD).out_features
    confusion = torch.zeros(classes * classes, dtype=torch.int64)
    loss = 0.0
    net.eval()
    with torch.no_grad():
        for start in range(0, n, batch_size):
            x, y = torch.utils.data.default_collate([test[(i, None)] for i in range(start, min(n, start + batch_size))])
            logits = net(x.to(device)).float().cpu()
            loss += float(F.cross_entropy(logits, y, reduction='sum'))
            confusion += torch.bincount(y * classes + logits.argmax(1), minlength=classes * classes)
    correct = int(confusion.view(classes, classes).diagonal().sum())
    return {'testLoss': loss / n, 'testAcc': correct / n, 'testCount': n, 'confusion': confusion.tolist()}


class Log:
    """Each line to stdout (JSON with --json, else a short text) and, with --out, to metrics.jsonl;
    only the first process writes."""

    def __init__(self, out, as_json, writes):
        self.file = open(os.path.join(out, 'metrics.jsonl'), 'w') if out and writes else None
        self.as_json, self.writes = as_json, writes

    def __call__(self, record, text):
        if not self.writes:
            return
        line = json.dumps(record)
        print(line if self.as_json else text, flush=True)
        if self.file:
            self.file.write(line + '\n')
            self.file.flush()


def norms(tensors, device):
    """L2 norms of a list of tensors (None reads 0, a frozen layer's gradient), in one read."""
    zero = torch.zeros((), device=device)
    return torch.stack([t.detach().float().norm() if t is not None else zero for t in tensors]).tolist() if tensors else []


def load_data(args, channels, side):
    """The training and test splits as datasets, and the normalization (mean, std) they use."""
    if args.folder:
        train, test = read_folder(args.data, side, channels)
    elif DATA['dataset'] in CIFAR:
        train, test = (Images(s, None) for s in read_cifar(args.data, DATA['dataset']))
    else:
        train, test = (Images(s, None) for s in read_mnist(args.data))
    if DATA['normalize'] == 'imagenet':
        stats = (list(IMAGENET_MEAN), list(IMAGENET_STD))
    else:  # the training split's own, over all of it (an ImageFolder: over 10,000 images of it, seeded)
        stats = channel_stats(train.raw, len(train), TRAIN['seed'], 10_000 if args.folder else None)
    train.stats = test.stats = stats
    return train, test


def build(args, classes, channels, side, device, world):
    """The net (initialised from the seed, then --weights), on its device, and its line for the log."""
    net = make_net(channels, classes, side)
    init_weights(net)
    missing = [t for _, t in LAYERS if t not in dict(net.named_parameters())]
    if missing:
        raise SystemExit(f"train.py's net has no {missing[0]}: the file's net and its LAYERS table disagree")
    started = load_weights(net, args.weights) if args.weights else f"started from a fresh initialisation (seed {TRAIN['seed']})"
    if world > 1 and device.type == 'cuda' and MODEL['batchNorm'] and not args.no_sync_bn:
        net = nn.SyncBatchNorm.convert_sync_batchnorm(net)  # the same names; statistics over the whole batch
    return net.to(device), started


def step(model, net, opt, x, y, weight, kernels, grad_norms):
    """One step as the engine takes it -> (plain loss x images, correct, grad norms, weight norms).
    weight scales this process's loss so that the averaged gradient is the whole batch's."""
    logits = model(x)                                   # [b, classes]
    plain = F.cross_entropy(logits, y)                  # reported: runs with and without smoothing compare
    loss = F.cross_entropy(logits, y, label_smoothing=TRAIN['labelSmoothing']) if TRAIN['labelSmoothing'] > 0 else plain
    opt.zero_grad(set_to_none=True)
    (loss * weight).backward()
    # Per-layer norms from the gradients the update uses, before weight decay; weights before the update.
    grads = norms([p.grad for _, p in kernels], x.device) if grad_norms else []
    weights = norms([p for _, p in kernels], x.device) if grad_norms else []
    opt.step()
    return float(plain) * len(y), float((logits.argmax(1) == y).sum()), grads, weights


def run(args):
    rank, world = join_group(args)
    device = torch.device(args.device)
    torch.manual_seed(TRAIN['seed'])  # the initialisation without --weights, dropout and stochastic depth
    channels, side = DATA_SHAPE[2], (args.image_size or DATA_SHAPE[0]) if args.folder else DATA_SHAPE[0]
    train_set, test_set = load_data(args, channels, side)
    net, started = build(args, len(train_set.classes) if args.folder else NUM_CLASSES, channels, side, device, world)
    model = nn.parallel.DistributedDataParallel(net, device_ids=[device.index] if device.type == 'cuda' else None) if world > 1 else net
    params = dict(net.named_parameters())
    kernels = [(name, params[t]) for name, t in LAYERS if t in params]
    batches = Batches(len(train_set), DATA['trainSubset'], TRAIN['batchSize'], TRAIN['seed'], side)
    per_epoch = batches.steps_per_epoch
    if min(TRAIN['batchSize'], len(batches.pool) % TRAIN['batchSize'] or TRAIN['batchSize']) < world:
        raise SystemExit(f"a batch of {len(batches.pool) % TRAIN['batchSize'] or TRAIN['batchSize']} images cannot be shared by {world} processes")
    if args.steps is not None and args.epochs is None:  # --steps alone runs that many steps
        TRAIN['epochs'] = max(TRAIN['epochs'], math.ceil(args.steps / per_epoch))
    total = TRAIN['epochs'] * per_epoch if TRAIN['maxSteps'] <= 0 else min(TRAIN['maxSteps'], TRAIN['epochs'] * per_epoch)
    opt = make_optimizer(param_groups(net))
    schedule = make_schedule(opt, per_epoch, total)
    resume = optimizer_path(args)
    start = load_optimizer(opt, net, resume) if resume else 0
    if start >= total:
        raise SystemExit(f'--optimizer {resume}: the run had reached step {start}, and this one ends at step {total} (--steps, --epochs)')
    with warnings.catch_warnings():  # torch warns of a schedule stepped before the optimizer: here on purpose
        warnings.simplefilter('ignore', UserWarning)
        for _ in range(start):
            schedule.step()  # the rate where the run left off
    if args.out and rank == 0:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, 'config.json'), 'w') as f:
            json.dump({'model': MODEL, 'train': TRAIN, 'data': DATA}, f, indent=2)
    log = Log(args.out, args.json, rank == 0)
    if rank == 0:
        resumed = f"; resumed at step {start + 1} with the {TRAIN['optimizer']} state of {resume}" if resume else ''
        print(f'{TITLE}: {sum(p.numel() for p in net.parameters()):,} parameters on {device}{f" x {world} processes" if world > 1 else ""}; '
              f'{started}; {len(batches.pool):,} training images, {per_epoch} steps an epoch, {total} steps in all{resumed}', file=sys.stderr)

    def save():
        if args.out and rank == 0:
            write_safetensors(os.path.join(args.out, 'weights.safetensors'), net.state_dict(), {'format': 'pt', 'naming': NAMING, 'steps': str(at)})
            save_optimizer(os.path.join(args.out, OPTIMIZER_FILE), opt, net, at)

    sampler = ShareSampler(batches, world, rank)
    at, last = start, time.perf_counter()
    for epoch in range(1, TRAIN['epochs'] + 1):
        sampler.set_epoch(epoch)
        sampler.skip(min(per_epoch, max(0, start - (epoch - 1) * per_epoch)))  # resumed: the steps already taken
        if len(sampler) == 0:
            list(sampler)  # the epoch's augmentation draws, all taken before
            continue
        train_mode(net)
        loader = torch.utils.data.DataLoader(train_set, batch_sampler=sampler, num_workers=args.workers, pin_memory=device.type == 'cuda')
        for x, y in loader:
            if at >= total:
                break
            lr = opt.param_groups[0]['lr'] / opt.param_groups[0]['scale']  # the schedule's rate, not the head's multiple
            n = total_over_group([len(y)], world, device)[0]
            loss, correct, grads, weights = step(model, net, opt, x.to(device, non_blocking=True), y.to(device, non_blocking=True), len(y) * world / n, kernels, rank == 0 and args.log_grad_norms)
            loss, correct = total_over_group([loss, correct], world, device) if world > 1 else (loss, correct)
            schedule.step()
            at, now = at + 1, time.perf_counter()
            record = {'step': at, 'epoch': epoch, 'loss': loss / n, 'acc': correct / n, 'lr': lr, 'ms': (now - last) * 1000,
                      'gradNorms': {name: g for (name, _), g in zip(kernels, grads)},
                      'weightNorms': {name: w for (name, _), w in zip(kernels, weights)}}
            log(record, f"step {at}  loss {record['loss']:.4f}  acc {record['acc']:.3f}  lr {lr:.4g}  {record['ms']:.0f} ms")
            last = now
        if at >= total and at % per_epoch != 0:
            break  # stopped mid-epoch by --steps: no evaluation, as the playground
        if rank == 0:
            result = evaluate(net, test_set, DATA['testSubset'], min(max(TRAIN['batchSize'], 100), 500), device)
            log({'event': 'epoch', 'epoch': epoch, 'step': at, **result}, f"epoch {epoch}  test loss {result['testLoss']:.4f}  test acc {result['testAcc']:.4f} ({result['testCount']} images)")
            save()
        last = time.perf_counter()
        if at >= total:
            break
    save()
    if world > 1:
        torch.distributed.destroy_process_group()
    return net


def parse_args(argv):
    ap = argparse.ArgumentParser(description=f'{TITLE}: the playground run in PyTorch (alone, or one process a device under torchrun).')
    ap.add_argument('--data', required=True, help=DATA_HELP)
    ap.add_argument('--folder', action='store_true', help='read --data as a folder of images: DIR/CLASS/IMAGE (a seeded split, testShare held out) or DIR/train/CLASS/IMAGE and DIR/test (or val)/CLASS/IMAGE')
    ap.add_argument('--image-size', type=int, help="with --folder: the side images are resized and centre-cropped to (default: the playground data set's)")
    ap.add_argument('--weights', help='start from these weights (safetensors under this net\'s names, e.g. the exported weights.safetensors)')
    ap.add_argument('--optimizer', help=f'with --weights: resume from this optimizer state (default: the {OPTIMIZER_FILE} beside the weights, if any; none: start it afresh)')
    ap.add_argument('--epochs', type=int, help=f"epochs (default {TRAIN['epochs']})")
    ap.add_argument('--steps', type=int, help='stop after N steps; the schedule spans them (default: the config\'s, 0 for all epochs)')
    ap.add_argument('--subset', type=int, help=f"train on a seeded subset of N images, 0 for all (default {DATA['trainSubset']})")
    ap.add_argument('--seed', type=int, help=f"the seed of the pool, the batches, the augmentation and a fresh net (default {TRAIN['seed']})")
    ap.add_argument('--out', help='write metrics.jsonl (a line a step and an epoch), config.json and the final weights.safetensors here')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cpu or cuda (default: cuda when there is one)')
    ap.add_argument('--workers', type=int, default=0, help='data loader processes (default 0: batches are made in this one)')
    ap.add_argument('--threads', type=int, help="torch's CPU threads (default: torch's)")
    ap.add_argument('--log-grad-norms', action=argparse.BooleanOptionalAction, default=True,
                    help='log each layer\'s gradient and weight norms a step (default; --no-log-grad-norms skips them)')
    ap.add_argument('--no-sync-bn', action='store_true', help='under torchrun on CUDA: batch norm over each process\'s share, not SyncBatchNorm')
    ap.add_argument('--json', action='store_true', help='print the JSON lines instead of text')
    args = ap.parse_args(argv)
    args.folder = args.folder or DATA['dataset'] == 'folder'  # one's own images are always a folder
    for key, value in (('epochs', args.epochs), ('maxSteps', args.steps), ('seed', args.seed)):
        if value is not None:
            TRAIN[key] = value
    if args.subset is not None:
        DATA['trainSubset'] = args.subset
    if args.threads:
        torch.set_num_threads(args.threads)
    return args


def main(argv=None):
    run(parse_args(argv))


if __name__ == '__main__':
    main()
`;
