import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { conv2dInputGrad } from './conv2d-input-grad';

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
  ] as const)('conv2d: value and ∇x equal TF.js conv2d ($name)', ({ x: xs, k: ks, pad, ...rest }) => {
    const before = tf.memory().numTensors;
    const s: number = 'strides' in rest && rest.strides !== undefined ? rest.strides : 1;
    const x = tf.randomNormal([...xs], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([...ks], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ours = (t: tf.Tensor4D) => conv2dInputGrad(t, k, [s, s], pad, [1, 1]);
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
