import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION, normalizePixels } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { loadModelNode } from '../models/load-node';
import { centreOfMass, MNIST_BOX, mnistStyle } from './mnist-style';
import { InputImageError, type FloatImage } from './resample';

/** A black canvas with white ink where `ink(x, y)` holds. */
function canvas(width: number, height: number, ink: (x: number, y: number) => boolean, paper = 0, pen = 1): FloatImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = ink(x + 0.5, y + 0.5) ? pen : paper;
  return { data, width, height, channels: 1 };
}

/** An "L": a vertical bar and a foot, its corner at (x, y), `s` units per 10 px. */
const ell = (x: number, y: number, s: number) => (px: number, py: number) =>
  (px >= x && px < x + 2 * s && py >= y - 10 * s && py < y) || (px >= x && px < x + 6 * s && py >= y - 2 * s && py < y);

function inkBox(p: Uint8Array, threshold = 25): { w: number; h: number } {
  let [x0, y0, x1, y1] = [28, 28, -1, -1];
  p.forEach((v, i) => {
    if (v > threshold) [x0, y0, x1, y1] = [Math.min(x0, i % 28), Math.min(y0, (i / 28) | 0), Math.max(x1, i % 28), Math.max(y1, (i / 28) | 0)];
  });
  return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => m + Math.abs(v - b[i]), 0) / a.length;

describe('MNIST-style preprocessing', () => {
  it('puts the centre of mass at (14, 14) and the long side in a 20 px box, keeping the aspect ratio', () => {
    const { pixels, inverted } = mnistStyle(canvas(200, 150, ell(20, 130, 6)));
    const [cx, cy] = centreOfMass(pixels, 28, 28)!;
    expect(Math.abs(cx - 14)).toBeLessThan(0.05);
    expect(Math.abs(cy - 14)).toBeLessThan(0.05);
    const box = inkBox(pixels);
    expect(box.h).toBeGreaterThanOrEqual(MNIST_BOX);
    expect(box.h).toBeLessThanOrEqual(MNIST_BOX + 1);
    // 36 × 60 source px → 12 × 20: the aspect ratio survives (± the anti-aliased edge pixel).
    expect(Math.abs(box.w - 12)).toBeLessThanOrEqual(1);
    expect(inverted).toBe(false);
  });

  it('does not depend on where or how large the digit was drawn', () => {
    const a = mnistStyle(canvas(200, 150, ell(20, 130, 6))).pixels;
    const shifted = mnistStyle(canvas(200, 150, ell(110, 70, 6))).pixels;
    const bigger = mnistStyle(canvas(400, 300, ell(40, 260, 12))).pixels;
    expect(maxDiff(a, shifted)).toBeLessThanOrEqual(1);
    expect(meanDiff(a, bigger)).toBeLessThan(1);
  });

  it('anti-aliases: a stroke edge that falls between output pixels becomes gray, not a hard step', () => {
    // 21 units tall → scale 1.05: edges do not land on the output grid.
    const { pixels } = mnistStyle(canvas(60, 60, (x, y) => x >= 20 && x < 27 && y >= 20 && y < 41));
    const grays = pixels.filter((v) => v > 0 && v < 255).length;
    expect(grays).toBeGreaterThan(10);
  });

  it('inverts dark ink on light paper and removes a gray paper level', () => {
    const clean = mnistStyle(canvas(200, 150, ell(20, 130, 6))).pixels;
    const paper = mnistStyle(canvas(200, 150, ell(20, 130, 6), 1, 0));
    expect(paper.inverted).toBe(true);
    expect(maxDiff(paper.pixels, clean)).toBeLessThanOrEqual(1);
    const photo = mnistStyle(canvas(200, 150, ell(20, 130, 6), 0.8, 0.25));
    expect(maxDiff(photo.pixels, clean)).toBeLessThanOrEqual(1);
    expect(maxDiff(mnistStyle(canvas(200, 150, ell(20, 130, 6), 1, 0), { invert: true }).pixels, clean)).toBeLessThanOrEqual(1);
    // Told not to invert, white paper is all "ink" with nothing standing out.
    expect(() => mnistStyle(canvas(200, 150, ell(20, 130, 6), 1, 0), { invert: false })).toThrow(/blank/);
  });

  it('refuses a blank, a flat or a malformed image with a message', () => {
    expect(() => mnistStyle(canvas(50, 50, () => false))).toThrow(InputImageError);
    expect(() => mnistStyle(canvas(50, 50, () => true, 0.5, 0.5))).toThrow(/blank/);
    const nan = canvas(10, 10, () => true);
    nan.data[3] = NaN;
    expect(() => mnistStyle(nan)).toThrow(/non-finite/);
    expect(() => mnistStyle({ data: new Float32Array(12), width: 2, height: 2, channels: 3 })).toThrow(/channels/);
    expect(() => mnistStyle({ data: new Float32Array(5), width: 2, height: 2, channels: 1 })).toThrow(/holds 5 values/);
  });

  it('leaves MNIST digits MNIST-like: re-made from a 4× enlargement they stay close and the network still reads them', async () => {
    await useBackend('wasm');
    const shard = await loadShardNode('mnist');
    const n = 200;
    const made = new Uint8Array(n * 784);
    let diff = 0;
    for (let i = 0; i < n; i++) {
      const digit = shard.images.subarray(i * 784, (i + 1) * 784);
      const big = canvas(112, 112, () => false);
      for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) big.data[y * 112 + x] = digit[((y >> 2) * 28) + (x >> 2)] / 255;
      const { pixels } = mnistStyle(big);
      const [cx, cy] = centreOfMass(pixels, 28, 28)!;
      expect(Math.hypot(cx - 14, cy - 14)).toBeLessThan(0.05);
      diff += meanDiff(pixels, digit) / n;
      made.set(pixels, i * 784);
    }
    expect(diff).toBeLessThan(20); // of 255, mostly sub-pixel edge shifts
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const before = tf.memory().numTensors;
    const accuracy = tf.tidy(() => {
      const pred = (model.predict(normalizePixels(made, [n, 28, 28, 1], NORMALIZATION.mnist)) as tf.Tensor).argMax(1).dataSync();
      return Array.from(pred).filter((p, i) => p === shard.labels[i]).length / n;
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    model.dispose();
  });
});
