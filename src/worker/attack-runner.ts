/**
 * One click-to-attack request: the same image attacked on the unprotected (κ = 0) and the retrofitted
 * (current κ) model, white-box (each crafted on its own model) or gray-box (crafted on κ = 0 and applied
 * at κ), with the numbers the paper reports per image.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shard } from '../core/data/shard';
import { denormalize } from '../core/data/normalization';
import type { Classifier } from '../core/models/classifier';
import type { AttackImpl } from './attack-registry';
import { shardBatch, throwIfAborted } from './evaluate';
import type { AttackRequest, AttackResult, AttackSide, Prediction, ProgressFn } from './protocol';

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

export async function runAttackPair(impl: AttackImpl, shard: Shard, req: AttackRequest,
  classifiers: { unprotected: Classifier; protected: Classifier }, signal: AbortSignal,
  onProgress: ProgressFn): Promise<AttackResult> {
  const t0 = performance.now();
  const label = shard.labels[req.imageIndex];
  const norm = impl.descriptor.norm;
  const x = shardBatch(shard, [req.imageIndex], classifiers.unprotected);
  const held: tf.Tensor[] = [x];
  try {
    const cleanPixels = await readAndDispose(tf.tidy(() => denormalize(x, classifiers.unprotected.normalization)));
    const gray = req.threat === 'gray-box';
    const phases = gray ? 1 : 2;

    const craft = async (c: Classifier, phase: number, name: string): Promise<{ adv: tf.Tensor4D; iterations: number; skipped: boolean }> => {
      const clean = await predictionOf(c, x, 1);
      if (clean.predicted !== label) return { adv: tf.clone(x), iterations: 0, skipped: true };
      const out = await impl.run(c, x, label, req.params, {
        signal,
        onIteration: (it, max) => onProgress({ done: phase * max + it, total: phases * max, label: `${name}: iteration ${it} of ${max}` }),
      });
      return { ...out, skipped: false };
    };

    const side = async (c: Classifier, kappa: number, randomized: boolean,
      crafted: { adv: tf.Tensor4D; iterations: number; skipped: boolean }, craftedOn: AttackSide['craftedOn']): Promise<AttackSide> => {
      const clean = await predictionOf(c, x);
      const adversarial = await predictionOf(c, crafted.adv);
      const m = await measure(c, x, crafted.adv, norm);
      return {
        kappa, randomized, clean, adversarial, ...m, iterations: crafted.iterations,
        success: adversarial.predicted !== label, skipped: clean.predicted !== label, craftedOn,
      };
    };

    const base = await craft(classifiers.unprotected, 0, 'unprotected model (κ = 0)');
    held.push(base.adv);
    throwIfAborted(signal);
    const unprotected = await side(classifiers.unprotected, 0, false, base, 'self');
    let prot: AttackSide;
    if (gray) {
      prot = await side(classifiers.protected, req.kappa, req.randomized, base, 'kappa-0');
      prot.skipped = prot.clean.predicted !== label;
    } else {
      const mine = await craft(classifiers.protected, 1, `retrofitted model (κ = ${req.kappa})`);
      held.push(mine.adv);
      throwIfAborted(signal);
      prot = await side(classifiers.protected, req.kappa, req.randomized, mine, 'self');
    }
    return { request: req, label, cleanPixels, unprotected, protected: prot, norm, ms: performance.now() - t0 };
  } finally {
    tf.dispose(held);
  }
}
