"""Tests of training/exact_mip.py on tiny networks with known answers: brute force over every activation pattern
(one LP per pattern and wrong class, solved by scipy's HiGHS, not CBC) and hand-built cases, including inputs
that sit exactly at z = κ.

    /usr/bin/python3 -m unittest training/test_exact_mip.py
"""
import itertools
import os
import sys
import unittest

import numpy as np
from scipy.optimize import linprog

sys.path.insert(0, os.path.dirname(__file__))
import exact_mip as em  # noqa: E402


def brute_force(net, x0, y, kappa):
    """min ε over all activation patterns: with the pattern fixed the network is affine, so each (pattern, wrong
    class) is an LP in (x, ε): on units z ≥ κ + m, off units z ≤ κ − m, logit_c − logit_y ≥ LOGIT_MARGIN."""
    n = len(x0)
    m = em.ON_MARGIN if kappa > 0 else 0.0
    sizes = [w.shape[0] for w, _ in net.layers[:-1]]
    best = None
    for pattern in itertools.product([0, 1], repeat=sum(sizes)):
        # Affine form of every pre-activation under the pattern: z = A x + c.
        A, c, rows, rhs, k0 = np.eye(n), np.zeros(n), [], [], 0
        for li, (w, b) in enumerate(net.layers):
            Az, cz = w @ A, w @ c + b
            if li == len(net.layers) - 1:
                break
            on = np.array(pattern[k0:k0 + sizes[li]], dtype=bool)
            k0 += sizes[li]
            for k in range(sizes[li]):
                if on[k]:  # −z ≤ −(κ + m)
                    rows.append(np.append(-Az[k], 0.0)); rhs.append(cz[k] - kappa - m)
                else:      # z ≤ κ − m
                    rows.append(np.append(Az[k], 0.0)); rhs.append(kappa - m - cz[k])
            A, c = Az * on[:, None], cz * on
        for i in range(n):  # |x − x0| ≤ ε
            e = np.zeros(n + 1); e[i], e[n] = 1.0, -1.0
            rows.append(e); rhs.append(x0[i])
            e = np.zeros(n + 1); e[i], e[n] = -1.0, -1.0
            rows.append(e); rhs.append(-x0[i])
        for cl in range(Az.shape[0]):
            if cl == y:
                continue
            win = np.append(-(Az[cl] - Az[y]), 0.0)  # logit_c − logit_y ≥ margin
            r = linprog(np.append(np.zeros(n), 1.0), A_ub=np.array(rows + [win]),
                        b_ub=np.array(rhs + [cz[cl] - cz[y] - em.LOGIT_MARGIN]),
                        bounds=[(0, 1)] * n + [(0, None)], method='highs')
            if r.status == 0 and (best is None or r.fun < best):
                best = r.fun
    return best


def random_net(rng, dims, scale=1.5):
    return em.PWLNet([(rng.normal(0, scale, (b, a)), rng.normal(0, 0.5, b)) for a, b in zip(dims[:-1], dims[1:])])


class TestBounds(unittest.TestCase):
    def test_bounds_contain_sampled_preactivations(self):
        rng = np.random.default_rng(3)
        for kappa in (0.0, 0.4):
            net = random_net(rng, [4, 5, 5, 3])
            x0 = rng.uniform(0, 1, 4)
            lo, hi = np.maximum(0, x0 - 0.2), np.minimum(1, x0 + 0.2)
            bounds = em.tightened_bounds(net, lo, hi, kappa)
            for x in rng.uniform(lo, hi, (2000, 4)):
                zs, logits = net.preacts(x, kappa)
                for (l, u), z in zip(bounds, zs + [logits]):
                    self.assertTrue(np.all(z >= l - 1e-6) and np.all(z <= u + 1e-6))


class TestKnownAnswers(unittest.TestCase):
    def test_unit_sitting_exactly_at_kappa(self):
        """x0 = (0.5, 0.5); z = x1 − 0.5 + κ is exactly κ at x0, so J = 0 there (off, class 0 wins the tie by
        argmax order, logits (0, 0)). logit1 = 10·J(z) − 0 jumps to 10κ as soon as z > κ: the infimum is 0, and
        the MILP (on needs z ≥ κ + m) gives ε = m exactly; at κ = 0 (ReLU) 10·(x1 − 0.5) ≥ margin: ε = margin/10."""
        for kappa in (0.0, 0.5):
            net = em.PWLNet([(np.array([[1.0, 0.0]]), np.array([kappa - 0.5])),
                             (np.array([[0.0], [10.0]]), np.array([0.0, 0.0]))])
            x0 = np.array([0.5, 0.5])
            self.assertEqual(int(np.argmax(net.logits(x0, kappa))), 0)
            r = em.solve_exact(net, x0, 0, kappa, eps_max=0.3)
            self.assertEqual(r['status'], 'optimal')
            want = em.ON_MARGIN if kappa > 0 else em.LOGIT_MARGIN / 10
            self.assertAlmostEqual(r['eps'], want, delta=1e-7)
            self.assertEqual(int(np.argmax(net.logits(r['x'], kappa))), 1)

    def test_jump_helps_known_answer(self):
        """logit1 − logit0 = J(z) − 1 with z = 2·x1 (x0 = (0, 0.25): z = 0.5). ReLU: z ≥ 1 + margin needs
        x1 ≥ 0.5 + margin/2, ε = 0.25 + margin/2. κ = 0.8: J(z) jumps from 0 to > 0.8 at z > 0.8 but the class
        still needs J(z) ≥ 1 + margin: same ε. κ = 1.2: J is 0 up to 1.2, then ≥ 1.2 + m: ε = (1.2 + m)/2 − 0.25,
        larger — the jump moved the boundary away."""
        net = em.PWLNet([(np.array([[0.0, 2.0]]), np.array([0.0])), (np.array([[0.0], [1.0]]), np.array([1.0, 0.0]))])
        x0 = np.array([0.0, 0.25])
        for kappa, want in ((0.0, 0.25 + em.LOGIT_MARGIN / 2), (0.8, 0.25 + em.LOGIT_MARGIN / 2),
                            (1.2, (1.2 + em.ON_MARGIN) / 2 - 0.25)):
            r = em.solve_exact(net, x0, 0, kappa, eps_max=0.6)
            self.assertEqual(r['status'], 'optimal', kappa)
            self.assertAlmostEqual(r['eps'], want, delta=1e-6, msg=f'κ = {kappa}')

    def test_no_adversary_in_ball_is_infeasible(self):
        net = em.PWLNet([(np.array([[0.0, 2.0]]), np.array([0.0])), (np.array([[0.0], [1.0]]), np.array([1.0, 0.0]))])
        r = em.solve_exact(net, np.array([0.0, 0.25]), 0, 0.0, eps_max=0.2)
        self.assertEqual(r['status'], 'infeasible')
        self.assertNotIn('eps', r)


class TestAgainstBruteForce(unittest.TestCase):
    def test_random_2_3_3_2_nets(self):
        rng = np.random.default_rng(0)
        checked = 0
        for trial in range(18):
            kappa = (0.0, 0.3, 0.7)[trial % 3]
            net = random_net(rng, [2, 3, 3, 2])
            x0 = rng.uniform(0.2, 0.8, 2)
            y = int(np.argmax(net.logits(x0, kappa)))
            want = brute_force(net, x0, y, kappa)
            r = em.solve_exact(net, x0, y, kappa, eps_max=1.0)
            if want is None:
                self.assertEqual(r['status'], 'infeasible', trial)
                continue
            self.assertEqual(r['status'], 'optimal', trial)
            self.assertAlmostEqual(r['eps'], want, delta=1e-6, msg=f'trial {trial} κ {kappa}')
            self.assertNotEqual(int(np.argmax(net.logits(r['x'], kappa))), y)
            checked += 1
        self.assertGreaterEqual(checked, 8)

    def test_input_at_kappa_in_a_random_net(self):
        """Shift a first-layer bias so that a unit sits exactly at z = κ at x0."""
        rng = np.random.default_rng(7)
        for kappa in (0.3, 0.6):
            net = random_net(rng, [2, 3, 3, 2])
            x0 = np.array([0.5, 0.25])
            w, b = net.layers[0]
            w[1], b[1] = [1.0, -2.0], kappa  # z = x1 − 2·x2 + κ: exactly κ at x0 (dyadic, no rounding)
            self.assertEqual(net.preacts(x0, kappa)[0][0][1], kappa)
            y = int(np.argmax(net.logits(x0, kappa)))
            want = brute_force(net, x0, y, kappa)
            r = em.solve_exact(net, x0, y, kappa, eps_max=1.0)
            self.assertEqual(r['status'], 'optimal' if want is not None else 'infeasible')
            if want is not None:
                self.assertAlmostEqual(r['eps'], want, delta=1e-6)

    def test_small_ball_from_an_upper_bound(self):
        """With the ball capped just above the truth (as the run caps it by the attack's ε), same answer."""
        rng = np.random.default_rng(11)
        for kappa in (0.0, 0.5):
            net = random_net(rng, [3, 4, 3, 3])
            x0 = rng.uniform(0.2, 0.8, 3)
            y = int(np.argmax(net.logits(x0, kappa)))
            want = brute_force(net, x0, y, kappa)
            if want is None:
                continue
            r = em.solve_exact(net, x0, y, kappa, eps_max=want * 1.01 + 1e-6)
            self.assertEqual(r['status'], 'optimal')
            self.assertAlmostEqual(r['eps'], want, delta=1e-6)


if __name__ == '__main__':
    unittest.main()
