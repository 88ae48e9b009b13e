"""The exact minimal L∞ perturbation of a small JumpReLU MLP, as a mixed-integer linear program (PuLP + CBC).

A network of Linear layers with J(z) = z·1[z > κ] between them (κ = 0: ReLU) is piecewise linear with jumps, so

    min ε  s.t.  |x − x0| ≤ ε,  0 ≤ x ≤ 1,  argmax f(x) ≠ y

is a MILP: one binary per hidden unit that can switch inside the ball; one MIP per wrong class that can win there.
x is in pixel units [0, 1]; the model's normalisation (x − mean)/std is folded into the first layer.

Encoding of a unit with pre-activation bounds l ≤ z ≤ u over the ball and a = J(z), with a band of m = ON_MARGIN
around κ for κ > 0 (m = 0 at κ = 0):
    d = 1 (on):  z ≥ κ + m,  a = z          d = 0 (off):  z ≤ κ − m,  a = 0
    z ≥ l + (κ + m − l)·d,  z ≤ κ − m + (u − κ + m)·d,  0 ≤ a ≤ u·d,  a ≤ z − l·(1 − d),  a ≥ z − κ·(1 − d)
plus the convex hull's cuts (_upper_hull; a ≥ u(z − κ + m)/(u − κ + m)). Units with u ≤ κ − m are off, l ≥ κ + m on.
Strictness at z = κ: J is 0 there and > κ just above, so {J > 0} is open and the infimum is not attained. The band
excludes (κ − m, κ + m): a solution's units are at least m away from the jump, so float32 (TF.js) evaluates every
unit on the side the MILP chose, and a point exactly at z = κ is never counted as on. The MILP value is therefore
an upper bound on the infimum, above it by at most the ε that moves one pre-activation by m (m = 1e-4 against
first-layer rows of ‖w‖₁ ≥ 55 per pixel unit for mnist-mlp-base: ≤ 2e-6 in pixel units, ~1e-4 of ε). ReLU (κ = 0) is continuous at 0, so no band is needed there.
Misclassification: logit_c − logit_y ≥ LOGIT_MARGIN for the class c of that MIP (a strict win that float32 keeps).
CBC stops at a relative gap of GAP_REL: the reported ε is at most 0.01 % above the minimum of the encoding.

Bounds: the ball's radius is capped by an attack's result (PGD with bisection, 1 % of room) so that most units are
stable; pre-activation bounds are symbolic intervals (the stable part of each layer exact in x, each unstable unit
concretised to [0, u]), then tightened by LP over the hull relaxation of the layers before (scipy's HiGHS). Each
solved class shrinks the ball for the next; a class that cannot win in the ball by LP is skipped.

Solves run with a time limit (CPU seconds of this process and the solver, --time-mode elapsed for wall seconds);
a solve that stops on time is recorded as unsolved, never as a value.

    /usr/bin/python3 training/exact_mip.py mnist-mlp-base --kappas 0,1,1.75 --n 50 [--time-limit 120]

Writes training/exact/<id>.jsonl (one line per image and κ; reruns skip what is there), which
scripts/exact-verify.ts checks in TF.js and writes into public/reference/<id>.json.
"""
import argparse
import base64
import json
import os
import sys
import time

import numpy as np
import pulp

ON_MARGIN = 1e-4      # z ≥ κ + m for an on unit when κ > 0 (normalised pre-activation units)
LOGIT_MARGIN = 1e-4   # the wrong class must win by this much
GAP_REL = 1e-4        # CBC's relative optimality gap: the reported ε is within 0.01 % of the minimum


class PWLNet:
    """Linear layers (W [out, in], b) in float64 with J at κ between them; input in pixel units."""

    def __init__(self, layers):
        self.layers = [(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)) for w, b in layers]

    def preacts(self, x, kappa):
        zs, h = [], np.asarray(x, dtype=np.float64)
        for i, (w, b) in enumerate(self.layers):
            z = h @ w.T + b
            if i < len(self.layers) - 1:
                zs.append(z)
                h = z * (z > kappa)
            else:
                return zs, z

    def logits(self, x, kappa):
        return self.preacts(x, kappa)[1]


def symbolic_bounds(net, lo, hi, kappa):
    """Bounds on every pre-activation (hidden layers, then the logits) for x in the box [lo, hi]: each layer is
    A·x + c + e with e an interval; stable-on units pass their affine form on, unstable ones become [0, u]."""
    n = len(lo)
    A, c, elo, ehi = np.eye(n), np.zeros(n), np.zeros(n), np.zeros(n)
    bounds = []
    for i, (w, b) in enumerate(net.layers):
        A2, c2 = w @ A, w @ c + b
        wp, wn = np.maximum(w, 0), np.minimum(w, 0)
        e2lo, e2hi = wp @ elo + wn @ ehi, wp @ ehi + wn @ elo
        Ap, An = np.maximum(A2, 0), np.minimum(A2, 0)
        l = Ap @ lo + An @ hi + c2 + e2lo
        u = Ap @ hi + An @ lo + c2 + e2hi
        bounds.append((l, u))
        if i == len(net.layers) - 1:
            return bounds, (A, c, elo, ehi)  # the last hidden layer's post-activation form
        on, off = l > kappa, u <= kappa
        unst = ~(on | off)
        A, c, elo, ehi = A2.copy(), c2.copy(), e2lo.copy(), e2hi.copy()
        A[~on] = 0
        c[~on] = 0
        elo[~on], ehi[~on] = 0, 0
        ehi[unst] = np.maximum(u[unst], 0)


def _kind(l, u, kappa, m):
    """'off' (z ≤ κ − m in the whole ball), 'on' (z ≥ κ + m) or 'both' (a binary decides)."""
    if u <= kappa - m:
        return 'off'
    if l >= kappa + m:
        return 'on'
    return 'both'


def _upper_hull(l, u, kappa, m):
    """The upper side of the convex hull of {(z, 0): l ≤ z ≤ κ − m} ∪ {(z, z): κ + m ≤ z ≤ u} as lines
    a ≤ slope·(z − at). l ≤ 0: one line (l, 0)–(u, u). l > 0: (l, 0)–(κ + m, κ + m) and a ≤ z, since the
    line (l, 0)–(u, u) passes below the corner (κ + m, κ + m)."""
    if l <= 0:
        return [(u / (u - l), l)]
    return [((kappa + m) / (kappa + m - l), l), (1.0, 0.0)]


def _lp_model(net, lo, hi, kappa, bounds, upto):
    """The LP relaxation of the network's first `upto` hidden layers over the box [lo, hi], in scipy's form:
    variables x, then per layer z and a = J(z); an unstable unit's (z, a) lies in the convex hull of its two
    branches, {a = 0, l ≤ z ≤ κ} ∪ {a = z, κ + m ≤ z ≤ u}: a ≥ 0, a ≥ u(z − κ)/(u − κ), and _upper_hull's lines."""
    n = len(lo)
    sizes = [net.layers[i][0].shape[0] for i in range(upto)]
    nv = n + 2 * sum(sizes)
    lb, ub = list(lo), list(hi)
    A_eq, b_eq, A_ub, b_ub = [], [], [], []
    prev, off = list(range(n)), n
    for li in range(upto):
        w, b = net.layers[li]
        l, u = bounds[li]
        h = w.shape[0]
        zi, ai = off, off + h
        for k in range(h):
            row = np.zeros(nv)
            row[prev] = w[k]
            row[zi + k] = -1.0
            A_eq.append(row)
            b_eq.append(-b[k])
        m = ON_MARGIN if kappa > 0 else 0.0
        zb, ab = [], []
        for k in range(h):
            zl, zu = float(l[k]), float(u[k])
            kind = _kind(zl, zu, kappa, m)
            if kind == 'off':
                zb.append((zl, zu)); ab.append((0.0, 0.0))
            elif kind == 'on' or zl > kappa - m:  # on (the off branch empty): a = z, z ≥ κ + m
                zb.append((max(zl, kappa + m), zu)); ab.append((max(zl, kappa + m), zu))
                row = np.zeros(nv); row[ai + k] = 1.0; row[zi + k] = -1.0
                A_eq.append(row); b_eq.append(0.0)
            elif zu < kappa + m:  # the on branch is empty: off, z ≤ κ − m
                zb.append((zl, kappa - m)); ab.append((0.0, 0.0))
            else:
                zb.append((zl, zu)); ab.append((0.0, zu))
                row = np.zeros(nv); row[zi + k] = zu; row[ai + k] = -(zu - kappa + m)
                A_ub.append(row); b_ub.append(zu * (kappa - m))
                for slope, at in _upper_hull(zl, zu, kappa, m):  # a ≤ slope·(z − at)
                    row = np.zeros(nv); row[ai + k] = 1.0; row[zi + k] = -slope
                    A_ub.append(row); b_ub.append(-slope * at)
        lb += [p[0] for p in zb] + [p[0] for p in ab]
        ub += [p[1] for p in zb] + [p[1] for p in ab]
        prev, off = list(range(ai, ai + h)), ai + h
    return dict(nv=nv, bounds=list(zip(lb, ub)), A_eq=np.array(A_eq), b_eq=np.array(b_eq),
                A_ub=np.array(A_ub) if A_ub else None, b_ub=np.array(b_ub) if b_ub else None, last=prev)


def _lp_range(lp, coef, const):
    """min and max of coef·(last layer's a) + const over the LP relaxation (None where the LP fails)."""
    from scipy.optimize import linprog
    c = np.zeros(lp['nv'])
    c[lp['last']] = coef
    out = []
    for sign in (1.0, -1.0):
        r = linprog(sign * c, A_ub=lp['A_ub'], b_ub=lp['b_ub'], A_eq=lp['A_eq'], b_eq=lp['b_eq'],
                    bounds=lp['bounds'], method='highs')
        out.append(sign * r.fun + const if r.status == 0 else None)
    return out


def tightened_bounds(net, lo, hi, kappa):
    """Symbolic-interval bounds, then every unit of the second and later hidden layers that is unstable under
    them tightened by LP over the relaxation of the layers before it (valid bounds: the LP contains every
    point of the network's graph over the box)."""
    bounds, _ = symbolic_bounds(net, lo, hi, kappa)
    for li in range(1, len(net.layers) - 1):
        lp = _lp_model(net, lo, hi, kappa, bounds, li)
        w, b = net.layers[li]
        l, u = bounds[li]
        l, u = l.copy(), u.copy()
        for k in range(w.shape[0]):
            if _kind(l[k], u[k], kappa, ON_MARGIN if kappa > 0 else 0.0) != 'both':
                continue
            mn, mx = _lp_range(lp, w[k], b[k])
            if mn is not None:
                l[k] = max(l[k], mn - 1e-7)  # a hair outward: the LP solver's tolerance
            if mx is not None:
                u[k] = min(u[k], mx + 1e-7)
        bounds[li] = (l, u)
    return bounds


# The time limit counts CPU seconds (this process and the solver it waits for) by default, so that a loaded
# machine does not turn solvable images into timeouts; --time-mode elapsed counts wall time as the first runs did.
TIME_MODE = 'cpu'


def clock():
    if TIME_MODE == 'elapsed':
        return time.time()
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _class_mip(net, x0, y, c, kappa, lo, hi, eps_max, bounds, time_limit, threads, msg):
    """min ε over the ball (radius ≤ eps_max) such that logit_c − logit_y ≥ LOGIT_MARGIN."""
    n = len(x0)
    m = ON_MARGIN if kappa > 0 else 0.0
    prob = pulp.LpProblem('minimal_linf', pulp.LpMinimize)
    eps = pulp.LpVariable('eps', 0, eps_max)
    prob += eps
    xs = [pulp.LpVariable(f'x{i}', lo[i], hi[i]) for i in range(n)]
    for i in range(n):
        if hi[i] > lo[i]:
            prob += xs[i] - eps <= x0[i]
            prob += xs[i] + eps >= x0[i]
    h = xs  # current layer's inputs: LpVariables (None: a unit that is off everywhere in the ball)
    ds = []
    for li, (w, b) in enumerate(net.layers[:-1]):
        l, u = bounds[li]
        nxt = []
        for k in range(w.shape[0]):
            kind = _kind(l[k], u[k], kappa, m)
            if kind == 'off':
                nxt.append(None)  # off everywhere in the ball: J = 0
                continue
            z = pulp.lpSum(float(w[k, j]) * h[j] for j in range(len(h)) if h[j] is not None and w[k, j] != 0) \
                + float(b[k])
            zv = pulp.LpVariable(f'z{li}_{k}', float(l[k]), float(u[k]))
            prob += zv == z
            if kind == 'on':
                nxt.append(zv)  # on everywhere in the ball: J = z
                continue
            lk, uk = float(l[k]), float(u[k])
            d = pulp.LpVariable(f'd{li}_{k}', cat='Binary')
            a = pulp.LpVariable(f'a{li}_{k}', 0, max(uk, 0.0))
            prob += zv >= lk + (kappa + m - lk) * d            # on: z ≥ κ + m
            prob += zv <= kappa - m + (uk - kappa + m) * d     # off: z ≤ κ − m
            prob += a <= uk * d                                # off: a = 0
            prob += a <= zv - lk + lk * d                      # on: a ≤ z
            prob += a >= zv - kappa + kappa * d                # on: a ≥ z
            # The hull's cuts: redundant for the MIP, tighter for its LP relaxation.
            prob += uk * zv - (uk - kappa + m) * a <= uk * (kappa - m)
            for slope, at in _upper_hull(lk, uk, kappa, m):
                prob += a <= slope * zv - slope * at
            ds.append(d)
            nxt.append(a)
        h = nxt
    w, b = net.layers[-1]
    row = w[c] - w[y]
    prob += pulp.lpSum(float(row[j]) * h[j] for j in range(len(h)) if h[j] is not None and row[j] != 0) \
        + float(b[c] - b[y]) >= LOGIT_MARGIN
    solver = pulp.COIN_CMD(msg=msg, timeLimit=max(1.0, time_limit), gapRel=GAP_REL, threads=threads, timeMode=TIME_MODE)
    t0 = clock()
    prob.solve(solver)
    secs = clock() - t0
    if prob.status == pulp.LpStatusOptimal and prob.sol_status == pulp.LpSolutionOptimal:
        x = np.clip(np.array([v.value() for v in xs], dtype=np.float64), lo, hi)
        return dict(status='optimal', x=x, eps=float(eps.value()), seconds=secs, binaries=len(ds))
    if prob.status == pulp.LpStatusInfeasible:
        return dict(status='infeasible', seconds=secs, binaries=len(ds))
    if prob.sol_status in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionNoSolutionFound) or secs >= time_limit:
        return dict(status='timeout', seconds=secs, binaries=len(ds))
    return dict(status='error', pulp_status=pulp.LpStatus[prob.status], seconds=secs, binaries=len(ds))


def solve_exact(net, x0, y, kappa, eps_max, time_limit=120.0, threads=1, msg=False, first=None):
    """Minimal L∞ ε ≤ eps_max (pixel units) with argmax ≠ y, one MIP per wrong class (classes that cannot win
    inside the ball, by LP, are skipped; each solved class shrinks the ball for the next). Returns a dict:
    status ('optimal' | 'timeout' | 'infeasible' | 'error'), eps and x (the adversarial image) only when
    optimal, seconds (all of it, bounds included), unstable units, classes solved as MIPs."""
    t0 = clock()
    x0 = np.asarray(x0, dtype=np.float64)
    best, cap = None, float(eps_max)
    order = [c for c in range(net.layers[-1][0].shape[0]) if c != y]
    if first is not None and first in order:
        order.remove(first)
        order.insert(0, first)
    mips, unstable, status = 0, None, 'optimal'
    for c in order:
        lo, hi = np.maximum(0.0, x0 - cap), np.minimum(1.0, x0 + cap)
        bounds = tightened_bounds(net, lo, hi, kappa)
        if unstable is None:
            unstable = sum(_kind(lk, uk, kappa, ON_MARGIN if kappa > 0 else 0.0) == 'both'
                           for l, u in bounds[:-1] for lk, uk in zip(l, u))
        # Can class c win anywhere in the ball? The LP over the whole relaxation says no → skip it.
        lp = _lp_model(net, lo, hi, kappa, bounds, len(net.layers) - 1)
        w, b = net.layers[-1]
        _, mx = _lp_range(lp, w[c] - w[y], b[c] - b[y])
        if mx is not None and mx < LOGIT_MARGIN:
            continue
        left = time_limit - (clock() - t0)
        if left <= 0:
            status = 'timeout'
            break
        r = _class_mip(net, x0, y, c, kappa, lo, hi, cap, bounds, left, threads, msg)
        mips += 1
        if r['status'] == 'optimal':
            if best is None or r['eps'] < best['eps']:
                best = dict(r, target=c)
                cap = r['eps']
        elif r['status'] != 'infeasible':
            status = r['status']
            break
    out = dict(seconds=clock() - t0, unstable=unstable, classes=mips)
    if status != 'optimal':
        out['status'] = status
    elif best is None:
        out['status'] = 'infeasible'
    else:
        x = best['x']
        out.update(status='optimal', x=x, eps=float(np.max(np.abs(x - x0))), eps_objective=best['eps'],
                   target=int(best['target']))
    return out


def solver_version():
    path = pulp.COIN_CMD().path
    import subprocess
    try:
        head = subprocess.run([path, '-quit'], capture_output=True, text=True, timeout=20).stdout
        ver = next((ln.split(':', 1)[1].strip() for ln in head.splitlines() if ln.startswith('Version')), '?')
    except Exception:  # noqa: BLE001  (version text only)
        ver = '?'
    return dict(name='CBC (COIN-OR) via PuLP COIN_CMD', cbc=ver, pulp=pulp.__version__)


# --- the upper bound: PGD with bisection (PyTorch), straight-through gradient of J --------------------------

def attack_upper_bound(net, x0, y, kappa, eps_hi=0.5, steps=60, iters=14):
    """The smallest ε a PGD (L∞, sign steps, straight-through ∂J/∂z = 1[z > κ]) finds by bisection, and its
    image; None if no ε ≤ eps_hi fools the network. Checked with the exact (float64) forward pass."""
    import torch
    torch.set_num_threads(1)  # one image at a time: threads only contend on the shared cores
    ws = [(torch.tensor(w), torch.tensor(b)) for w, b in net.layers]
    xt0 = torch.tensor(x0, dtype=torch.float64)

    def forward(x):
        h = x
        for i, (w, b) in enumerate(ws):
            z = h @ w.T + b
            if i == len(ws) - 1:
                return z
            mask = (z > kappa).to(z.dtype)
            h = z * mask

    def pgd(eps):
        x = xt0.clone()
        for t in range(steps):
            x.requires_grad_(True)
            lg = forward(x)
            other = lg.clone()
            other[y] = -1e9
            loss = other.max() - lg[y]
            g, = torch.autograd.grad(loss, x)
            with torch.no_grad():
                step = eps * (0.25 if t < steps // 2 else 0.08)
                x = torch.clamp(torch.min(torch.max(x + step * g.sign(), xt0 - eps), xt0 + eps), 0, 1)
            xn = x.detach().numpy()
            if int(np.argmax(net.logits(xn, kappa))) != y:
                return xn
        return None

    best = pgd(eps_hi)
    if best is None:
        return None
    lo_e, hi_e = 0.0, float(np.max(np.abs(best - x0)))
    for _ in range(iters):
        mid = 0.5 * (lo_e + hi_e)
        xa = pgd(mid)
        if xa is None:
            lo_e = mid
        else:
            best, hi_e = xa, float(np.max(np.abs(xa - x0)))
    return hi_e, best


# --- the shipped model ------------------------------------------------------------------------------------

def load_model_net(model_id):
    """The exported TF.js weights (public/models/<id>/), so the MILP solves the network the app runs."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    d = os.path.join(root, 'public', 'models', model_id)
    mj = json.load(open(os.path.join(d, 'model.json')))
    raw = np.fromfile(os.path.join(d, 'weights.bin'), dtype='<f4')
    arrays, off = {}, 0
    for spec in mj['weightsManifest'][0]['weights']:
        size = int(np.prod(spec['shape']))
        arrays[spec['name']] = raw[off:off + size].reshape(spec['shape'])
        off += size
    layers = [lay for lay in mj['modelTopology']['config']['layers'] if lay['class_name'] == 'Dense']
    if any(lay['class_name'] not in ('Dense', 'Flatten', 'InputLayer', 'Activation')
           for lay in mj['modelTopology']['config']['layers']):
        raise SystemExit(f'{model_id}: only Dense/Flatten/ReLU topologies are supported')
    card_path = os.path.join(d, 'card.json')
    card = json.load(open(card_path if os.path.exists(card_path) else os.path.join(d, 'card.draft.json')))
    mean, std = NORM_OF[card['dataset']]
    out = []
    for i, lay in enumerate(layers):
        k = arrays[f"{lay['config']['name']}/kernel"].astype(np.float64).T  # [out, in]
        b = arrays[f"{lay['config']['name']}/bias"].astype(np.float64)
        if i == 0:  # fold (x − mean)/std: W·(x − m)/s + b = (W/s)·x + (b − W·m/s)
            b = b - k.sum(1) * mean / std
            k = k / std
        out.append((k, b))
    return PWLNet(out), card


NORM_OF = {'mnist': (0.1307, 0.3081)}


def load_shard(root, dataset):
    man = json.load(open(os.path.join(root, 'public', 'data', f'{dataset}-test.json')))
    h, w, c = man['shape']
    raw = np.fromfile(os.path.join(root, 'public', 'data', man['file']), dtype=np.uint8)
    n = man['count']
    return raw[:n * h * w * c].reshape(n, h * w * c), raw[n * h * w * c:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--kappas', default='0,1,1.75')
    ap.add_argument('--n', type=int, default=50)
    ap.add_argument('--time-limit', type=float, default=120.0)
    ap.add_argument('--out', default=None)
    ap.add_argument('--time-mode', choices=('cpu', 'elapsed'), default='cpu',
                    help='what --time-limit counts: CPU seconds (default) or wall seconds')
    ap.add_argument('--retry-from', default=None,
                    help='a results file: solve again, into --out, its images that timed out under another --time-mode '
                         '(merge afterwards with --merge-retries)')
    ap.add_argument('--merge-retries', default=None,
                    help='a --retry-from output: its lines replace those of the same image and κ in --out, then exit')
    a = ap.parse_args()
    global TIME_MODE
    TIME_MODE = a.time_mode
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    net, card = load_model_net(a.model)
    images, labels = load_shard(root, card['dataset'])
    kappas = [float(k) for k in a.kappas.split(',')]
    path = a.out or os.path.join(root, 'training', 'exact', f'{a.model}.jsonl')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if a.merge_retries:
        new = {(r['index'], r['kappa']): r for r in map(json.loads, open(a.merge_retries).read().splitlines())}
        rows = [json.loads(line) for line in open(path).read().splitlines()]
        merged = [new.pop((r['index'], r['kappa']), r) for r in rows]
        with open(path, 'w') as f:
            f.write(''.join(json.dumps(r) + '\n' for r in merged + list(new.values())))
        print(f'{path}: {len(rows) + len(new)} lines, {sum(1 for r in merged if r.get("timeMode", "elapsed") == TIME_MODE)} of them under --time-mode {TIME_MODE}')
        return 0
    done = set()
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            done.add((r['index'], r['kappa']))
    retry = None
    if a.retry_from:  # only the images that timed out there under another time mode
        retry = {(r['index'], r['kappa']) for r in map(json.loads, open(a.retry_from).read().splitlines())
                 if r['status'] == 'timeout' and r.get('timeMode', 'elapsed') != TIME_MODE}
        print(f'{len(retry - done)} timed-out image-κ pairs of {a.retry_from} to solve again with --time-mode {TIME_MODE}', flush=True)
    picked = []
    for i in range(len(labels)):  # the first n images the network classifies correctly at κ = 0
        if len(picked) == a.n:
            break
        if int(np.argmax(net.logits(images[i] / 255.0, 0.0))) == labels[i]:
            picked.append(i)
    solver = solver_version()
    print(f'{a.model}: images {picked[0]}…{picked[-1]} ({len(picked)}), κ {kappas}, {solver}', flush=True)
    for idx in picked:
        x0, y = images[idx] / 255.0, int(labels[idx])
        for kappa in kappas:
            if (idx, kappa) in done or (retry is not None and (idx, kappa) not in retry):
                continue
            rec = dict(index=idx, label=y, kappa=kappa, solver=solver, timeLimit=a.time_limit, timeMode=TIME_MODE,
                       onMargin=ON_MARGIN if kappa > 0 else 0.0, logitMargin=LOGIT_MARGIN, gapRel=GAP_REL)
            if int(np.argmax(net.logits(x0, kappa))) != y:
                rec.update(status='misclassified-clean', eps=0.0)
            else:
                t0 = clock()
                ub = attack_upper_bound(net, x0, y, kappa)
                rec['attackSeconds'] = clock() - t0
                if ub is None:
                    rec.update(status='no-upper-bound')
                else:
                    rec['pgdEps'] = ub[0]
                    # 1 % above the attack's ε: room for the margins, still a small ball.
                    r = solve_exact(net, x0, y, kappa, min(1.0, ub[0] * 1.01 + 1e-6), a.time_limit,
                                    first=int(np.argmax(net.logits(ub[1], kappa))))
                    rec.update(status=r['status'], seconds=r['seconds'], unstable=r['unstable'],
                               classes=r['classes'])
                    if r['status'] == 'optimal':
                        xa = r['x']
                        rec.update(eps=r['eps'], target=r['target'], predicted=int(np.argmax(net.logits(xa, kappa))),
                                   x=base64.b64encode(xa.astype('<f4').tobytes()).decode())
            print(json.dumps({k: v for k, v in rec.items() if k not in ('x', 'solver')}), flush=True)
            with open(path, 'a') as f:
                f.write(json.dumps(rec) + '\n')


if __name__ == '__main__':
    sys.exit(main())
