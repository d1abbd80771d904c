// train.py's other zoo families, as Python text: VGG, AlexNet and DenseNet
// (src/arch/families/vgg.ts, alexnet.ts, densenet.ts) as torchvision builds
// them, so that their state dicts carry torchvision's names
// (src/weights/torch-names.ts): VGG's and AlexNet's features.i / classifier.i
// (indices of their nn.Sequential, every module counted), DenseNet's
// features.conv0/norm0, denseblockB.denselayerL.norm1/conv1/norm2/conv2,
// transitionT.norm/conv, norm5 and classifier. make_net picks the family.
// Reads MODEL from the generated file and conv, norm, resize and ResNet from
// python-net.ts. Pure TS: no TF.js.

export const PY_FAMILIES = String.raw`
# ---------------------------------------------------------------- the other families (torchvision's)
# VGG (Simonyan & Zisserman 2015) and AlexNet (Krizhevsky 2014's one-GPU net,
# without local response norm): convolutions (with a bias, as torchvision's,
# then batch norm when MODEL['batchNorm']) and max-pools in 'features', an
# adaptive average pool, then 'classifier': three Linear layers with ReLU and
# Dropout between, in torchvision's order. The flatten is torch's (C, H, W),
# the exported weights reorder the first Linear's columns to it.
# DenseNet-BC (Huang et al. 2017): dense layers BN-ReLU-conv1x1 (4 x growth)
# -BN-ReLU-conv3x3 (growth), each concatenated to its input; transitions
# BN-ReLU-conv1x1 halving the channels, then a 2x2 average pool.

# The classifier's last Linear: the playground's 'fc' (the head a linear probe trains).
HEAD = {'vgg': 'classifier.6', 'alexnet': 'classifier.6', 'densenet': 'classifier'}.get(MODEL['family'], HEAD)
# The dropout right before it, part of a linear probe's head (src/train/features.ts splitHead): VGG's
# classifier.5, the ResNets' 'dropout'; AlexNet's last Linear follows a ReLU, DenseNet has none.
HEAD_DROPOUT = {'vgg': 'classifier.5', 'alexnet': None, 'densenet': None}.get(MODEL['family'], 'dropout')


def js_round(v):
    """JavaScript's Math.round for v >= 0 (halves up, not Python's to even)."""
    return int(math.floor(v + 0.5))


def conv_block(cin, cout, k, stride=1, pad=None):
    """torchvision's conv (always with a bias), BN when on, ReLU."""
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2 if pad is None else pad)]
    return layers + ([norm(cout)] if MODEL['batchNorm'] else []) + [nn.ReLU()]


def classifier(features, classes, dropout_first):
    """VGG's Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear; AlexNet's (dropout_first)
    Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear. Dropout is there whatever its rate."""
    hidden, p = MODEL['hiddenUnits'], MODEL['dropout']
    if dropout_first:
        return nn.Sequential(nn.Dropout(p), nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, classes))
    return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, classes))


class VGG(nn.Module):
    """Stage s: MODEL['stageBlocks'][s] 3x3 convs at baseWidth * 2^s channels (at most 8 baseWidth), a 2x2 max-pool."""

    def __init__(self, channels, classes):
        super().__init__()
        layers, cin = [], channels
        for s, convs in enumerate(MODEL['stageBlocks']):
            width = min(MODEL['baseWidth'] * 2 ** s, MODEL['baseWidth'] * 8)
            for _ in range(convs):
                layers += conv_block(cin, width, 3)
                cin = width
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(7)  # torchvision's 7x7, whatever the input (a 1x1 map is replicated)
        self.classifier = classifier(cin * 7 * 7, classes, dropout_first=False)

    def forward(self, x):                                      # [B, C, H, W], normalized
        x = self.avgpool(self.features(resize(x)))            # [B, C', 7, 7]
        return self.classifier(torch.flatten(x, 1))            # [B, classes]


class AlexNet(nn.Module):
    """conv1 11x11/4 (3x3/1 with stem 'cifar'), pool, conv2 5x5, pool, conv3-5 3x3, pool: widths
    64/192/384/256/256 x baseWidth / 64; a 6x6 adaptive average pool; the classifier."""

    def __init__(self, channels, classes):
        super().__init__()
        w1, w2, w3, w4, w5 = (max(1, js_round(w * MODEL['baseWidth'] / 64)) for w in (64, 192, 384, 256, 256))
        first = conv_block(channels, w1, 3, 1, 1) if MODEL['stem'] == 'cifar' else conv_block(channels, w1, 11, 4, 2)
        self.features = nn.Sequential(
            *first, nn.MaxPool2d(3, 2),
            *conv_block(w1, w2, 5), nn.MaxPool2d(3, 2),
            *conv_block(w2, w3, 3), *conv_block(w3, w4, 3), *conv_block(w4, w5, 3), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d(6)
        self.classifier = classifier(w5 * 6 * 6, classes, dropout_first=True)

    def forward(self, x):                                      # [B, C, H, W], normalized
        x = self.avgpool(self.features(resize(x)))            # [B, w5, 6, 6]
        return self.classifier(torch.flatten(x, 1))            # [B, classes]


class DenseLayer(nn.Module):
    def __init__(self, cin):
        super().__init__()
        g = MODEL['growthRate']
        self.norm1, self.conv1 = norm(cin), conv(cin, 4 * g, 1)   # bn_size 4 (DenseNet-BC's bottleneck)
        self.norm2, self.conv2 = norm(4 * g), conv(4 * g, g, 3)

    def forward(self, x):                                      # [B, C, H, W]
        out = self.conv1(F.relu(self.norm1(x)))
        out = self.conv2(F.relu(self.norm2(out)))              # [B, growth, H, W]
        return torch.cat([x, out], 1)                          # [B, C + growth, H, W]


class Transition(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.add_module('norm', norm(cin))
        self.add_module('relu', nn.ReLU())
        self.add_module('conv', conv(cin, cout, 1))
        self.add_module('pool', nn.AvgPool2d(2, 2))


class DenseNet(nn.Module):
    """A stem of baseWidth channels ('cifar' 3x3; 'imagenet' 7x7/2 and a 3x3/2 max-pool), dense blocks of
    MODEL['stageBlocks'] layers, a transition (compression 0.5) between them, norm5, ReLU, global pool."""

    def __init__(self, channels, classes):
        super().__init__()
        c = MODEL['baseWidth']
        f = nn.Sequential()
        f.add_module('conv0', conv(channels, c, 3) if MODEL['stem'] == 'cifar' else conv(channels, c, 7, 2))
        f.add_module('norm0', norm(c))
        f.add_module('relu0', nn.ReLU())
        if MODEL['stem'] != 'cifar':
            f.add_module('pool0', nn.MaxPool2d(3, 2, 1))
        for s, layers in enumerate(MODEL['stageBlocks']):
            if s > 0:
                f.add_module(f'transition{s}', Transition(c, c // 2))
                c //= 2
            block = nn.Sequential()
            for i in range(layers):
                block.add_module(f'denselayer{i + 1}', DenseLayer(c + i * MODEL['growthRate']))
            f.add_module(f'denseblock{s + 1}', block)
            c += layers * MODEL['growthRate']
        f.add_module('norm5', norm(c))
        self.features = f
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):                                      # [B, C, H, W], normalized
        x = F.relu(self.features(resize(x)))
        return self.classifier(x.mean((2, 3)))                # [B, classes]


def make_net(channels, classes):
    """The run's net: the ResNet builder, or torchvision's VGG, AlexNet or DenseNet."""
    family = {'vgg': VGG, 'alexnet': AlexNet, 'densenet': DenseNet}.get(MODEL['family'])
    return family(channels, classes) if family else ResNet(channels, classes, stage_blocks())
`;
