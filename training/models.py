"""The paper's two small architectures (section 4), with the activation as a parameter so the trainer
can evaluate the retrofit (JumpReLU at κ) on the ReLU-trained weights."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Jump(nn.Module):
    """J(z) = z if z > κ else 0; κ = 0 is ReLU. Same κ for every layer, set from outside."""

    def __init__(self):
        super().__init__()
        self.kappa = 0.0

    def forward(self, z):
        if self.kappa == 0.0:
            return F.relu(z)
        return z * (z > self.kappa).to(z.dtype)


class Net(nn.Module):
    def set_kappa(self, kappa: float) -> None:
        for m in self.modules():
            if isinstance(m, Jump):
                m.kappa = float(kappa)


class LeNetLike(Net):
    """conv 1→10 5×5 → maxpool 2 → J → conv 10→20 5×5 → maxpool 2 → J → dropout → 320→120 → J → 120→90 → J → 90→10."""

    def __init__(self, dropout: float = 0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.drop = nn.Dropout(dropout)
        self.fc1 = nn.Linear(320, 120)
        self.fc2 = nn.Linear(120, 90)
        self.fc3 = nn.Linear(90, 10)
        self.j1, self.j2, self.j3, self.j4 = Jump(), Jump(), Jump(), Jump()

    def forward(self, x):
        x = self.j1(F.max_pool2d(self.conv1(x), 2))
        x = self.j2(F.max_pool2d(self.conv2(x), 2))
        x = self.drop(x).flatten(1)
        x = self.j3(self.fc1(x))
        x = self.j4(self.fc2(x))
        return self.fc3(x)


class MLP(Net):
    """784 → h → J → h → J → 10: small enough that its exact minimal L∞ perturbation is a MILP CBC solves in
    minutes (training/exact_mip.py); not one of the paper's networks."""

    def __init__(self, hidden=(40, 40)):
        super().__init__()
        dims = [784, *hidden]
        self.fcs = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.js = nn.ModuleList(Jump() for _ in hidden)
        self.out = nn.Linear(dims[-1], 10)

    def forward(self, x):
        x = x.flatten(1)
        for fc, j in zip(self.fcs, self.js):
            x = j(fc(x))
        return self.out(x)


class AlexLike(Net):
    """The Carlini–Wagner CIFAR net: conv3×3 64,64 → pool → 128,128 → pool → dropout → 3200→256→256→10.
    `width` scales the conv channels (1.0 = the paper's)."""

    def __init__(self, width: float = 1.0, dropout: float = 0.5):
        super().__init__()
        c1, c2 = int(64 * width), int(128 * width)
        self.conv1 = nn.Conv2d(3, c1, 3)
        self.conv2 = nn.Conv2d(c1, c1, 3)
        self.conv3 = nn.Conv2d(c1, c2, 3)
        self.conv4 = nn.Conv2d(c2, c2, 3)
        self.drop = nn.Dropout(dropout)
        self.fc1 = nn.Linear(c2 * 25, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, 10)
        self.js = nn.ModuleList([Jump() for _ in range(6)])

    def forward(self, x):
        j = self.js
        x = j[1](self.conv2(j[0](self.conv1(x))))
        x = F.max_pool2d(x, 2)
        x = j[3](self.conv4(j[2](self.conv3(x))))
        x = F.max_pool2d(x, 2)
        x = self.drop(x).flatten(1)
        x = j[4](self.fc1(x))
        x = j[5](self.fc2(x))
        return self.fc3(x)


def _same_pad(x, stride):
    """TF's 'same' padding for a 3×3 conv: symmetric at stride 1, (0 before, 1 after) at stride 2 on even
    sizes. PyTorch's padding=1 pads (1, 1) at stride 2 too, which would not match the exported TF.js model."""
    return F.pad(x, (1, 1, 1, 1)) if stride == 1 else F.pad(x, (0, 1, 0, 1))


class PreActBlock(nn.Module):
    """BN → J → conv3×3(stride) → BN → J → conv3×3, plus the identity or a 1×1 strided conv of the activated
    input (He et al. 2016, "Identity Mappings in Deep Residual Networks"). J follows every BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.bn1, self.j1 = nn.BatchNorm2d(cin), Jump()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 0, bias=False)
        self.bn2, self.j2 = nn.BatchNorm2d(cout), Jump()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 0, bias=False)
        self.short = nn.Conv2d(cin, cout, 1, stride, 0, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        a = self.j1(self.bn1(x))
        s = self.short(a) if self.short is not None else x
        h = self.conv1(_same_pad(a, self.stride))
        h = self.conv2(_same_pad(self.j2(self.bn2(h)), 1))
        return h + s


class PreActResNet(Net):
    """Pre-activation ResNet for CIFAR-10: conv3×3 16 → 3 stages of `n` blocks (16k, 32k, 64k channels; stride
    2 at stages 2 and 3) → BN → J → global average pool → dense 10. depth = 6n + 2; k = 1 is ResNet-20 (n = 3),
    k = 2 with n = 2 is WRN-16-2."""

    def __init__(self, n=3, k=1):
        super().__init__()
        w = [16 * k, 32 * k, 64 * k]
        self.conv = nn.Conv2d(3, 16, 3, 1, 0, bias=False)
        blocks, cin = [], 16
        for i, c in enumerate(w):
            for b in range(n):
                blocks.append(PreActBlock(cin, c, 2 if (i > 0 and b == 0) else 1))
                cin = c
        self.blocks = nn.ModuleList(blocks)
        self.bn, self.j = nn.BatchNorm2d(cin), Jump()
        self.fc = nn.Linear(cin, 10)

    def forward(self, x):
        x = self.conv(_same_pad(x, 1))
        for b in self.blocks:
            x = b(x)
        x = self.j(self.bn(x))
        return self.fc(x.mean((2, 3)))


class InvertedResidual(nn.Module):
    """MobileNetV2's block (Sandler et al. 2018): 1×1 expand → BN → J → 3×3 depthwise(stride) → BN → J → 1×1
    project → BN (the linear bottleneck: no activation), plus the input when stride 1 and the widths agree.
    ReLU, not ReLU6, so that the retrofit swaps every activation for the paper's J exactly."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.stride = stride
        self.expand = None
        if expand != 1:
            self.expand = nn.Conv2d(cin, mid, 1, bias=False)
            self.bn0, self.j0 = nn.BatchNorm2d(mid), Jump()
        self.dw = nn.Conv2d(mid, mid, 3, stride, 0, groups=mid, bias=False)
        self.bn1, self.j1 = nn.BatchNorm2d(mid), Jump()
        self.project = nn.Conv2d(mid, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        h = self.j0(self.bn0(self.expand(x))) if self.expand is not None else x
        h = self.j1(self.bn1(self.dw(_same_pad(h, self.stride))))
        h = self.bn2(self.project(h))
        return x + h if self.residual else h


def _scaled(c, width):
    """Channels × width rounded to a multiple of 8, never below 90% of the scaled value (MobileNetV2's rule)."""
    v = max(8, int(c * width + 4) // 8 * 8)
    return v + 8 if v < 0.9 * c * width else v


class MobileNetV2(Net):
    """MobileNetV2 for 32×32 inputs as the CIFAR-10 ports do (stem stride 1; the second stage keeps stride 1):
    conv3×3 32 → BN → J → 17 inverted-residual blocks (t, c, n, s) = (1,16,1,1) (6,24,2,1) (6,32,3,2) (6,64,4,2)
    (6,96,3,1) (6,160,3,2) (6,320,1,1) → conv1×1 `last` → BN → J → global average pool → dense 10.
    `width` scales every width but `last` (MobileNetV2's width multiplier)."""

    CFG = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, width=1.0, last=1280):
        super().__init__()
        cin = _scaled(32, width)
        self.conv = nn.Conv2d(3, cin, 3, 1, 0, bias=False)
        self.bn, self.j = nn.BatchNorm2d(cin), Jump()
        blocks = []
        for t, c, n, s in self.CFG:
            cout = _scaled(c, width)
            for b in range(n):
                blocks.append(InvertedResidual(cin, cout, s if b == 0 else 1, t))
                cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.conv_last = nn.Conv2d(cin, last, 1, bias=False)
        self.bn_last, self.j_last = nn.BatchNorm2d(last), Jump()
        self.fc = nn.Linear(last, 10)

    def forward(self, x):
        x = self.j(self.bn(self.conv(_same_pad(x, 1))))
        for b in self.blocks:
            x = b(x)
        x = self.j_last(self.bn_last(self.conv_last(x)))
        return self.fc(x.mean((2, 3)))
