import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { conv2dInputGrad, depthwiseConv2dInputGrad } from './conv2d-input-grad';

/** ∇x of Σ(out ⊙ r) for a fixed random cotangent r: compares the full vector-Jacobian product. */
function inputGrad(f: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.randomNormal(f(x).shape, 0, 1, 'float32', seed);
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), r)))(x);
  });
}

/** max |a − b| (±0 count as equal), without leaking. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(['cpu', 'wasm'])('conv2dInputGrad on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    { name: 'valid 5×5, 1→10 channels', x: [3, 12, 12, 1], k: [5, 5, 1, 10], pad: 'valid' },
    { name: 'valid 3×3, 4→6 channels, non-square', x: [2, 9, 7, 4], k: [3, 3, 4, 6], pad: 'valid' },
    { name: 'same 3×3', x: [2, 8, 8, 3], k: [3, 3, 3, 5], pad: 'same' },
    { name: 'same 4×2 (even kernel: the odd zero goes bottom/right)', x: [2, 7, 6, 2], k: [4, 2, 2, 3], pad: 'same' },
    { name: 'stride 2 valid, odd size (a remainder row no window reads)', x: [2, 9, 9, 2], k: [3, 3, 2, 3], pad: 'valid', strides: 2 },
    { name: 'stride 2 same 3×3 on an even size (TF pads 0 before, 1 after)', x: [2, 8, 8, 3], k: [3, 3, 3, 4], pad: 'same', strides: 2 },
    { name: 'stride 2 same 3×3 on an odd size', x: [2, 7, 9, 2], k: [3, 3, 2, 3], pad: 'same', strides: 2 },
    { name: 'stride 2 1×1 (ResNet shortcut)', x: [2, 8, 8, 4], k: [1, 1, 4, 6], pad: 'same', strides: 2 },
    { name: 'stride 3 valid 2×2', x: [1, 10, 11, 2], k: [2, 2, 2, 2], pad: 'valid', strides: 3 },
    { name: 'same 3×3, one input channel (the depthwise route)', x: [2, 8, 7, 1], k: [3, 3, 1, 4], pad: 'same' },
    { name: 'stride 2 same 4×3, one input channel', x: [2, 9, 8, 1], k: [4, 3, 1, 3], pad: 'same', strides: 2 },
    { name: 'strides 2×1 same 3×3 (phases along rows only)', x: [2, 9, 8, 3], k: [3, 3, 3, 2], pad: 'same', strides: [2, 1] },
    { name: 'strides 1×3 valid 5×2 (a kernel shorter than the stride: empty phases)', x: [1, 9, 11, 2], k: [5, 2, 2, 3], pad: 'valid', strides: [1, 3] },
  ] as const)('conv2d: value and ∇x equal TF.js conv2d ($name)', ({ x: xs, k: ks, pad, ...rest }) => {
    const before = tf.memory().numTensors;
    const given: number | readonly [number, number] = 'strides' in rest && rest.strides !== undefined ? rest.strides : 1;
    const s: [number, number] = typeof given === 'number' ? [given, given] : [given[0], given[1]];
    const x = tf.randomNormal([...xs], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([...ks], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ours = (t: tf.Tensor4D) => conv2dInputGrad(t, k, s, pad, [1, 1]);
    const theirs = (t: tf.Tensor4D) => tf.conv2d(t, k, s, pad);
    const [vo, vt] = [ours(x), theirs(x)];
    expect(vo.shape).toEqual(vt.shape);
    expect(maxDiff(vo, vt)).toBe(0);
    const [go, gt] = [inputGrad(ours, x, 3), inputGrad(theirs, x, 3)];
    expect(go.shape).toEqual(xs);
    expect(maxDiff(go, gt)).toBeLessThan(1e-4);
    tf.dispose([x, k, vo, vt, go, gt]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The depthwise kernel [kh, kw, c, m] as the dense one [kh, kw, c, c·m] it equals (zero off the channel's block). */
function asDenseKernel(k: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = k.shape;
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
    return tf.reshape(tf.mul(tf.reshape(k, [kh, kw, 1, c, m]), eye), [kh, kw, c, c * m]) as tf.Tensor4D;
  });
}

describe.each(['cpu', 'wasm'])('depthwiseConv2dInputGrad on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // The reference is TF.js's dense conv2d with the block-diagonal kernel: an independent route (its own
  // Conv2DBackpropInput gradient), available on every backend, unlike DepthwiseConv2dNativeBackpropInput.
  it.each([
    { name: 'same 3×3 stride 1 (MobileNetV2 body)', x: [2, 8, 8, 6], k: [3, 3, 6, 1], pad: 'same', strides: 1 },
    { name: 'same 3×3 stride 2 on an even size (TF pads 0 before, 1 after)', x: [2, 8, 8, 5], k: [3, 3, 5, 1], pad: 'same', strides: 2 },
    { name: 'same 3×3 stride 2 on an odd size', x: [2, 7, 9, 3], k: [3, 3, 3, 1], pad: 'same', strides: 2 },
    { name: 'valid 3×3, non-square', x: [2, 9, 7, 4], k: [3, 3, 4, 1], pad: 'valid', strides: 1 },
    { name: 'same 3×3, channel multiplier 2', x: [2, 6, 6, 3], k: [3, 3, 3, 2], pad: 'same', strides: 1 },
    { name: 'stride 2 valid 5×5, multiplier 3', x: [1, 11, 10, 2], k: [5, 5, 2, 3], pad: 'valid', strides: 2 },
  ] as const)('value and ∇x equal TF.js conv2d with the block-diagonal kernel ($name)', ({ x: xs, k: ks, pad, strides: s }) => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([...xs], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([...ks], 0, 1, 'float32', 2) as tf.Tensor4D;
    const denseK = asDenseKernel(k);
    const ours = (t: tf.Tensor4D) => depthwiseConv2dInputGrad(t, k, [s, s], pad);
    const theirs = (t: tf.Tensor4D) => tf.conv2d(t, denseK, s, pad);
    const [vo, vt] = [ours(x), theirs(x)];
    expect(vo.shape).toEqual(vt.shape);
    expect(maxDiff(vo, vt)).toBeLessThan(1e-4);
    const [go, gt] = [inputGrad(ours, x, 3), inputGrad(theirs, x, 3)];
    expect(go.shape).toEqual(xs);
    expect(maxDiff(go, gt)).toBeLessThan(1e-4);
    tf.dispose([x, k, denseK, vo, vt, go, gt]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('∇x agrees with central finite differences (stride 2, same)', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const k = tf.randomNormal([3, 3, 2, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const r = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 6);
    const loss = (t: tf.Tensor4D) => tf.tidy(() => tf.sum(tf.mul(depthwiseConv2dInputGrad(t, k, [2, 2], 'same'), r)).dataSync()[0]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(depthwiseConv2dInputGrad(t as tf.Tensor4D, k, [2, 2], 'same'), r)))(x);
    const gv = g.dataSync();
    const xv = x.dataSync();
    const h = 1e-2; // the loss is linear in x: central differences are exact up to float rounding
    for (const i of [0, 7, 13, 20, 35, 71]) {
      const plus = Float32Array.from(xv); plus[i] += h;
      const minus = Float32Array.from(xv); minus[i] -= h;
      const [tp, tm] = [tf.tensor4d(plus, x.shape), tf.tensor4d(minus, x.shape)];
      const fd = (loss(tp) - loss(tm)) / (2 * h);
      expect(Math.abs(fd - gv[i]), `element ${i}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(gv[i])));
      tf.dispose([tp, tm]);
    }
    tf.dispose([x, k, r, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
