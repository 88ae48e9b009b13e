import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { affineClassifier } from '../attacks/test-classifiers';
import { centreCrop } from './centre-crop';
import { mnistStyle } from './mnist-style';
import { ownImagePixels, topClasses } from './own-image';
import { InputImageError, type FloatImage } from './resample';

const bar = (channels: 1 | 3): FloatImage => {
  const data = new Float32Array(60 * 40 * channels);
  for (let y = 10; y < 50; y++) for (let x = 15; x < 22; x++) data.fill(1, (y * 40 + x) * channels, (y * 40 + x + 1) * channels);
  return { data, width: 40, height: 60, channels };
};

describe('own image → model input', () => {
  it('MNIST: gray or colour, MNIST-style, then the 16 link levels', () => {
    const gray = ownImagePixels('mnist', bar(1));
    expect(gray).toHaveLength(784);
    expect(gray.every((v) => v % 17 === 0)).toBe(true);
    expect(ownImagePixels('mnist', bar(3))).toEqual(gray);
    const exact = mnistStyle(bar(1)).pixels;
    expect(exact.some((v) => v % 17 !== 0)).toBe(true); // the quantisation did something
    expect(gray.every((v, i) => Math.abs(v - exact[i]) <= 8)).toBe(true);
  });

  it('CIFAR-10: colour or gray (repeated on three channels), centre-cropped to 32×32', () => {
    expect(ownImagePixels('cifar10', bar(3))).toEqual(centreCrop(bar(3)));
    expect(ownImagePixels('cifar10', bar(1))).toEqual(centreCrop(bar(3)));
    expect(() => ownImagePixels('mnist', { data: new Float32Array(100), width: 10, height: 10, channels: 1 })).toThrow(InputImageError);
  });

  it('top classes are the softmax\'s largest, in order, with no tensor left behind', async () => {
    await useBackend('cpu');
    const clf = affineClassifier([2, 2, 1], 5, 3);
    const x = tf.randomNormal([1, 2, 2, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const probs = Array.from(tf.tidy(() => tf.softmax(clf.logits(x)).dataSync()));
    const before = tf.memory().numTensors;
    const t = await topClasses(clf, x, 3);
    expect(tf.memory().numTensors).toBe(before);
    const want = probs.map((p, cls) => ({ cls, p })).sort((a, b) => b.p - a.p).slice(0, 3);
    expect(t.predicted).toBe(want[0].cls);
    expect(t.top.map((e) => e.cls)).toEqual(want.map((e) => e.cls));
    t.top.forEach((e, i) => expect(e.p).toBeCloseTo(want[i].p, 6));
    x.dispose();
    clf.dispose();
  });
});
