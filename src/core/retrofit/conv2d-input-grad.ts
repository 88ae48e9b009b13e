/**
 * tf.conv2d whose input gradient is itself a forward convolution, for attacks (∇x only).
 *
 * Why: TF.js computes ∇x of a convolution with the Conv2DBackpropInput kernel, which on the wasm backend
 * is a scalar loop (not XNNPACK) and took ~45% of a DeepFool run; Conv2D there is XNNPACK. For stride 1
 * and dilation 1 the input gradient is the full correlation of dy with the kernel flipped in space and
 * with its channel axes swapped:
 *   dx = conv2d(dy, flip(W)ᵀ, padding (kh−1−top, kh−1−bottom, kw−1−left, kw−1−right)).
 * Other strides/dilations keep TF.js's own gradient. The kernel is a constant here: no ∇W (callers only
 * need ∇x, and the weights are trained elsewhere).
 */
import * as tf from '@tensorflow/tfjs';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine';

type Pad = 'valid' | 'same';

/** Zero padding (top, bottom, left, right) that conv2d applies for this padding mode at stride 1. */
function forwardPadding(pad: Pad, kh: number, kw: number): [number, number, number, number] {
  if (pad === 'valid') return [0, 0, 0, 0];
  // 'same' at stride 1: k − 1 zeros in total, the odd one at the bottom/right (as TF does).
  return [Math.floor((kh - 1) / 2), Math.ceil((kh - 1) / 2), Math.floor((kw - 1) / 2), Math.ceil((kw - 1) / 2)];
}

export const isUnitStride = (strides: [number, number], dilations: [number, number]): boolean =>
  strides[0] === 1 && strides[1] === 1 && dilations[0] === 1 && dilations[1] === 1;

/** ∇x of a stride-1, dilation-1 convolution for cotangent dy (any batch size), as a forward convolution. */
export function convInputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernel.shape;
    const [top, bottom, left, right] = forwardPadding(pad, kh, kw);
    const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    // Explicit padding inside the convolution: a separate tf.pad is a slow copy on wasm.
    return tf.conv2d(dy, flipped, 1, [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]]);
  });
}

export function conv2dInputGrad(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: [number, number],
  pad: Pad,
  dilations: [number, number],
): tf.Tensor4D {
  if (!isUnitStride(strides, dilations)) return tf.conv2d(x, kernel, strides, pad, 'NHWC', dilations);
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.conv2d(input as tf.Tensor4D, kernel, 1, pad),
    gradFunc: (dy: tf.Tensor) => convInputGradient(dy as tf.Tensor4D, kernel, pad),
  })) as CustomGradientFunc<tf.Tensor4D>);
  return f(x) as tf.Tensor4D;
}
