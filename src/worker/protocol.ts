/**
 * The typed contract between the UI and the compute worker. Everything that crosses the boundary is a
 * plain structured-cloneable value (no tensors); pixel data travels as typed arrays. Both sides import
 * only types from here, so the UI bundle never pulls in TF.js through this file.
 */
import type { BackendChoice, BackendName } from '../core/backend/select';
import type { DatasetName } from '../core/data/manifest';
import type { ModelCard, ModelIndexEntry } from '../core/models/card';
import type { ColumnKey } from '../core/metrics/paper-protocol';
import type { TableCell } from '../core/metrics/robustness-table';
import type { PreActivationStats } from '../core/metrics/pre-activations';
import type { ParamSpec, ParamValue } from '../core/attacks/params';
import type { GradientMode } from '../core/op/gradient-mode';
import type { AdaptiveSection } from '../core/metrics/adaptive-suite';

export type { AdaptiveSection, BackendName, DatasetName, GradientMode, ModelCard, ModelIndexEntry, ParamSpec, ParamValue, PreActivationStats };

export interface SelfCheck {
  ok: boolean;
  /** What was compared, and the first disagreement if any. */
  detail: string;
  ms: number;
}

export interface BackendInfo {
  choice: BackendChoice;
  selfCheck: SelfCheck;
  /** Set when the self-check failed on the chosen backend and the worker fell back to another. */
  fallbackNotice: string | null;
}

export interface DatasetInfo {
  dataset: DatasetName;
  classNames: string[];
  /** Per-image [h, w, c]. */
  shape: [number, number, number];
  count: number;
}

export interface GalleryImage {
  /** Index of the image in the shard. */
  index: number;
  label: number;
  /** h·w·c uint8 pixels, HWC. */
  pixels: Uint8Array;
}

export interface LoadedModelInfo {
  card: ModelCard;
  dataset: DatasetInfo;
  gallery: GalleryImage[];
}

/** κ as a request carries it (the core's `KappaSetting` is the resolved number or randomized range). */
export interface KappaChoice {
  kappa: number;
  /** Randomized JumpReLU: each layer and pass draws κ ~ U[0.6·κ, κ] from `seed`. */
  randomized: boolean;
  seed: number;
}

export interface EvalRequest extends KappaChoice {
  modelId: string;
  /** Number of test images evaluated: the first `sampleSize` of the shard (clamped to its size), visited in
   * the class-stratified order of core/data/stratified-order.ts so every prefix is a fair sample. */
  sampleSize: number;
  /** Shard indices of the gallery images, predicted right after the first estimate (sent with its progress). */
  galleryIndices: number[];
  /** Size of the first batch; absent: sized from the model's measured speed. `npm run bench` sets the full
   * batch to time the sweep as it ran before it was progressive. */
  firstBatch?: number;
}

export interface GalleryPrediction {
  index: number;
  predicted: number;
  /** Softmax probability of the predicted class. */
  confidence: number;
  correct: boolean;
}

export interface EvalResult {
  request: EvalRequest;
  correct: number;
  total: number;
  accuracy: number;
  gallery: GalleryPrediction[];
  ms: number;
  /** Time to the first estimate (the first batch's progress), and how many images it rested on. */
  firstMs: number;
  firstImages: number;
}

export interface Progress {
  done: number;
  total: number;
  /** Short words for the progress bar, e.g. "unprotected model, iteration 3 of 40". */
  label?: string;
  /** Evaluations: correct answers among the `done` images so far (a partial result to show while it runs). */
  correct?: number;
  /** Evaluations: the gallery's predictions, once made (after the first batch), before the sweep ends. */
  gallery?: GalleryPrediction[];
}

export type ProgressFn = (p: Progress) => void;

export interface AttackDescriptor {
  id: string;
  label: string;
  /** The norm the attack minimises or bounds; also the norm of the ρ shown for it. */
  norm: 'l2' | 'linf';
  /** The attack's specs from the core catalogue (each with its paper values), then the clip range. */
  params: readonly ParamSpec[];
  summary: string;
  /** minimization: the smallest perturbation that fools (refined to the boundary); fixed-epsilon: within a budget. */
  kind: 'minimization' | 'fixed-epsilon';
  /** False for attacks that read only scores or labels: a gradient mode does not apply to them. */
  usesGradients: boolean;
}

export type ThreatModel = 'white-box' | 'gray-box';

export interface AttackRequest extends KappaChoice {
  modelId: string;
  imageIndex: number;
  attackId: string;
  params: Record<string, ParamValue>;
  threat: ThreatModel;
  /** JumpReLU's backward rule for the attacker's gradients (the forward pass never changes). */
  gradientMode: GradientMode;
  /** Width τ of the smoothed backward (> 0; read in 'smoothed' mode only). */
  smoothingTau: number;
  /**
   * The student's own image (uint8 HWC of the data set's shape) instead of test image `imageIndex`. It
   * has no label: the label is what the unprotected model reads in it.
   */
  ownPixels?: Uint8Array;
  /** Targeted attack: the class the image should become; null or absent: any wrong class. */
  target?: number | null;
}

/** A drawn or uploaded image as the browser decoded it (ImageData's RGBA bytes). */
export interface OwnImage {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface OwnPredictRequest extends KappaChoice {
  modelId: string;
  /** A raw image to preprocess, or pixels already made (a drawing restored from a link). */
  image: OwnImage | { pixels: Uint8Array };
}

export interface OwnPredictResult {
  /** The image as the model sees it: uint8 HWC of the data set's shape. */
  pixels: Uint8Array;
  unprotected: Prediction;
  protected: Prediction;
  ms: number;
}

export interface HistogramRequest {
  modelId: string;
  /** Fixed κ of the picture (randomized mode shows its upper bound). */
  kappa: number;
  /** A test image, or the own image's pixels. */
  image: { index: number } | { pixels: Uint8Array };
}

export interface HistogramResult {
  request: HistogramRequest;
  layers: PreActivationStats[];
  ms: number;
}

export interface Prediction {
  predicted: number;
  top: { cls: number; p: number }[];
}

export interface AttackSide {
  /** κ of the model this side is evaluated on (0 = unprotected ReLU). */
  kappa: number;
  randomized: boolean;
  clean: Prediction;
  adversarial: Prediction;
  /** The adversarial image in pixel space [0, 1], HWC float. */
  advPixels: Float32Array;
  /** |Δx| per pixel in pixel units (max over channels), h·w. */
  deltaAbs: Float32Array;
  /** Norms of Δ in the normalised input space, as the paper measures them. */
  l2: number;
  linf: number;
  /** ‖Δ‖ / ‖x‖ in the attack's norm (paper eq. 12, one image). */
  rho: number;
  /**
   * ρ after boundary refinement (the smallest scale of Δ that still fools); null where it does not apply:
   * a fixed-ε attack, or an adversarial that does not fool (nothing to shrink).
   */
  rhoRefined: number | null;
  iterations: number;
  /** The adversarial image is misclassified by this side's model. */
  success: boolean;
  /** The clean image was already misclassified, so it was not attacked (zero perturbation). */
  skipped: boolean;
  /** Where the adversarial was crafted: on this model, or transferred from κ = 0 (gray-box). */
  craftedOn: 'self' | 'kappa-0';
}

/** One side's numbers under another gradient mode (the stronger attacker beside the requested one). */
export interface SideNumbers {
  rho: number;
  rhoRefined: number | null;
  success: boolean;
  iterations: number;
}

/**
 * The same minimization attack under a second gradient mode, on both sides: straight-through beside the
 * requested mode (exact beside a straight-through request). At κ = 0 exact and straight-through are the
 * same rule (1[z > 0]), so that side's numbers are the requested run's, not a rerun.
 */
export interface Companion {
  gradientMode: GradientMode;
  unprotected: SideNumbers;
  protected: SideNumbers;
}

export interface AttackPairResult {
  request: AttackRequest;
  label: number;
  cleanPixels: Float32Array;
  unprotected: AttackSide;
  protected: AttackSide;
  norm: 'l2' | 'linf';
  /** Null with `companionNote` saying why (fixed-ε or gradient-free attack, gray-box). */
  companion: Companion | null;
  companionNote: string | null;
  ms: number;
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  backend: string;
}

export interface StartResult {
  backend: BackendInfo;
  models: ModelIndexEntry[];
  attacks: AttackDescriptor[];
}

// ---- Analysis panels (paper Figures 4, 7, 8 and Tables 1, 2; κ tuner) -------------------------------------

export type { ColumnKey, TableCell };

export type AnalysisKind = 'tradeoff' | 'table' | 'transfer' | 'iterations' | 'tuner' | 'adaptive';

/**
 * Which shard images the analyses may use. The validation split (the last images of the shard) is reserved
 * for the κ tuner; every other analysis samples only from the evaluation split, so the κ it proposes is
 * never measured on the images it was chosen on.
 */
export interface SplitInfo {
  evaluation: { start: number; count: number };
  validation: { start: number; count: number };
}

export interface TradeoffRequest { kind: 'tradeoff'; modelId: string; kappas: number[]; rhoSample: number; cleanSample: number }
/** κ = 0 and `kappa` (randomized when `randomized`), white-box and gray-box. trSteps 0 skips Trust Region. */
export interface TableRequest extends KappaChoice { kind: 'table'; modelId: string; sample: number; trSteps: number }
export interface TransferRequest { kind: 'transfer'; modelId: string; kappas: number[]; sample: number; steps: number }
export interface IterationsRequest { kind: 'iterations'; modelId: string; kappas: number[]; sample: number; steps: number }
/** budget: clean-accuracy points (percentage points) the proposed κ may lose against κ = 0 on validation. */
export interface TuneRequest { kind: 'tuner'; modelId: string; budget: number; rhoSample: number }

/**
 * "Is the defence real?": the adaptive suite (core/metrics/adaptive-protocol.ts) at κ = 0 and `kappa` on
 * `sample` evaluation images; `queries` is Square's budget per image (≥ 1).
 */
export interface AdaptiveRequest { kind: 'adaptive'; modelId: string; kappa: number; sample: number; queries: number }

export type AnalysisRequest = TradeoffRequest | TableRequest | TransferRequest | IterationsRequest | TuneRequest | AdaptiveRequest;

export interface TradeoffPoint {
  kappa: number;
  /** Clean accuracy on `cleanCount` evaluation images. */
  clean: number;
  /** Mean minimal DeepFool-L2 ρ on `rhoCount` evaluation images (paper eq. 12). */
  rho: number;
  /** Fraction of the attacked images DeepFool fooled (ρ is only meaningful when this is ≈ 1). */
  foolRate: number;
  /**
   * The stronger attacker: DeepFool-L2 with straight-through gradients, refined to the boundary (mean ρ on
   * the same images), and its fool rate.
   */
  rhoStraightThrough: number;
  foolRateStraightThrough: number;
}

export interface TradeoffResult { kind: 'tradeoff'; request: TradeoffRequest; points: TradeoffPoint[]; cleanCount: number; rhoCount: number; split: SplitInfo; ms: number }

export interface TableRowView {
  /** The κ setting: a number, or the randomized upper bound b. */
  kappa: number;
  randomized: boolean;
  clean: number;
  cells: Partial<Record<ColumnKey, TableCell>>;
}

export interface TableResult {
  kind: 'table'; request: TableRequest; count: number; whiteBox: TableRowView[]; grayBox: TableRowView[];
  /** The core's table columns, in the paper's order (a skipped column shows no cells). */
  columns: { key: ColumnKey; title: string }[]; split: SplitInfo; ms: number;
}

export interface TransferResult {
  kind: 'transfer'; request: TransferRequest; kappas: number[];
  /** accuracy[source][target]. */
  accuracy: number[][]; count: number; split: SplitInfo; ms: number;
}

export interface IterationsResult {
  kind: 'iterations'; request: IterationsRequest;
  /** accuracy[t] after t IFGSM steps, t = 0 … steps. */
  curves: { kappa: number; accuracy: number[] }[]; count: number; split: SplitInfo; ms: number;
}

export interface TuneResult {
  kind: 'tuner'; request: TuneRequest;
  /** Clean accuracy on the validation split at every κ of the card's grid, ascending κ. */
  validation: { kappa: number; accuracy: number }[];
  validationCount: number;
  baseline: number;
  proposed: number;
  /** Mean DeepFool-L2 ρ on `rhoCount` evaluation images at κ = 0 and at the proposed κ. */
  rho: { baseline: number; proposed: number };
  /** Clean accuracy on the evaluation sample used for ρ, at κ = 0 and the proposed κ. */
  clean: { baseline: number; proposed: number };
  rhoCount: number;
  /** The same rule applied to every shipped model's card (accuracyByKappa, full test set): κ differs per model. */
  byModel: { id: string; name: string; proposed: number | null; grid: number[] }[];
  split: SplitInfo;
  ms: number;
}

export interface AdaptiveResult {
  kind: 'adaptive'; request: AdaptiveRequest;
  /** κ = 0 first, then the requested κ (one section when it is 0). */
  sections: AdaptiveSection[];
  /** Square's query budget per image, as run. */
  queries: number;
  count: number; split: SplitInfo; ms: number;
}

export type AnalysisResult = TradeoffResult | TableResult | TransferResult | IterationsResult | TuneResult | AdaptiveResult;

/** Results written by `npm run reproduce` (scripts/reproduce.ts) to public/reference/<model-id>.json. */
export interface ReferenceRow { kappa: number; randomized: boolean; clean: number; cells: Partial<Record<ColumnKey, TableCell>> }
export interface ReferenceResults {
  model: string;
  count: number;
  seed: number;
  backend: string;
  whiteBox: ReferenceRow[];
  grayBox: ReferenceRow[];
  /** "Is the defence real?" per κ (reproduce --adaptive). */
  adaptive?: AdaptiveReference[];
}

/** One cell of the adaptive section: an attack under one gradient mode (null: gradient-free); ρ raw and refined. */
export interface AdaptiveReferenceCell {
  gradientMode: string | null;
  distance: 'l2' | 'linf' | null;
  rho: number;
  rhoRefined: number;
  foolRate: number;
  meanIterations: number;
}

export interface AdaptiveReference {
  kappa: number;
  count: number;
  /** Keyed `<attack id>[+<gradient mode>]`. */
  cells: Record<string, AdaptiveReferenceCell>;
  bestOf: { rhoL2: number; rhoLinf: number; foolRate: number; robustAccuracy?: Record<'l2' | 'linf', { epsilons: number[]; accuracy: number[] }> };
  redFlags: Record<string, { flagged: boolean; explanation: string }>;
}
