// train.py's seeded choices and data, as Python text: mulberry32 and the
// playground's permutations and augmentation draws (so the same seed gives
// the playground's batches), the readers of CIFAR's binary version (tarball
// or folder), the MNIST/Fashion-MNIST IDX files (gz or not) and an
// ImageFolder, the per-channel statistics, and one image's transforms with
// torchvision's functions (bit for bit the engine's: batches.torch.test.ts).
// The text reads DATA (the config's data section) from the generated file.
// Pure TS: no TF.js, no node:*.

export const PY_DATA = String.raw`
# ---------------------------------------------------------------- seeded choices, as the playground draws them
# Every seeded choice of the playground comes from one small PRNG, mulberry32
# (src/arch/rng.ts): which images make the training pool, their order each
# epoch and each image's augmentation. Drawn the same way here, the same seed
# gives the playground's batches.

M32 = 0xFFFFFFFF
U = np.uint64


class Mulberry32:
    """mulberry32: uniform floats in [0, 1) from a 32-bit seed, bit for bit as src/arch/rng.ts."""

    def __init__(self, seed):
        self.state = seed & M32

    def __call__(self):
        self.state = a = (self.state + 0x6D2B79F5) & M32
        t = ((a ^ (a >> 15)) * (a | 1)) & M32
        t ^= (t + (t ^ (t >> 7)) * (t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def take(self, n):
        """The next n draws at once: the k-th draw's state is the seed plus k times the step."""
        a = (U(self.state) + np.arange(1, n + 1, dtype=U) * U(0x6D2B79F5)) & U(M32)
        self.state = (self.state + n * 0x6D2B79F5) & M32
        t = ((a ^ (a >> U(15))) * (a | U(1))) & U(M32)
        t ^= (t + (t ^ (t >> U(7))) * (t | U(61))) & U(M32)
        return ((t ^ (t >> U(14))) & U(M32)).astype(np.float64) / 4294967296


def permutation(n, seed):
    """A seeded Fisher-Yates shuffle of 0..n-1 (src/train/batches.ts): one draw per swap, from the end."""
    picks = np.floor(Mulberry32(seed).take(max(n - 1, 0)) * np.arange(n, 1, -1)).astype(np.int64).tolist()
    p = list(range(n))
    for i, j in zip(range(n - 1, 0, -1), picks):
        p[i], p[j] = p[j], p[i]
    return p


def augments():
    """Whether training batches are augmented; never in a linear probe, whose features the
    playground computes once per image (src/train/features.ts)."""
    return TRAIN['freeze'] != 'head' and (DATA['randomCrop'] or DATA['horizontalFlip'] or DATA['cutout'])


def draw_augment(rand, h, w):
    """One image's augmentation, drawn in the playground's order (src/data/augment.ts): the crop's
    corner in the padded image (0..8 each, 4 = no shift), the flip, the cutout's centre.
    -> (top, left, flip, cutout box (y0, x0, y1, x1) or None)."""
    pick = lambda n: math.floor(rand() * n)
    top = pick(2 * CROP_PADDING + 1) if DATA['randomCrop'] else CROP_PADDING
    left = pick(2 * CROP_PADDING + 1) if DATA['randomCrop'] else CROP_PADDING
    flip = DATA['horizontalFlip'] and rand() < 0.5
    if not DATA['cutout']:
        return top, left, flip, None
    size = min(h, w) // 2  # half the image side (DeVries & Taylor 2017)
    cy, cx = pick(h) - size // 2, pick(w) - size // 2
    return top, left, flip, (max(0, cy), max(0, cx), min(h, cy + size), min(w, cx + size))


class Batches:
    """Which images each step trains on, as the playground picks them (src/train/engine.ts): a
    fixed pool (the first subset of a permutation seeded by the run's seed; 0: every image),
    shuffled again each epoch by seed * 1000 + epoch and cut in order into batches (the last
    one smaller), each image's augmentation drawn from one stream seeded by seed * 7919 + 17."""

    def __init__(self, count, subset, batch_size, seed, side):
        size = min(subset, count) if subset > 0 else count
        self.pool = permutation(count, seed)[:size]
        self.batch_size, self.seed, self.side = batch_size, seed, side
        self.rand = Mulberry32(seed * 7919 + 17)
        self.steps_per_epoch = math.ceil(size / batch_size)

    def epoch(self, epoch):
        """Epoch epoch (from 1): its batches, each a list of (image index, augmentation or None)."""
        order = permutation(len(self.pool), self.seed * 1000 + epoch)
        for i in range(self.steps_per_epoch):
            batch = [self.pool[j] for j in order[i * self.batch_size:(i + 1) * self.batch_size]]
            yield [(k, draw_augment(self.rand, self.side, self.side) if augments() else None) for k in batch]


# ---------------------------------------------------------------- data
# CIFAR-10/100 as their binary version (the tarball, or the folder it
# extracts to), MNIST and Fashion-MNIST as their four IDX files (gzipped or
# not), or, with --folder, an ImageFolder (DIR/train/CLASS/IMAGE, DIR/test or
# DIR/val alike). Images stay uint8 [N, H, W, C] until a batch is made.

CIFAR = {
    'cifar10': dict(folder='cifar-10-batches-bin', train=[f'data_batch_{i}.bin' for i in range(1, 6)], test=['test_batch.bin'], label_bytes=1, release='cifar-10-binary.tar.gz'),
    'cifar100': dict(folder='cifar-100-binary', train=['train.bin'], test=['test.bin'], label_bytes=2, release='cifar-100-binary.tar.gz'),
}
IDX = dict(train=('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), test=('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'))


def read_cifar(path, which):
    """-> train and test splits: each (uint8 images [N, 32, 32, 3], int64 labels [N]); CIFAR-100's fine labels."""
    spec = CIFAR[which]
    names = spec['train'] + spec['test']
    want = f"give {spec['release']} (CIFAR's binary version), or the folder it extracts to"
    files = {}
    if os.path.isfile(path):
        try:
            with tarfile.open(path, 'r:*') as tar:
                for m in tar:
                    if m.isfile() and os.path.basename(m.name) in names:
                        files[os.path.basename(m.name)] = tar.extractfile(m).read()
        except tarfile.TarError as e:
            raise SystemExit(f'--data {path}: not a tar archive ({e}); {want}')
        missing = [n for n in names if n not in files]
        if missing:
            raise SystemExit(f'--data {path}: looked for {missing[0]} in the archive and found none; {want}')
    elif os.path.isdir(path):
        where = path if os.path.isfile(os.path.join(path, names[0])) else os.path.join(path, spec['folder'])
        for n in names:
            f = os.path.join(where, n)
            if not os.path.isfile(f):
                raise SystemExit(f'--data {path}: looked for {f} and found no such file; {want}')
            with open(f, 'rb') as fh:
                files[n] = fh.read()
    else:
        raise SystemExit(f'--data {path}: no such file or folder; {want}')
    record = spec['label_bytes'] + 3072

    def split(parts):
        raw = np.frombuffer(b''.join(files[n] for n in parts), dtype=np.uint8)
        if raw.size % record:
            raise SystemExit(f'--data {path}: {parts[0]} is not whole records of {record} bytes')
        rec = raw.reshape(-1, record)
        images = rec[:, spec['label_bytes']:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # R, G, B planes -> HWC
        return np.ascontiguousarray(images), rec[:, spec['label_bytes'] - 1].astype(np.int64)
    return split(spec['train']), split(spec['test'])


def read_idx(folder, name, magic):
    """One IDX file (name or name.gz in folder) -> its uint8 array in the file's dimensions."""
    for f in (os.path.join(folder, name), os.path.join(folder, name + '.gz')):
        if os.path.isfile(f):
            with (gzip.open if f.endswith('.gz') else open)(f, 'rb') as fh:
                raw = fh.read()
            (got,) = struct.unpack('>I', raw[:4])
            if got != magic:
                raise SystemExit(f'--data: {f} is not an IDX file of uint8 with {magic & 0xFF} dimensions (magic {got:#x})')
            dims = struct.unpack(f'>{magic & 0xFF}I', raw[4:4 + 4 * (magic & 0xFF)])
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)
    raise SystemExit(f"--data {folder}: looked for {os.path.join(folder, name)} (or {name}.gz) and found neither; give the folder of {DATA['dataset']}'s four IDX files")


def read_mnist(folder):
    if not os.path.isdir(folder):
        raise SystemExit(f"--data {folder}: no such folder; give the folder of {DATA['dataset']}'s four IDX files")

    def split(images, labels):
        x, y = read_idx(folder, images, 0x803), read_idx(folder, labels, 0x801)
        if len(x) != len(y):
            raise SystemExit(f'--data {folder}: {images} holds {len(x)} images, {labels} {len(y)} labels')
        return x[..., None], y.astype(np.int64)  # [N, 28, 28, 1]
    return split(*IDX['train']), split(*IDX['test'])


class Images(torch.utils.data.Dataset):
    """A split in memory: item (index, augmentation or None) -> (normalized [C, H, W] float32, label)."""

    def __init__(self, split, stats):
        self.images, self.labels = split
        self.stats = stats

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, item):
        i, choice = item
        img = torch.from_numpy(np.ascontiguousarray(self.images[i])).permute(2, 0, 1)  # [C, H, W] uint8
        return prepare(img, choice, *self.stats), int(self.labels[i])

    def raw(self, i):
        return np.asarray(self.images[i])


# One's own images (src/data/imagefolder.ts): the folder read as the playground reads it, so that
# the same folder gives the same classes, split and order: OS files ignored, the dropped folder's
# own name (any single folder holding everything) stripped, train/ and test/ (or val/) above the
# classes when both are there, else a seeded split of each class; classes sorted; files in path order.
IMAGE_EXTENSIONS = ('jpg', 'jpeg', 'jfif', 'png', 'gif', 'webp')
TRAIN_NAMES, TEST_NAMES = ('train', 'training'), ('test', 'val', 'valid', 'validation')


def junk(name):
    return name.startswith('.') or name.lower() in ('__macosx', 'thumbs.db', 'desktop.ini')


def plan_folder(root, test_share, seed):
    """-> (classes, train [(path, label)], test [(path, label)]), as planFolder."""
    if not os.path.isdir(root):
        raise SystemExit(f'--data {root}: no such folder; give a folder with one subfolder of images per class (or train/ and test/ above them)')
    found = []
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not junk(d))
        found += [os.path.relpath(os.path.join(top, f), root).split(os.sep) for f in files if not junk(f)]
    parts = list(found)
    image = lambda p: p[-1].rsplit('.', 1)[-1].lower() in IMAGE_EXTENSIONS
    while True:  # the images decide (a README beside the class folders does not)
        images = [p for p in parts if image(p)]
        first = images[0][0] if images else None
        if not images or not all(len(p) >= 3 and p[0] == first for p in images) or not all(len(p) >= 2 and p[0] == first for p in parts):
            break
        parts = [p[1:] for p in parts]
    tops = {p[0].lower() for p in parts if len(p) >= 2}
    split = any(t in TRAIN_NAMES for t in tops) and any(t in TEST_NAMES for t in tops) and all(t in TRAIN_NAMES + TEST_NAMES for t in tops)
    depth = 3 if split else 2
    placed = sorted(('/'.join(p), p, os.path.join(root, *f)) for p, f in zip(parts, found)
                    if image(p) and len(p) == depth)
    cls_of = (lambda p: p[1]) if split else (lambda p: p[0])
    is_test = lambda p: split and p[0].lower() in TEST_NAMES
    classes = sorted({cls_of(p) for _, p, _ in placed if not is_test(p)})
    if len(classes) < 2:
        raise SystemExit(f'--data {root}: {"no class folder with images" if not classes else f"one class ({classes[0]})"}; a classifier needs at least 2')
    label = {c: i for i, c in enumerate(classes)}
    if split:
        train = [(path, label[cls_of(p)]) for _, p, path in placed if not is_test(p)]
        test = [(path, label[cls_of(p)]) for _, p, path in placed if is_test(p) and cls_of(p) in label]
        return classes, train, test
    train, test = [], []
    for i, c in enumerate(classes):
        own = [path for _, p, path in placed if cls_of(p) == c]
        held = max(1, js_round(len(own) * test_share)) if len(own) >= 2 else 0
        for rank, k in enumerate(permutation(len(own), seed * 1009 + i)):
            (test if rank < held < len(own) else train).append((own[k], i))
    return classes, train, test


class Folder(torch.utils.data.Dataset):
    """Images (path, label) fitted to side x side in the net's channels as the playground fits them
    (DATA's fit): 'crop' resizes the shorter side and keeps the centre, 'pad' resizes the longer side
    and centres the image on black; then made a batch the same way as the arrays above."""

    def __init__(self, items, classes, side, channels, stats=None):
        self.items, self.classes = items, classes
        self.side, self.mode, self.stats = side, 'RGB' if channels == 3 else 'L', stats
        self.labels = np.asarray([label for _, label in items], dtype=np.int64)

    def __len__(self):
        return len(self.items)

    def raw(self, i):
        from PIL import Image
        with Image.open(self.items[i][0]) as f:
            img = f.convert('RGBA')
        black = Image.new('RGBA', img.size, (0, 0, 0, 255))  # transparency over black, as the playground
        img = Image.alpha_composite(black, img).convert(self.mode)
        if DATA.get('fit', 'crop') == 'pad':
            scale = self.side / max(img.size)
            w, h = max(1, js_round(img.size[0] * scale)), max(1, js_round(img.size[1] * scale))
            padded = Image.new(self.mode, (self.side, self.side))
            padded.paste(img.resize((w, h), Image.BOX), ((self.side - w) // 2, (self.side - h) // 2))
            img = padded
        else:
            img = TF.center_crop(TF.resize(img, self.side), self.side)
        return np.array(img).reshape(self.side, self.side, -1)  # [H, W, C] uint8, a copy torch may write

    def __getitem__(self, item):
        i, choice = item
        img = torch.from_numpy(np.ascontiguousarray(self.raw(i))).permute(2, 0, 1)
        return prepare(img, choice, *self.stats), int(self.labels[i])


def read_folder(root, side, channels):
    classes, train, test = plan_folder(root, DATA.get('testShare', 0.2), TRAIN['seed'])
    return Folder(train, classes, side, channels), Folder(test, classes, side, channels)


def channel_stats(raw, count, seed, limit=None):
    """Per-channel mean and (population) std in 0..1 units, as src/train/batches.ts: over the
    whole training split, or over limit images of a seeded permutation of it."""
    picked = range(count) if limit is None or count <= limit else permutation(count, seed)[:limit]
    s, sq, n = 0.0, 0.0, 0
    for start in range(0, len(picked), 1000):
        x = np.stack([raw(i) for i in picked[start:start + 1000]]).astype(np.float64) / 255
        s, sq, n = s + x.sum(axis=(0, 1, 2)), sq + (x * x).sum(axis=(0, 1, 2)), n + x[..., 0].size
    mean = s / n
    return mean.tolist(), np.sqrt(np.maximum(sq / n - mean ** 2, 1e-12)).tolist()


def prepare(img, choice, mean, std):
    """uint8 [C, H, W] -> the float32 input, torchvision's transforms from the drawn choices: pad 4
    with zeros and crop (RandomCrop(h, padding=4)), flip (after the crop), ToTensor's /255,
    Normalize, and cutout as zeros after Normalize (the mean colour)."""
    if choice is not None:
        top, left, flip, cut = choice
        h, w = img.shape[1:]
        img = TF.crop(TF.pad(img, [CROP_PADDING], fill=0), top, left, h, w)
        if flip:
            img = TF.hflip(img)
    x = TF.normalize(TF.convert_image_dtype(img, torch.float32), mean, std)
    if choice is not None and cut is not None:
        y0, x0, y1, x1 = cut
        x = TF.erase(x, y0, x0, y1 - y0, x1 - x0, torch.zeros(1))
    return x
`;
