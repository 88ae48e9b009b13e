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

export const JUMP_RELU = 'JumpRelu';

export type JumpReluInputs = { x: tf.TensorInfo };
export interface JumpReluAttrs {
  /** Threshold κ ≥ 0 is the paper's range; any finite value is accepted. */
  kappa: number;
}

/** κ as the kernels see it: rounded to float32 once, here. */
export const kappaF32 = (kappa: number): number => Math.fround(kappa);

export function jumpRelu<T extends tf.Tensor>(x: T | tf.TensorLike, kappa: number): T {
  if (typeof kappa !== 'number' || !Number.isFinite(kappa)) {
    throw new Error(`jumpRelu: κ must be a finite number, got ${String(kappa)}`);
  }
  const $x = x instanceof tf.Tensor ? x : tf.tensor(x as tf.TensorLike);
  if ($x.dtype !== 'float32') {
    throw new Error(`jumpRelu: x must be float32, got ${$x.dtype}`);
  }
  const inputs: JumpReluInputs = { x: $x };
  const attrs: JumpReluAttrs = { kappa };
  return tf.engine().runKernel(JUMP_RELU, inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap) as T;
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
