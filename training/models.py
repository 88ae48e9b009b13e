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
