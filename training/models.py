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
