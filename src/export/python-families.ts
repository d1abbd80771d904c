// train.py's other zoo families, as Python text: VGG, AlexNet, DenseNet and
// EfficientNet (src/arch/families/vgg.ts, alexnet.ts, densenet.ts,
// efficientnet.ts) as torchvision builds
// them, so that their state dicts carry torchvision's names
// (src/weights/torch-names.ts): VGG's and AlexNet's features.i / classifier.i
// (indices of their nn.Sequential, every module counted), DenseNet's
// features.conv0/norm0, denseblockB.denselayerL.norm1/conv1/norm2/conv2,
// transitionT.norm/conv, norm5 and classifier; EfficientNet's features.0.0/1
// (stem), features.S.B.block.i (expand, depthwise, SE, project: only those
// present), features.8.0/1 (head) and classifier.1. make_net picks the family.
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
# EfficientNet-B0 (Tan & Le 2019) as torchvision's efficientnet.py: a 3x3/2 stem,
# seven stages of MBConv blocks (1x1 expand -> kxk depthwise -> SE -> 1x1
# project, no activation after it), a 1x1 head conv to 4x the last stage's
# channels; SiLU (swish) everywhere; widthFactor / depthFactor scale channels
# (to multiples of 8) and layers (rounded up).

# The classifier's last Linear: the playground's 'fc' (the head a linear probe trains).
HEAD = {'vgg': 'classifier.6', 'alexnet': 'classifier.6', 'densenet': 'classifier', 'efficientnet': 'classifier.1'}.get(MODEL['family'], HEAD)
# The dropout right before it, part of a linear probe's head (src/train/features.ts splitHead): VGG's
# classifier.5, EfficientNet's classifier.0, the ResNets' 'dropout' (the hybrid's 'head_drop', timm's);
# AlexNet's last Linear follows a ReLU, DenseNet has none.
HEAD_DROPOUT = {'vgg': 'classifier.5', 'alexnet': None, 'densenet': None, 'efficientnet': 'classifier.0'}.get(MODEL['family'], 'head_drop' if HYBRID else 'dropout')


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


# torchvision's bneck_conf for B0 (the paper's Table 1): expand ratio, kernel, stride, in and out channels, layers.
B0 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
      (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]


def round_channels(v, divisor=8):
    """torchvision's _make_divisible: v to the nearest multiple of divisor, at least divisor, never below 0.9 v."""
    rounded = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def conv_bn_act(cin, cout, k, stride=1, groups=1, act=True):
    """torchvision's Conv2dNormActivation: the conv (no bias) at .0, BN at .1, SiLU at .2 unless act is False."""
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), norm(cout)]
    return nn.Sequential(*layers, *([nn.SiLU()] if act else []))


class SqueezeExcitation(nn.Module):
    """torchvision's: x * sigmoid(fc2(silu(fc1(mean over H, W)))), 1x1 convolutions with bias."""

    def __init__(self, c, squeeze):
        super().__init__()
        self.fc1, self.fc2 = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.fc2(F.silu(self.fc1(x.mean((2, 3), keepdim=True)))))


class MBConv(nn.Module):
    """block: expand (only where the expanded width differs), depthwise, SE (squeezing to a quarter of the
    block's input channels, as torchvision), project; the input added back where stride 1 keeps the shape."""

    def __init__(self, cin, cout, expand, k, stride, drop_rate):
        super().__init__()
        mid = round_channels(cin * expand)
        layers = [conv_bn_act(cin, mid, 1)] if mid != cin else []
        layers += [conv_bn_act(mid, mid, k, stride, mid), SqueezeExcitation(mid, max(1, cin // 4)), conv_bn_act(mid, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)
        self.residual, self.drop_rate = stride == 1 and cin == cout, drop_rate

    def last_bn(self):
        return self.block[-1][1]

    def forward(self, x):                                      # [B, cin, H, W]
        out = self.block(x)                                    # [B, cout, H/stride, W/stride]
        if not self.residual:
            return out
        out = drop_path(out, self.drop_rate, self.training)
        return out + x if MODEL['skip'] else out


class EfficientNet(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        width = lambda c: round_channels(c * MODEL['widthFactor'])
        stages = [(e, k, s, width(cin), width(cout), math.ceil(n * MODEL['depthFactor'])) for e, k, s, cin, cout, n in B0]
        total, index = sum(st[5] for st in stages), 0
        features = [conv_bn_act(channels, stages[0][3], 3, 2)]
        for e, k, s, cin, cout, n in stages:
            blocks = []
            for i in range(n):
                # Stochastic depth rises with the block's index over all blocks, as torchvision.
                blocks.append(MBConv(cin if i == 0 else cout, cout, e, k, s if i == 0 else 1, MODEL['dropPath'] * index / total))
                index += 1
            features.append(nn.Sequential(*blocks))
        last = stages[-1][4]
        features.append(conv_bn_act(last, 4 * last, 1))       # the head conv, 4x the last stage's channels
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(MODEL['dropout']), nn.Linear(4 * last, classes))

    def forward(self, x):                                      # [B, C, H, W], normalized
        x = self.features(resize(x))                           # [B, 4 last, H/32, W/32]
        return self.classifier(x.mean((2, 3)))                # [B, classes]


def make_net(channels, classes, side):
    """The run's net for images of side x side: the ResNet builder, or torchvision's VGG, AlexNet, DenseNet or EfficientNet."""
    family = {'vgg': VGG, 'alexnet': AlexNet, 'densenet': DenseNet, 'efficientnet': EfficientNet}.get(MODEL['family'])
    return family(channels, classes) if family else ResNet(channels, classes, stage_blocks(), side)
`;
