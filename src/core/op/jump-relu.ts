/**
 * JumpReLU (Erichson, Yao, Mahoney 2019, eq. 7): J(z) = z if z > κ else 0. κ = 0 is ReLU.
 *
 * The only place that declares the kernel's name, inputs and attributes; every backend kernel and the
 * gradient import them. Semantics shared by all backends (and by `jumpReluReference` below):
 *  - the comparison is against κ rounded to float32, so CPU and GPU agree at the threshold;
 *  - z == κ gives 0 (strict inequality); −∞ gives 0, +∞ gives +∞ (for finite κ);
 *  - NaN stays NaN, as TF.js's own Relu propagates NaN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EXACT_BACKWARD, jumpReluBackward, kernelRule, smoothedDerivative, type GradientMode, type JumpReluBackward } from './gradient-mode';

export const JUMP_RELU = 'JumpRelu';

export type JumpReluInputs = { x: tf.TensorInfo };
export interface JumpReluAttrs {
  /** Threshold κ ≥ 0 is the paper's range; any finite value is accepted. */
  kappa: number;
  /** The backward rule its gradient uses (gradient-mode.ts); the forward kernels ignore both. */
  gradient: GradientMode;
  tau: number;
}

/** κ as the kernels see it: rounded to float32 once, here. */
export const kappaF32 = (kappa: number): number => Math.fround(kappa);

export function jumpRelu<T extends tf.Tensor>(x: T | tf.TensorLike, kappa: number, backward: JumpReluBackward = EXACT_BACKWARD): T {
  if (typeof kappa !== 'number' || !Number.isFinite(kappa)) {
    throw new Error(`jumpRelu: κ must be a finite number, got ${String(kappa)}`);
  }
  const $x = x instanceof tf.Tensor ? x : tf.tensor(x as tf.TensorLike);
  if ($x.dtype !== 'float32') {
    throw new Error(`jumpRelu: x must be float32, got ${$x.dtype}`);
  }
  const inputs: JumpReluInputs = { x: $x };
  const { mode, tau } = jumpReluBackward(backward.mode, backward.tau);
  const attrs: JumpReluAttrs = { kappa, gradient: mode, tau };
  return tf.engine().runKernel(JUMP_RELU, inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap) as T;
}

export const JUMP_RELU_GRAD = 'JumpReluGrad';

export type JumpReluGradInputs = { dy: tf.TensorInfo; x: tf.TensorInfo };

/** The backward kernel's attributes: the rule `kernelRule` resolved from κ and the gradient mode. */
export interface JumpReluGradAttrs {
  rule: 'step' | 'smoothed';
  threshold: number;
  tau: number;
}

/**
 * The backward kernel, one pass instead of Greater, Cast and Multiply (three GPU dispatches or wasm loops
 * per JumpReLU layer per backward pass). Rule 'step': dy where x > threshold, else 0; 'smoothed': dy·s′(x)
 * (gradient-mode.ts). A select, not a product with 0: where the derivative is 0 the result is 0 even for
 * dy = ±∞ or NaN; x = NaN gives 0.
 */
export function jumpReluGrad<T extends tf.Tensor>(dy: T, x: T, kappa: number, backward: JumpReluBackward = EXACT_BACKWARD): T {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32') throw new Error(`jumpReluGrad: dy and x must be float32, got ${dy.dtype} and ${x.dtype}`);
  if (!tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`jumpReluGrad: dy ${JSON.stringify(dy.shape)} and x ${JSON.stringify(x.shape)} differ in shape`);
  const inputs: JumpReluGradInputs = { dy, x };
  const rule = kernelRule(kappa, jumpReluBackward(backward.mode, backward.tau));
  const attrs: JumpReluGradAttrs = { rule: rule.rule, threshold: rule.threshold, tau: rule.tau };
  return tf.engine().runKernel(JUMP_RELU_GRAD, inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap) as T;
}

export function jumpReluGradReference(dy: ArrayLike<number>, x: ArrayLike<number>, kappa: number, backward: JumpReluBackward = EXACT_BACKWARD): Float32Array {
  const { rule, threshold, tau } = kernelRule(kappa, backward);
  const k = kappaF32(threshold);
  return Float32Array.from({ length: x.length }, (_, i) => {
    const v = Math.fround(x[i]);
    if (rule === 'step') return v > k ? Math.fround(dy[i]) : 0;
    const d = smoothedDerivative(v, k, Math.fround(tau));
    return d === 0 ? 0 : Math.fround(dy[i]) * d;
  });
}

/** Plain-JS reference the kernels are tested against. */
export function jumpReluReference(values: ArrayLike<number>, kappa: number): Float32Array {
  const k = kappaF32(kappa);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(values[i]);
    out[i] = Number.isNaN(v) ? NaN : v > k ? v : 0;
  }
  return out;
}
