/**
 * ∇x of a stride-1, dilation-1 convolution whose output feeds a tiled ('valid', stride = window) max-pool,
 * straight from the pool's cotangent, for many cotangents per image (DeepFool's candidates).
 *
 * Unfused, the backward spreads the pooled cotangent to the convolution's output resolution (three in four
 * values zero) and runs a full transposed convolution over it. Each pooled value reaches exactly one
 * position, its window's first maximum (as tfjs-cpu and PyTorch route ties), so the kernel adds one kernel
 * patch per non-zero pooled value instead: a quarter of the multiply-adds or fewer. An element-wise
 * derivative between convolution and pool (a JumpReLU before the pool) is applied at the routed position.
 *
 * Kernels: cpu and wasm (a hand-written SIMD module). The other backends have none; `pooledConvInputGrad`
 * is then unavailable and callers take the unfused path.
 */
import * as tf from '@tensorflow/tfjs-core';

export const POOLED_CONV_INPUT_GRAD = 'PooledConvInputGrad';

export type PooledConvInputGradInputs = {
  /** The pool's cotangent [n·K, ph, pw, c]; row i·K + r belongs to image i. */
  dy: tf.TensorInfo;
  /** The pool's input [n, h, w, c]: where each window's first maximum is. */
  x: tf.TensorInfo;
  /** The convolution kernel transposed to [c, kh, kw, cin]. */
  wt: tf.TensorInfo;
  /** Optional derivative [n, h, w, c] of the element-wise op between convolution and pool. */
  d?: tf.TensorInfo;
};

export interface PooledConvInputGradAttrs {
  /** Cotangents per image (K). */
  copies: number;
  poolSize: [number, number];
  /** The convolution's input size [ih, iw] and its zero padding before the first row and column. */
  inputSize: [number, number];
  padding: [number, number];
}

/** Shapes and the checks every kernel relies on (so a kernel never reads past a tensor). */
export function pooledConvInputGradShape(inputs: PooledConvInputGradInputs, attrs: PooledConvInputGradAttrs) {
  const [rows, ph, pw, c] = inputs.dy.shape;
  const [n, h, w, cx] = inputs.x.shape;
  const [cw, kh, kw, cin] = inputs.wt.shape;
  const [sh, sw] = attrs.poolSize;
  const [ih, iw] = attrs.inputSize;
  const [top, left] = attrs.padding;
  const ok = inputs.dy.shape.length === 4 && inputs.x.shape.length === 4 && inputs.wt.shape.length === 4
    && rows === n * attrs.copies && c === cx && c === cw && ph * sh <= h && pw * sw <= w
    && (!inputs.d || inputs.d.shape.every((v, i) => v === inputs.x.shape[i]));
  if (!ok) throw new Error(`${POOLED_CONV_INPUT_GRAD}: inconsistent shapes dy ${inputs.dy.shape}, x ${inputs.x.shape}, wt ${inputs.wt.shape}, copies ${attrs.copies}`);
  return { rows, ph, pw, c, h, w, sh, sw, kh, kw, cin, ih, iw, top, left };
}

/** Whether the active backend has the fused kernel. */
export const pooledConvInputGradAvailable = (): boolean => tf.getKernel(POOLED_CONV_INPUT_GRAD, tf.getBackend()) !== undefined;

/**
 * dx [n·K, ih, iw, cin]. `kernel` is the convolution's [kh, kw, cin, c]; `padding` its [top, left] zero
 * padding; `derivative` (optional) multiplies each routed value.
 */
export function pooledConvInputGrad(
  dy: tf.Tensor4D, poolInput: tf.Tensor4D, kernel: tf.Tensor4D, derivative: tf.Tensor4D | null,
  copies: number, poolSize: [number, number], inputSize: [number, number], padding: [number, number],
): tf.Tensor4D {
  return tf.tidy(() => {
    const wt = tf.transpose(kernel, [3, 0, 1, 2]);
    const inputs: PooledConvInputGradInputs = derivative ? { dy, x: poolInput, wt, d: derivative } : { dy, x: poolInput, wt };
    const attrs: PooledConvInputGradAttrs = { copies, poolSize, inputSize, padding };
    pooledConvInputGradShape(inputs, attrs);
    return tf.engine().runKernel(POOLED_CONV_INPUT_GRAD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  });
}
