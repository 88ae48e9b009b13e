/**
 * A 3×3, stride-1 convolution with zero padding up to 2 (and so its input gradient) by Winograd's F(4×4, 3×3) on
 * the wasm backend: 36 multiply-adds per 16 outputs and channel pair where the direct convolution does 144
 * (Lavin & Gray, CVPR 2016). Why: XNNPACK's direct convolution already runs near wasm SIMD's peak here (wasm has no fused
 * multiply-add), and the CIFAR-10 networks' DeepFool is mostly such convolutions (issue 29 item 6; README "Speed").
 *
 * The kernel (kernels/winograd-conv3x3.wat) takes the transformed kernel U = G g Gᵀ [36, c, k], computed here
 * in float64 from the kernel's values and kept per kernel tensor (a Float32Array, not a tensor: nothing to
 * dispose). Only the wasm backend has the kernel, with at most 2 threads (the kernel runs on one; XNNPACK's
 * convolutions parallelise, see kernels/winograd-conv3x3.wasm.ts) and channel counts it handles (c a multiple of
 * 4, k of 8); `winogradConv3x3Applies` says when, and callers use tf.conv2d otherwise. Float32 Winograd rounds
 * differently from the direct sum (within 2e-5 of the output's scale, tested against float64); the flag
 * JUMPRELU_WINOGRAD (default on) turns it off, for the paired bench.
 */
import * as tf from '@tensorflow/tfjs-core';

export const WINOGRAD_CONV3X3 = 'WinogradConv3x3';

tf.env().registerFlag('JUMPRELU_WINOGRAD', () => true);

export type WinogradConv3x3Inputs = {
  /** [n, h, w, c]. */
  x: tf.TensorInfo;
  /** The transformed kernel [36, c, k]. */
  u: tf.TensorInfo;
};

export interface WinogradConv3x3Attrs {
  /** Tiles per block (a multiple of 4): the block's transformed inputs and products stay in cache. */
  tileBlock: number;
  /** Zero rows and columns around x: [top, bottom, left, right]. */
  padding: [number, number, number, number];
}

/** Shapes and the checks every kernel relies on (so a kernel never reads past a tensor). */
export function winogradConv3x3Shape(inputs: WinogradConv3x3Inputs, attrs: WinogradConv3x3Attrs) {
  const [n, h, w, c] = inputs.x.shape;
  const [xi, cu, k] = inputs.u.shape;
  const [pt, pb, pl, pr] = attrs.padding;
  const oh = h + pt + pb - 2;
  const ow = w + pl + pr - 2;
  const ok = inputs.x.shape.length === 4 && inputs.u.shape.length === 3 && xi === 36 && cu === c && c % 4 === 0 && k % 8 === 0
    && attrs.padding.every((p) => Number.isInteger(p) && p >= 0 && p <= 2) && oh >= 1 && ow >= 1 && attrs.tileBlock > 0 && attrs.tileBlock % 4 === 0;
  if (!ok) throw new Error(`${WINOGRAD_CONV3X3}: unsupported shapes x ${inputs.x.shape}, u ${inputs.u.shape}, padding ${attrs.padding}, tile block ${attrs.tileBlock}`);
  return { n, h, w, c, k, oh, ow, pt, pl, tileBlock: attrs.tileBlock };
}

/** Scratch floats for one call: V [36, tb, c], M [36, tb, k], then 76 v128 of patch and tile space. */
export const winogradScratchFloats = (tb: number, c: number, k: number): number => 36 * tb * (c + k) + 304;

/** Tiles per block: V and M of one block within ~512 KB (L2-sized), a multiple of 4. */
export const tileBlockFor = (c: number, k: number): number => Math.max(4, Math.floor((512 * 1024) / (36 * 4 * (c + k)) / 4) * 4);

const G = [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]];

/**
 * U [36, c, k] = G g Gᵀ for each channel pair of a [3, 3, cin, cout] kernel. `inputGradient`: the kernel of the
 * input gradient instead, flip(g)ᵀ (taps reversed, cin and cout swapped: c = cout, k = cin).
 */
export function winogradKernel(values: Float32Array, cin: number, cout: number, inputGradient: boolean): Float32Array {
  const [c, k] = inputGradient ? [cout, cin] : [cin, cout];
  const tap = (ky: number, kx: number, ci: number, ko: number) => (inputGradient
    ? values[(((2 - ky) * 3 + (2 - kx)) * cin + ko) * cout + ci]
    : values[((ky * 3 + kx) * cin + ci) * cout + ko]);
  const u = new Float32Array(36 * c * k);
  const gg = new Float64Array(18); // G g, 6 × 3
  for (let ci = 0; ci < c; ci++) {
    for (let ko = 0; ko < k; ko++) {
      for (let i = 0; i < 6; i++) for (let b = 0; b < 3; b++) gg[i * 3 + b] = G[i][0] * tap(0, b, ci, ko) + G[i][1] * tap(1, b, ci, ko) + G[i][2] * tap(2, b, ci, ko);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) u[((i * 6 + j) * c + ci) * k + ko] = gg[i * 3] * G[j][0] + gg[i * 3 + 1] * G[j][1] + gg[i * 3 + 2] * G[j][2];
    }
  }
  return u;
}

/** Transformed kernels per kernel tensor (its dataId lives as long as its values do). */
const transformed = new WeakMap<object, { forward?: Float32Array; inputGradient?: Float32Array }>();

type Ready = () => boolean;
let ready: Ready = () => false;
/** Set by the wasm kernel module: whether the active backend can run the kernel now (SIMD module, ≤ 2 threads). */
export const setWinogradReady = (f: Ready): void => { ready = f; };

/**
 * Whether a stride-1 correlation of x with `kernel` (or, `inputGradient`, with the kernel of its input gradient)
 * runs by Winograd here: wasm with the kernel registered, flag on, a 3×3 kernel and channel counts it handles.
 */
export function winogradConv3x3Applies(xShape: number[], kernelShape: number[], inputGradient = false): boolean {
  if (!tf.env().getBool('JUMPRELU_WINOGRAD') || tf.getBackend() !== 'wasm' || !tf.getKernel(WINOGRAD_CONV3X3, 'wasm')) return false;
  const [kh, kw, cin, cout] = kernelShape;
  const [ci, co] = inputGradient ? [cout, cin] : [cin, cout];
  return kh === 3 && kw === 3 && xShape[3] === ci && ci % 4 === 0 && co % 8 === 0 && ready();
}

/** Zero padding [top, bottom, left, right] of a 3×3 stride-1 convolution, 'same' or 'valid'. */
export const paddingOf = (pad: 'same' | 'valid'): [number, number, number, number] => (pad === 'same' ? [1, 1, 1, 1] : [0, 0, 0, 0]);

/**
 * The stride-1 correlation of x, zero-padded by `padding` [top, bottom, left, right], with a [3, 3, cin, cout]
 * kernel; `inputGradient`: with the kernel of that convolution's input gradient (flipped taps, cin and cout
 * swapped), so x is then a cotangent with cout channels.
 */
export function winogradConv3x3(x: tf.Tensor4D, kernel: tf.Tensor4D, padding: [number, number, number, number], inputGradient = false): tf.Tensor4D {
  const [, , cin, cout] = kernel.shape;
  let cache = transformed.get(kernel.dataId);
  if (!cache) transformed.set(kernel.dataId, (cache = {}));
  const key = inputGradient ? 'inputGradient' : 'forward';
  const values = (cache[key] ??= winogradKernel(kernel.dataSync() as Float32Array, cin, cout, inputGradient));
  const [c, k] = inputGradient ? [cout, cin] : [cin, cout];
  return tf.tidy(() => {
    const u = tf.tensor3d(values, [36, c, k]);
    const inputs: WinogradConv3x3Inputs = { x, u };
    const attrs: WinogradConv3x3Attrs = { tileBlock: tileBlockFor(c, k), padding };
    winogradConv3x3Shape(inputs, attrs);
    return tf.engine().runKernel(WINOGRAD_CONV3X3, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  });
}
