/**
 * Square Attack — Andriushchenko, Croce, Flammarion, Hein, "Square Attack: a query-efficient black-box
 * adversarial attack via random search", ECCV 2020, arXiv:1912.00049. Distance: L∞ (`squareLinf`) or L2
 * (`squareL2`). Fixed-ε, score-based: it reads only the logits (no gradients), so gradient masking cannot
 * hide anything from it.
 *
 * Random search on the margin loss m = f_y − max_{j≠y} f_j: each iteration proposes, per image still
 * correctly classified, a change on one random square window of side s (s² ≈ p·h·w, p halving on the
 * paper's schedule) and keeps it if m decreases. One query (forward pass) per image per iteration; an
 * image stops once fooled.
 *  - L∞: start from vertical stripes ±ε; a proposal sets the window to x ± ε, one random sign per channel.
 *  - L2: start from stripes scaled to ‖δ‖₂ = ε; a proposal replaces δ in the window by a centred
 *    pseudo-Gaussian bump (random sign per channel) carrying the budget left, ε² − ‖δ outside‖², so
 *    ‖δ‖₂ stays ε. One window per proposal — a simplification of the paper's two-window update, which
 *    also moves mass between two windows.
 * Clipping into the input box only shrinks δ, so ‖δ‖ ≤ ε holds throughout.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../op/randomized';
import { take } from './batch';
import { margins } from './margin';
import type { Distance, FixedEpsilonAttack } from './types';
import { epsilonMeta, paramSpecs, type ParamMetas } from './params';
import { checkIterations, checkNonNegative, checkPositive } from './validate';

export interface SquareOptions {
  epsilon: number;
  queries: number;
  pInit: number;
  seed: number;
}

export const SQUARE_LINF_DEFAULTS = {
  /** L∞ radius ε, normalised input units (MNIST: 0.3 pixel units = 0.974 normalised). Paper: 0.3 (MNIST, pixels). */
  epsilon: 0.3,
  /** Query budget per image (one forward pass each, the first for the initial point). Paper: 10,000. */
  queries: 1000,
  /** Initial fraction p of pixels a window covers. Paper and reference code (L∞): 0.05. */
  pInit: 0.05,
  /** Seed of the random windows and signs, so a run is reproducible. */
  seed: 0,
} as const satisfies SquareOptions;

export const SQUARE_L2_DEFAULTS = {
  /** L2 radius ε, normalised input units. Paper (MNIST): 2 in pixel units. */
  epsilon: 2,
  /** Query budget per image. Paper: 10,000. */
  queries: 1000,
  /** Initial fraction p of pixels a window covers. Reference code (L2): 0.1. */
  pInit: 0.1,
  /** Seed of the random windows and signs. */
  seed: 0,
} as const satisfies SquareOptions;

const SEARCH = {
  queries: { label: 'Queries', kind: 'integer', min: 1, max: 10000, step: 1, doc: 'Forward passes per image; paper: 10,000' },
  seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random search reproducible' },
} as const;

export const SQUARE_LINF_PARAMS = paramSpecs(SQUARE_LINF_DEFAULTS, {
  epsilon: epsilonMeta(3, 0.001, 'Radius of the L∞ ball, normalised units (MNIST 0.3 px = 0.974)'),
  pInit: { label: 'Initial window share p', kind: 'number', min: 0.001, max: 1, step: 0.01, doc: 'Share of the pixels the first windows cover; reference code: 0.05' },
  ...SEARCH,
} satisfies ParamMetas<SquareOptions>);

export const SQUARE_L2_PARAMS = paramSpecs(SQUARE_L2_DEFAULTS, {
  epsilon: epsilonMeta(30, 0.01, 'Radius of the L2 ball, normalised units (an MNIST image has ‖x‖₂ ≈ 30)'),
  pInit: { label: 'Initial window share p', kind: 'number', min: 0.001, max: 1, step: 0.01, doc: 'Share of the pixels the first windows cover; reference code: 0.1' },
  ...SEARCH,
} satisfies ParamMetas<SquareOptions>);

/** The paper's schedule of p (halvings at fixed fractions of a 10,000-query run), rescaled to `queries`. */
export function squareFraction(pInit: number, iteration: number, queries: number): number {
  const i = Math.floor((iteration / queries) * 10000);
  const steps = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let p = pInit;
  for (const s of steps) if (i > s) p /= 2;
  return p;
}

/** A centred bump over an s×s window (sum of squares 1): the L2 attack's proposal profile. */
function bump(s: number): Float32Array {
  const c = (s - 1) / 2;
  const v = Float32Array.from({ length: s * s }, (_, k) => 1 / (1 + (Math.floor(k / s) - c) ** 2 + ((k % s) - c) ** 2));
  const norm = Math.hypot(...v);
  return v.map((a) => a / norm);
}

function makeSquare(distance: Distance): FixedEpsilonAttack<SquareOptions> {
  const id = distance === 'linf' ? 'square-linf' : 'square-l2';
  return {
    id,
    name: distance === 'linf' ? 'Square L∞' : 'Square L2',
    kind: 'fixed-epsilon',
    distance,
    queries: 'scores',
    summary: distance === 'linf'
      ? 'Random search on the scores only: flip a random square window to ±ε, keep it if the margin drops. No gradients.'
      : 'Random search on the scores only: reshape the perturbation inside a random square window, keep it if the margin drops. No gradients.',
    defaults: distance === 'linf' ? SQUARE_LINF_DEFAULTS : SQUARE_L2_DEFAULTS,
    params: distance === 'linf' ? SQUARE_LINF_PARAMS : SQUARE_L2_PARAMS,
    async run(ctx, x, labels, { epsilon, queries, pInit, seed }) {
      checkNonNegative(id, 'epsilon', epsilon);
      checkIterations(id, 'queries', queries);
      if (queries < 1) throw new Error(`${id}: queries must be ≥ 1 (the first query scores the starting point)`);
      checkPositive(id, 'pInit', pInit);
      if (pInit > 1) throw new Error(`${id}: pInit must be ≤ 1, got ${pInit}`);
      const [n, h, w, c] = x.shape;
      const rand = mulberry32(seed);
      const sign = () => (rand() < 0.5 ? -1 : 1);
      const y = Int32Array.from(await labels.data());
      const iterations = new Int32Array(n).fill(1);
      const score = async (t: tf.Tensor4D, rows: number[]) =>
        Float32Array.from(await take(tf.tidy(() => margins(ctx.classifier.logits(tf.gather(t, rows)), tf.tensor1d(rows.map((r) => y[r]), 'int32')))));

      // Starting point: vertical stripes (one sign per image, column and channel).
      const stripes = new Float32Array(n * h * w * c);
      for (let i = 0; i < n; i++) for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) {
        const s = sign();
        for (let row = 0; row < h; row++) stripes[((i * h + row) * w + col) * c + ch] = s;
      }
      const scale = distance === 'linf' ? epsilon : epsilon / Math.sqrt(h * w * c);
      let xAdv = tf.tidy(() => ctx.clip(tf.add(x, tf.mul(tf.tensor4d(stripes, [n, h, w, c]), scale)) as tf.Tensor4D));
      try {
        const all = Array.from({ length: n }, (_, i) => i);
        const margin = await score(xAdv, all);
        let active = all.filter((i) => margin[i] >= 0);
        for (let q = 1; q < queries && active.length > 0; q++) {
          await ctx.tick(q, queries, active.length);
          const p = squareFraction(pInit, q, queries);
          const s = Math.max(1, Math.min(h - 1, Math.round(Math.sqrt(p * h * w))));
          // Per active image: the window and its new values, written as a full-size proposal.
          const inWindow = new Uint8Array(n * h * w * c);
          const values = new Float32Array(n * h * w * c);
          const profile = distance === 'l2' ? bump(s) : null;
          for (const i of active) {
            const r0 = Math.floor(rand() * (h - s + 1));
            const c0 = Math.floor(rand() * (w - s + 1));
            const signs = Array.from({ length: c }, sign);
            for (let dr = 0; dr < s; dr++) for (let dc = 0; dc < s; dc++) for (let ch = 0; ch < c; ch++) {
              const k = ((i * h + r0 + dr) * w + c0 + dc) * c + ch;
              inWindow[k] = 1;
              values[k] = signs[ch] * (profile ? profile[dr * s + dc] / Math.sqrt(c) : 1);
            }
          }
          const proposal = tf.tidy(() => {
            const mask = tf.tensor4d(inWindow, [n, h, w, c], 'bool');
            const v = tf.tensor4d(values, [n, h, w, c]);
            const delta = tf.sub(xAdv, x);
            let next: tf.Tensor;
            if (distance === 'linf') {
              next = tf.where(mask, tf.mul(v, epsilon), delta);
            } else {
              // The budget the window may carry: ε² minus what δ holds outside it.
              const outside = tf.sum(tf.square(tf.where(mask, tf.zerosLike(delta), delta)), [1, 2, 3], true);
              const room = tf.sqrt(tf.relu(tf.sub(epsilon * epsilon, outside)));
              next = tf.where(mask, tf.mul(v, room), delta);
            }
            return ctx.clip(tf.add(x, next) as tf.Tensor4D);
          });
          let accepted: number[];
          try {
            const proposed = await score(proposal, active);
            accepted = active.filter((_, j) => proposed[j] < margin[active[j]]);
            active.forEach((i, j) => {
              iterations[i]++;
              if (proposed[j] < margin[i]) margin[i] = proposed[j];
            });
            if (accepted.length > 0) {
              const pick = new Uint8Array(n);
              for (const i of accepted) pick[i] = 1;
              const next = tf.tidy(() => tf.where(tf.broadcastTo(tf.tensor4d(pick, [n, 1, 1, 1], 'bool'), x.shape), proposal, xAdv)) as tf.Tensor4D;
              xAdv.dispose();
              xAdv = next;
            }
          } finally {
            proposal.dispose();
          }
          active = active.filter((i) => margin[i] >= 0);
        }
      } catch (err) {
        xAdv.dispose();
        throw err;
      }
      return { adversarial: xAdv, iterations };
    },
  };
}

export const squareLinf = makeSquare('linf');
export const squareL2 = makeSquare('l2');
