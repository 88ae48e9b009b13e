/**
 * Fast Minimum-Norm attack (FMN) — Pintor, Roli, Brendel, Biggio, "Fast Minimum-norm Adversarial Attacks
 * through Adaptive Norm Constraints", NeurIPS 2021, arXiv:2102.12827. Distance: L2 (`fmnL2`) or L∞
 * (`fmnLinf`). Minimization attack; gradient-based, so it runs under every gradient mode.
 *
 * Each step, per image, at x + δ: the margin m = f_y − max_{j≠y} f_j and its gradient g (without the
 * components that point out of the input box at pixels on a face: `feasible`, a deviation from the paper).
 *  - The norm budget ε adapts: if x + δ is adversarial, ε ← min(ε·(1 − γ), best norm so far); if not and
 *    no adversarial was found yet, ε ← ‖δ‖ + m/‖g‖_q (the linearised distance to the boundary, q the
 *    dual norm); otherwise ε ← ε·(1 + γ).
 *  - δ ← δ − α·g/‖g‖₂ (the paper's step is L2-normalised for every norm), projected onto the ε-ball and
 *    clipped into the input box.
 * α and γ decay from their initial to their final values by cosine annealing. Every image runs every
 * step (the budget keeps shrinking after the first success); the result is each image's smallest
 * adversarial found, or the last iterate where none was found.
 */
import * as tf from '@tensorflow/tfjs';
import { perImage } from './batch';
import { logitsAndGradient } from './gradients';
import { marginSum, margins } from './margin';
import { l2, NORMS } from './norms';
import type { Distance, MinimizationAttack } from './types';
import { paramSpecs, stepsMeta, type ParamMetas } from './params';
import { checkIterations, checkPositive } from './validate';

export interface FmnOptions {
  steps: number;
  alphaInit: number;
  alphaFinal: number | null;
  gammaInit: number;
  gammaFinal: number;
}

export const FMN_DEFAULTS = {
  /** Steps per image. Paper: 1,000 in its evaluation; library (adv_lib, foolbox): 10 and 100. Here 100. */
  steps: 100,
  /** Initial step size α₀ of the L2-normalised gradient step, normalised input units. Paper: 1 (L2, L∞). */
  alphaInit: 1,
  /** Final step size; null = α₀/100 (paper and adv_lib). */
  alphaFinal: null,
  /** Initial relative change γ₀ of the norm budget ε per step. Paper: 0.05. */
  gammaInit: 0.05,
  /** Final γ. Paper: 0.001. */
  gammaFinal: 0.001,
} as const satisfies FmnOptions;

export const FMN_PARAMS = paramSpecs(FMN_DEFAULTS, {
  steps: stepsMeta('Paper: 1,000; adv_lib: 10; foolbox: 100'),
  alphaInit: { label: 'Initial step α₀', kind: 'number', min: 1e-4, max: 10, step: 0.01, doc: 'L2 length of the first step, normalised units; paper: 1' },
  alphaFinal: { label: 'Final step', kind: 'number', min: 1e-6, max: 10, step: 0.001, nullable: true, doc: 'Empty: α₀/100 (paper)' },
  gammaInit: { label: 'Initial γ₀', kind: 'number', min: 1e-4, max: 0.99, step: 0.01, doc: 'Relative change of the norm budget per step; paper: 0.05' },
  gammaFinal: { label: 'Final γ', kind: 'number', min: 1e-5, max: 0.99, step: 0.001, doc: 'Paper: 0.001' },
} satisfies ParamMetas<FmnOptions>);

const TINY = 1e-12;

/**
 * `target` with rows `rows` taken from `source` (same shape), as a select: bit-exact copies, so a best
 * iterate on the boundary stays on its side of it.
 */
const withRows = (target: tf.Tensor4D, rows: number[], source: tf.Tensor4D): tf.Tensor4D =>
  tf.tidy(() => {
    const pick = new Uint8Array(target.shape[0]);
    for (const r of rows) pick[r] = 1;
    const mask = tf.broadcastTo(tf.tensor4d(pick, [target.shape[0], 1, 1, 1], 'bool'), target.shape);
    return tf.where(mask, source, target);
  });

/**
 * The gradient without its components that point out of the input box at pixels already on a face
 * (descending the margin means x − g: a pixel at the upper bound with g < 0, or at the lower with g > 0).
 * Deviation from the paper, which uses the raw gradient: clipping cancels those components after every
 * step, so the raw ‖g‖_q overstates how fast the margin can fall and ε = ‖δ‖ + m/‖g‖_q stops short of
 * the boundary for good (7 of the first 100 MNIST test images stalled at margins 1e-4–1e-3 for 100 and
 * for 400 steps at κ = 0). A pixel is on a face when a small move along −g is clipped away.
 */
function feasible(clip: (t: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const probe = clip(tf.sub(x, tf.mul(tf.sign(g), FACE_PROBE)) as tf.Tensor4D);
    return tf.mul(g, tf.cast(tf.notEqual(probe, x), 'float32')) as tf.Tensor4D;
  });
}

/** How far (normalised units) a pixel may move along −g before it counts as on a face. */
const FACE_PROBE = 1e-3;

function makeFmn(distance: Distance): MinimizationAttack<FmnOptions> {
  const id = distance === 'l2' ? 'fmn-l2' : 'fmn-linf';
  const norm = NORMS[distance];
  return {
    id,
    name: distance === 'l2' ? 'FMN L2' : 'FMN L∞',
    kind: 'minimization',
    distance,
    summary: 'Gradient steps on the margin inside a norm budget that shrinks after every success and grows otherwise: a small adversarial, fast.',
    defaults: FMN_DEFAULTS,
    params: FMN_PARAMS,
    async run(ctx, x, labels, { steps, alphaInit, alphaFinal, gammaInit, gammaFinal }) {
      checkIterations(id, 'steps', steps);
      checkPositive(id, 'alphaInit', alphaInit);
      if (alphaFinal !== null) checkPositive(id, 'alphaFinal', alphaFinal);
      checkPositive(id, 'gammaInit', gammaInit);
      checkPositive(id, 'gammaFinal', gammaFinal);
      if (gammaInit >= 1 || gammaFinal >= 1) throw new Error(`${id}: gammaInit and gammaFinal must be < 1`);
      const alphaEnd = alphaFinal ?? alphaInit / 100;
      const n = x.shape[0];
      const epsilon = new Float32Array(n).fill(Infinity);
      const best = new Float32Array(n).fill(Infinity);
      const objective = marginSum(labels);
      let xAdv = tf.clone(x);
      let bestAdv: tf.Tensor4D | null = null;
      try {
        for (let t = 0; t < steps; t++) {
          await ctx.tick(t, steps, n);
          const cosine = (1 + Math.cos((Math.PI * t) / steps)) / 2;
          const alpha = alphaEnd + (alphaInit - alphaEnd) * cosine;
          const gamma = gammaFinal + (gammaInit - gammaFinal) * cosine;
          const raw = logitsAndGradient(ctx.classifier, xAdv, objective);
          const { logits } = raw;
          const gradient = feasible(ctx.clip, xAdv, raw.gradient);
          raw.gradient.dispose();
          let stats: Float32Array;
          try {
            const packed = tf.tidy(() => tf.stack([margins(logits, labels), norm.norm(tf.sub(xAdv, x)), norm.dualNorm(gradient)]));
            stats = (await packed.data()) as Float32Array;
            packed.dispose();
          } catch (err) {
            tf.dispose([logits, gradient]);
            throw err;
          }
          logits.dispose();
          const improved: number[] = [];
          for (let i = 0; i < n; i++) {
            const [m, size, dual] = [stats[i], stats[n + i], stats[2 * n + i]];
            const adversarial = m < 0;
            if (adversarial && size < best[i]) {
              best[i] = size;
              improved.push(i);
            }
            if (adversarial) epsilon[i] = Math.min(epsilon[i] * (1 - gamma), best[i]);
            else if (best[i] < Infinity) epsilon[i] *= 1 + gamma;
            else epsilon[i] = size + m / (dual + TINY);
          }
          if (improved.length > 0) {
            // Rows not yet improved are placeholders: replaced when they improve, or by the last iterate.
            const next: tf.Tensor4D = bestAdv === null ? tf.clone(xAdv) : withRows(bestAdv, improved, xAdv);
            bestAdv?.dispose();
            bestAdv = next;
          }
          const moved = tf.tidy(() => {
            const step = tf.mul(tf.div(gradient, perImage(tf.add(l2.norm(gradient), TINY), 4)), -alpha);
            const delta = norm.project(tf.add(tf.sub(xAdv, x), step), tf.tensor1d(epsilon));
            return ctx.clip(tf.add(x, delta) as tf.Tensor4D);
          });
          gradient.dispose();
          xAdv.dispose();
          xAdv = moved;
        }
      } catch (err) {
        tf.dispose([xAdv, ...(bestAdv ? [bestAdv] : [])]);
        throw err;
      }
      if (bestAdv === null) return { adversarial: xAdv, iterations: new Int32Array(n).fill(steps) };
      // Images never fooled keep their last iterate (the perturbation reached, as the paper's ρ counts it).
      const never = Array.from(best, (b, i) => (b === Infinity ? i : -1)).filter((i) => i >= 0);
      const out = never.length ? withRows(bestAdv, never, xAdv) : tf.clone(bestAdv);
      tf.dispose([xAdv, bestAdv]);
      return { adversarial: out, iterations: new Int32Array(n).fill(steps) };
    },
  };
}

export const fmnL2 = makeFmn('l2');
export const fmnLinf = makeFmn('linf');
