/**
 * DeepFool — Moosavi-Dezfooli, Fawzi, Frossard, "DeepFool: a simple and accurate method to fool deep
 * neural networks", arXiv:1511.04599. Distance: L2 (`deepFoolL2`) or L∞ (`deepFoolLinf`), chosen by a
 * norm strategy. Minimization attack.
 *
 * Each step linearises the classifier at the current point and moves to the nearest linearised boundary
 * between the true class y and a candidate k: distance max(0, f_y − f_k) / ‖∇f_k − ∇f_y‖_q, q the dual
 * norm (2 for L2, 1 for L∞), along the normalised gradient difference (L2) or its sign (L∞).
 * Candidates are the other classes ordered by the current logits, re-sorted every step.
 * Targeted (goal.ts): the one candidate is the target and the class to leave is the current prediction,
 * so each step heads for the linearised boundary between them; an image stops once it is the target.
 * Batched: every candidate's gradient comes from one forward and one many-cotangent backward pass per
 * step (`candidatePass`); an image leaves the active set as soon as its prediction differs from its
 * label, decided by the same forward (one forward per step, and under randomized κ one draw for both).
 *
 * Overshoot — two rules, selectable because they give different ρ:
 *  - 'paper' (the JumpReLU authors' code): every step is scaled by (1 + overshoot) from the current
 *    point: x ← x + (1 + overshoot)·(d + 1e-4)·dir.
 *  - 'library' (foolbox): steps accumulate into p ← p + (d + 1e-4)·dir, and the overshoot is applied to
 *    the whole perturbation: x ← x₀ + (1 + overshoot)·p.
 * On an affine classifier both reach the boundary in one step at (1 + overshoot)·(d + 1e-4).
 */
import * as tf from '@tensorflow/tfjs';
import { argmaxRows, gatherRows, perImage, pickRows, scatterRows, take } from './batch';
import { activeSetLoop } from './active-set';
import { candidatePass, candidateWeights } from './gradients';
import { NORMS } from './norms';
import type { NormStrategy } from './norms';
import type { CandidatePass } from '../models/classifier';
import type { AttackContext, Distance, MinimizationAttack } from './types';
import { onBoth, overshootMeta, paramSpecs, stepsMeta } from './params';
import { checkIterations, checkNonNegative } from './validate';

export interface DeepFoolOptions {
  steps: number;
  overshoot: number;
  stepRule: 'paper' | 'library';
  candidates: number | null;
}

export const DEEPFOOL_DEFAULTS = {
  /** Maximum steps per image. Paper: 40 (MNIST), 7 (CIFAR-10). Library (foolbox): 50. */
  steps: 40,
  /** Overshoot (dimensionless); steps are scaled by 1 + overshoot. Paper: 0.02 (×1.02). Library: 0.02. */
  overshoot: 0.02,
  /** Where the overshoot applies (see file header). Paper: 'paper'. Library (foolbox): 'library'. */
  stepRule: 'paper',
  /** How many of the top other classes are candidates; null = all. Paper: all. Library (foolbox): 10. */
  candidates: null,
} as const satisfies DeepFoolOptions;

export const DEEPFOOL_PARAMS = paramSpecs(DEEPFOOL_DEFAULTS, {
  steps: stepsMeta('Paper: 40 (MNIST), 7 (CIFAR-10); foolbox: 50', { mnist: 40, cifar10: 7 }),
  overshoot: overshootMeta('Extra push past the boundary; paper ×1.02', onBoth(0.02)),
  stepRule: { label: 'Overshoot rule', kind: 'enum', options: ['paper', 'library'], doc: 'paper: each step ×1.02; library: on the total', paper: onBoth('paper') },
  candidates: { label: 'Candidate classes', kind: 'integer', min: 1, max: 10, step: 1, nullable: true, doc: 'Empty = all other classes (paper)', paper: onBoth(null) },
});

/** Added to every linearised distance so a step lands past the boundary, not on it (paper and foolbox). */
const DISTANCE_PAD = 1e-4;

/**
 * Input elements per candidate pass (images × candidates × pixels, the rows its backward runs on): bounds
 * the pass's memory (CIFAR AlexLike: 9 images × 9 candidates per pass, peak ~150 MB for a batch of 100)
 * while keeping batches large.
 */
const MAX_TILED_ELEMENTS = 1 << 18;

/** Images per candidate pass for `count` candidates on images of `perImageElements` elements. */
const passImages = (count: number, perImageElements: number, maxTiledElements: number) =>
  Math.max(1, Math.floor(maxTiledElements / (count * perImageElements)));

/** Per image: distance to the nearest linearised boundary, ∇f_k − ∇f_y towards it, and its class k. */
export type Boundary = { distance: tf.Tensor1D; direction: tf.Tensor4D; target: tf.Tensor1D };

/**
 * Per image, the candidate class whose linearised boundary is nearest: its distance and the gradient
 * difference ∇f_k − ∇f_y. Candidates are the top `candidates` other classes by `logits`, in that order;
 * ties in distance go to the earlier one. All candidates' gradients come from one pass per chunk of
 * images (`candidatePass`), and the distances use that pass's logits. Shared with the Trust Region
 * attack (which picks its target this way).
 */
export function nearestBoundary(
  ctx: AttackContext,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  norm: NormStrategy,
  candidates: number | tf.Tensor2D,
  maxTiledElements = MAX_TILED_ELEMENTS,
): Boundary {
  const count = typeof candidates === 'number' ? candidates : candidates.shape[1];
  if (count < 1) throw new Error('deepfool: needs at least one candidate class');
  const n = x.shape[0];
  const chunk = passImages(count, x.size / Math.max(n, 1), maxTiledElements);
  const parts: Boundary[] = [];
  try {
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const xs = m === n ? x : tf.slice(x, [start, 0, 0, 0], [m, -1, -1, -1]);
      const pass = candidatePass(ctx.classifier, xs);
      try {
        parts.push(tf.tidy(() => {
          const ys = m === n ? labels : tf.slice(labels, [start], [m]);
          const cs = typeof candidates === 'number' || m === n ? candidates : tf.slice(candidates, [start, 0], [m, -1]);
          return nearestInPass(ctx.classifier.numClasses, pass, null, ys, norm, cs);
        }));
      } finally {
        pass.dispose();
        if (xs !== x) xs.dispose();
      }
    }
    if (parts.length === 1) return parts[0];
    return tf.tidy(() => ({
      distance: tf.concat(parts.map((p) => p.distance)),
      direction: tf.concat(parts.map((p) => p.direction)),
      target: tf.concat(parts.map((p) => p.target)),
    }));
  } finally {
    if (parts.length > 1) for (const p of parts) tf.dispose([p.distance, p.direction, p.target]);
  }
}

/**
 * The nearest boundary of the pass's images `images` (indices into its batch; all when null), whose
 * classes to leave are `labels`. `candidates`: how many of the top other classes, or the candidate
 * classes themselves [m, K].
 */
function nearestInPass(numClasses: number, pass: CandidatePass, images: readonly number[] | null, labels: tf.Tensor1D, norm: NormStrategy, candidates: number | tf.Tensor2D): Boundary {
  const l = images ? gatherRows(pass.logits, images) : pass.logits;
  const n = l.shape[0];
  const isLabel = tf.oneHot(labels, numClasses).toBool();
  const others = tf.where(isLabel, tf.fill(l.shape, -Infinity), l) as tf.Tensor2D;
  // [n, K], by current logits
  const order = typeof candidates === 'number' ? tf.topk(others, candidates).indices as tf.Tensor2D : candidates;
  const k = order.shape[1];
  const gradients = pass.gradients(candidateWeights(labels, order, numClasses), k, images ?? undefined);
  const labelLogit = tf.sum(tf.mul(l, tf.oneHot(labels, numClasses)), 1, true); // [n, 1]
  // Row-wise picks as one-hot sums: gather with batchDims reads out of bounds on tfjs-backend-wasm 4.22.
  const candidateLogit = tf.sum(tf.mul(tf.expandDims(l, 1), tf.oneHot(order, numClasses)), 2); // [n, K]
  const gap = tf.relu(tf.sub(labelLogit, candidateLogit));
  const distances = tf.div(gap, tf.add(tf.reshape(norm.dualNorm(gradients), [n, k]), 1e-12)) as tf.Tensor2D;
  const best = tf.argMin(distances, 1) as tf.Tensor1D; // first minimum = earliest candidate
  const rows = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(k, 'int32')), best) as tf.Tensor1D;
  return {
    distance: tf.min(distances, 1) as tf.Tensor1D,
    direction: pickRows(gradients, rows),
    target: tf.gather(tf.reshape(order, [n * k]), rows) as tf.Tensor1D,
  };
}

/** One chunk's moved images (and, for the library rule, their accumulated perturbation). */
type Move = { moved: tf.Tensor4D; total?: tf.Tensor4D };

function makeDeepFool(distance: Distance): MinimizationAttack<DeepFoolOptions> {
  const id = distance === 'l2' ? 'deepfool-l2' : 'deepfool-linf';
  return {
    id,
    name: distance === 'l2' ? 'DeepFool L2' : 'DeepFool L∞',
    kind: 'minimization',
    distance,
    summary: distance === 'l2'
      ? 'Steps to the nearest linearised class boundary until the label flips: a minimal L2 push.'
      : 'DeepFool measured in L∞: the smallest uniform per-pixel push that crosses the nearest boundary.',
    defaults: DEEPFOOL_DEFAULTS,
    targeted: true,
    params: DEEPFOOL_PARAMS,
    async run(ctx, x, _labels, { steps, overshoot, stepRule, candidates }) {
      checkIterations(id, 'steps', steps);
      checkNonNegative(id, 'overshoot', overshoot);
      if (stepRule !== 'paper' && stepRule !== 'library') throw new Error(`${id}: unknown stepRule "${String(stepRule)}"`);
      const numClasses = ctx.classifier.numClasses;
      const k = candidates === null ? numClasses - 1 : Math.min(candidates, numClasses - 1);
      if (!Number.isInteger(k) || k < 1) throw new Error(`${id}: candidates must be an integer ≥ 1 or null`);
      const norm = NORMS[distance];
      const n = x.shape[0];
      const { goal } = ctx;
      // Accumulated perturbation, only needed by the library rule.
      let total: tf.Tensor4D | null = stepRule === 'library' ? tf.zerosLike(x) : null;
      try {
        return await activeSetLoop(ctx, x, steps, async (rows, xAdv) => {
          // One candidate pass per chunk of the active images: its logits decide who is still correct and
          // order the candidates of those who are; its backward then runs for those only.
          const chunk = passImages(goal.targeted ? 1 : k, x.size / n, MAX_TILED_ELEMENTS);
          const moves: Move[] = [];
          const still: number[] = [];
          try {
            for (let s = 0; s < rows.length; s += chunk) {
              const part = rows.slice(s, s + chunk);
              const xs = gatherRows(xAdv, part);
              const pass = candidatePass(ctx.classifier, xs);
              try {
                const preds = await take(argmaxRows(pass.logits));
                const kept = part.flatMap((r, j) => (goal.reached(r, preds[j]) ? [] : [j]));
                if (kept.length === 0) continue;
                const keptRows = kept.map((j) => part[j]);
                still.push(...keptRows);
                moves.push(tf.tidy((): Move => {
                  const images = kept.length === part.length ? null : kept;
                  const xa = images ? gatherRows(xs, images) : xs;
                  // The class to leave is the current prediction: the label itself while untargeted.
                  const ya = tf.tensor1d(kept.map((j) => preds[j]), 'int32');
                  const only = goal.targeted ? tf.tensor2d(keptRows.map((r) => [goal.target(r)]), [keptRows.length, 1], 'int32') : k;
                  const best = nearestInPass(ctx.classifier.numClasses, pass, images, ya, norm, only);
                  const step = tf.mul(norm.stepDirection(best.direction), perImage(tf.add(best.distance, DISTANCE_PAD), 4));
                  if (total === null) return { moved: ctx.clip(tf.add(xa, tf.mul(step, 1 + overshoot)) as tf.Tensor4D) };
                  const p = tf.add(gatherRows(total, keptRows), step) as tf.Tensor4D;
                  return { moved: ctx.clip(tf.add(gatherRows(x, keptRows), tf.mul(p, 1 + overshoot)) as tf.Tensor4D), total: p };
                }));
              } finally {
                pass.dispose();
                xs.dispose();
              }
            }
          if (still.length === 0) return { next: null, active: still };
            const [nextX, nextTotal] = tf.tidy(() => {
              const moved = scatterRows(xAdv, still, tf.concat(moves.map((m) => m.moved)));
              return total === null ? [moved] : [moved, scatterRows(total, still, tf.concat(moves.map((m) => m.total!)))];
            });
            if (total !== null && nextTotal !== undefined) {
              total.dispose();
              total = nextTotal;
            }
            return { next: nextX, active: still };
          } finally {
            for (const m of moves) tf.dispose([m.moved, ...(m.total ? [m.total] : [])]);
          }
        });
      } finally {
        total?.dispose();
      }
    },
  };
}

export const deepFoolL2 = makeDeepFool('l2');
export const deepFoolLinf = makeDeepFool('linf');
