/**
 * The binarization test — Zimmermann, Brendel, Tramèr, Carlini, "Increasing Confidence in Adversarial
 * Robustness Evaluations", NeurIPS 2022 — following their public reference implementation
 * (github.com/google-research/active-adversarial-tests, active_tests/decision_boundary_binarization.py,
 * `interior_boundary_discrimination_attack` and the helpers it calls; read for the construction, not copied).
 *
 * For one clean, correctly classified image x and a budget ε:
 *  1. inner points: x itself and `innerPoints` random points of the shrunken ball of radius η·ε,
 *     η = 1 − gap (their `relative_inner_boundary_gap`, default 0.05). L∞: uniform in the cube; L2: uniform
 *     in the ball (Gaussian direction, radius η·ε·u^(1/d)); then clipped to the valid input range;
 *  2. one boundary point at distance ε: L∞ uniform in the cube, or a random corner (their
 *     `sample_training_data_from_corners`); L2 uniform on the sphere; rescaled so that its distance *after*
 *     clipping is ε (their clipping-aware rescaling; not for corners, as in theirs);
 *  3. the network's penultimate features at all these points, and a new linear 2-class readout on them
 *     (theirs: logits [−z, z] with z = w·f + b, class 0 = inner, 1 = boundary). Their default optimiser
 *     fits the readout by full-batch Adam on the cross-entropy, lr 0.05, no regularisation, until every
 *     training point is classified right (at most 50 000 epochs); then "fixed" rescaling divides w, b by
 *     the readout's logit range. A readout that does not separate the points gives no test: the sample is
 *     discarded and counted (theirs: "setup failed");
 *  4. the binarized classifier (the original feature extractor, JumpReLU at κ and the attack's gradient
 *     mode, plus the new readout) provably has an adversarial example within ε (the boundary point), so an
 *     attack that finds no input within ε classified as class 1 has failed: it *passes* on the sample iff
 *     it does. A low pass rate says the attack (with this gradient mode) is too weak for this model.
 *
 * Not done here (theirs optional, off by default): far-off/adversarial boundary points, the random-attack
 * validation samples, rejection resampling by a detector. Distances live in the classifier's normalised
 * input space (as every attack here); points are clipped to the valid pixel range mapped into it.
 */
import * as tf from '@tensorflow/tfjs';
import { pixelRange, type Normalization } from '../data/normalization';
import type { Classifier } from '../models/classifier';
import { EXACT_BACKWARD, type GradientMode, type JumpReluBackward } from '../op/gradient-mode';
import { mulberry32 } from '../op/randomized';
import { KappaControl } from '../retrofit/kappa-control';
import { plainForward } from '../retrofit/plain-forward';
import type { RetrofittedModel } from '../retrofit/retrofit';
import { predict, runAnyAttack } from '../attacks/run-attack';
import type { AttackDefinition, Distance } from '../attacks/types';

// ---------------------------------------------------------------------------------------------------------
// 1–2. Sampling (pure, seeded: the same seed gives the same points on every backend)

export interface SamplingOptions {
  norm: Distance;
  /** Radius ε, normalised units. */
  epsilon: number;
  /** Random inner points besides x itself. Their case studies: 49 (some 999). */
  innerPoints: number;
  /** Relative gap between inner points and the boundary: inner radius (1 − gap)·ε. Theirs: 0.05. */
  gap: number;
  /** L∞ only: the boundary point is a random corner of the ε-cube (theirs: an option, off by default). */
  boundaryFromCorners: boolean;
  seed: number;
}

/** Per-element valid range of one NHWC image (channel = index mod c). */
export interface ElementRange {
  lo: number[];
  hi: number[];
  channels: number;
}

export function pixelElementRange(n: Normalization): ElementRange {
  const { lo, hi } = pixelRange(n);
  return { lo, hi, channels: n.mean.length };
}

const clipInto = (x: Float32Array, delta: Float64Array, r: ElementRange, scale = 1): Float32Array => {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % r.channels;
    out[i] = Math.min(r.hi[c], Math.max(r.lo[c], x[i] + scale * delta[i]));
  }
  return out;
};

/** ‖a − x‖ in `norm`. */
export function distance(a: Float32Array, x: Float32Array, norm: Distance): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(a[i] - x[i]);
    s = norm === 'linf' ? Math.max(s, d) : s + d * d;
  }
  return norm === 'linf' ? s : Math.sqrt(s);
}

function gaussian(rand: () => number): number {
  // Box–Muller on the seeded stream.
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A direction of unit norm: L∞ uniform in the unit cube (not unit-norm: the cube itself), L2 on the sphere. */
function direction(d: number, norm: Distance, rand: () => number, corners: boolean): Float64Array {
  const v = new Float64Array(d);
  if (norm === 'linf') {
    for (let i = 0; i < d; i++) v[i] = corners ? (rand() < 0.5 ? -1 : 1) : 2 * rand() - 1;
    return v;
  }
  let s = 0;
  for (let i = 0; i < d; i++) s += (v[i] = gaussian(rand)) ** 2;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < d; i++) v[i] /= n;
  return v;
}

/**
 * The clipping-aware rescaling of their boundary points (Rauber & Bethge 2020's idea, by bisection here):
 * the scale s with ‖clip(x + s·δ) − x‖ = ε. That norm never falls as s grows, so bisection finds it; if
 * clipping caps it below ε (ε larger than the room the valid range leaves) the farthest point is returned.
 */
export function clipAwareRescale(x: Float32Array, delta: Float64Array, epsilon: number, norm: Distance, r: ElementRange): Float32Array {
  const at = (s: number) => distance(clipInto(x, delta, r, s), x, norm);
  let lo = 0;
  let hi = 1;
  while (at(hi) < epsilon && hi < 1e6) {
    lo = hi;
    hi *= 2;
  }
  if (at(hi) < epsilon) return clipInto(x, delta, r, hi);
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (at(mid) < epsilon) lo = mid;
    else hi = mid;
  }
  // hi: the smallest scale found whose distance reaches ε (float32 rounding may leave it a hair above).
  const p = clipInto(x, delta, r, hi);
  const over = distance(p, x, norm);
  return over > epsilon ? clipInto(x, delta, r, lo) : p;
}

export interface SampledPoints {
  /** x first, then the random inner points: [(1 + innerPoints)·d]. */
  inner: Float32Array;
  /** [d] */
  boundary: Float32Array;
  innerCount: number;
}

/** Inner points (x and `innerPoints` random ones within (1 − gap)·ε) and one boundary point at distance ε. */
export function samplePoints(x: Float32Array, range: ElementRange, o: SamplingOptions): SampledPoints {
  checkSampling(o);
  const d = x.length;
  const rand = mulberry32(o.seed);
  const count = 1 + o.innerPoints;
  const inner = new Float32Array(count * d);
  inner.set(x, 0);
  const radius = (1 - o.gap) * o.epsilon;
  for (let k = 1; k < count; k++) {
    const v = direction(d, o.norm, rand, false);
    // L2: radius ηε·u^(1/d) makes the point uniform in the ball; L∞: the cube already is.
    const scale = o.norm === 'linf' ? radius : radius * Math.pow(rand(), 1 / d);
    inner.set(clipInto(x, v, range, scale), k * d);
  }
  const dir = direction(d, o.norm, rand, o.boundaryFromCorners);
  const boundary = o.boundaryFromCorners ? clipInto(x, dir, range, o.epsilon) : clipAwareRescale(x, dir, o.epsilon, o.norm, range);
  return { inner, boundary, innerCount: count };
}

function checkSampling(o: SamplingOptions): void {
  if (o.norm !== 'linf' && o.norm !== 'l2') throw new Error(`binarization test: norm must be linf or l2, got "${String(o.norm)}"`);
  if (!(Number.isFinite(o.epsilon) && o.epsilon > 0)) throw new Error(`binarization test: ε must be a finite number > 0, got ${o.epsilon}`);
  if (!(Number.isInteger(o.innerPoints) && o.innerPoints >= 0)) throw new Error(`binarization test: innerPoints must be an integer ≥ 0, got ${o.innerPoints}`);
  if (!(o.gap >= 0 && o.gap < 1)) throw new Error(`binarization test: gap must lie in [0, 1), got ${o.gap}`);
  if (o.boundaryFromCorners && o.norm !== 'linf') throw new Error('binarization test: corners exist only for the L∞ ball (boundaryFromCorners needs norm linf)');
}

// ---------------------------------------------------------------------------------------------------------
// 3. The readout

export interface Readout {
  /** z = w·f + b; the 2-class logits are [−z, z]. */
  w: Float64Array;
  b: number;
}

export interface ReadoutFit {
  readout: Readout;
  /** Every training point classified right (z < 0 for class 0, z > 0 for class 1): a valid test. */
  separates: boolean;
  epochs: number;
}

export interface ReadoutOptions {
  /** Adam step size; theirs: 0.05. */
  learningRate: number;
  /** Give up after this many full-batch epochs; theirs: 50 000. */
  maxEpochs: number;
}

export const READOUT_DEFAULTS: ReadoutOptions = { learningRate: 0.05, maxEpochs: 50_000 };

export function readoutZ(r: Readout, features: Float32Array | Float64Array, row: number): number {
  const d = r.w.length;
  let z = r.b;
  for (let j = 0; j < d; j++) z += r.w[j] * features[row * d + j];
  return z;
}

/**
 * Unregularised logistic regression on `features` [n·d] with `labels` (0/1), full-batch Adam from w = 0,
 * stopped at the first epoch where every point is classified right (their 'adam' optimiser and stopping
 * rule); then their "fixed" logit rescaling (logit range 1), which changes no decision.
 * Binary logistic regression on z is their two-logit softmax [−z, z] up to z's scale (σ(2z)): same decisions.
 */
export function fitReadout(features: Float32Array, labels: Uint8Array, options: ReadoutOptions = READOUT_DEFAULTS): ReadoutFit {
  const n = labels.length;
  if (n === 0 || features.length % n !== 0) throw new Error(`fitReadout: ${features.length} feature values for ${n} labels`);
  if (!(options.learningRate > 0) || !(Number.isInteger(options.maxEpochs) && options.maxEpochs >= 0)) throw new Error('fitReadout: learningRate must be > 0 and maxEpochs an integer ≥ 0');
  const d = features.length / n;
  const p = d + 1; // w then b
  const theta = new Float64Array(p);
  const m = new Float64Array(p);
  const v = new Float64Array(p);
  const g = new Float64Array(p);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const readout = (): Readout => ({ w: theta.subarray(0, d), b: theta[d] });
  const allRight = () => {
    const r = readout();
    for (let i = 0; i < n; i++) {
      const z = readoutZ(r, features, i);
      if (labels[i] ? !(z > 0) : !(z < 0)) return false;
    }
    return true;
  };
  let epochs = 0;
  let separates = allRight();
  while (!separates && epochs < options.maxEpochs) {
    g.fill(0);
    const r = readout();
    for (let i = 0; i < n; i++) {
      const z = readoutZ(r, features, i);
      // d/dz of the mean cross-entropy of σ(z) against the label.
      const dz = (1 / (1 + Math.exp(-z)) - labels[i]) / n;
      for (let j = 0; j < d; j++) g[j] += dz * features[i * d + j];
      g[d] += dz;
    }
    epochs++;
    const c1 = 1 - b1 ** epochs;
    const c2 = 1 - b2 ** epochs;
    for (let j = 0; j < p; j++) {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      theta[j] -= (options.learningRate * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
    }
    separates = allRight();
  }
  // "fixed" rescaling: the logits [−z, z] of the training points span a range of 1.
  const r = readout();
  let zMax = 0;
  for (let i = 0; i < n; i++) zMax = Math.max(zMax, Math.abs(readoutZ(r, features, i)));
  const s = zMax > 0 ? 1 / (2 * zMax) : 1;
  return { readout: { w: Float64Array.from(r.w, (x) => x * s), b: r.b * s }, separates, epochs };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Feature extractors and the binarized classifier

/** The network up to its last (linear) layer: penultimate features [n, d] of normalised inputs. */
export interface FeatureExtractor {
  features(x: tf.Tensor4D): tf.Tensor2D;
  inputShape: [number, number, number];
  normalization: Normalization;
  /** The same features whose JumpReLU gradients follow another backward rule. */
  withBackward?(backward: JumpReluBackward): FeatureExtractor;
}

/**
 * A retrofitted model's penultimate features at a fixed κ: the input of its output Dense layer, through
 * the plain-op forward pass (plain-forward.ts) the attacks differentiate, with its own κ and backward rule.
 */
export function featuresFromRetrofit(r: RetrofittedModel, normalization: Normalization, kappa: number, backward: JumpReluBackward = EXACT_BACKWARD): FeatureExtractor {
  if (typeof kappa !== 'number' || !(kappa >= 0)) throw new Error(`binarization test: κ must be a number ≥ 0 (randomized κ is not supported), got ${String(kappa)}`);
  const last = r.model.outputs[0].sourceLayer;
  if (last.getClassName() !== 'Dense') throw new Error(`binarization test: the model's output layer must be Dense (its input is the penultimate features), got ${last.getClassName()} "${last.name}"`);
  const featureModel = tf.model({ inputs: r.model.inputs, outputs: last.input as tf.SymbolicTensor });
  const own = new KappaControl();
  const plain = plainForward(featureModel, own);
  if (!plain) throw new Error('binarization test: the plain-op forward pass does not support this model\'s layers');
  const inShape = r.model.inputs[0].shape;
  return {
    inputShape: inShape.slice(1) as [number, number, number],
    normalization,
    features(x) {
      own.setKappa(kappa);
      own.setBackward(backward);
      const f = plain(x);
      return (f.rank === 2 ? f : tf.tidy(() => tf.reshape(f, [x.shape[0], -1]))) as tf.Tensor2D;
    },
    withBackward: (b) => featuresFromRetrofit(r, normalization, kappa, b),
  };
}

/** The binarized classifier: features → [−z, z]. Class 0: like x; class 1: the boundary point's side. */
export function binarizedClassifier(extractor: FeatureExtractor, readout: Readout): Classifier & { dispose(): void } {
  const w = tf.tensor2d(Float32Array.from(readout.w), [readout.w.length, 1]);
  const sign = tf.tensor2d([[-1, 1]]);
  const view = (ex: FeatureExtractor): Classifier => ({
    numClasses: 2,
    inputShape: ex.inputShape,
    normalization: ex.normalization,
    logits: (x) => tf.tidy(() => {
      const f = ex.features(x);
      if (f.shape[1] !== readout.w.length) throw new Error(`binarized classifier: ${f.shape[1]} features, readout has ${readout.w.length}`);
      return tf.matMul(tf.add(tf.matMul(f, w), readout.b), sign) as tf.Tensor2D;
    }),
    ...(ex.withBackward ? { withBackward: (b: JumpReluBackward) => view(ex.withBackward!(b)) } : {}),
  });
  return { ...view(extractor), dispose: () => tf.dispose([w, sign]) };
}

// ---------------------------------------------------------------------------------------------------------
// The test

export interface BinarizationAttack {
  /** The table's words, e.g. "PGD L∞, straight-through gradients". */
  label: string;
  attack: AttackDefinition<object>;
  /** The attack's own options; a fixed-ε attack's `epsilon` is set to the test's ε. */
  options?: Record<string, unknown>;
  gradientMode?: GradientMode;
}

export interface BinarizationOptions extends SamplingOptions {
  readout?: ReadoutOptions;
  signal?: AbortSignal;
  onProgress?: (p: { sample: number; samples: number }) => void;
}

export interface AttackPassRate {
  label: string;
  /** Valid samples on which the attack found an input within ε classified as class 1. */
  passed: number;
  valid: number;
  rate: number;
}

export interface BinarizationResult {
  samples: number;
  /** Images the original classifier gets wrong: not tested. */
  misclassified: number;
  /** The readout did not separate inner and boundary points (or x was not class 0 in the attack's pass). */
  invalid: number;
  valid: number;
  attacks: AttackPassRate[];
  /** Epochs the readout fits took, for the record (valid samples). */
  meanEpochs: number;
}

/**
 * Runs the test on images x [n, h, w, c] (normalised) with `labels`, judged by `classifier` (the network
 * whose features `extractor` gives, at the same κ): each correctly classified image gets its own readout,
 * seeded by `seed + image index`, then every attack runs on the binarized classifier at ε.
 */
export async function binarizationTest(
  classifier: Classifier,
  extractor: FeatureExtractor,
  x: tf.Tensor4D,
  labels: ArrayLike<number>,
  attacks: readonly BinarizationAttack[],
  options: BinarizationOptions,
): Promise<BinarizationResult> {
  checkSampling(options);
  if (attacks.length === 0) throw new Error('binarization test: no attacks to run');
  for (const a of attacks) {
    if (a.attack.kind === 'fixed-epsilon' && a.attack.distance !== options.norm) {
      throw new Error(`binarization test: ${a.label} bounds the ${a.attack.distance} norm, the test's ball is ${options.norm}`);
    }
    if (a.attack.kind === 'fixed-epsilon' && a.options && 'epsilon' in a.options && a.options.epsilon !== options.epsilon) {
      throw new Error(`binarization test: ${a.label} was given ε = ${String(a.options.epsilon)}, the test's ε is ${options.epsilon}`);
    }
  }
  const n = x.shape[0];
  if (labels.length !== n) throw new Error(`binarization test: ${labels.length} labels for ${n} images`);
  const predictions = await predict(classifier, x);
  const range = pixelElementRange(extractor.normalization);
  const d = x.shape[1] * x.shape[2] * x.shape[3];
  const all = await x.data() as Float32Array;
  const passed = attacks.map(() => 0);
  let misclassified = 0;
  let invalid = 0;
  let valid = 0;
  let epochSum = 0;
  for (let i = 0; i < n; i++) {
    options.onProgress?.({ sample: i, samples: n });
    if (options.signal?.aborted) throw new Error('binarization test: aborted');
    if (predictions[i] !== labels[i]) {
      misclassified++;
      continue;
    }
    const xi = all.slice(i * d, (i + 1) * d);
    const pts = samplePoints(xi, range, { ...options, seed: (options.seed + i) >>> 0 });
    const count = pts.innerCount + 1;
    const batch = new Float32Array(count * d);
    batch.set(pts.inner, 0);
    batch.set(pts.boundary, pts.innerCount * d);
    const feats = tf.tidy(() => extractor.features(tf.tensor4d(batch, [count, ...extractor.inputShape])));
    const f = Float32Array.from(await feats.data());
    feats.dispose();
    const y = new Uint8Array(count);
    y[count - 1] = 1;
    const fit = fitReadout(f, y, options.readout ?? READOUT_DEFAULTS);
    if (!fit.separates) {
      invalid++;
      continue;
    }
    const bin = binarizedClassifier(extractor, fit.readout);
    const xt = tf.tensor4d(xi, [1, ...extractor.inputShape]);
    try {
      // The readout was fitted on these very features; x must be class 0 in the attacks' own pass too.
      if ((await predict(bin, xt))[0] !== 0) {
        invalid++;
        continue;
      }
      valid++;
      epochSum += fit.epochs;
      for (let a = 0; a < attacks.length; a++) {
        const spec = attacks[a];
        const own = spec.attack.kind === 'fixed-epsilon' ? { ...spec.options, epsilon: options.epsilon } : { ...spec.options };
        const r = await runAnyAttack(spec.attack, bin, xt, [0], { ...own, clip: 'pixel', gradientMode: spec.gradientMode, signal: options.signal });
        r.adversarial.dispose();
        const size = options.norm === 'linf' ? r.linf[0] : r.l2[0];
        // Float32 slack on the norm: a fixed-ε attack's projection lands on ε up to rounding.
        if (r.success[0] === 1 && size <= options.epsilon * (1 + 1e-5)) passed[a]++;
      }
    } finally {
      xt.dispose();
      bin.dispose();
    }
  }
  return {
    samples: n,
    misclassified,
    invalid,
    valid,
    attacks: attacks.map((a, k) => ({ label: a.label, passed: passed[k], valid, rate: valid ? passed[k] / valid : NaN })),
    meanEpochs: valid ? epochSum / valid : NaN,
  };
}
