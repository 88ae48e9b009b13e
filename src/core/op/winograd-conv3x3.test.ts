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

/** Float64 'same' correlation of x [n, h, w, c] with w [3, 3, c, k]; `inputGradient`: ∇x for cotangent x [n, h, w, k]. */
function reference(x: Float32Array, wv: Float32Array, [n, h, w, c]: number[], k: number, inputGradient: boolean): Float64Array {
  const out = new Float64Array(n * h * w * k); // k output channels either way (∇x has cin = k)
  if (!inputGradient) {
    for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xo = 0; xo < w; xo++) for (let ko = 0; ko < k; ko++) {
      let s = 0;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = y - 1 + ky;
        const ix = xo - 1 + kx;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        for (let ci = 0; ci < c; ci++) s += x[((b * h + iy) * w + ix) * c + ci] * wv[((ky * 3 + kx) * c + ci) * k + ko];
      }
      out[((b * h + y) * w + xo) * k + ko] = s;
    }
    return out;
  }
  // ∇x of y = conv(x', W) with W [3, 3, k, c] (cin = k, cout = c): dx[iy, ix, ci] = Σ dy[iy + 1 − ky, ix + 1 − kx, co] W[ky, kx, ci, co].
  const cin = k;
  const cout = c;
  for (let b = 0; b < n; b++) for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < w; ix++) for (let ci = 0; ci < cin; ci++) {
    let s = 0;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const y = iy + 1 - ky;
      const xo = ix + 1 - kx;
      if (y < 0 || y >= h || xo < 0 || xo >= w) continue;
      for (let co = 0; co < cout; co++) s += x[((b * h + y) * w + xo) * cout + co] * wv[((ky * 3 + kx) * cin + ci) * cout + co];
    }
    out[((b * h + iy) * w + ix) * cin + ci] = s;
  }
  return out;
}

interface Case { name: string; x: [number, number, number, number]; k: number }
const CASES: Case[] = [
  { name: 'interior and border tiles (16 × 16)', x: [2, 16, 16, 8], k: 16 },
  { name: 'border tiles only, non-square (8 × 12)', x: [3, 8, 12, 4], k: 8 },
  { name: 'one tile per image, many channels', x: [5, 4, 4, 32], k: 24 },
  { name: 'ResNet-20 stage 3 (8 × 8 × 64)', x: [2, 8, 8, 64], k: 64 },
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
    expect(winogradConv3x3Applies([2, 14, 16, 8], [3, 3, 8, 16])).toBe(false); // h not a multiple of 4
    expect(winogradConv3x3Applies([2, 16, 16, 3], [3, 3, 3, 16])).toBe(false); // RGB input
    expect(winogradConv3x3Applies([2, 16, 16, 16], [3, 3, 3, 16], true)).toBe(false); // its input gradient (cin 3)
    expect(winogradConv3x3Applies([2, 16, 16, 8], [5, 5, 8, 16])).toBe(false);
    tf.env().set('JUMPRELU_WINOGRAD', false);
    expect(winogradConv3x3Applies([2, 16, 16, 8], [3, 3, 8, 16])).toBe(false);
  });

  it.each(CASES)('equals the float64 correlation and its input gradient: $name', ({ x: shape, k }) => {
    const [, , , c] = shape;
    const xv = values(shape.reduce((a, b) => a * b), 3);
    const wv = values(9 * c * k, 5);
    const before = tf.memory().numTensors;
    const [y, dx] = tf.tidy(() => {
      const w = tf.tensor4d(wv, [3, 3, c, k]);
      const wt = tf.tensor4d(wv, [3, 3, k, c]); // the same values read as a [3, 3, cin = k, cout = c] kernel
      return [winogradConv3x3(tf.tensor4d(xv, shape), w).dataSync() as Float32Array, winogradConv3x3(tf.tensor4d(xv, shape), wt, true).dataSync() as Float32Array];
    });
    expect(tf.memory().numTensors).toBe(before);
    // Float32 Winograd: the transforms scale values by up to ~100 before the sums, so its rounding is ~10× the direct sum's.
    expect(worstRelative(y, reference(xv, wv, shape, k, false))).toBeLessThan(2e-5);
    expect(worstRelative(dx, reference(xv, wv, shape, k, true))).toBeLessThan(2e-5);
  });

  it('handles a last block shorter than the tile block (rows past it enter as zeros)', () => {
    const shape: [number, number, number, number] = [5, 4, 4, 4];
    const xv = values(5 * 16 * 4, 9);
    const wv = values(9 * 4 * 8, 11);
    const y = tf.tidy(() => {
      const u = tf.tensor3d(winogradKernel(wv, 4, 8, false), [36, 4, 8]);
      // 5 tiles in blocks of 4: one full block, then one tile padded to 4 rows.
      return tf.engine().runKernel(WINOGRAD_CONV3X3, { x: tf.tensor4d(xv, shape), u }, { tileBlock: 4 } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expect(worstRelative(y.dataSync() as Float32Array, reference(xv, wv, shape, 8, false))).toBeLessThan(2e-5);
    y.dispose();
  });

  it('refuses shapes it does not handle with a message', () => {
    expect(() => tf.tidy(() => tf.engine().runKernel(WINOGRAD_CONV3X3, { x: tf.zeros([1, 6, 8, 4]), u: tf.zeros([36, 4, 8]) }, { tileBlock: 4 } as unknown as tf.NamedAttrMap)))
      .toThrow(/unsupported shapes/);
  });

  it('gives an attack the same convolution and input gradient as XNNPACK (conv2dInputGrad, flag on and off)', () => {
    const xv = values(2 * 16 * 16 * 16, 13);
    const wv = values(9 * 16 * 32, 17).map((v) => v * 0.2);
    const run = (on: boolean) => {
      tf.env().set('JUMPRELU_WINOGRAD', on);
      return tf.tidy(() => {
        const w = tf.tensor4d(wv, [3, 3, 16, 32]);
        const f = (x: tf.Tensor) => tf.sum(tf.square(conv2dInputGrad(x as tf.Tensor4D, w, [1, 1], 'same', [1, 1])));
        const x = tf.tensor4d(xv, [2, 16, 16, 16]);
        return [f(x).dataSync()[0], tf.grad(f)(x).dataSync() as Float32Array] as const;
      });
    };
    const [lossOn, gradOn] = run(true);
    const [lossOff, gradOff] = run(false);
    expect(Math.abs(lossOn - lossOff) / lossOff).toBeLessThan(1e-5);
    expect(worstRelative(gradOn, Float64Array.from(gradOff))).toBeLessThan(2e-5);
  });
});
