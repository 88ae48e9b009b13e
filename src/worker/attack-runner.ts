/**
 * One click-to-attack request: the same image attacked on the unprotected (κ = 0) and the retrofitted
 * (current κ) model, white-box (each crafted on its own model) or gray-box (crafted on κ = 0 and applied
 * at κ), with the numbers the paper reports per image. A minimization attack's ρ is also refined to the
 * boundary (both reported), and a gradient-based one runs again under a second gradient mode
 * (straight-through beside exact), so the app never shows the paper protocol's number alone.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shard } from '../core/data/shard';
import { denormalize } from '../core/data/normalization';
import { refineToBoundary } from '../core/metrics/boundary-refinement';
import type { Classifier } from '../core/models/classifier';
import type { AttackImpl } from './attack-registry';
import { shardBatch, throwIfAborted } from './evaluate';
import type { AttackDescriptor, AttackRequest, AttackResult, AttackSide, Companion, GradientMode, Prediction, ProgressFn, SideNumbers } from './protocol';

async function readAndDispose<T extends tf.Tensor>(t: T): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

async function predictionOf(c: Classifier, x: tf.Tensor4D, k = 3): Promise<Prediction> {
  const probs = await readAndDispose(tf.tidy(() => tf.softmax(c.logits(x)).squeeze()));
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  return { predicted: order[0], top: order.slice(0, k).map((cls) => ({ cls, p: probs[cls] })) };
}

interface Measured {
  l2: number;
  linf: number;
  rho: number;
  advPixels: Float32Array;
  deltaAbs: Float32Array;
}

async function measure(c: Classifier, x: tf.Tensor4D, adv: tf.Tensor4D, norm: 'l2' | 'linf'): Promise<Measured> {
  const [, h, w, ch] = x.shape;
  const stats = await readAndDispose(tf.tidy(() => {
    const d = tf.sub(adv, x);
    const xNorm = norm === 'l2' ? tf.norm(x) : tf.max(tf.abs(x));
    return tf.stack([tf.norm(d), tf.max(tf.abs(d)), xNorm]);
  }));
  const advPixels = await readAndDispose(tf.tidy(() => tf.clipByValue(denormalize(adv, c.normalization), 0, 1)));
  const deltaAbs = await readAndDispose(tf.tidy(() => {
    const d = tf.sub(denormalize(adv, c.normalization), denormalize(x, c.normalization));
    return tf.max(tf.abs(d).reshape([h, w, ch]), 2);
  }));
  const [l2, linf, xn] = stats;
  return { l2, linf, rho: (norm === 'l2' ? l2 : linf) / (xn || 1), advPixels, deltaAbs };
}

interface Crafted {
  adv: tf.Tensor4D;
  iterations: number;
  skipped: boolean;
}

/** exact and straight-through are one rule at κ = 0 (1[z > 0]): a κ = 0 run under one is the run under the other. */
const sameAtZero = (a: GradientMode, b: GradientMode) => a !== 'smoothed' && b !== 'smoothed';

/**
 * The second gradient mode this request is compared under, or why there is none: only a gradient-based
 * minimization attack, attacked white-box, has a ρ that a better backward can lower.
 */
export function companionFor(d: AttackDescriptor, req: AttackRequest): { mode: GradientMode } | { note: string } {
  if (!d.usesGradients) return { note: `${d.label} reads no gradients, so gradient masking cannot mislead it: there is no second gradient mode to compare.` };
  if (d.kind !== 'minimization') return { note: `${d.label} works within a fixed budget ε, so there is no smallest perturbation to refine or compare; pick a minimum-norm attack (DeepFool, FMN, Trust Region) for the stronger-attacker comparison.` };
  if (req.threat === 'gray-box') return { note: 'Gray-box: the perturbation is crafted on κ = 0, where exact and straight-through gradients are the same rule, so no second gradient mode was run.' };
  return { mode: req.gradientMode === 'straight-through' ? 'exact' : 'straight-through' };
}

export async function runAttackPair(impl: AttackImpl, shard: Shard, req: AttackRequest,
  classifiers: { unprotected: Classifier; protected: Classifier }, signal: AbortSignal,
  onProgress: ProgressFn): Promise<AttackResult> {
  const t0 = performance.now();
  const label = shard.labels[req.imageIndex];
  const d = impl.descriptor;
  const norm = d.norm;
  const x = shardBatch(shard, [req.imageIndex], classifiers.unprotected);
  const held: tf.Tensor[] = [x];
  try {
    const cleanPixels = await readAndDispose(tf.tidy(() => denormalize(x, classifiers.unprotected.normalization)));
    const gray = req.threat === 'gray-box';
    const second = companionFor(d, req);
    const companionMode = 'mode' in second ? second.mode : null;
    const rerunAtZero = companionMode !== null && !sameAtZero(req.gradientMode, companionMode);
    const phases = (gray ? 1 : 2) + (companionMode ? (rerunAtZero ? 2 : 1) : 0);
    let phase = 0;

    const craft = async (c: Classifier, mode: GradientMode, name: string): Promise<Crafted> => {
      const clean = await predictionOf(c, x, 1);
      const at = phase++;
      if (clean.predicted !== label) {
        const same = tf.clone(x);
        held.push(same);
        return { adv: same, iterations: 0, skipped: true };
      }
      const out = await impl.run(c, x, label, req.params, {
        signal, gradientMode: d.usesGradients ? mode : undefined, smoothingTau: req.smoothingTau,
        onIteration: (it, max) => onProgress({ done: at * max + it, total: phases * max, label: `${name}: iteration ${it} of ${max}` }),
      });
      held.push(out.adv);
      return { ...out, skipped: false };
    };

    /** ρ at the smallest scale of Δ that still fools (minimization attacks that fooled only). */
    const refined = async (c: Classifier, adv: tf.Tensor4D, fooled: boolean): Promise<number | null> => {
      if (d.kind !== 'minimization' || !fooled) return null;
      const r = await refineToBoundary(c, x, adv, [label], [1], { signal });
      r.adversarial.dispose();
      return norm === 'l2' ? r.rhoL2[0] : r.rhoLinf[0];
    };

    const side = async (c: Classifier, kappa: number, randomized: boolean, crafted: Crafted, craftedOn: AttackSide['craftedOn']): Promise<AttackSide> => {
      const clean = await predictionOf(c, x);
      const adversarial = await predictionOf(c, crafted.adv);
      const m = await measure(c, x, crafted.adv, norm);
      const success = adversarial.predicted !== label;
      const skipped = clean.predicted !== label;
      return {
        kappa, randomized, clean, adversarial, ...m, iterations: crafted.iterations, success, skipped, craftedOn,
        rhoRefined: skipped ? null : await refined(c, crafted.adv, success),
      };
    };

    const numbers = async (c: Classifier, crafted: Crafted): Promise<SideNumbers> => {
      const adversarial = await predictionOf(c, crafted.adv, 1);
      const success = adversarial.predicted !== label;
      const rho = (await measure(c, x, crafted.adv, norm)).rho;
      return { rho, rhoRefined: crafted.skipped ? null : await refined(c, crafted.adv, success), success, iterations: crafted.iterations };
    };
    const asNumbers = (s: AttackSide): SideNumbers => ({ rho: s.rho, rhoRefined: s.rhoRefined, success: s.success, iterations: s.iterations });

    const kappaName = `κ = ${req.kappa}`;
    const base = await craft(classifiers.unprotected, req.gradientMode, 'unprotected model (κ = 0)');
    throwIfAborted(signal);
    const unprotected = await side(classifiers.unprotected, 0, false, base, 'self');
    let prot: AttackSide;
    if (gray) {
      prot = await side(classifiers.protected, req.kappa, req.randomized, base, 'kappa-0');
    } else {
      const mine = await craft(classifiers.protected, req.gradientMode, `retrofitted model (${kappaName})`);
      throwIfAborted(signal);
      prot = await side(classifiers.protected, req.kappa, req.randomized, mine, 'self');
    }
    let companion: Companion | null = null;
    if (companionMode) {
      const zero = rerunAtZero
        ? await numbers(classifiers.unprotected, await craft(classifiers.unprotected, companionMode, `κ = 0, ${companionMode} gradients`))
        : asNumbers(unprotected);
      const other = await craft(classifiers.protected, companionMode, `${kappaName}, ${companionMode} gradients`);
      throwIfAborted(signal);
      companion = { gradientMode: companionMode, unprotected: zero, protected: await numbers(classifiers.protected, other) };
    }
    return {
      request: req, label, cleanPixels, unprotected, protected: prot, norm, companion,
      companionNote: 'note' in second ? second.note : null, ms: performance.now() - t0,
    };
  } finally {
    tf.dispose(held);
  }
}
