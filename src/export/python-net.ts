// train.py's net, as Python text: the playground's ResNet builder
// (src/arch/families/resnet.ts) in PyTorch modules whose state dict carries
// the names the playground's import and export use (src/weights/torch-names.ts):
// akamaster's for the CIFAR ResNets (conv1, bn1, layerS.B.convK/bnK,
// shortcut.0/1, linear), torchvision's for the ImageNet ones (downsample.0/1,
// fc) and timm's where only timm has the layer (the deep stem conv1.0/1/3/4/6,
// avgDown's downsample.0/1/2, se.fc1/fc2); pre-activation blocks as bearpaw's
// preresnet.py (bnK before convK, the final BN 'bn'). Reads MODEL and NAMING
// from the generated file. Pure TS: no TF.js.

export const PY_NET = String.raw`
# ---------------------------------------------------------------- the net
# One builder for every ResNet of the playground (src/arch/families/resnet.ts):
#
#   stem -> stages of residual blocks -> global average pool -> (dropout) -> classifier
#
# Stage s (from 0) has planes baseWidth * 2^s and starts with stride 2 but the
# first. A block is basic (3x3 -> 3x3) or a bottleneck (1x1 -> 3x3 -> 1x1, x4
# expansion, stride and groups on the 3x3 as torchvision), optionally with
# squeeze-and-excitation after its last BN (timm) and stochastic depth on its
# branch. Where a block changes shape its shortcut is option A (strided
# identity, zero-padded channels, no weights), B (1x1 projection + BN) or
# avgDown (2x2 average pool, then the projection: ResNet-D). Without skip
# connections the blocks are the plain twin's (no shortcut at all); without
# batch norm the convolutions carry a bias instead. Pre-activation nets
# (He et al. 2016, "Identity Mappings") put BN-ReLU before each convolution,
# add without a ReLU after, and end with a BN-ReLU ('bn') before the pool.

# Where the names differ: akamaster's CIFAR ResNets call the shortcut 'shortcut'
# and the classifier 'linear', torchvision and timm 'downsample' and 'fc'.
SHORTCUT, HEAD = ('shortcut', 'linear') if NAMING == 'akamaster' else ('downsample', 'fc')
HYBRID = MODEL.get('transformerLayers', 0) > 0  # the ResNet + Transformer hybrid: its classifier is timm's ViT 'head'
if HYBRID:
    HEAD = 'head'
EXPANSION = 4  # a bottleneck's output channels per plane (He et al. 2015 §4.1)


def conv(cin, cout, k, stride=1, groups=1):
    """A k x k convolution, torch's symmetric zero padding (k - 1) // 2; a bias only without batch norm."""
    return nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=not MODEL['batchNorm'])


def norm(c):
    """Batch norm with the playground's momentum and epsilon, or nothing when batch norm is off."""
    return nn.BatchNorm2d(c, eps=BN_EPS, momentum=BN_MOMENTUM) if MODEL['batchNorm'] else nn.Identity()


def inner_width(planes):
    """Channels of a block's 3x3 convolutions: planes x widthFactor for basic blocks; for bottlenecks
    torchvision's int(planes * width_per_group / 64) * groups, widened by widthFactor (Wide ResNet)."""
    if MODEL['blockType'] == 'basic':
        return max(1, round(planes * MODEL['widthFactor']))
    return max(1, math.floor(planes * (MODEL['groupWidth'] / 64) * MODEL['widthFactor'])) * MODEL['cardinality']


def resize(x):
    """Images to MODEL['inputSize'] (bilinear, half-pixel centres), inside the net as the playground; 0 keeps them."""
    if MODEL['inputSize'] <= 0:
        return x
    return F.interpolate(x, size=(MODEL['inputSize'],) * 2, mode='bilinear', align_corners=False)


def make_divisible(v, divisor=8):
    """timm's make_divisible with round_limit 0: v to the nearest multiple of divisor, at least divisor."""
    return max(divisor, int(v + divisor / 2) // divisor * divisor)


class PadShortcut(nn.Module):
    """Option A (He et al. 2015 §4.2): every stride-th pixel, the extra channels zeros; no weights."""

    def __init__(self, stride, cout):
        super().__init__()
        self.stride, self.cout = stride, cout

    def forward(self, x):
        extra = self.cout - x.shape[1]
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, extra // 2, extra - extra // 2))


def make_shortcut(cin, cout, stride):
    """The one shortcut rule (torchvision's _make_layer): the identity when the shape stays, else by MODEL['shortcut']."""
    if stride == 1 and cin == cout:
        return nn.Identity()
    if MODEL['shortcut'] == 'A':
        return PadShortcut(stride, cout)
    project = [conv(cin, cout, 1, 1 if MODEL['shortcut'] == 'avgDown' else stride)]
    if MODEL['batchNorm'] and not MODEL['preact']:  # pre-activation's projection stays unnormalized (He et al. 2016)
        project.append(norm(cout))
    if MODEL['shortcut'] == 'avgDown':  # timm's downsample_avg: AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False)
        pool = nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False) if stride > 1 else nn.Identity()
        return nn.Sequential(pool, *project)
    return nn.Sequential(*project)


class SqueezeExcite(nn.Module):
    """timm's SEModule (Hu et al. 2018): x * sigmoid(fc2(relu(fc1(mean over H, W)))), 1x1 convolutions with bias."""

    def __init__(self, c, ratio):
        super().__init__()
        squeeze = make_divisible(c / ratio)
        self.fc1, self.fc2 = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3), keepdim=True)))))


def drop_path(x, rate, training):
    """Stochastic depth (Huang et al. 2016): in training, zero the whole branch of each sample with
    probability rate, scaling the kept ones by 1 / (1 - rate)."""
    if not training or rate <= 0:
        return x
    keep = x.new_empty(x.shape[0], 1, 1, 1).bernoulli_(1 - rate)
    return x * keep / (1 - rate)


class Block(nn.Module):
    """A post-activation residual block: relu(branch(x) + shortcut(x)), or relu(branch(x)) in the plain twin."""

    def __init__(self, cin, planes, stride, drop_rate):
        super().__init__()
        w = inner_width(planes)
        self.basic = MODEL['blockType'] == 'basic'
        if self.basic:
            self.cout = w
            self.conv1, self.bn1 = conv(cin, w, 3, stride), norm(w)
            self.conv2, self.bn2 = conv(w, w, 3), norm(w)
        else:
            self.cout = planes * EXPANSION
            groups = MODEL['cardinality']
            self.conv1, self.bn1 = conv(cin, w, 1), norm(w)
            self.conv2, self.bn2 = conv(w, w, 3, stride, groups), norm(w)
            self.conv3, self.bn3 = conv(w, self.cout, 1), norm(self.cout)
        self.se = SqueezeExcite(self.cout, MODEL['se']) if MODEL['se'] > 0 else nn.Identity()
        self.drop_rate = drop_rate
        if MODEL['skip']:
            self.add_module(SHORTCUT, make_shortcut(cin, self.cout, stride))

    def last_bn(self):
        return self.bn2 if self.basic else self.bn3

    def forward(self, x):                                      # [B, C, H, W]
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))                        # [B, w, H/stride, W/stride]
        if not self.basic:
            out = self.bn3(self.conv3(F.relu(out)))            # [B, 4 planes, H/stride, W/stride]
        out = drop_path(self.se(out), self.drop_rate, self.training)
        if MODEL['skip']:
            out = out + getattr(self, SHORTCUT)(x)
        return F.relu(out)


class PreActBlock(nn.Module):
    """A pre-activation block (He et al. 2016): branch(x) + shortcut(x), each convolution after a BN-ReLU,
    no ReLU after the sum. Where the shape changes the shortcut takes the pre-activated input too
    (the paper's Fig. 5, "both_preact"; timm's ResNetV2), else the block's input itself."""

    def __init__(self, cin, planes, stride, drop_rate):
        super().__init__()
        w = inner_width(planes)
        self.basic = MODEL['blockType'] == 'basic'
        self.cout = w if self.basic else planes * EXPANSION
        self.bn1 = norm(cin)
        if self.basic:
            self.conv1, self.bn2, self.conv2 = conv(cin, w, 3, stride), norm(w), conv(w, w, 3)
        else:
            self.conv1, self.bn2 = conv(cin, w, 1), norm(w)
            self.conv2, self.bn3 = conv(w, w, 3, stride, MODEL['cardinality']), norm(w)
            self.conv3 = conv(w, self.cout, 1)
        self.se = SqueezeExcite(self.cout, MODEL['se']) if MODEL['se'] > 0 else nn.Identity()
        self.drop_rate, self.reshapes = drop_rate, stride != 1 or cin != self.cout
        if MODEL['skip']:
            self.add_module(SHORTCUT, make_shortcut(cin, self.cout, stride))

    def forward(self, x):                                      # [B, C, H, W]
        pre = F.relu(self.bn1(x))
        out = self.conv2(F.relu(self.bn2(self.conv1(pre))))    # [B, w, H/stride, W/stride]
        if not self.basic:
            out = self.conv3(F.relu(self.bn3(out)))            # [B, 4 planes, H/stride, W/stride]
        out = drop_path(self.se(out), self.drop_rate, self.training)
        if MODEL['skip']:
            out = out + getattr(self, SHORTCUT)(pre if self.reshapes else x)
        return out


# ---- the ResNet + Transformer hybrid (ViT-hybrid, Dosovitskiy et al. 2021 §3.1; src/arch/families/transformer.ts)
# After the last stage: a 1x1 convolution to the token width (patch_embed.proj), the map's positions as
# tokens behind a learned class token, a learned position embedding added, pre-LN encoder layers
# (x + attn(LN(x)), then x + MLP(LN(x)); the plain twin drops both additions), a final LayerNorm, the
# class token to the classifier. timm's VisionTransformer's names; LayerNorm's eps 1e-6 as ViT, GELU's
# tanh form as the playground.

class Attention(nn.Module):
    """Multi-head self-attention (Vaswani et al. 2017 §3.2) as timm's: qkv one Linear D -> 3D (q, k, v, each
    head's Dh contiguous), softmax(q k^T / sqrt(Dh)) v per head, the heads concatenated, then proj."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)

    def forward(self, x):                                      # [B, T, D]
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # [B, H, T, Dh] each
        mixed = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads), dim=-1) @ v      # [B, H, T, Dh]
        return self.proj(mixed.transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate='tanh'))


class EncoderBlock(nn.Module):
    """A pre-LN encoder layer (ViT's Eq. 2 and 3)."""

    def __init__(self, d):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(d, eps=LN_EPS), Attention(d, MODEL['heads'])
        self.norm2, self.mlp = nn.LayerNorm(d, eps=LN_EPS), Mlp(d, MODEL['mlpRatio'] * d)

    def forward(self, x):                                      # [B, T, D]
        a = self.attn(self.norm1(x))
        x = x + a if MODEL['skip'] else a
        m = self.mlp(self.norm2(x))
        return x + m if MODEL['skip'] else m


class PatchEmbed(nn.Module):
    def __init__(self, cin, d):
        super().__init__()
        self.proj = nn.Conv2d(cin, d, 1)                       # with bias, as ViT's patch embedding

    def forward(self, x):                                      # [B, C, h, w]
        return self.proj(x).flatten(2).transpose(1, 2)         # [B, h w, D], positions row by row


class ResNet(nn.Module):
    def __init__(self, channels, classes, stage_blocks, side):
        super().__init__()
        width, stem, preact = MODEL['baseWidth'], MODEL['stem'], MODEL['preact']
        if stem == 'deep':  # timm's deep stem (ResNet-C/D, "Bag of Tricks" §4.2): three 3x3 convs, the first with stride 2
            half = max(1, width // 2)
            self.conv1 = nn.Sequential(
                conv(channels, half, 3, 2), norm(half), nn.ReLU(),
                conv(half, half, 3), norm(half), nn.ReLU(),
                conv(half, width, 3))
        else:  # 'cifar': 3x3 stride 1 (§4.2); 'imagenet': 7x7 stride 2 (Table 1)
            self.conv1 = conv(channels, width, 3) if stem == 'cifar' else conv(channels, width, 7, 2)
        # Pre-activation's CIFAR stem is a bare convolution: the first block's bn1 normalises its output.
        self.bn1 = nn.Identity() if preact and stem == 'cifar' else norm(width)
        self.stem_act = nn.Identity() if preact and stem == 'cifar' else nn.ReLU()
        self.pool = nn.MaxPool2d(3, 2, 1) if stem != 'cifar' else nn.Identity()
        total, index, cin = sum(stage_blocks), 0, width
        self.stages = []
        for s, blocks in enumerate(stage_blocks):
            layer = []
            for b in range(blocks):
                # Stochastic depth rises linearly with the block's index (torchvision's EfficientNet).
                layer.append((PreActBlock if preact else Block)(cin, width * 2 ** s, 2 if s > 0 and b == 0 else 1, MODEL['dropPath'] * index / total))
                cin, index = layer[-1].cout, index + 1
            self.add_module(f'layer{s + 1}', nn.Sequential(*layer))
            self.stages.append(f'layer{s + 1}')
        self.bn = norm(cin) if preact else None             # pre-activation's final BN (the ReLU after it in forward)
        if HYBRID:
            d = MODEL['transformerWidth']
            with torch.no_grad():  # the last map's positions, from the input's side
                h, w = self.body(torch.zeros(1, channels, side, side)).shape[2:]
            self.patch_embed = PatchEmbed(cin, d)
            self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
            self.pos_embed = nn.Parameter(torch.zeros(1, 1 + h * w, d))
            self.blocks = nn.Sequential(*[EncoderBlock(d) for _ in range(MODEL['transformerLayers'])])
            self.norm = nn.LayerNorm(d, eps=LN_EPS)
            self.head_drop = nn.Dropout(MODEL['dropout']) if MODEL['dropout'] > 0 else nn.Identity()
            self.head = nn.Linear(d, classes)
            return
        self.dropout = nn.Dropout(MODEL['dropout']) if MODEL['dropout'] > 0 else nn.Identity()
        self.add_module(HEAD, nn.Linear(cin, classes))

    def body(self, x):                                         # [B, C, H, W] -> the last stage's map
        x = self.pool(self.stem_act(self.bn1(self.conv1(resize(x)))))
        for name in self.stages:
            x = getattr(self, name)(x)
        return F.relu(self.bn(x)) if self.bn is not None else x

    def forward(self, x):                                      # [B, C, H, W], normalized
        x = self.body(x)                                       # [B, C', h, w]
        if HYBRID:
            x = self.patch_embed(x)                            # [B, h w, D]
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed  # [B, 1 + h w, D]
            x = self.norm(self.blocks(x))
            return self.head(self.head_drop(x[:, 0]))          # [B, classes], from the class token
        x = self.dropout(x.mean((2, 3)))                      # [B, C]: global average pool
        return getattr(self, HEAD)(x)                          # [B, classes]


def stage_blocks():
    return [MODEL['blocksPerStage']] * 3 if MODEL['family'] == 'cifar-resnet' else MODEL['stageBlocks']


def init_weights(net):
    """The playground's initialisation (src/arch/init.ts) in torch's words: He-normal fan-in kernels
    (kaiming_normal_), torch's defaults for biases, SE and the classifier, BN at 1 and 0, and with
    he-normal-zero-gamma each branch's last BN at 0 (Goyal et al. 2017 §5.1). Same law, not the
    same numbers: --weights starts from the playground's own."""
    for name, m in net.named_modules():
        if isinstance(m, nn.Conv2d) and name.rsplit('.', 1)[-1] not in ('fc1', 'fc2'):  # SE's fc1/fc2 keep torch's
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
    if HYBRID:  # timm's VisionTransformer: cls_token ~ N(0, 1e-6), pos_embed ~ N(0, 0.02)
        nn.init.normal_(net.cls_token, std=1e-6)
        nn.init.normal_(net.pos_embed, std=0.02)
    if MODEL['init'] == 'he-normal-zero-gamma' and MODEL['skip'] and MODEL['batchNorm']:
        for m in net.modules():
            if isinstance(m, Block) or (isinstance(m, MBConv) and m.residual):  # each residual branch's last BN
                nn.init.zeros_(m.last_bn().weight)
`;
