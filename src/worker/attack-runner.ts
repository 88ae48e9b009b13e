/**
 * One click-to-attack job: the same image attacked on the unprotected (κ = 0) and the retrofitted
 * (current κ) model, white-box (each crafted on its own model) or gray-box (crafted on κ = 0 and shown
 * to κ). A thin adapter over the core's `runAttack`: success, skip, iterations and norms are the core's;
 * this adds only what the UI shows — top-3 probabilities and the pixel maps. The clean image is
 * classified once per side, and that prediction is what the core skips on. A minimization attack's ρ is
 * also refined to the boundary (both reported), and a gradient-based one runs again under a second
 * gradient mode (straight-through beside exact), so the app never shows the paper protocol's number alone.
 */
import * as tf from '@tensorflow/tfjs';
import { runAnyAttack, throwIfAborted, type AttackResult, type ClipMode, type RegisteredAttack } from '../core/attacks';
import { take } from '../core/attacks/batch';
import { denormalize, normalizePixels } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { shardImages } from '../core/data/shard-batch';
import { refineToBoundary } from '../core/metrics/boundary-refinement';
import type { Classifier } from '../core/models/classifier';
import type { AttackPairResult, AttackRequest, AttackSide, Companion, GradientMode, Prediction, ProgressFn, SideNumbers } from './jobs';

/** A float32 tensor's values; the tensor is disposed (the core's `take`). */
const readAndDispose = async (t: tf.Tensor): Promise<Float32Array> => (await take(t)) as Float32Array;

async function predictionOf(c: Classifier, x: tf.Tensor4D, k = 3): Promise<Prediction> {
  const probs = await readAndDispose(tf.tidy(() => tf.softmax(c.logits(x)).squeeze()));
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  return { predicted: order[0], top: order.slice(0, k).map((cls) => ({ cls, p: probs[cls] })) };
}

/** The adversarial image in pixel space and |Δx| per pixel (max over channels), for the UI's maps. */
async function pixelMaps(c: Classifier, x: tf.Tensor4D, adv: tf.Tensor4D): Promise<{ advPixels: Float32Array; deltaAbs: Float32Array }> {
  const [, h, w, ch] = x.shape;
  const advPixels = await readAndDispose(tf.tidy(() => tf.clipByValue(denormalize(adv, c.normalization), 0, 1)));
  const deltaAbs = await readAndDispose(tf.tidy(() => {
    const d = tf.sub(denormalize(adv, c.normalization), denormalize(x, c.normalization));
    return tf.max(tf.abs(d).reshape([h, w, ch]), 2);
  }));
  return { advPixels, deltaAbs };
}

export interface AttackViews {
  unprotected: Classifier;
  protected: Classifier;
}

/** exact and straight-through are one rule at κ = 0 (1[z > 0]): a κ = 0 run under one is the run under the other. */
const sameAtZero = (a: GradientMode, b: GradientMode) => a !== 'smoothed' && b !== 'smoothed';

/**
 * The second gradient mode this request is compared under, or why there is none: only a gradient-based
 * minimization attack, attacked white-box, has a ρ that a better backward can lower.
 */
export function companionFor(attack: RegisteredAttack, req: AttackRequest): { mode: GradientMode } | { note: string } {
  if ('queries' in attack && attack.queries) return { note: `${attack.name} reads no gradients, so gradient masking cannot mislead it: there is no second gradient mode to compare.` };
  if (attack.kind !== 'minimization') return { note: `${attack.name} works within a fixed budget ε, so there is no smallest perturbation to refine or compare; pick a minimum-norm attack (DeepFool, FMN, Trust Region) for the stronger-attacker comparison.` };
  if (req.threat === 'gray-box') return { note: 'Gray-box: the perturbation is crafted on κ = 0, where exact and straight-through gradients are the same rule, so no second gradient mode was run.' };
  return { mode: req.gradientMode === 'straight-through' ? 'exact' : 'straight-through' };
}

export async function runAttackPair(attack: RegisteredAttack, shard: Shard, req: AttackRequest, views: AttackViews,
  signal: AbortSignal, onProgress: ProgressFn): Promise<AttackPairResult> {
  const t0 = performance.now();
  const norm = views.unprotected.normalization;
  const x = req.ownPixels ? normalizePixels(req.ownPixels, [1, ...shard.manifest.shape], norm) : shardImages(shard, [req.imageIndex], norm);
  const held: tf.Tensor[] = [x];
  // An own image has no label: it is what the unprotected model reads in it (set from its clean prediction).
  let label = req.ownPixels ? -1 : shard.labels[req.imageIndex];
  const target = req.target ?? null;
  const gray = req.threat === 'gray-box';
  const second = companionFor(attack, req);
  const companionMode = 'mode' in second ? second.mode : null;
  const rerunAtZero = companionMode !== null && !sameAtZero(req.gradientMode, companionMode);
  const phases = (gray ? 1 : 2) + (companionMode ? (rerunAtZero ? 2 : 1) : 0);
  let phase = 0;
  const usesGradients = !('queries' in attack && attack.queries);
  const { clip, ...own } = req.params;

  const craft = async (c: Classifier, clean: Prediction, mode: GradientMode, name: string): Promise<AttackResult> => {
    const at = phase++;
    const r = await runAnyAttack(attack as Parameters<typeof runAnyAttack>[0], c, x, [label], {
      ...own, ...(clip === undefined ? {} : { clip: clip as ClipMode }), signal, clean: [clean.predicted],
      ...(target === null ? {} : { targets: [target] }),
      // Gradient-free attacks refuse any mode but exact, so theirs is left unset.
      ...(usesGradients ? { gradientMode: mode, smoothingTau: req.smoothingTau } : {}),
      onProgress: (p) => onProgress({ done: at * p.maxIterations + p.iteration, total: phases * p.maxIterations, label: `${name}: iteration ${p.iteration} of ${p.maxIterations}` }),
    });
    held.push(r.adversarial);
    return r;
  };

  const rhoOf = (r: { rhoL2: ArrayLike<number>; rhoLinf: ArrayLike<number> }) => (attack.distance === 'l2' ? r.rhoL2[0] : r.rhoLinf[0]);

  /** ρ at the smallest scale of Δ that still fools (minimization attacks, fooled images only). */
  const refined = async (c: Classifier, adv: tf.Tensor4D, fooled: boolean): Promise<number | null> => {
    if (attack.kind !== 'minimization' || !fooled) return null;
    const r = await refineToBoundary(c, x, adv, [label], [1], { signal, ...(target === null ? {} : { targets: [target] }) });
    r.adversarial.dispose();
    return rhoOf(r);
  };

  /** One side as the UI shows it; success and skip are the core's unless the adversarial was crafted on another model. */
  const side = async (c: Classifier, kappa: number, randomized: boolean, clean: Prediction, r: AttackResult,
    craftedOn: AttackSide['craftedOn']): Promise<AttackSide> => {
    const adversarial = await predictionOf(c, r.adversarial);
    const self = craftedOn === 'self';
    const success = self ? r.success[0] === 1 : target === null ? adversarial.predicted !== label : adversarial.predicted === target;
    const skipped = self ? r.skipped[0] === 1 : target === null ? clean.predicted !== label : clean.predicted === target;
    return {
      kappa, randomized, clean, adversarial, ...(await pixelMaps(c, x, r.adversarial)),
      l2: r.l2[0], linf: r.linf[0], rho: rhoOf(r), iterations: r.iterations[0], success, skipped, craftedOn,
      // Targeted runs refine toward their target (success means reaching it), untargeted ones toward any wrong class.
      rhoRefined: skipped ? null : await refined(c, r.adversarial, success),
    };
  };

  const numbers = async (c: Classifier, r: AttackResult): Promise<SideNumbers> => ({
    rho: rhoOf(r), success: r.success[0] === 1, iterations: r.iterations[0],
    rhoRefined: r.skipped[0] ? null : await refined(c, r.adversarial, r.success[0] === 1),
  });
  const asNumbers = (s: AttackSide): SideNumbers => ({ rho: s.rho, rhoRefined: s.rhoRefined, success: s.success, iterations: s.iterations });

  try {
    const cleanPixels = await readAndDispose(tf.tidy(() => denormalize(x, views.unprotected.normalization)));
    const cleanBase = await predictionOf(views.unprotected, x);
    if (req.ownPixels) label = cleanBase.predicted;
    const base = await craft(views.unprotected, cleanBase, req.gradientMode, 'unprotected model (κ = 0)');
    throwIfAborted(signal);
    const unprotected = await side(views.unprotected, 0, false, cleanBase, base, 'self');
    const cleanProt = await predictionOf(views.protected, x);
    const mine = gray ? base : await craft(views.protected, cleanProt, req.gradientMode, `retrofitted model (κ = ${req.kappa})`);
    throwIfAborted(signal);
    const prot = await side(views.protected, req.kappa, req.randomized, cleanProt, mine, gray ? 'kappa-0' : 'self');
    let companion: Companion | null = null;
    if (companionMode) {
      const zero = rerunAtZero
        ? await numbers(views.unprotected, await craft(views.unprotected, cleanBase, companionMode, `κ = 0, ${companionMode} gradients`))
        : asNumbers(unprotected);
      const other = await craft(views.protected, cleanProt, companionMode, `κ = ${req.kappa}, ${companionMode} gradients`);
      throwIfAborted(signal);
      companion = { gradientMode: companionMode, unprotected: zero, protected: await numbers(views.protected, other) };
    }
    return {
      request: req, label, cleanPixels, unprotected, protected: prot, norm: attack.distance, companion,
      companionNote: 'note' in second ? second.note : null, ms: performance.now() - t0,
    };
  } finally {
    tf.dispose(held);
  }
}
