/**
 * The attacker who knows the detector is there (Carlini & Wagner, "Adversarial examples are not easily
 * detected", AISec 2017; Athalye, Carlini & Wagner, ICML 2018, arXiv:1802.00420). Signed-gradient steps
 * in an L∞ ball (PGD) on
 *     Σᵢ [ max(mᵢ, 0) + λ · 1[mᵢ ≤ 0] · Σ_l ((LID_l(x'ᵢ) − LID_l(xᵢ)) / mean_l)² ],  mᵢ = z_y − max_{j≠y} z_j + confidence
 * — the Carlini–Wagner margin until the image is across the boundary by the confidence, then a term pulling each tap's LID (lid.ts: the detector's own estimator,
 * the same k, the same rank-0 drop, against the clean activations of the attacked batch) back to the
 * clean image's own LID, relative to that tap's mean clean LID. The LID is differentiable in the
 * activations: the k neighbour distances are gathered from the distance matrix (the ranks picked on the
 * host, as top-k's gradient would), and the jump's gradient is straight-through (BPDA: ReLU's backward,
 * gradient-mode.ts), so the attacker is not blinded by the zero derivative of the jump.
 * Per image the attack keeps the iterate that fools with the smallest LID term. The attacker's
 * references are the correctly classified clean images of its own batch: it does not know which images
 * the detector's minibatch will hold, a proxy the Carlini–Wagner attack on LID also used.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../attacks/abort';
import { applyClip, clipRange } from '../attacks/clip-range';
import type { ClipMode } from '../attacks/types';
import type { DatasetName } from '../data/manifest';
import type { Normalization } from '../data/normalization';
import { paperOptions } from '../metrics/paper-protocol';
import { jumpReluBackward } from '../op/gradient-mode';
import { KappaControl } from '../retrofit/kappa-control';
import { plainForward } from '../retrofit/plain-forward';
import type { RetrofittedModel } from '../retrofit/retrofit';
import type { Craft } from './experiment';
import { LID_K, lidTaps, mleLid } from './lid';

export interface LidAwareOptions {
  /** L∞ radius of the ball around x, normalised input units. */
  epsilon: number;
  /** Size of each signed step (a linear decay to a tenth was tried: it hid less, 0.876 vs 0.817 AUC on MNIST). */
  stepSize: number;
  steps: number;
  /** Weight of the LID term against the margin. */
  lambda: number;
  /** Carlini–Wagner confidence: the margin term is zero once the wrong class leads by this much. */
  confidence: number;
  k: number;
  clip: ClipMode;
}

/**
 * Defaults: ε = the L∞ reach of the paper's IFGSM on the data set (steps × ε per step: 7 × 0.01 on
 * CIFAR-10, 40 × 0.01 on MNIST), so aware and unaware attackers share a budget; steps of ε/10, 30 of them,
 * to reach the boundary and then trade the two terms. λ = 0 gives the same attack blind to the detector:
 * the control that isolates what knowing the detector buys.
 */
export function lidAwareDefaults(dataset: DatasetName): LidAwareOptions {
  const { epsilon, steps } = paperOptions('ifgsm', dataset) as { epsilon: number; steps: number };
  const reach = epsilon * steps;
  return { epsilon: reach, stepSize: reach / 10, steps: 30, lambda: 1, confidence: 0, k: LID_K, clip: 'paper' };
}

/** Each tap's activations as a differentiable function of x, flattened [n, d]: input, taps, logits last. */
export function differentiableTaps(r: RetrofittedModel, control: KappaControl): ((x: tf.Tensor4D) => tf.Tensor2D)[] {
  const taps = lidTaps(r);
  const flat = (t: tf.Tensor) => tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D;
  const prefixes = taps.outputs.map((o, i) => {
    // One plain-op forward per prefix of the network (the layers' own ops have no input-only gradient on
    // wasm); the logits prefix is the whole model.
    const sub = i === taps.outputs.length - 1 ? r.model : tf.model({ inputs: r.model.inputs, outputs: o });
    const f = plainForward(sub, control);
    if (!f) throw new Error(`LID-aware attack: layer "${taps.names[i + 1]}" is reached through a layer the plain-op forward does not support`);
    return (x: tf.Tensor4D) => flat(f(x));
  });
  return [flat, ...prefixes];
}

/** Row-wise MLE LID of `q` [n, d] against `ref` [m, d] as a tensor, ranks 1..k (rank 0 dropped). */
export function lidTensor(q: tf.Tensor2D, ref: tf.Tensor2D, k: number): tf.Tensor1D {
  const [n] = q.shape;
  const m = ref.shape[0];
  const kk = Math.min(k, m - 1);
  const sq = tf.sum(tf.square(q), 1, true);
  const sr = tf.reshape(tf.sum(tf.square(ref), 1), [1, m]);
  const d2 = tf.relu(tf.add(tf.sub(sq, tf.mul(2, tf.matMul(q, ref, false, true))), sr));
  const dist = tf.sqrt(tf.add(d2, 1e-12));
  // Ranks on the host (sort), values picked on the tape by a 0/1 selection (the gradient of top-k; a
  // gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks).
  const values = dist.dataSync();
  const pick = new Float32Array(n * kk * m);
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: m }, (_, j) => j).sort((a, b) => values[i * m + a] - values[i * m + b]);
    for (let a = 0; a < kk; a++) pick[(i * kk + a) * m + row[a + 1]] = 1;
  }
  const r = tf.sum(tf.mul(tf.reshape(dist, [n, 1, m]), tf.tensor3d(pick, [n, kk, m])), 2);
  const rk = tf.slice(r, [0, kk - 1], [n, 1]);
  return tf.div(-kk, tf.sum(tf.log(tf.div(r, rk)), 1)) as tf.Tensor1D;
}

function checkOptions(o: LidAwareOptions): void {
  for (const key of ['epsilon', 'stepSize', 'lambda', 'confidence'] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) throw new Error(`LID-aware attack: ${key} must be a finite number ≥ 0, got ${o[key]}`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`LID-aware attack: steps must be an integer ≥ 1, got ${o.steps}`);
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`LID-aware attack: k must be an integer ≥ 1, got ${o.k}`);
}

/** The attack as a `Craft` for experiment.ts, against the LID features of `r` at κ. */
export function lidAwareCraft(r: RetrofittedModel, normalization: Normalization, kappa: number, options: LidAwareOptions): Craft {
  const o = options;
  checkOptions(o);
  const control = new KappaControl(kappa);
  control.setBackward(jumpReluBackward('straight-through'));
  const taps = differentiableTaps(r, control);
  const logitsOf = taps[taps.length - 1];
  return async (_classifier, x, labels, signal) => {
    const n = x.shape[0];
    const range = await clipRange(o.clip, x, normalization);
    const cleanPred = tf.tidy(() => tf.argMax(logitsOf(x), 1));
    const pred = await cleanPred.data();
    cleanPred.dispose();
    const skipped = Uint8Array.from({ length: n }, (_, i) => (pred[i] !== labels[i] ? 1 : 0));
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !skipped[i]);
    if (rows.length < 2) return { adversarial: tf.clone(x), success: Uint8Array.from(skipped), skipped };
    // References: the correct clean images' activations; targets: each clean image's own LID per tap.
    const refs = tf.tidy(() => { const xr = tf.gather(x, rows); return taps.map((f) => f(xr)); });
    const cleanActs = tf.tidy(() => taps.map((f) => f(x)));
    const kk = Math.min(o.k, rows.length - 1);
    const targets: Float64Array[] = [];
    for (let l = 0; l < taps.length; l++) {
      const [cr, ca] = await Promise.all([refs[l].data(), cleanActs[l].data()]);
      targets.push(mleLid({ data: cr, count: rows.length }, { data: ca, count: n }, kk));
    }
    tf.dispose(cleanActs);
    const scale = targets.map((t) => rows.reduce((s, i) => s + t[i], 0) / rows.length);
    const target = tf.tensor2d(Array.from({ length: n }, (_, i) => targets.map((t, l) => (Number.isFinite(t[i]) ? t[i] / scale[l] : 1))));
    const weight = tf.tensor1d(Array.from(skipped, (s) => 1 - s));
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), r.model.outputs[0].shape[1] as number));
    const invScale = tf.tensor1d(scale.map((s) => 1 / s));
    const best = new Float64Array(n).fill(Infinity);
    let bestX = tf.clone(x);
    let adv = tf.clone(x);
    const lo = tf.sub(x, o.epsilon);
    const hi = tf.add(x, o.epsilon);
    try {
      for (let step = 0; step <= o.steps; step++) {
        throwIfAborted(signal);
        let penalty: Float32Array | Int32Array | Uint8Array = new Float32Array(n);
        let fooled: Float32Array | Int32Array | Uint8Array = new Float32Array(n);
        const { value, grad } = tf.tidy(() => tf.valueAndGrad((xa: tf.Tensor4D) => {
          const acts = taps.map((f) => f(xa));
          const logits = acts[acts.length - 1];
          const lids = tf.stack(acts.map((a, l) => lidTensor(a, refs[l], kk)), 1);
          const pen = tf.sum(tf.square(tf.sub(tf.mul(lids, invScale), target)), 1);
          const zy = tf.sum(tf.mul(logits, y), 1);
          const other = tf.max(tf.sub(logits, tf.mul(y, 1e9)), 1);
          const raw = tf.add(tf.sub(zy, other), o.confidence);
          penalty = pen.dataSync().slice();
          fooled = tf.notEqual(tf.argMax(logits, 1), tf.argMax(y, 1)).dataSync().slice();
          // Fool first, then hide: an image pays the LID term only while it is across the boundary by the
          // confidence margin, and only the margin until then (one sign step cannot serve both at once).
          const across = tf.tensor1d(Array.from(raw.dataSync(), (v) => (v <= 0 ? 1 : 0)));
          return tf.sum(tf.mul(weight, tf.add(tf.relu(raw), tf.mul(tf.mul(o.lambda, across), pen)))) as tf.Scalar;
        })(adv));
        value.dispose();
        // Keep, per image, the fooling iterate with the smallest LID term.
        const better = Array.from({ length: n }, (_, i) => !skipped[i] && fooled[i] === 1 && penalty[i] < best[i]);
        if (better.some(Boolean)) {
          better.forEach((b, i) => { if (b) best[i] = penalty[i]; });
          const mask = tf.tensor4d(better.map(Number), [n, 1, 1, 1]);
          const next = tf.tidy(() => tf.where(tf.cast(tf.broadcastTo(mask, x.shape), 'bool'), adv, bestX));
          mask.dispose();
          bestX.dispose();
          bestX = next as tf.Tensor4D;
        }
        if (step < o.steps) {
          const next = tf.tidy(() => applyClip(tf.minimum(tf.maximum(tf.sub(adv, tf.mul(o.stepSize, tf.sign(grad))), lo), hi) as tf.Tensor4D, range));
          adv.dispose();
          adv = next;
        }
        grad.dispose();
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
      // Images never fooled keep their last iterate (reported as not fooled).
      const neverFooled = tf.tensor4d(Array.from(best, (b, i) => (!skipped[i] && b === Infinity ? 1 : 0)), [n, 1, 1, 1]);
      const out = tf.tidy(() => tf.where(tf.cast(tf.broadcastTo(neverFooled, x.shape), 'bool'), adv, bestX)) as tf.Tensor4D;
      neverFooled.dispose();
      const success = Uint8Array.from({ length: n }, (_, i) => (skipped[i] || best[i] < Infinity ? 1 : 0));
      return { adversarial: out, success, skipped };
    } finally {
      tf.dispose([...refs, target, weight, y, invScale, lo, hi, adv, bestX]);
    }
  };
}
