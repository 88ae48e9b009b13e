/**
 * One row of the paper's Table 3 ("LID" / "LID + JumpReLU"): craft adversarials at κ, keep the images the
 * model gets right and whose adversarial fools it, make Gaussian-noise copies, extract LID features at
 * the same κ (the authors' extract_characteristics.py builds the model with `jump = args.jump` for both),
 * and fit and score the detector (detector.ts). The attack is a parameter: a catalogue attack with the
 * paper's settings (`craftWithAttack`) or the LID-aware one (lid-aware.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { getAttack, runAnyAttack, type AttackId, type ClipMode } from '../attacks/index';
import { throwIfAborted } from '../attacks/abort';
import type { Normalization } from '../data/normalization';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import type { Classifier } from '../models/classifier';
import type { RetrofittedModel } from '../retrofit/retrofit';
import { addGaussianNoise, evaluateDetector, matchedSigma, type DetectorOptions, type DetectorResult } from './detector';
import { activationProbe, LID_BATCH, LID_K, lidFeatures } from './lid';

/** What an attack gives the experiment, per image of the batch (adversarial owned by the caller). */
export interface Crafted {
  adversarial: tf.Tensor4D;
  /** Fooled at the end (true for skipped images too, as runAttack reports). */
  success: ArrayLike<number>;
  /** Misclassified before the attack. */
  skipped: ArrayLike<number>;
}

export type Craft = (classifier: Classifier, x: tf.Tensor4D, labels: Int32Array, signal?: AbortSignal) => Promise<Crafted>;

/** A catalogue attack with the given options (e.g. the paper's, paper-protocol.ts), 'paper' clipping by default. */
export function craftWithAttack(attack: AttackId, options: Record<string, unknown>, clip: ClipMode = 'paper'): Craft {
  return (classifier, x, labels, signal) => runAnyAttack(getAttack(attack), classifier, x, labels, { ...options, clip, ...(signal ? { signal } : {}) });
}

export interface LidDetectionOptions {
  kappa: number;
  craft: Craft;
  /** Noise σ in normalised input units, or 'match-l2' (default): clipped noise whose mean L2 is the adversarials' mean L2 (within 1%). */
  sigma?: number | 'match-l2';
  seed?: number;
  k?: number;
  /** LID minibatch (default 100); only whole minibatches of kept images are used. */
  batch?: number;
  /** Stop attacking once this many images are kept (default: all the set). */
  maxImages?: number;
  detector?: Partial<DetectorOptions>;
  signal?: AbortSignal;
  onProgress?: (p: { stage: 'attack' | 'features'; done: number; total: number }) => void;
  /** Receives the images used (normalised, flattened, in order): for an independent check of the features. */
  onImages?: (images: { clean: Float32Array; noisy: Float32Array; adversarial: Float32Array }) => void;
}

export interface LidDetectionResult {
  kappa: number;
  /** Feature names: 'input', the tapped layers, 'logits'. */
  taps: string[];
  k: number;
  /** LID minibatch and split block. */
  batch: number;
  /** Images attacked, classified correctly, fooled among those, used (whole minibatches). */
  attacked: number;
  correct: number;
  fooled: number;
  used: number;
  /** Indices into the set of the images used, in order. */
  indices: number[];
  sigma: number;
  meanAdversarialL2: number;
  meanNoiseL2: number;
  features: { clean: number[][]; noisy: number[][]; adversarial: number[][] };
  detector: DetectorResult;
}

const l2 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

export async function lidDetection(r: RetrofittedModel, normalization: Normalization, set: { x: tf.Tensor4D; labels: Int32Array }, options: LidDetectionOptions): Promise<LidDetectionResult> {
  const { kappa, craft, signal, onProgress } = options;
  const batch = options.batch ?? LID_BATCH;
  const k = options.k ?? LID_K;
  const seed = options.seed ?? 0;
  const maxImages = options.maxImages ?? set.labels.length;
  if (!Number.isInteger(batch) || batch < k + 1) throw new Error(`LID detection: the minibatch (${batch}) must hold more than k = ${k} images`);
  const [n, h, w, c] = set.x.shape;
  const dim = h * w * c;
  const classifier = classifierFromRetrofit(r, normalization, kappa);
  const clean: Float32Array[] = [];
  const adversarial: Float32Array[] = [];
  const indices: number[] = [];
  let attacked = 0;
  let correct = 0;
  for (let start = 0; start < n && indices.length < maxImages; start += batch) {
    throwIfAborted(signal);
    const end = Math.min(n, start + batch);
    const x = tf.slice(set.x, [start, 0, 0, 0], [end - start, -1, -1, -1]);
    try {
      const out = await craft(classifier, x, set.labels.slice(start, end), signal);
      try {
        const [xs, as] = await Promise.all([x.data(), out.adversarial.data()]);
        for (let i = 0; i < end - start; i++) {
          attacked++;
          if (out.skipped[i]) continue;
          correct++;
          if (!out.success[i] || indices.length >= maxImages) continue;
          indices.push(start + i);
          clean.push(xs.slice(i * dim, (i + 1) * dim) as Float32Array);
          adversarial.push(as.slice(i * dim, (i + 1) * dim) as Float32Array);
        }
      } finally {
        out.adversarial.dispose();
      }
    } finally {
      x.dispose();
    }
    onProgress?.({ stage: 'attack', done: end, total: n });
  }
  const fooled = indices.length;
  const used = Math.floor(fooled / batch) * batch;
  if (used === 0) throw new Error(`LID detection: only ${fooled} correctly classified images were fooled; the detector needs whole minibatches of ${batch}. Attack more images.`);
  indices.length = used;
  clean.length = used;
  adversarial.length = used;

  const advL2 = clean.map((x, i) => l2(x, adversarial[i]));
  const [lo, hi] = await (async () => {
    const t = tf.tidy(() => tf.stack([tf.min(set.x), tf.max(set.x)]));
    try { return Array.from(await t.data()); } finally { t.dispose(); }
  })();
  const noiseFor = (s: number) => clean.map((x, i) => addGaussianNoise(x, s, (seed * 1_000_003 + indices[i]) >>> 0, lo, hi));
  const meanL2 = (rows: Float32Array[]) => rows.reduce((a, x, i) => a + l2(x, clean[i]), 0) / rows.length;
  let sigma: number;
  let noisy: Float32Array[];
  if (options.sigma === undefined || options.sigma === 'match-l2') {
    // Clipping to the input range shortens the noise (MNIST's background sits at the minimum), so rescale
    // σ until the clipped noise's mean L2 meets the adversarial one (Ma et al. tuned σ by hand to this).
    const target = advL2.reduce((a, b) => a + b, 0) / used;
    sigma = matchedSigma(advL2, dim);
    noisy = noiseFor(sigma);
    for (let round = 0; round < 8; round++) {
      const got = meanL2(noisy);
      if (!(got > 0) || Math.abs(got - target) <= 0.01 * target) break;
      sigma *= target / got;
      noisy = noiseFor(sigma);
    }
  } else {
    sigma = options.sigma;
    noisy = noiseFor(sigma);
  }

  if (options.onImages) {
    const flat = (rows: Float32Array[]) => { const f = new Float32Array(used * dim); rows.forEach((row, i) => f.set(row, i * dim)); return f; };
    options.onImages({ clean: flat(clean), noisy: flat(noisy), adversarial: flat(adversarial) });
  }
  const probe = activationProbe(r);
  const features = { clean: [] as Float64Array[], noisy: [] as Float64Array[], adversarial: [] as Float64Array[] };
  const tensorOf = (rows: Float32Array[], from: number) => {
    const flat = new Float32Array(batch * dim);
    for (let i = 0; i < batch; i++) flat.set(rows[from + i], i * dim);
    return tf.tensor4d(flat, [batch, h, w, c]);
  };
  for (let start = 0; start < used; start += batch) {
    throwIfAborted(signal);
    const acts = [];
    for (const rows of [clean, noisy, adversarial]) {
      const t = tensorOf(rows, start);
      try { acts.push(await probe.run(t, kappa)); } finally { t.dispose(); }
    }
    const [fc, fn, fa] = lidFeatures({ acts: acts[0], count: batch }, acts.map((a) => ({ acts: a, count: batch })), k);
    features.clean.push(...fc);
    features.noisy.push(...fn);
    features.adversarial.push(...fa);
    onProgress?.({ stage: 'features', done: start + batch, total: used });
  }
  const detector = evaluateDetector(features, { block: batch, ...options.detector });
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const toRows = (rows: Float64Array[]) => rows.map((row) => Array.from(row));
  return {
    kappa, taps: probe.names, k, batch, attacked, correct, fooled, used, indices, sigma,
    meanAdversarialL2: mean(advL2),
    meanNoiseL2: meanL2(noisy),
    features: { clean: toRows(features.clean), noisy: toRows(features.noisy), adversarial: toRows(features.adversarial) },
    detector,
  };
}
