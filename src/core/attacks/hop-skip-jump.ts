/**
 * HopSkipJump — Chen, Jordan, Wainwright, "HopSkipJumpAttack: A Query-Efficient Decision-Based Attack",
 * IEEE S&P 2020, arXiv:1904.02144. Distance: L2. Minimization attack that reads only the predicted label
 * (decision-based): no gradients, no scores.
 *
 * Start from a random point of the input box that is misclassified, then per iteration t:
 *  1. bisect between x and the current point to the boundary (precision θ = d^(−3/2), relative);
 *  2. estimate the boundary's normal there from B_t = min(B₀·√t, maxEvals) random unit directions u:
 *     v = mean((φ(x_b + δu) − mean φ)·u), φ = +1 if misclassified else −1, δ = √d·θ·‖x_b − x‖
 *     (first iteration: a tenth of the box width);
 *  3. step from x_b along v by ξ = ‖x_b − x‖/√t, halving ξ until the point is misclassified.
 * The result is the last boundary point (misclassified side). Images for which no misclassified starting
 * point is found in `initTries` draws are returned unchanged (not fooled).
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../op/randomized';
import { argmaxRows, perImage, take } from './batch';
import type { MinimizationAttack } from './types';
import { paramSpecs, stepsMeta, type ParamMetas } from './params';
import { checkIterations } from './validate';

export interface HopSkipJumpOptions {
  steps: number;
  initialEvals: number;
  maxEvals: number;
  initTries: number;
  seed: number;
}

export const HOP_SKIP_JUMP_DEFAULTS = {
  /** Iterations (boundary search + gradient estimate + step). Paper: 40 (ImageNet up to 100s); foolbox: 64. */
  steps: 40,
  /** B₀, random directions of the first gradient estimate (B_t = B₀·√t). Paper and foolbox: 100. */
  initialEvals: 100,
  /** Cap on B_t. Paper and foolbox: 10,000; here 1,000 to bound memory and time in a browser. */
  maxEvals: 1000,
  /** Random draws tried per image to find a misclassified starting point. foolbox: 100. */
  initTries: 100,
  /** Seed of the starting points and directions. */
  seed: 0,
} as const satisfies HopSkipJumpOptions;

const evalsMeta = (label: string, doc: string) => ({ label, kind: 'integer', min: 1, max: 10000, step: 1, doc }) as const;

export const HOP_SKIP_JUMP_PARAMS = paramSpecs(HOP_SKIP_JUMP_DEFAULTS, {
  steps: stepsMeta('Paper: 40; foolbox: 64'),
  initialEvals: evalsMeta('Directions B₀', 'Random directions of the first normal estimate; paper: 100'),
  maxEvals: evalsMeta('Max directions', 'Cap on directions per estimate; paper: 10,000'),
  initTries: evalsMeta('Start tries', 'Random points tried to find a misclassified start; foolbox: 100'),
  seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random directions reproducible' },
} satisfies ParamMetas<HopSkipJumpOptions>);

/** Rows per decision pass (images × directions × pixels bounded, as DeepFool's candidate passes). */
const MAX_PROBE_ELEMENTS = 1 << 18;

export const hopSkipJump: MinimizationAttack<HopSkipJumpOptions> = {
  id: 'hop-skip-jump',
  name: 'HopSkipJump (L2, labels only)',
  kind: 'minimization',
  distance: 'l2',
  queries: 'labels',
  summary: 'Labels only: walk along the decision boundary, estimating its normal from random probes, towards the image.',
  defaults: HOP_SKIP_JUMP_DEFAULTS,
  params: HOP_SKIP_JUMP_PARAMS,
  async run(ctx, x, labels, { steps, initialEvals, maxEvals, initTries, seed }) {
    const id = 'hop-skip-jump';
    checkIterations(id, 'steps', steps);
    for (const [name, v] of [['initialEvals', initialEvals], ['maxEvals', maxEvals], ['initTries', initTries]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${id}: ${name} must be an integer ≥ 1 (queries), got ${String(v)}`);
    }
    const [n, h, w, c] = x.shape;
    const d = h * w * c;
    const theta = 1 / (Math.sqrt(d) * d);
    const bisections = Math.ceil(Math.log2(1 / theta));
    const y = Int32Array.from(await labels.data());
    const rand = mulberry32(seed);
    const iterations = new Int32Array(n);
    const box = await take(tf.tidy(() => tf.stack([tf.min(ctx.clip(tf.fill(x.shape, -1e30) as tf.Tensor4D)), tf.max(ctx.clip(tf.fill(x.shape, 1e30) as tf.Tensor4D))])));
    const width = box[1] - box[0];

    /** Misclassified? for each row of `t` (rows belong to images `owners`). */
    const fooled = async (t: tf.Tensor4D, owners: number[]): Promise<boolean[]> => {
      const out: boolean[] = [];
      const chunk = Math.max(1, Math.floor(MAX_PROBE_ELEMENTS / d));
      for (let s = 0; s < owners.length; s += chunk) {
        const m = Math.min(chunk, owners.length - s);
        const pred = await take(tf.tidy(() => argmaxRows(ctx.classifier.logits(tf.slice(t, [s, 0, 0, 0], [m, -1, -1, -1])))));
        for (let j = 0; j < m; j++) out.push(pred[j] !== y[owners[s + j]]);
      }
      return out;
    };
    const blend = (from: tf.Tensor4D, to: tf.Tensor4D, a: Float32Array) => tf.tidy(() => tf.add(from, tf.mul(tf.sub(to, from), perImage(tf.tensor1d(a), 4))) as tf.Tensor4D);

    // Starting points: uniform random points of the box, until misclassified.
    let adv = tf.clone(x);
    try {
      const found = new Array<boolean>(n).fill(false);
      for (let tries = 0; tries < initTries && found.some((f) => !f); tries++) {
        await ctx.tick(0, steps, n);
        const noise = tf.tidy(() => ctx.clip(tf.randomUniform(x.shape, box[0], box[1], 'float32', Math.floor(rand() * 2 ** 31)) as tf.Tensor4D));
        const f = await fooled(noise, Array.from({ length: n }, (_, i) => i));
        const take1 = f.map((v, i) => v && !found[i]);
        if (take1.some(Boolean)) {
          const next = tf.tidy(() => tf.where(tf.broadcastTo(tf.tensor4d(Uint8Array.from(take1, Number), [n, 1, 1, 1], 'bool'), x.shape), noise, adv)) as tf.Tensor4D;
          adv.dispose();
          adv = next;
          take1.forEach((v, i) => (found[i] ||= v));
        }
        noise.dispose();
      }
      const active = found.flatMap((f, i) => (f ? [i] : []));
      if (active.length === 0) return { adversarial: adv, iterations };
      const xs = tf.gather(x, active) as tf.Tensor4D;
      let cur = tf.gather(adv, active) as tf.Tensor4D;
      const m = active.length;
      try {
        /** Bisection from x towards `cur` (misclassified): the boundary point on the misclassified side. */
        const toBoundary = async () => {
          const lo = new Float32Array(m);
          const hi = new Float32Array(m).fill(1);
          for (let b = 0; b < bisections; b++) {
            const mid = Float32Array.from(lo, (l, i) => (l + hi[i]) / 2);
            const probe = blend(xs, cur, mid);
            const f = await fooled(probe, active);
            probe.dispose();
            f.forEach((v, i) => (v ? (hi[i] = mid[i]) : (lo[i] = mid[i])));
          }
          const next = blend(xs, cur, hi);
          cur.dispose();
          cur = next;
        };
        await toBoundary();
        for (let t = 1; t <= steps; t++) {
          await ctx.tick(t - 1, steps, m);
          const dist = Float32Array.from(await take(tf.tidy(() => tf.norm(tf.reshape(tf.sub(cur, xs), [m, -1]), 2, 1))));
          const evals = Math.min(maxEvals, Math.round(initialEvals * Math.sqrt(t)));
          const delta = Float32Array.from(dist, (v) => (t === 1 ? 0.1 * width : Math.sqrt(d) * theta * v));
          // Directions u (unit, per image `evals` of them) and their decisions φ at x_b + δu, clipped.
          const dirs = tf.tidy(() => {
            const g = tf.randomNormal([m * evals, h, w, c], 0, 1, 'float32', Math.floor(rand() * 2 ** 31));
            return tf.div(g, perImage(tf.norm(tf.reshape(g, [m * evals, -1]), 2, 1) as tf.Tensor1D, 4)) as tf.Tensor4D;
          });
          const owners = active.flatMap((r) => new Array<number>(evals).fill(r));
          let estimate: tf.Tensor4D;
          try {
            const probes = tf.tidy(() => {
              const base = tf.reshape(tf.tile(tf.expandDims(cur, 1), [1, evals, 1, 1, 1]), [m * evals, h, w, c]);
              const dl = tf.reshape(tf.tile(tf.reshape(tf.tensor1d(delta), [m, 1]), [1, evals]), [m * evals]) as tf.Tensor1D;
              return { base, dl, probe: ctx.clip(tf.add(base, tf.mul(dirs, perImage(dl, 4))) as tf.Tensor4D) };
            });
            const phi = (await fooled(probes.probe, owners)).map((v) => (v ? 1 : -1));
            estimate = tf.tidy(() => {
              // u as actually applied (after clipping), then the baseline-corrected mean per image.
              const u = tf.div(tf.sub(probes.probe, probes.base), perImage(probes.dl, 4));
              const p = tf.reshape(tf.tensor1d(phi), [m, evals]);
              const mean = tf.mean(p, 1, true);
              const allSame = tf.equal(tf.abs(mean), 1);
              const weights = tf.where(tf.broadcastTo(allSame, [m, evals]), p, tf.sub(p, mean));
              const v = tf.sum(tf.mul(tf.reshape(u, [m, evals, -1]), tf.expandDims(weights, 2)), 1);
              const unit = tf.div(v, tf.add(tf.norm(v, 2, 1, true), 1e-12));
              return tf.reshape(unit, [m, h, w, c]) as tf.Tensor4D;
            });
            tf.dispose([probes.base, probes.dl, probes.probe]);
          } finally {
            dirs.dispose();
          }
          // Geometric step search: ξ = dist/√t, halved until misclassified (at most 25 halvings).
          const xi = Float32Array.from(dist, (v) => v / Math.sqrt(t));
          const done = new Array<boolean>(m).fill(false);
          let moved = tf.clone(cur);
          try {
            for (let k = 0; k < 25 && done.some((v) => !v); k++) {
              const step = tf.tidy(() => ctx.clip(tf.add(cur, tf.mul(estimate, perImage(tf.tensor1d(xi), 4))) as tf.Tensor4D));
              const f = await fooled(step, active);
              const ok = f.map((v, i) => v && !done[i]);
              const next = tf.tidy(() => tf.where(tf.broadcastTo(tf.tensor4d(Uint8Array.from(ok, Number), [m, 1, 1, 1], 'bool'), step.shape), step, moved)) as tf.Tensor4D;
              step.dispose();
              moved.dispose();
              moved = next;
              ok.forEach((v, i) => {
                if (v) done[i] = true;
                else if (!done[i]) xi[i] /= 2;
              });
            }
          } finally {
            estimate.dispose();
          }
          cur.dispose();
          cur = moved;
          await toBoundary();
          for (const r of active) iterations[r]++;
        }
        const out = tf.tidy(() => {
          const idx = tf.tensor2d(active, [m, 1], 'int32');
          const keep = tf.greater(tf.scatterND(idx, tf.ones([m]), [n]), 0);
          const placed = tf.scatterND(idx, cur, x.shape);
          return tf.where(tf.broadcastTo(tf.reshape(keep, [n, 1, 1, 1]), x.shape), placed, x) as tf.Tensor4D;
        });
        adv.dispose();
        adv = out;
      } finally {
        tf.dispose([xs, cur]);
      }
    } catch (err) {
      adv.dispose();
      throw err;
    }
    return { adversarial: adv, iterations };
  },
};
