/**
 * tf.conv2d whose input gradient is itself a forward convolution, for attacks (∇x only).
 *
 * Why: TF.js computes ∇x of a convolution with the Conv2DBackpropInput kernel, which on the wasm backend
 * is a scalar loop (not XNNPACK) and took ~45% of a DeepFool run; Conv2D there is XNNPACK. For stride 1
 * and dilation 1 the input gradient is the full correlation of dy with the kernel flipped in space and
 * with its channel axes swapped:
 *   dx = conv2d(dy, flip(W)ᵀ, padding (kh−1−top, kh−1−bottom, kw−1−left, kw−1−right)).
 * Strided convolutions (ResNet downsampling) correlate dy with the kernel's per-phase sub-kernels and
 * interleave the phases (`phaseInputGradient`). Depthwise convolutions (MobileNetV2) do the stride-1
 * correlation channel by channel, a strided one on dy spread over the stride grid (zeros in between).
 * Dilated kernels keep TF.js's own gradient. The kernel is a constant
 * here: no ∇W (callers only need ∇x, and the weights are trained elsewhere).
 */
import * as tf from '@tensorflow/tfjs';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine';
import { paddingOf, winogradConv3x3, winogradConv3x3Applies } from '../op/winograd-conv3x3';

type Pad = 'valid' | 'same';

/** TF's zero padding (before, after) along one axis of `size` for kernel k and stride s. */
export function axisPadding(pad: Pad, size: number, k: number, s: number): [number, number] {
  if (pad === 'valid') return [0, 0];
  // 'same': output ceil(size / s); the odd zero goes after (bottom/right), as TF does.
  const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export const isUnitDilation = (dilations: [number, number]): boolean => dilations[0] === 1 && dilations[1] === 1;

type Padding4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The kernel [kh, kw, cin, cout] with its spatial taps rearranged, as [taps, cin, cout]: tap i is the kernel's
 * tap from[i] (row-major; −1: zeros). A product with a 0/1 matrix, exact for finite weights, because wasm's
 * Reverse is an element loop: flipping a 3×3×64×64 kernel took ~1 ms there, the product a twentieth of that.
 */
function selectTaps(kernel: tf.Tensor4D, from: number[]): tf.Tensor3D {
  const [kh, kw, cin, cout] = kernel.shape;
  const taps = kh * kw;
  const pick = new Float32Array(from.length * taps);
  from.forEach((src, i) => { if (src >= 0) pick[i * taps + src] = 1; });
  return tf.reshape(tf.matMul(tf.tensor2d(pick, [from.length, taps]), tf.reshape(kernel, [taps, cin * cout])), [from.length, cin, cout]);
}

/** The kernel flipped in space, [kh·kw, cin, cout]. */
const flippedTaps = (kernel: tf.Tensor4D): tf.Tensor3D => selectTaps(kernel, Array.from({ length: kernel.shape[0] * kernel.shape[1] }, (_, i) => kernel.shape[0] * kernel.shape[1] - 1 - i));

/**
 * dy [n, oh, ow, c] prepared for a stride-1 full correlation that yields ∇x of a dilation-1 convolution
 * with kernel size [kh, kw], any stride: each dy value at its window's origin on the (padded) input grid,
 * zeros between, and the explicit padding that crops the forward padding away.
 */
function correlationInput(dy: tf.Tensor4D, [kh, kw]: [number, number], pad: Pad, [sh, sw]: [number, number], inputSize?: [number, number]): { g: tf.Tensor4D; padding: Padding4 } {
  const [n, oh, ow, c] = dy.shape;
  const [h, w] = inputSize ?? [oh, ow];
  const [top, bottom] = axisPadding(pad, h, kh, sh);
  const [left, right] = axisPadding(pad, w, kw, sw);
  let g: tf.Tensor4D = dy;
  if (sh !== 1 || sw !== 1) {
    // [n, oh·sh, ow·sw, c]. Rank-4 pads, one axis at a time: WebGL's pad shader does not compile for rank 6.
    const rows = tf.reshape(tf.pad(tf.reshape(dy, [n, oh, 1, ow * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n * oh * sh, ow, 1, c]);
    g = tf.reshape(tf.pad(rows, [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, oh * sh, ow * sw, c]);
  }
  // The stride-1 correlation of g over the padded input (h + top + bottom rows) spans g's rows plus
  // `extraH` more; padding (kh − 1 − top) before and the rest after crops the forward padding away.
  // Explicit padding inside the convolution: a separate tf.pad is a slow copy on wasm.
  const extraH = h + top + bottom - kh + 1 - g.shape[1];
  const extraW = w + left + right - kw + 1 - g.shape[2];
  return { g, padding: [[0, 0], [kh - 1 - top, kh - 1 - bottom + extraH], [kw - 1 - left, kw - 1 - right + extraW], [0, 0]] };
}

/**
 * ∇x of a strided, dilation-1 convolution by output phases, with no zeros spread over the stride grid.
 * Input position s·q + r − pad (phase r < s) reads dy[q − j]·W[r + s·j] for the taps j < ⌈(k − r)/s⌉, so
 * every phase is a stride-1 correlation of dy itself with a sub-kernel of W. All phases' sub-kernels
 * (zero-padded to ⌈k/s⌉ taps) stack on the output-channel axis: one convolution of dy yields
 * [n, Q, Q′, sh·sw·cin], interleaved into [n, Q·sh, Q′·sw, cin] by a reshape and one transpose, then cropped
 * to the input. A 3×3 stride-2 gradient does 16 multiply-adds per output pixel and channel pair where the
 * zero-spread input did 36 (ResNet-20's two downsampling convolutions took ~15% of a DeepFool step).
 */
function phaseInputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, pad: Pad, [sh, sw]: [number, number], [h, w]: [number, number]): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape;
  const [n, oh, ow] = dy.shape;
  const [top] = axisPadding(pad, h, kh, sh);
  const [left] = axisPadding(pad, w, kw, sw);
  const [jh, jw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  // Phases per axis: ⌈(top + h)/s⌉ rows cover the padded input from its first row; never fewer than dy's.
  const [qh, qw] = [Math.ceil((top + h) / sh), Math.ceil((left + w) / sw)];
  // Sub-kernel taps (th, tw) of phase (rh, rw): kernel tap (rh + sh·(jh − 1 − th), rw + sw·(jw − 1 − tw)), flipped
  // for the correlation; taps past the kernel are zeros.
  const from: number[] = [];
  for (let th = 0; th < jh; th++) for (let tw = 0; tw < jw; tw++) for (let rh = 0; rh < sh; rh++) for (let rw = 0; rw < sw; rw++) {
    const [i, j] = [rh + sh * (jh - 1 - th), rw + sw * (jw - 1 - tw)];
    from.push(i < kh && j < kw ? i * kw + j : -1);
  }
  const phases = tf.transpose(tf.reshape(selectTaps(kernel, from), [jh * jw, sh * sw, cin, cout]), [0, 3, 1, 2]);
  const y = tf.conv2d(dy, tf.reshape(phases, [jh, jw, cout, sh * sw * cin]) as tf.Tensor4D, 1, [[0, 0], [jh - 1, qh - oh], [jw - 1, qw - ow], [0, 0]]);
  const rows = sh === 1 ? y : tf.transpose(tf.reshape(y, [n * qh, qw, sh, sw * cin]), [0, 2, 1, 3]);
  const dx = tf.reshape(rows, [n, qh * sh, qw * sw, cin]) as tf.Tensor4D;
  return qh * sh === h && qw * sw === w && top === 0 && left === 0 ? dx : tf.slice(dx, [0, top, left, 0], [n, h, w, cin]);
}

/**
 * ∇x of a dilation-1 convolution (any stride) for cotangent dy (any batch size), as a forward convolution.
 * `inputSize` [h, w] is the forward input's spatial size (needed when the stride is not 1).
 */
export function convInputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, pad: Pad, strides: [number, number] = [1, 1], inputSize?: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernel.shape;
    const c = dy.shape[3];
    if (strides[0] !== 1 || strides[1] !== 1) return phaseInputGradient(dy, kernel, pad, strides, inputSize ?? [dy.shape[1], dy.shape[2]]);
    const { g, padding } = correlationInput(dy, [kh, kw], pad, strides, inputSize);
    // A 3×3 kernel's input gradient is a 3×3 stride-1 correlation too: Winograd where it applies.
    if (winogradConv3x3Applies(dy.shape, kernel.shape, true)) return winogradConv3x3(g, kernel, [padding[1][0], padding[1][1], padding[2][0], padding[2][1]], true);
    if (kernel.shape[2] === 1) {
      // One input channel (a grayscale first layer): a convolution with one output channel is XNNPACK's
      // worst case on wasm (2.4 GFLOP/s, a third of DeepFool's MNIST kernel time); a depthwise correlation
      // per cotangent channel, then their sum, is ~1.8× faster and the same sum in another order.
      const flippedDepthwise = tf.reshape(flippedTaps(kernel), [kh, kw, c, 1]) as tf.Tensor4D;
      return tf.sum(tf.depthwiseConv2d(g, flippedDepthwise, 1, padding), 3, true);
    }
    const flipped = tf.reshape(tf.transpose(flippedTaps(kernel), [0, 2, 1]), [kh, kw, c, kernel.shape[2]]) as tf.Tensor4D;
    return tf.conv2d(g, flipped, 1, padding);
  });
}

/**
 * ∇x of a dilation-1 depthwise convolution (any stride; kernel [kh, kw, c, m], output channel c·m + j reads
 * input channel c) as a forward depthwise convolution: each output channel's cotangent correlated with its own
 * flipped kernel, then the m channels of one input channel summed. TF.js's DepthwiseConv2dNativeBackpropInput
 * has no wasm kernel in tfjs 4.22.
 */
export function depthwiseInputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, pad: Pad, strides: [number, number] = [1, 1], inputSize?: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = kernel.shape;
    const { g, padding } = correlationInput(dy, [kh, kw], pad, strides, inputSize);
    const flipped = tf.reshape(flippedTaps(kernel), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const perOutput = tf.depthwiseConv2d(g, flipped, 1, padding);
    if (m === 1) return perOutput;
    const [n, h, w] = perOutput.shape;
    return tf.sum(tf.reshape(perOutput, [n, h, w, c, m]), 4) as tf.Tensor4D;
  });
}

/** forward(x) whose ∇x is `inputGradient(dy, input size)`: the kernel is a constant (no ∇W). */
function withInputGradient(x: tf.Tensor4D, forward: (t: tf.Tensor4D) => tf.Tensor4D,
  inputGradient: (dy: tf.Tensor4D, size: [number, number]) => tf.Tensor4D): tf.Tensor4D {
  const size: [number, number] = [x.shape[1], x.shape[2]];
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: forward(input as tf.Tensor4D),
    gradFunc: (dy: tf.Tensor) => inputGradient(dy as tf.Tensor4D, size),
  })) as CustomGradientFunc<tf.Tensor4D>);
  return f(x) as tf.Tensor4D;
}

/** tf.depthwiseConv2d whose input gradient is depthwiseInputGradient (dilation 1; any stride). */
export function depthwiseConv2dInputGrad(x: tf.Tensor4D, kernel: tf.Tensor4D, strides: [number, number], pad: Pad): tf.Tensor4D {
  return withInputGradient(x, (t) => tf.depthwiseConv2d(t, kernel, strides, pad),
    (dy, size) => depthwiseInputGradient(dy, kernel, pad, strides, size));
}

export function conv2dInputGrad(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: [number, number],
  pad: Pad,
  dilations: [number, number],
): tf.Tensor4D {
  if (!isUnitDilation(dilations)) return tf.conv2d(x, kernel, strides, pad, 'NHWC', dilations);
  const winograd = strides[0] === 1 && strides[1] === 1 && winogradConv3x3Applies(x.shape, kernel.shape);
  return withInputGradient(x, (t) => (winograd ? winogradConv3x3(t, kernel, paddingOf(pad)) : tf.conv2d(t, kernel, strides, pad)),
    (dy, size) => convInputGradient(dy, kernel, pad, strides, size));
}
