/**
 * What the jump does inside the network: for each JumpReLU layer, the pre-activations z it receives on
 * one input, and how many of its units are silenced — by plain ReLU already (z ≤ 0) or only by the jump
 * (0 < z ≤ κ). Later layers' z depend on κ (the earlier jumps feed them), so the picture moves with κ.
 */
import * as tf from '@tensorflow/tfjs';
import { kappaF32 } from '../op/jump-relu';
import { KappaControl } from '../retrofit/kappa-control';
import { plainPreActivations } from '../retrofit/plain-forward';
import type { RetrofittedModel } from '../retrofit/retrofit';

export interface LayerPreActivations {
  layer: string;
  z: Float32Array;
}

/**
 * Every JumpReLU layer's input on x at a fixed κ, in the model's layer order: a plain forward pass with its
 * own κ (a fresh KappaControl per pass), so it never sets the model's shared control and may run beside
 * any other view of the model. The caller disposes the tensors.
 */
export function preActivationTensors(r: RetrofittedModel, x: tf.Tensor, kappa: number): { layer: string; z: tf.Tensor }[] {
  if (!r.jumpLayers.length) throw new Error('preActivationProbe: the model has no JumpReLU layer');
  const pass = plainPreActivations(r.model, new KappaControl(kappa));
  if (!pass) throw new Error('preActivationProbe: the model has a layer the plain forward pass does not support');
  const taps = pass(x);
  return r.jumpLayers.map((layer) => ({ layer, z: taps.get(layer)! }));
}

/** A probe reading every JumpReLU layer's input at a fixed κ, as numbers. */
export function preActivationProbe(r: RetrofittedModel): (x: tf.Tensor, kappa: number) => Promise<LayerPreActivations[]> {
  if (!r.jumpLayers.length) throw new Error('preActivationProbe: the model has no JumpReLU layer');
  return async (x, kappa) => {
    const zs = preActivationTensors(r, x, kappa);
    try {
      const data = await Promise.all(zs.map(({ z }) => z.data() as Promise<Float32Array>));
      return zs.map(({ layer }, i) => ({ layer, z: data[i] }));
    } finally {
      tf.dispose(zs.map(({ z }) => z));
    }
  };
}

export interface PreActivationStats {
  layer: string;
  units: number;
  /** Share of units with z ≤ 0: silent under plain ReLU too. */
  relu: number;
  /** Share with 0 < z ≤ κ: silenced by the jump alone. */
  jump: number;
  /** Histogram over [lo, hi] in equal bins; values outside the range are counted in the end bins. */
  lo: number;
  hi: number;
  counts: number[];
}

export interface HistogramOptions {
  /** Number of bins. */
  bins: number;
  /** Share of values left out of the range at each end (they go to the end bins), so outliers do not squash the picture. */
  tail: number;
}

export const HISTOGRAM_DEFAULTS = { bins: 40, tail: 0.005 } as const satisfies HistogramOptions;

function quantile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/**
 * Shares and histogram of one layer's z at κ. The range always holds 0 and κ, so both lines can be drawn;
 * `range` fixes it instead (e.g. to compare two κ on the same axis).
 */
export function preActivationStats(layer: string, z: Float32Array, kappa: number, options: Partial<HistogramOptions & { range: [number, number] }> = {}): PreActivationStats {
  const { bins, tail } = { ...HISTOGRAM_DEFAULTS, ...options };
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`preActivationStats: bins must be a positive integer, got ${bins}`);
  if (!z.length) throw new Error(`preActivationStats: layer ${layer} has no units`);
  const k = kappaF32(kappa); // the kernels compare against κ in float32
  let relu = 0;
  let jump = 0;
  for (const v of z) {
    if (v <= 0) relu++;
    else if (v <= k) jump++;
  }
  let [lo, hi] = options.range ?? (() => {
    const sorted = Float32Array.from(z).sort();
    return [Math.min(0, quantile(sorted, tail)), Math.max(k, quantile(sorted, 1 - tail))];
  })();
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const v of z) {
    if (Number.isNaN(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  }
  return { layer, units: z.length, relu: relu / z.length, jump: jump / z.length, lo, hi, counts };
}
