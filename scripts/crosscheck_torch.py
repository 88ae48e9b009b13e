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

Prints one JSON object: {"rows": [...]} with clean accuracy, IFGSM accuracy and ρ (L∞), DeepFool L∞/L2 ρ and
fool rate, white-box and gray-box (crafted at κ = 0); or with --time-deepfool the wall time of DeepFool L2 at
the card's κ and its total image-iterations.
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
    InputLayer, Conv2D (any stride, 'valid'/'same', with or without bias), Dense, MaxPooling2D ('valid'),
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
            if cls == 'Conv2D':
                if tuple(cfg.get('dilation_rate', [1, 1])) != (1, 1):
                    raise SystemExit(f'crosscheck: {name}: only unit dilations are supported')
                # TF.js kernel [kh, kw, in, out] → torch [out, in, kh, kw].
                bias = weights[f'{name}/bias'] if cfg.get('use_bias', True) else None
                op = ('conv', weights[f'{name}/kernel'].permute(3, 2, 0, 1).contiguous(), bias, cfg['padding'], tuple(cfg['strides']))
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
                _, w, b, padding, stride = op
                if padding == 'same':
                    kh, kw = w.shape[2], w.shape[3]
                    top, bottom = tf_same_pad(h.shape[2], kh, stride[0])
                    left, right = tf_same_pad(h.shape[3], kw, stride[1])
                    h = F.pad(h, (left, right, top, bottom))
                h = F.conv2d(h, w, b, stride)
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
