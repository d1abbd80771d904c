// train.py's loop and command line, as Python text: the options (--data,
// --epochs, --steps, --weights, --out, --device, ...), the run's data and
// normalization, one step as the engine takes it (src/train/engine.ts: the
// plain cross-entropy reported, the smoothed one minimised, per-layer
// gradient and weight norms from the same gradients before the update), the
// evaluation after each epoch, and the metrics as JSON lines in the CLI's
// format with the final weights as safetensors. Reads MODEL, TRAIN, DATA,
// NUM_CLASSES, LAYERS and TITLE from the generated file. Pure TS: no TF.js.

export const PY_LOOP = String.raw`
# ---------------------------------------------------------------- the loop

def evaluate(net, test, count, batch_size, device):
    """Mean cross-entropy, accuracy and the confusion matrix (row: true class) over the first
    count test images (0: all), in inference mode, as src/train/evaluate.ts."""
    n = min(count or len(test), len(test))
    classes = getattr(net, HEAD).out_features
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
    """Each line to stdout (JSON with --json, else a short text) and, with --out, to metrics.jsonl."""

    def __init__(self, out, as_json):
        self.file = open(os.path.join(out, 'metrics.jsonl'), 'w') if out else None
        self.as_json = as_json

    def __call__(self, record, text):
        line = json.dumps(record)
        print(line if self.as_json else text, flush=True)
        if self.file:
            self.file.write(line + '\n')
            self.file.flush()


def norms(tensors):
    """L2 norms of a list of tensors (None reads 0, a frozen layer's gradient), in one read."""
    return torch.stack([t.detach().float().norm() if t is not None else torch.zeros(()) for t in tensors]).tolist() if tensors else []


def load_data(args, channels, side):
    """The training and test splits as datasets, and the normalization (mean, std) they use."""
    if args.folder:
        train, test = read_folder(args.data, args.image_size or side, channels)
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


def run(args):
    device = torch.device(args.device)
    torch.manual_seed(TRAIN['seed'])  # the initialisation without --weights, dropout and stochastic depth
    channels, side = DATA_SHAPE[2], DATA_SHAPE[0]
    train_set, test_set = load_data(args, channels, side)
    classes = len(train_set.folder.classes) if args.folder else NUM_CLASSES
    side = (args.image_size or side) if args.folder else side
    net = ResNet(channels, classes, stage_blocks())
    init_weights(net)
    missing = [t for _, t in LAYERS if t not in dict(net.named_parameters())]
    if missing:
        raise SystemExit(f"train.py's net has no {missing[0]}: the file's net and its LAYERS table disagree")
    started = load_weights(net, args.weights) if args.weights else 'started from a fresh initialisation (seed {})'.format(TRAIN['seed'])
    net.to(device)
    params = dict(net.named_parameters())
    kernels = [(name, params[t]) for name, t in LAYERS if t in params]
    batches = Batches(len(train_set), DATA['trainSubset'], TRAIN['batchSize'], TRAIN['seed'], side)
    per_epoch = batches.steps_per_epoch
    if args.steps is not None and args.epochs is None:  # --steps alone runs that many steps
        TRAIN['epochs'] = max(TRAIN['epochs'], math.ceil(args.steps / per_epoch))
    total = TRAIN['epochs'] * per_epoch if TRAIN['maxSteps'] <= 0 else min(TRAIN['maxSteps'], TRAIN['epochs'] * per_epoch)
    groups = param_groups(net)
    opt = make_optimizer(groups)
    schedule = make_schedule(opt, per_epoch, total)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, 'config.json'), 'w') as f:
            json.dump({'model': MODEL, 'train': TRAIN, 'data': DATA}, f, indent=2)
    log = Log(args.out, args.json)
    print(f'{TITLE}: {sum(p.numel() for p in net.parameters()):,} parameters on {device}; {started}; '
          f'{len(batches.pool):,} training images, {per_epoch} steps an epoch, {total} steps', file=sys.stderr)
    eval_batch = min(max(TRAIN['batchSize'], 100), 500)
    step, last = 0, time.perf_counter()
    for epoch in range(1, TRAIN['epochs'] + 1):
        train_mode(net)
        loader = torch.utils.data.DataLoader(train_set, batch_sampler=batches.epoch(epoch), num_workers=args.workers, pin_memory=device.type == 'cuda')
        for x, y in loader:
            if step >= total:
                break
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            lr = opt.param_groups[0]['lr'] / opt.param_groups[0]['scale']  # the schedule's rate, not the head's multiple
            logits = net(x)                                    # [B, classes]
            plain = F.cross_entropy(logits, y)                 # reported: runs with and without smoothing compare
            loss = F.cross_entropy(logits, y, label_smoothing=TRAIN['labelSmoothing']) if TRAIN['labelSmoothing'] > 0 else plain
            opt.zero_grad(set_to_none=True)
            loss.backward()
            # Per-layer norms from the gradients the update uses, before weight decay; weights before the update.
            grads = norms([p.grad for _, p in kernels]) if not args.no_grad_norms else []
            weights = norms([p for _, p in kernels]) if not args.no_grad_norms else []
            opt.step()
            schedule.step()
            step += 1
            acc = float((logits.argmax(1) == y).float().mean())
            now = time.perf_counter()
            record = {'step': step, 'epoch': epoch, 'loss': float(plain), 'acc': acc, 'lr': lr, 'ms': (now - last) * 1000,
                      'gradNorms': {name: g for (name, _), g in zip(kernels, grads)},
                      'weightNorms': {name: w for (name, _), w in zip(kernels, weights)}}
            log(record, f"step {step}  loss {record['loss']:.4f}  acc {acc:.3f}  lr {lr:.4g}  {record['ms']:.0f} ms")
            last = now
        if step >= total and step % per_epoch != 0:
            break  # stopped mid-epoch by --steps: no evaluation, as the playground
        result = evaluate(net, test_set, DATA['testSubset'], eval_batch, device)
        log({'event': 'epoch', 'epoch': epoch, 'step': step, **result}, f"epoch {epoch}  test loss {result['testLoss']:.4f}  test acc {result['testAcc']:.4f} ({result['testCount']} images)")
        if args.out:
            write_safetensors(os.path.join(args.out, 'weights.safetensors'), net.state_dict(), {'format': 'pt', 'naming': NAMING, 'steps': str(step)})
        last = time.perf_counter()
        if step >= total:
            break
    if args.out:
        write_safetensors(os.path.join(args.out, 'weights.safetensors'), net.state_dict(), {'format': 'pt', 'naming': NAMING, 'steps': str(step)})
    return net


def parse_args(argv):
    ap = argparse.ArgumentParser(description=f'{TITLE}: the playground run in PyTorch.')
    ap.add_argument('--data', required=True, help=DATA_HELP)
    ap.add_argument('--folder', action='store_true', help='read --data as an ImageFolder: DIR/train/CLASS/IMAGE and DIR/test (or DIR/val)/CLASS/IMAGE')
    ap.add_argument('--image-size', type=int, help="with --folder: the side images are resized and centre-cropped to (default: the playground data set's)")
    ap.add_argument('--weights', help='start from these weights (safetensors under this net\'s names, e.g. the exported weights.safetensors)')
    ap.add_argument('--epochs', type=int, help=f"epochs (default {TRAIN['epochs']})")
    ap.add_argument('--steps', type=int, help='stop after N steps; the schedule spans them (default: the config\'s, 0 for all epochs)')
    ap.add_argument('--subset', type=int, help=f"train on a seeded subset of N images, 0 for all (default {DATA['trainSubset']})")
    ap.add_argument('--seed', type=int, help=f"the seed of the pool, the batches, the augmentation and a fresh net (default {TRAIN['seed']})")
    ap.add_argument('--out', help='write metrics.jsonl (a line a step and an epoch), config.json and the final weights.safetensors here')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cpu or cuda (default: cuda when there is one)')
    ap.add_argument('--workers', type=int, default=0, help='data loader processes (default 0: batches are made in this one)')
    ap.add_argument('--threads', type=int, help="torch's CPU threads (default: torch's)")
    ap.add_argument('--no-grad-norms', action='store_true', help='skip the per-layer gradient and weight norms')
    ap.add_argument('--json', action='store_true', help='print the JSON lines instead of text')
    args = ap.parse_args(argv)
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
