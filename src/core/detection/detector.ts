/**
 * The LID detector's protocol (Ma et al., ICLR 2018; erichson/JumpReLU detect_adv_examples.py `detect`,
 * lidutils.py `block_split`, `train_lr`, `compute_roc`):
 *  - negatives: clean images and their Gaussian-noise copies; positives: their adversarials (label 1);
 *    only images the classifier gets right and whose adversarial fools it, so the three sets are aligned;
 *  - 80/20 split in blocks of 100: the first ⌊0.8·m/100⌋·100 images of each set train, the rest test
 *    (the authors' `int(partition·0.008)·100`), training rows ordered clean, noisy, adversarial;
 *  - min-max scaling fitted on the training part (the authors fit it on all rows before the split; the
 *    issue asks for the training part, which keeps the held-out part unseen), then logistic regression with
 *    cross-validated C (logistic-regression.ts), and the ROC/AUC of its probabilities on the held-out part.
 */
import { fitLogisticCv, predictProba, type CvResult } from './logistic-regression';
import { rocArea, rocCurve, type RocPoint } from './roc';
import { mulberry32 } from '../op/randomized';

export interface DetectionFeatures {
  /** Feature rows per image; the three sets aligned (row i of each comes from the same test image). */
  clean: readonly Float64Array[];
  noisy: readonly Float64Array[];
  adversarial: readonly Float64Array[];
}

export interface DetectorOptions {
  /** Split granularity (default 100: the LID minibatch). */
  block: number;
  /** Share of each set used for training, rounded down to whole blocks (default 0.8). */
  trainFraction: number;
  /** Cross-validation folds (default 5, sklearn's). */
  folds: number;
  Cs?: readonly number[];
}

export const DETECTOR_DEFAULTS: DetectorOptions = { block: 100, trainFraction: 0.8, folds: 5 };

export interface DetectorResult {
  auc: number;
  roc: RocPoint[];
  /** Images per set in the training and held-out parts. */
  trainPerSet: number;
  testPerSet: number;
  /** Min-max scaling fitted on the training part: (x − min)·scale. */
  min: number[];
  scale: number[];
  cv: Omit<CvResult, 'model'>;
  weights: number[];
  intercept: number;
  C: number;
  /** Held-out probabilities and labels (clean, noisy, adversarial order). */
  testScores: number[];
  testLabels: number[];
}

/** Rows of the three sets in the protocol's order, with labels (clean 0, noisy 0, adversarial 1). */
function stack(f: DetectionFeatures, from: number, to: number): { x: Float64Array[]; y: number[] } {
  const x = [...f.clean.slice(from, to), ...f.noisy.slice(from, to), ...f.adversarial.slice(from, to)];
  const each = to - from;
  return { x, y: [...new Array<number>(2 * each).fill(0), ...new Array<number>(each).fill(1)] };
}

export function trainCount(m: number, block: number, trainFraction: number): number {
  return Math.floor((trainFraction * m) / block) * block;
}

export function evaluateDetector(f: DetectionFeatures, options: Partial<DetectorOptions> = {}): DetectorResult {
  const { block, trainFraction, folds, Cs } = { ...DETECTOR_DEFAULTS, ...options };
  const m = f.clean.length;
  if (f.noisy.length !== m || f.adversarial.length !== m) throw new Error(`detector: the sets must be aligned (clean ${m}, noisy ${f.noisy.length}, adversarial ${f.adversarial.length})`);
  if (!(trainFraction > 0 && trainFraction < 1)) throw new Error(`detector: trainFraction must be in (0, 1), got ${trainFraction}`);
  const t = trainCount(m, block, trainFraction);
  if (t === 0 || t >= m) {
    throw new Error(`detector: ${m} images per set give no ${Math.round(100 * trainFraction)}/${Math.round(100 * (1 - trainFraction))} split in blocks of ${block}; use at least ${Math.ceil(block / trainFraction)} correctly classified images whose adversarial fools the model`);
  }
  for (const [name, rows] of Object.entries(f)) {
    (rows as Float64Array[]).forEach((row, i) => row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new Error(`detector: feature ${j} of ${name} image ${i} is ${v} (a layer whose activations coincide: LID is undefined there)`);
    }));
  }
  const train = stack(f, 0, t);
  const test = stack(f, t, m);
  const p = train.x[0].length;
  const min = Array.from({ length: p }, (_, j) => Math.min(...train.x.map((r) => r[j])));
  // sklearn's MinMaxScaler: a constant feature keeps scale 1.
  const scale = Array.from({ length: p }, (_, j) => {
    const range = Math.max(...train.x.map((r) => r[j])) - min[j];
    return range > 0 ? 1 / range : 1;
  });
  const scaled = (rows: Float64Array[]) => rows.map((r) => r.map((v, j) => (v - min[j]) * scale[j]));
  const fit = fitLogisticCv(scaled(train.x), train.y, { folds, ...(Cs ? { Cs } : {}) });
  const scores = Array.from(predictProba(fit.model, scaled(test.x)));
  const roc = rocCurve(test.y, scores);
  return {
    auc: rocArea(roc), roc, trainPerSet: t, testPerSet: m - t, min, scale,
    cv: { Cs: fit.Cs, scores: fit.scores, folds: fit.folds },
    weights: Array.from(fit.model.weights), intercept: fit.model.intercept, C: fit.model.C,
    testScores: scores, testLabels: test.y,
  };
}

/** Seeded standard normal draws (Box–Muller over mulberry32). */
export function gaussian(seed: number): () => number {
  const rand = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * Ma et al.'s default noise scale: Gaussian noise whose L2 norm matches the adversarial perturbations'
 * mean L2 norm (their lidutils.py: "Gaussian noise scale sizes that were determined so that the average
 * L-2 perturbation size is equal to that of the adversarial samples"; the JumpReLU authors pass σ by
 * hand). E‖N(0, σ²I_D)‖₂ ≈ σ√D, so σ = mean‖δ‖₂ / √D; clipping to the input range shortens it a little.
 */
export function matchedSigma(adversarialL2: ArrayLike<number>, dim: number): number {
  if (!adversarialL2.length) throw new Error('noise σ: no adversarial perturbations to match');
  let s = 0;
  for (let i = 0; i < adversarialL2.length; i++) s += adversarialL2[i];
  return s / adversarialL2.length / Math.sqrt(dim);
}

/** x + σ·N(0, 1), clipped to [lo, hi] (the authors clamp to the test set's global min and max). */
export function addGaussianNoise(x: ArrayLike<number>, sigma: number, seed: number, lo: number, hi: number): Float32Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new Error(`noise σ must be a finite number ≥ 0, got ${sigma}`);
  const draw = gaussian(seed);
  return Float32Array.from(x, (v) => Math.min(hi, Math.max(lo, v + sigma * draw())));
}
