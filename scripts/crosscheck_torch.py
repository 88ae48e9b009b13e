"""PyTorch side of `npm run crosscheck`: the paper's protocol on a shipped TF.js model, written independently
of the TF.js code (see ../shared/docs/paper-notes.md for the protocol).

The model is rebuilt from the shipped TF.js files (public/models/<id>/model.json + weights.bin), not from a
training checkpoint, so both sides run the same float32 weights: Sequential models and functional ones (the
pre-activation ResNet: BatchNormalization, Add, GlobalAveragePooling2D, strided 'same' convolutions; a
JumpReLU after every BN, as its Activation('relu') layers sit). Every hidden ReLU becomes JumpReLU
J(z) = z·1[z > κ] (gradient 1[z > κ]). Inputs: the first n images of the shipped test shard, normalised as
in the paper; attacks and ρ in normalised space; 'paper' clipping to [min, max] of each batch of 250.

  /usr/bin/python3 scripts/crosscheck_torch.py --model mnist-lenetlike-base --n 200 --kappa 0,1 [--threads 1]
  /usr/bin/python3 scripts/crosscheck_torch.py --model mnist-lenetlike-base --n 200 --time-deepfool
  /usr/bin/python3 scripts/crosscheck_torch.py --model mnist-lenetlike-base --n 200 --kappa 0,1 --apgd linf --apgd-loss ce --eps 0.3246

Prints one JSON object: {"rows": [...]} with clean accuracy, IFGSM accuracy and ρ (L∞), DeepFool L∞/L2 ρ and
fool rate, white-box and gray-box (crafted at κ = 0); or with --time-deepfool the wall time of DeepFool L2 at
the card's κ and its total image-iterations; or with --apgd, APGD-CE / APGD-T (zero start, pixel-range
clipping) per κ: robust accuracy, mean best loss over the attacked images (and its mean absolute value, and each
image's best loss, null where not attacked), adversarial points seen, and
images whose returned point is not adversarial although one was seen ("silent").
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NORMALIZATION = {'mnist': ([0.1307], [0.3081]), 'cifar10': ([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010])}
SHARDS = {'mnist': 'mnist-test', 'cifar10': 'cifar10-test'}
BATCH = 250
STEPS = {'mnist': 40, 'cifar10': 7}
EPSILON = 0.01
OVERSHOOT = 0.02
DISTANCE_PAD = 1e-4


def tf_same_pad(size, k, stride):
    """TF's 'same' padding along one axis: output ceil(size / stride), the odd pixel after (so a stride-2
    3×3 convolution of an even size pads (0, 1), where PyTorch's padding=1 would pad (1, 1))."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


class TfjsModel(torch.nn.Module):
    """A TF.js layers model, Sequential or functional (model.json's `inbound_nodes`), NCHW inside. Layers:
    InputLayer, Conv2D and DepthwiseConv2D (any stride and depth multiplier, 'valid'/'same', with or without bias), Dense, MaxPooling2D ('valid'),
    BatchNormalization (inference: moving statistics, channel axis), Activation, Add, GlobalAveragePooling2D,
    Flatten, Dropout. Every ReLU, standalone or fused into Conv2D/Dense, becomes JumpReLU at `self.kappa`."""

    def __init__(self, model_dir):
        super().__init__()
        spec = json.load(open(os.path.join(model_dir, 'model.json')))
        blob = open(os.path.join(model_dir, spec['weightsManifest'][0]['paths'][0]), 'rb').read()
        weights, offset = {}, 0
        for w in spec['weightsManifest'][0]['weights']:
            if w['dtype'] != 'float32':
                raise SystemExit(f"crosscheck: weight {w['name']} is {w['dtype']}, expected float32")
            count = 1
            for d in w['shape']:
                count *= d
            weights[w['name']] = torch.frombuffer(bytearray(blob[offset:offset + 4 * count]), dtype=torch.float32).reshape(w['shape'])
            offset += 4 * count
        topology = spec['modelTopology']
        if 'model_config' in topology:  # Keras's wrapping of the topology
            topology = topology['model_config']
        config = topology['config']
        functional = topology['class_name'] != 'Sequential'
        layers = config['layers'] if isinstance(config, dict) else config
        # The graph: (name, op, input names) in file order, which is topological for Keras/TF.js models.
        self.nodes = []
        self.kappa = 0.0
        previous = None
        for layer in layers:
            cls, cfg = layer['class_name'], layer['config']
            name = cfg['name']
            if functional:
                inbound = layer.get('inbound_nodes') or []
                if len(inbound) > 1:
                    raise SystemExit(f'crosscheck: layer {name} is shared (called {len(inbound)} times); not supported')
                inputs = [i[0] for i in inbound[0]] if inbound else []
            else:
                inputs = [previous] if previous else []
            if cls == 'InputLayer':
                self.nodes.append((name, ('input',), []))
                previous = name
                continue
            if not inputs and not functional:
                inputs = ['<input>']
            if cfg.get('data_format', 'channels_last') != 'channels_last':
                raise SystemExit(f'crosscheck: {name}: only channels_last is supported')
            if cls in ('Conv2D', 'DepthwiseConv2D'):
                if tuple(cfg.get('dilation_rate', [1, 1])) != (1, 1):
                    raise SystemExit(f'crosscheck: {name}: only unit dilations are supported')
                if cls == 'Conv2D':  # TF.js kernel [kh, kw, in, out] → torch [out, in, kh, kw].
                    w, groups = weights[f'{name}/kernel'].permute(3, 2, 0, 1), 1
                else:
                    # TF.js depthwise kernel [kh, kw, in, multiplier]; output channel c·multiplier + m reads input
                    # channel c: PyTorch's grouped convolution (groups = in), weight [in·multiplier, 1, kh, kw].
                    k = weights[f'{name}/depthwise_kernel']
                    kh, kw, cin, mult = k.shape
                    w, groups = k.permute(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw), cin
                bias = weights[f'{name}/bias'] if cfg.get('use_bias', True) else None
                op = ('conv', w.contiguous(), bias, cfg['padding'], tuple(cfg['strides']), groups)
                self._add(name, op, inputs, cfg.get('activation'))
            elif cls == 'Dense':
                bias = weights[f'{name}/bias'] if cfg.get('use_bias', True) else None
                self._add(name, ('dense', weights[f'{name}/kernel'], bias), inputs, cfg.get('activation'))
            elif cls == 'MaxPooling2D':
                if cfg['padding'] != 'valid':
                    raise SystemExit(f'crosscheck: {name}: only valid max pooling is supported')
                self._add(name, ('pool', tuple(cfg['pool_size']), tuple(cfg.get('strides') or cfg['pool_size'])), inputs)
            elif cls == 'BatchNormalization':
                axis = cfg.get('axis', -1)
                if (axis[0] if isinstance(axis, list) else axis) not in (-1, 3):
                    raise SystemExit(f'crosscheck: {name}: only channel-axis batch normalisation is supported')
                mean, var = weights[f'{name}/moving_mean'], weights[f'{name}/moving_variance']
                gamma = weights[f'{name}/gamma'] if cfg.get('scale', True) else torch.ones_like(mean)
                beta = weights[f'{name}/beta'] if cfg.get('center', True) else torch.zeros_like(mean)
                self._add(name, ('bn', mean, var, gamma, beta, float(cfg['epsilon'])), inputs)
            elif cls == 'Activation':
                self._add(name, ('identity',), inputs, cfg['activation'])
            elif cls == 'Add':
                self._add(name, ('add',), inputs)
            elif cls == 'GlobalAveragePooling2D':
                self._add(name, ('gap',), inputs)
            elif cls == 'Flatten':
                self._add(name, ('flatten',), inputs)
            elif cls == 'Dropout':
                self._add(name, ('identity',), inputs)
            else:
                raise SystemExit(f'crosscheck: layer {name} of type {cls} is not supported')
            previous = name
        if functional:
            outputs = config['output_layers']
            if len(outputs) != 1:
                raise SystemExit('crosscheck: only single-output models are supported')
            self.output = outputs[0][0]
        else:
            self.output = previous

    def _add(self, name, op, inputs, act=None):
        if act == 'relu':
            self.nodes.append((name + '/pre', op, inputs))
            self.nodes.append((name, ('jump',), [name + '/pre']))
        elif act in (None, 'linear'):
            self.nodes.append((name, op, inputs))
        else:
            raise SystemExit(f'crosscheck: {name}: activation {act} is not supported')

    def forward(self, x):
        values = {'<input>': x.permute(0, 3, 1, 2)}  # NHWC (as stored) → NCHW
        for name, op, inputs in self.nodes:
            kind = op[0]
            if kind == 'input':
                values[name] = values['<input>']
                continue
            args = [values[i] for i in inputs]
            h = args[0]
            if kind == 'conv':
                _, w, b, padding, stride, groups = op
                if padding == 'same':
                    kh, kw = w.shape[2], w.shape[3]
                    top, bottom = tf_same_pad(h.shape[2], kh, stride[0])
                    left, right = tf_same_pad(h.shape[3], kw, stride[1])
                    h = F.pad(h, (left, right, top, bottom))
                h = F.conv2d(h, w, b, stride, groups=groups)
            elif kind == 'dense':
                h = h @ op[1] + (op[2] if op[2] is not None else 0)
            elif kind == 'pool':
                h = F.max_pool2d(h, op[1], op[2])
            elif kind == 'bn':
                _, mean, var, gamma, beta, eps = op
                c = (1, -1, 1, 1)
                h = (h - mean.view(c)) / torch.sqrt(var.view(c) + eps) * gamma.view(c) + beta.view(c)
            elif kind == 'add':
                h = args[0]
                for a in args[1:]:
                    h = h + a
            elif kind == 'gap':
                h = h.mean((2, 3))
            elif kind == 'jump':
                # κ is compared in float32 (the tensor's dtype), as the TF.js kernels do.
                h = h * (h > self.kappa).to(h.dtype)
            elif kind == 'flatten':
                h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # TF flattens NHWC
            values[name] = h
        self.last_values = values  # every node's value, for the LID features (crosscheck_lid.py)
        return values[self.output]


def load_images(dataset, n):
    manifest = json.load(open(os.path.join(ROOT, 'public', 'data', SHARDS[dataset] + '.json')))
    hh, ww, cc = manifest['shape']
    count = manifest['count']
    if n > count:
        raise SystemExit(f'crosscheck: --n {n} exceeds the {count} images of {manifest["file"]}')
    raw = open(os.path.join(ROOT, 'public', 'data', manifest['file']), 'rb').read()
    pixels = torch.frombuffer(bytearray(raw[:n * hh * ww * cc]), dtype=torch.uint8).reshape(n, hh, ww, cc)
    labels = torch.frombuffer(bytearray(raw[count * hh * ww * cc:count * hh * ww * cc + n]), dtype=torch.uint8).long()
    mean, std = NORMALIZATION[dataset]
    x = (pixels.float() / 255 - torch.tensor(mean)) / torch.tensor(std)
    return x, labels


def predict(model, x):
    with torch.no_grad():
        return model(x).argmax(1)


def ce_input_gradient(model, x, y):
    """∇x Σ CE with the logit cotangent softmax − onehot in float64 (float32's p_y − 1 is 0 when confident)."""
    x = x.clone().requires_grad_(True)
    logits = model(x)
    with torch.no_grad():
        p = torch.softmax(logits.double(), 1)
        onehot = F.one_hot(y, logits.shape[1]).double()
        others = p * (1 - onehot)
        cot = (others - onehot * others.sum(1, keepdim=True)).float()
    (g,) = torch.autograd.grad(logits, x, cot)
    return logits.detach(), g


def attack_state(model, x, y):
    """The adversarial batch, per-image iterations, and which images are still attacked (the correct ones)."""
    return x.clone(), torch.zeros(len(x), dtype=torch.long), predict(model, x) == y


def active_rows(active, steps):
    """The indices of the images still attacked, step by step, until none is left or the steps run out."""
    for _ in range(steps):
        idx = active.nonzero().flatten()
        if len(idx) == 0:
            return
        yield idx


def ifgsm(model, x, y, lo, hi, steps):
    """Paper 'PGD': ε-steps of sign(∇ CE) on the images still classified correctly; no projection."""
    adv, iterations, active = attack_state(model, x, y)
    for idx in active_rows(active, steps):
        logits, g = ce_input_gradient(model, adv[idx], y[idx])
        still = logits.argmax(1) == y[idx]
        step = EPSILON * torch.sign(g) * still.view(-1, 1, 1, 1).float()
        adv[idx] = torch.clamp(adv[idx] + step, lo, hi)
        active[idx[~still]] = False
        iterations[idx[still]] += 1
    return adv, iterations


def deepfool(model, x, y, lo, hi, steps, q):
    """DeepFool, all other classes as candidates (sorted by current logits), the paper's step rule:
    x ← clip(x + (1 + overshoot)·(d + 1e-4)·dir) with d = relu(f_y − f_k)/‖∇f_k − ∇f_y‖_dual of the nearest k."""
    adv, iterations, active = attack_state(model, x, y)
    for idx in active_rows(active, steps):
        xa = adv[idx].clone().requires_grad_(True)
        logits = model(xa)
        ya = y[idx]
        still = logits.argmax(1) == ya
        active[idx[~still]] = False
        if not still.any():
            break
        num_classes = logits.shape[1]
        jac = torch.stack([torch.autograd.grad(logits[:, k].sum(), xa, retain_graph=k < num_classes - 1)[0] for k in range(num_classes)], 1)
        logits = logits.detach()
        keep = still.nonzero().flatten()
        idx, ya, logits, jac = idx[keep], ya[keep], logits[keep], jac[keep]
        m = len(idx)
        rows = torch.arange(m)
        masked = logits.clone()
        masked[rows, ya] = -float('inf')
        order = torch.sort(masked, dim=1, descending=True, stable=True).indices[:, :num_classes - 1]
        w = jac[rows.view(-1, 1), order] - jac[rows, ya].unsqueeze(1)  # [m, K, h, w, c]
        gap = torch.relu(logits[rows, ya].unsqueeze(1) - logits[rows.view(-1, 1), order])
        flat = w.reshape(m, num_classes - 1, -1)
        dual = flat.norm(dim=2) if q == 2 else flat.abs().sum(2)
        dist = gap / (dual + 1e-12)
        best = dist.argmin(1)  # first minimum: the earliest candidate
        wb = w[rows, best]
        d = dist[rows, best].view(-1, 1, 1, 1)
        direction = wb / (wb.reshape(m, -1).norm(dim=1).view(-1, 1, 1, 1) + 1e-12) if q == 2 else torch.sign(wb)
        with torch.no_grad():
            adv[idx] = torch.clamp(adv[idx] + (1 + OVERSHOOT) * (d + DISTANCE_PAD) * direction, lo, hi)
        iterations[idx] += 1
    return adv, iterations


def batched(model, attack, x, y):
    outs, its = [], []
    for s in range(0, len(x), BATCH):
        xb, yb = x[s:s + BATCH], y[s:s + BATCH]
        adv, it = attack(model, xb, yb, xb.min().item(), xb.max().item())
        outs.append(adv.detach())
        its.append(it)
    return torch.cat(outs), torch.cat(its)


def rho(x, adv, p):
    flat = lambda t: t.reshape(len(t), -1)
    num = flat(adv - x).norm(p=p, dim=1)
    den = flat(x).norm(p=p, dim=1)
    return torch.where(num > 0, num / den.clamp_min(1e-12), torch.zeros_like(num)).double().mean().item()


# ---- APGD (Croce & Hein, ICML 2020, arXiv:2003.01690), written from the paper for `npm run crosscheck -- --apgd`:
# the same algorithm as src/core/attacks/apgd-core.ts (its header lists where both depart from the authors'
# autoattack/autopgd_base.py), written separately. Zero start (x⁰ = x), so both sides begin at the same point.

def apgd_checkpoints(steps):
    """Iterations (from 1) that end a checkpoint period: ⌊0.22N⌋ first, each next ⌊0.03N⌋ shorter, at least ⌊0.06N⌋."""
    period, shorter, shortest = max(int(0.22 * steps), 1), max(int(0.03 * steps), 1), max(int(0.06 * steps), 1)
    out, w = [], period
    while w <= steps:
        out.append(w)
        period = max(period - shorter, shortest)
        w += period
    return out


def apgd_losses(z, y, kind, t):
    """Per-image loss (differentiable) from logits z: CE, DLR, or targeted DLR towards t."""
    rows = torch.arange(len(z))
    if kind == 'ce':
        return torch.logsumexp(z, 1) - z[rows, y]
    top = z.sort(1, descending=True).values
    if kind == 'dlr':
        other = z.masked_fill(F.one_hot(y, z.shape[1]).bool(), -float('inf')).max(1).values
        return -(z[rows, y] - other) / (top[:, 0] - top[:, 2] + 1e-12)
    return -(z[rows, y] - z[rows, t]) / (top[:, 0] - 0.5 * (top[:, 2] + top[:, 3]) + 1e-12)


def apgd_loss_and_grad(model, xa, y, kind, t):
    if kind == 'ce':
        # The CE gradient with its float64 cotangent (float32 p_y − 1 is 0 when confident): ce_input_gradient.
        z, g = ce_input_gradient(model, xa, y)
        with torch.no_grad():
            value = apgd_losses(z.double(), y, kind, t)
        return z, value, g
    xa = xa.clone().requires_grad_(True)
    z = model(xa)
    with torch.no_grad():
        value = apgd_losses(z.double(), y, kind, t)
    (g,) = torch.autograd.grad(apgd_losses(z, y, kind, t).sum(), xa)
    return z.detach(), value, g.detach()


def apgd_project(x0, p, eps, q, lo, hi):
    d = p - x0
    if q == 'linf':
        d = d.clamp(-eps, eps)
    else:
        size = d.reshape(len(d), -1).norm(dim=1).view(-1, 1, 1, 1)
        d = d * torch.clamp(eps / (size + 1e-12), max=1.0)
    return torch.max(torch.min(x0 + d, hi), lo)


def apgd_single(model, x, y, eps, q, steps, lo, hi, kind, t=None, rho=0.75, momentum=0.75):
    """One APGD run from x⁰ = x. Returns (point per image, best loss, adversarial seen per image)."""
    n = len(x)
    def direction(g):
        if q == 'linf':
            return torch.sign(g)
        return g / (g.reshape(n, -1).norm(dim=1).view(-1, 1, 1, 1) + 1e-12)
    xk, xprev = x.clone(), x.clone()
    z, loss, g = apgd_loss_and_grad(model, xk, y, kind, t)
    seen = z.argmax(1) != y
    best_adv, x_best, g_best, best = xk.clone(), xk.clone(), g.clone(), loss.clone()
    trace = [loss.clone()]
    eta = torch.full((n,), 2 * eps, dtype=torch.float32)
    halved_last = torch.ones(n, dtype=torch.bool)
    best_at_check = best.clone()
    checks, last = set(apgd_checkpoints(steps)), 0
    for k in range(steps):
        a = momentum if k > 0 else 1.0
        with torch.no_grad():
            zk = apgd_project(x, xk + eta.view(-1, 1, 1, 1) * direction(g), eps, q, lo, hi)
            nxt = apgd_project(x, xk + a * (zk - xk) + (1 - a) * (xk - xprev), eps, q, lo, hi)
        xprev, xk = xk, nxt
        z, loss, g = apgd_loss_and_grad(model, xk, y, kind, t)
        trace.append(loss.clone())
        adv = z.argmax(1) != y
        seen |= adv
        best_adv[adv] = xk[adv]
        up = loss > best
        best[up] = loss[up]
        x_best[up] = xk[up]
        g_best[up] = g[up]
        if k + 1 in checks:
            period = k + 1 - last
            increases = sum((trace[j + 1] > trace[j]).long() for j in range(last, k + 1))
            halve = (increases.double() < rho * period) | (~halved_last & (best <= best_at_check))
            eta[halve] /= 2
            halved_last, best_at_check, last = halve, best.clone(), k + 1
            xk = torch.where(halve.view(-1, 1, 1, 1), x_best, xk)
            g = torch.where(halve.view(-1, 1, 1, 1), g_best, g)
    out = torch.where(seen.view(-1, 1, 1, 1), best_adv, x_best)
    return out, best, seen


def apgd_attack(model, x, y, eps, q, steps, lo, hi, loss, target_classes=9):
    """APGD-CE (loss 'ce') or untargeted APGD-T ('dlr-t': one targeted-DLR run per target among the
    strongest other classes at the start, each on the images not fooled yet). Images the model already gets
    wrong are not attacked (best loss NaN). Returns (points, best loss, seen)."""
    out, best, seen = x.clone(), torch.full((len(x),), float('nan'), dtype=torch.float64), torch.zeros(len(x), dtype=torch.bool)
    with torch.no_grad():
        clean = model(x)
    rows = (clean.argmax(1) == y).nonzero().flatten()
    if loss == 'ce':
        if len(rows):
            o, b, s = apgd_single(model, x[rows], y[rows], eps, q, steps, lo, hi, 'ce')
            out[rows], best[rows], seen[rows] = o, b, s
        return out, best, seen
    # strongest other classes, ties by class index (a stable sort of −z)
    order = torch.sort(-clean.double(), dim=1, stable=True).indices
    best[rows] = -float('inf')
    for r in range(min(target_classes, clean.shape[1] - 1)):
        left = rows[~seen[rows]]
        if len(left) == 0:
            break
        others = [[c for c in order[i].tolist() if c != y[i].item()] for i in left.tolist()]
        t = torch.tensor([o[r] for o in others])
        o, b, s = apgd_single(model, x[left], y[left], eps, q, steps, lo, hi, 'dlr-t', t)
        take = s | (b > best[left])
        out[left[take]] = o[take]
        best[left] = torch.maximum(best[left], b)
        seen[left] = seen[left] | s
    return out, best, seen


def apgd_main(a, model, dataset, x, y):
    mean, std = NORMALIZATION[dataset]
    lo = ((0 - torch.tensor(mean)) / torch.tensor(std)).view(1, 1, 1, -1)
    hi = ((1 - torch.tensor(mean)) / torch.tensor(std)).view(1, 1, 1, -1)
    rows = []
    for k in [float(v) for v in a.kappa.split(',')]:
        model.kappa = k
        adv, best, seen = [], [], []
        for s in range(0, len(x), BATCH):
            o, b, sn = apgd_attack(model, x[s:s + BATCH], y[s:s + BATCH], a.eps, a.apgd, a.steps, lo, hi, a.apgd_loss)
            adv.append(o.detach()), best.append(b), seen.append(sn)
        adv, best, seen = torch.cat(adv), torch.cat(best), torch.cat(seen)
        robust = predict(model, adv) == y
        attacked = ~torch.isnan(best)
        rows.append({'kappa': k, 'robustAccuracy': robust.double().mean().item(), 'attacked': int(attacked.sum()),
                     'meanLoss': best[attacked].mean().item(), 'meanAbsLoss': best[attacked].abs().mean().item(),
                     'losses': [None if v != v else v for v in best.tolist()], 'seen': int(seen.sum()),
                     'silent': int((seen & robust).sum())})
    print(json.dumps({'model': a.model, 'n': a.n, 'torch': torch.__version__, 'rows': rows}))


def exact_check(model, model_id, dataset, count):
    """The first `count` solved images per κ of public/reference/<id>.json's `exact` section (the MILP's exact
    minimal L∞ perturbations): the clean image is classified correctly, the exact adversarial image is not, and
    the image at 0.999× the perturbation is, all by this PyTorch model at that κ."""
    import base64
    ref = json.load(open(os.path.join(ROOT, 'public', 'reference', f'{model_id}.json')))
    if 'exact' not in ref:
        raise SystemExit(f'crosscheck: public/reference/{model_id}.json has no exact section '
                         f'(scripts/exact-verify.ts writes it)')
    manifest = json.load(open(os.path.join(ROOT, 'public', 'data', SHARDS[dataset] + '.json')))
    hh, ww, cc = manifest['shape']
    size = hh * ww * cc
    raw = open(os.path.join(ROOT, 'public', 'data', manifest['file']), 'rb').read()
    mean, std = (torch.tensor(v) for v in NORMALIZATION[dataset])
    out = []
    for row in ref['exact']['rows']:
        model.kappa = row['kappa']
        for s in [s for s in row['solutions'] if s['status'] == 'optimal'][:count]:
            x0 = torch.frombuffer(bytearray(raw[s['index'] * size:(s['index'] + 1) * size]), dtype=torch.uint8)
            x0 = x0.double().reshape(1, hh, ww, cc) / 255
            xa = torch.frombuffer(bytearray(base64.b64decode(s['adversarial'])), dtype=torch.float32)
            xa = xa.double().reshape(1, hh, ww, cc)
            near = x0 + 0.999 * (xa - x0)
            batch = ((torch.cat([x0, xa, near]).float() - mean) / std)
            clean, adv, nr = predict(model, batch).tolist()
            eps = (xa - x0).abs().max().item()
            out.append(dict(kappa=row['kappa'], index=s['index'], label=s['label'], eps=s['eps'], epsTorch=eps,
                            clean=clean, adversarial=adv, near=nr,
                            ok=clean == s['label'] and adv != s['label'] and nr == s['label']
                            and abs(eps - s['eps']) < 1e-6))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--n', type=int, default=200)
    ap.add_argument('--kappa', default=None, help='comma list; default 0 and the card κ')
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--time-deepfool', action='store_true')
    ap.add_argument('--apgd', choices=['linf', 'l2'], help='APGD instead of the paper protocol (with --apgd-loss, --eps, --steps, --kappa)')
    ap.add_argument('--apgd-loss', choices=['ce', 'dlr-t'], default='ce')
    ap.add_argument('--eps', type=float, help='APGD radius, normalised units')
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--exact', type=int, default=0, help='check this many exact solutions per κ, nothing else')
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    model_dir = os.path.join(ROOT, 'public', 'models', a.model)
    card = json.load(open(os.path.join(model_dir, 'card.json')))
    dataset = card['dataset']
    model = TfjsModel(model_dir)
    if a.exact:
        print(json.dumps({'model': a.model, 'torch': torch.__version__, 'exact': exact_check(model, a.model, dataset, a.exact)}))
        return
    x, y = load_images(dataset, a.n)
    if a.apgd:
        if a.eps is None or a.kappa is None:
            raise SystemExit('crosscheck: --apgd needs --eps and --kappa')
        apgd_main(a, model, dataset, x, y)
        return
    steps = STEPS[dataset]
    attacks = {
        'pgd': (lambda m, xb, yb, lo, hi: ifgsm(m, xb, yb, lo, hi, steps), float('inf')),
        'deepfool-linf': (lambda m, xb, yb, lo, hi: deepfool(m, xb, yb, lo, hi, steps, 1), float('inf')),
        'deepfool-l2': (lambda m, xb, yb, lo, hi: deepfool(m, xb, yb, lo, hi, steps, 2), 2),
    }
    if a.time_deepfool:
        model.kappa = card['kappa']['default']
        batched(model, attacks['deepfool-l2'][0], x[:2], y[:2])  # warm-up
        t0 = time.perf_counter()
        _, its = batched(model, attacks['deepfool-l2'][0], x, y)
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps({'model': a.model, 'images': a.n, 'kappa': model.kappa, 'ms': ms, 'imageIterations': int(its.sum()), 'threads': torch.get_num_threads()}))
        return
    kappas = [float(k) for k in a.kappa.split(',')] if a.kappa else [0.0, card['kappa']['default']]
    crafted = {}
    rows = []
    for k in kappas:
        model.kappa = k
        clean_pred = predict(model, x)
        row = {'kappa': k, 'clean': (clean_pred == y).double().mean().item(), 'white': {}, 'gray': {}}
        for key, (attack, p) in attacks.items():
            adv, _ = batched(model, attack, x, y)
            pred = predict(model, adv)
            attacked = clean_pred == y
            row['white'][key] = {
                'accuracy': (pred == y).double().mean().item(),
                'rho': rho(x, adv, p),
                'foolRate': ((pred != y) & attacked).double().sum().item() / max(1, attacked.sum().item()),
            }
            if k == 0:
                crafted[key] = adv
        rows.append(row)
    for row in rows:
        model.kappa = row['kappa']
        for key, adv in crafted.items():
            row['gray'][key] = {'accuracy': (predict(model, adv) == y).double().mean().item()}
    print(json.dumps({'model': a.model, 'dataset': dataset, 'n': a.n, 'torch': torch.__version__, 'rows': rows}))


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
