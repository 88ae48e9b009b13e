/**
 * One click-to-attack job: the same image attacked on the unprotected (κ = 0) and the retrofitted
 * (current κ) model, white-box (each crafted on its own model) or gray-box (crafted on κ = 0 and shown
 * to κ). A thin adapter over the core's `runAttack`: success, skip, iterations and norms are the core's;
 * this adds only what the UI shows — top-3 probabilities and the pixel maps. The clean image is
 * classified once per side, and that prediction is what the core skips on.
 */
import * as tf from '@tensorflow/tfjs';
import { runAnyAttack, throwIfAborted, type AttackResult, type ClipMode, type RegisteredAttack } from '../core/attacks';
import { denormalize } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { shardImages } from '../core/data/shard-batch';
import type { Classifier } from '../core/models/classifier';
import type { AttackPairResult, AttackRequest, AttackSide, Prediction, ProgressFn } from './protocol';

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

export async function runAttackPair(attack: RegisteredAttack, shard: Shard, req: AttackRequest, views: AttackViews,
  signal: AbortSignal, onProgress: ProgressFn): Promise<AttackPairResult> {
  const t0 = performance.now();
  const label = shard.labels[req.imageIndex];
  const x = shardImages(shard, [req.imageIndex], views.unprotected.normalization);
  const held: tf.Tensor[] = [x];
  const gray = req.threat === 'gray-box';
  const phases = gray ? 1 : 2;
  const { clip, ...own } = req.params;

  const craft = async (c: Classifier, clean: Prediction, phase: number, name: string): Promise<AttackResult> => {
    const r = await runAnyAttack(attack as Parameters<typeof runAnyAttack>[0], c, x, [label], {
      ...own, ...(clip === undefined ? {} : { clip: clip as ClipMode }), signal, clean: [clean.predicted],
      onProgress: (p) => onProgress({ done: phase * p.maxIterations + p.iteration, total: phases * p.maxIterations, label: `${name}: iteration ${p.iteration} of ${p.maxIterations}` }),
    });
    held.push(r.adversarial);
    return r;
  };

  /** One side as the UI shows it; success and skip are the core's unless the adversarial was crafted on another model. */
  const side = async (c: Classifier, kappa: number, randomized: boolean, clean: Prediction, r: AttackResult,
    craftedOn: AttackSide['craftedOn']): Promise<AttackSide> => {
    const adversarial = await predictionOf(c, r.adversarial);
    const self = craftedOn === 'self';
    return {
      kappa, randomized, clean, adversarial, ...(await pixelMaps(c, x, r.adversarial)),
      l2: r.l2[0], linf: r.linf[0], rho: attack.distance === 'l2' ? r.rhoL2[0] : r.rhoLinf[0], iterations: r.iterations[0],
      success: self ? r.success[0] === 1 : adversarial.predicted !== label,
      skipped: self ? r.skipped[0] === 1 : clean.predicted !== label,
      craftedOn,
    };
  };

  try {
    const cleanPixels = await readAndDispose(tf.tidy(() => denormalize(x, views.unprotected.normalization)));
    const cleanBase = await predictionOf(views.unprotected, x);
    const base = await craft(views.unprotected, cleanBase, 0, 'unprotected model (κ = 0)');
    throwIfAborted(signal);
    const unprotected = await side(views.unprotected, 0, false, cleanBase, base, 'self');
    const cleanProt = await predictionOf(views.protected, x);
    const mine = gray ? base : await craft(views.protected, cleanProt, 1, `retrofitted model (κ = ${req.kappa})`);
    throwIfAborted(signal);
    const prot = await side(views.protected, req.kappa, req.randomized, cleanProt, mine, gray ? 'kappa-0' : 'self');
    return { request: req, label, cleanPixels, unprotected, protected: prot, norm: attack.distance, ms: performance.now() - t0 };
  } finally {
    tf.dispose(held);
  }
}
