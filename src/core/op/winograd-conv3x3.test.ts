import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { conv2dInputGrad } from '../retrofit/conv2d-input-grad';
import { registerKernels } from './register';
import { WINOGRAD_CONV3X3, winogradConv3x3, winogradConv3x3Applies, winogradKernel } from './winograd-conv3x3';

/** Deterministic values in [−1, 1). */
function values(len: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: len }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (2 * s) / 2147483648 - 1;
  });
}

type Pad4 = [number, number, number, number];

/**
 * Float64 reference. Forward: x [n, h, w, c] zero-padded by `pad` [top, bottom, left, right], correlated with
 * w [3, 3, c, k]. `inputGradient`: ∇x of the forward convolution with padding `pad` and kernel w read as
 * [3, 3, cin = k, cout = c], for the cotangent x [n, h, w, c] (its output):
 * dx[iy, ix, ci] = Σ dy[iy + top − ky, ix + left − kx, co] · W[ky, kx, ci, co].
 */
function reference(x: Float32Array, wv: Float32Array, [n, h, w, c]: number[], k: number, pad: Pad4, inputGradient: boolean): { out: Float64Array; shape: number[] } {
  const [pt, pb, pl, pr] = pad;
  if (!inputGradient) {
    const [oh, ow] = [h + pt + pb - 2, w + pl + pr - 2];
    const out = new Float64Array(n * oh * ow * k);
    for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let ko = 0; ko < k; ko++) {
      let s = 0;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = y - pt + ky;
        const ix = xo - pl + kx;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        for (let ci = 0; ci < c; ci++) s += x[((b * h + iy) * w + ix) * c + ci] * wv[((ky * 3 + kx) * c + ci) * k + ko];
      }
      out[((b * oh + y) * ow + xo) * k + ko] = s;
    }
    return { out, shape: [n, oh, ow, k] };
  }
  // The forward input's size: h = ih + pt + pb − 2  ⇒  ih = h − pt − pb + 2.
  const [ih, iw] = [h - pt - pb + 2, w - pl - pr + 2];
  const out = new Float64Array(n * ih * iw * k);
  for (let b = 0; b < n; b++) for (let iy = 0; iy < ih; iy++) for (let ix = 0; ix < iw; ix++) for (let ci = 0; ci < k; ci++) {
    let s = 0;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const y = iy + pt - ky;
      const xo = ix + pl - kx;
      if (y < 0 || y >= h || xo < 0 || xo >= w) continue;
      for (let co = 0; co < c; co++) s += x[((b * h + y) * w + xo) * c + co] * wv[((ky * 3 + kx) * k + ci) * c + co];
    }
    out[((b * ih + iy) * iw + ix) * k + ci] = s;
  }
  return { out, shape: [n, ih, iw, k] };
}

interface Case { name: string; x: [number, number, number, number]; k: number; pad: Pad4 }
const SAME: Pad4 = [1, 1, 1, 1];
const CASES: Case[] = [
  { name: "'same', interior and edge tiles (16 × 16)", x: [2, 16, 16, 8], k: 16, pad: SAME },
  { name: "'same', edge tiles only, non-square (8 × 12)", x: [3, 8, 12, 4], k: 8, pad: SAME },
  { name: "'same', one tile per image, many channels", x: [5, 4, 4, 32], k: 24, pad: SAME },
  { name: "'same', ResNet-20 stage 3 (8 × 8 × 64)", x: [2, 8, 8, 64], k: 64, pad: SAME },
  { name: "'valid', outputs cut mid-tile (15 → 13, AlexLike's third layer)", x: [2, 15, 15, 32], k: 64, pad: [0, 0, 0, 0] },
  { name: "'valid', 32 → 30, odd width", x: [1, 32, 13, 4], k: 8, pad: [0, 0, 0, 0] },
];

function worstRelative(got: Float32Array, expected: Float64Array): number {
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  got.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected[i])); });
  return worst / scale;
}

describe('Winograd F(4×4, 3×3) convolution on wasm', () => {
  beforeAll(async () => {
    registerKernels();
    await useBackend('wasm');
  });
  afterEach(() => tf.env().set('JUMPRELU_WINOGRAD', true));

  it('applies to the shapes it handles, and only there', () => {
    expect(winogradConv3x3Applies([2, 16, 16, 8], [3, 3, 8, 16])).toBe(true);
    expect(winogradConv3x3Applies([2, 16, 16, 16], [3, 3, 8, 16], true)).toBe(true);
    expect(winogradConv3x3Applies([2, 16, 16, 8], [3, 3, 8, 12])).toBe(false); // k not a multiple of 8
    expect(winogradConv3x3Applies([2, 15, 13, 8], [3, 3, 8, 16])).toBe(true); // any spatial size
    expect(winogradConv3x3Applies([2, 16, 16, 3], [3, 3, 3, 16])).toBe(false); // RGB input
    expect(winogradConv3x3Applies([2, 16, 16, 16], [3, 3, 3, 16], true)).toBe(false); // its input gradient (cin 3)
    expect(winogradConv3x3Applies([2, 16, 16, 8], [5, 5, 8, 16])).toBe(false);
    tf.env().set('JUMPRELU_WINOGRAD', false);
    expect(winogradConv3x3Applies([2, 16, 16, 8], [3, 3, 8, 16])).toBe(false);
  });

  it.each(CASES)('equals the float64 correlation and its input gradient: $name', ({ x: shape, k, pad }) => {
    const [, , , c] = shape;
    const xv = values(shape.reduce((a, b) => a * b), 3);
    const wv = values(9 * c * k, 5);
    const before = tf.memory().numTensors;
    // The input gradient of a convolution with padding p is a correlation with padding 2 − p.
    const gradPad = pad.map((p) => 2 - p) as Pad4;
    const [y, dx] = tf.tidy(() => {
      const w = tf.tensor4d(wv, [3, 3, c, k]);
      const wt = tf.tensor4d(wv, [3, 3, k, c]); // the same values read as a [3, 3, cin = k, cout = c] kernel
      return [winogradConv3x3(tf.tensor4d(xv, shape), w, pad), winogradConv3x3(tf.tensor4d(xv, shape), wt, gradPad, true)];
    });
    const fwd = reference(xv, wv, shape, k, pad, false);
    const grad = reference(xv, wv, shape, k, pad, true);
    expect(y.shape).toEqual(fwd.shape);
    expect(dx.shape).toEqual(grad.shape);
    // Float32 Winograd: the transforms scale values by up to ~100 before the sums, so its rounding is ~10× the direct sum's.
    expect(worstRelative(y.dataSync() as Float32Array, fwd.out)).toBeLessThan(2e-5);
    expect(worstRelative(dx.dataSync() as Float32Array, grad.out)).toBeLessThan(2e-5);
    tf.dispose([y, dx]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles a last block shorter than the tile block (rows past it enter as zeros)', () => {
    const shape: [number, number, number, number] = [5, 4, 4, 4];
    const xv = values(5 * 16 * 4, 9);
    const wv = values(9 * 4 * 8, 11);
    const y = tf.tidy(() => {
      const u = tf.tensor3d(winogradKernel(wv, 4, 8, false), [36, 4, 8]);
      // 5 tiles in blocks of 4: one full block, then one tile padded to 4 rows.
      return tf.engine().runKernel(WINOGRAD_CONV3X3, { x: tf.tensor4d(xv, shape), u }, { tileBlock: 4, padding: SAME } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expect(worstRelative(y.dataSync() as Float32Array, reference(xv, wv, shape, 8, SAME, false).out)).toBeLessThan(2e-5);
    y.dispose();
  });

  it('refuses shapes it does not handle with a message', () => {
    const run = (x: number[], u: number[], attrs: object) => () => tf.tidy(() => tf.engine().runKernel(WINOGRAD_CONV3X3, { x: tf.zeros(x), u: tf.zeros(u) }, attrs as tf.NamedAttrMap));
    expect(run([1, 6, 8, 4], [36, 4, 12], { tileBlock: 4, padding: SAME })).toThrow(/unsupported shapes/); // k = 12
    expect(run([1, 6, 8, 6], [36, 6, 8], { tileBlock: 4, padding: SAME })).toThrow(/unsupported shapes/); // c = 6
    expect(run([1, 2, 8, 4], [36, 4, 8], { tileBlock: 4, padding: [0, 0, 0, 0] })).toThrow(/unsupported shapes/); // no output row
    expect(run([1, 6, 8, 4], [36, 4, 8], { tileBlock: 6, padding: SAME })).toThrow(/unsupported shapes/);
  });

  it.each(['same', 'valid'] as const)('gives an attack the same convolution and input gradient as XNNPACK, %s padding (conv2dInputGrad, flag on and off)', (pad) => {
    const xv = values(2 * 15 * 15 * 16, 13);
    const wv = values(9 * 16 * 32, 17).map((v) => v * 0.2);
    const run = (on: boolean) => {
      tf.env().set('JUMPRELU_WINOGRAD', on);
      return tf.tidy(() => {
        const w = tf.tensor4d(wv, [3, 3, 16, 32]);
        const f = (x: tf.Tensor) => tf.sum(tf.square(conv2dInputGrad(x as tf.Tensor4D, w, [1, 1], pad, [1, 1])));
        const x = tf.tensor4d(xv, [2, 15, 15, 16]);
        return [f(x).dataSync()[0], tf.grad(f)(x).dataSync() as Float32Array] as const;
      });
    };
    const [lossOn, gradOn] = run(true);
    const [lossOff, gradOff] = run(false);
    expect(Math.abs(lossOn - lossOff) / lossOff).toBeLessThan(1e-5);
    expect(worstRelative(gradOn, Float64Array.from(gradOff))).toBeLessThan(2e-5);
  });
});
