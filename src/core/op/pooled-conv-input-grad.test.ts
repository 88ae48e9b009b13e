import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { pooledConvSimd } from './kernels/pooled-conv-input-grad.wasm';
import { pooledConvInputGrad, pooledConvInputGradAvailable } from './pooled-conv-input-grad';
import { registerKernels } from './register';

interface Case {
  name: string;
  n: number; copies: number; input: [number, number]; kernel: [number, number, number, number];
  padding: [number, number]; pool: [number, number]; derivative: boolean;
}

const CASES: Case[] = [
  // MNIST's first layer: one input channel, 28 → 24, 2×2 pool; ties everywhere (values on a 4-level grid).
  { name: 'one input channel, valid', n: 3, copies: 2, input: [28, 28], kernel: [5, 5, 1, 10], padding: [0, 0], pool: [2, 2], derivative: false },
  // A JumpReLU between convolution and pool (its derivative 0, 1 or in between), 'same' padding, an odd size
  // (the pool ignores the last row and column), more channels than a SIMD lane.
  { name: "'same' padding, a derivative, a remainder row", n: 2, copies: 3, input: [9, 9], kernel: [3, 3, 6, 5], padding: [1, 1], pool: [2, 2], derivative: true },
  { name: 'non-square windows and kernel', n: 2, copies: 4, input: [10, 11], kernel: [3, 2, 3, 4], padding: [0, 0], pool: [2, 3], derivative: true },
];

/** Deterministic values on a coarse grid (so pooling windows tie) with some exact zeros. */
function grid(len: number, seed: number, levels: number, zeros = 0): Float32Array {
  let s = seed;
  return Float32Array.from({ length: len }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    return u < zeros ? 0 : Math.round(u * levels) / levels - 0.5;
  });
}

/**
 * Float64 reference, unfused: route each pooled value to its window's first maximum, multiply by the
 * derivative there, then the transposed convolution over the full-resolution cotangent.
 */
function reference(c: Case, dy: Float32Array, x: Float32Array, w: Float32Array, d: Float32Array | null): Float64Array {
  const [ih, iw] = c.input;
  const [kh, kw, cin, ch] = c.kernel;
  const [top, left] = c.padding;
  const [sh, sw] = c.pool;
  const h = ih + 2 * top - kh + 1;
  const wd = iw + 2 * left - kw + 1;
  const ph = Math.floor(h / sh);
  const pw = Math.floor(wd / sw);
  const rows = c.n * c.copies;
  const dx = new Float64Array(rows * ih * iw * cin);
  for (let r = 0; r < rows; r++) {
    const img = Math.floor(r / c.copies);
    const dz = new Float64Array(h * wd * ch);
    for (let py = 0; py < ph; py++) for (let px = 0; px < pw; px++) for (let k = 0; k < ch; k++) {
      let at = -1;
      let best = -Infinity;
      for (let a = 0; a < sh; a++) for (let b = 0; b < sw; b++) {
        const i = ((py * sh + a) * wd + px * sw + b) * ch + k;
        if (x[img * h * wd * ch + i] > best) { best = x[img * h * wd * ch + i]; at = i; }
      }
      dz[at] = dy[((r * ph + py) * pw + px) * ch + k] * (d ? d[img * h * wd * ch + at] : 1);
    }
    for (let y = 0; y < h; y++) for (let xo = 0; xo < wd; xo++) for (let k = 0; k < ch; k++) {
      const g = dz[(y * wd + xo) * ch + k];
      if (g === 0) continue;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const iy = y - top + ky;
        const ix = xo - left + kx;
        if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
        for (let ci = 0; ci < cin; ci++) dx[((r * ih + iy) * iw + ix) * cin + ci] += g * w[((ky * kw + kx) * cin + ci) * ch + k];
      }
    }
  }
  return dx;
}

function run(c: Case): { fused: Float32Array; expected: Float64Array } {
  const [ih, iw] = c.input;
  const [kh, kw, cin, ch] = c.kernel;
  const h = ih + 2 * c.padding[0] - kh + 1;
  const wd = iw + 2 * c.padding[1] - kw + 1;
  const ph = Math.floor(h / c.pool[0]);
  const pw = Math.floor(wd / c.pool[1]);
  const dyv = grid(c.n * c.copies * ph * pw * ch, 7, 16, 0.2);
  const xv = grid(c.n * h * wd * ch, 11, 3);
  const wv = grid(kh * kw * cin * ch, 13, 64);
  const dv = c.derivative ? grid(c.n * h * wd * ch, 17, 4).map((v) => Math.max(0, v + 0.25)) : null;
  const fused = tf.tidy(() => pooledConvInputGrad(
    tf.tensor4d(dyv, [c.n * c.copies, ph, pw, ch]), tf.tensor4d(xv, [c.n, h, wd, ch]), tf.tensor4d(wv, c.kernel),
    dv ? tf.tensor4d(dv, [c.n, h, wd, ch]) : null, c.copies, c.pool, c.input, c.padding).dataSync() as Float32Array);
  return { fused, expected: reference(c, dyv, xv, wv, dv) };
}

const results = new Map<string, Float32Array>();

describe.each(NODE_BACKENDS)('fused max-pool → convolution backward on %s', (backend) => {
  beforeAll(async () => {
    registerKernels();
    await useBackend(backend);
  });

  it('is available here', () => {
    expect(pooledConvInputGradAvailable()).toBe(true);
    if (backend === 'wasm') expect(pooledConvSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  it.each(CASES)('equals the unfused float64 backward (first-maximum route): $name', (c) => {
    const before = tf.memory().numTensors;
    const { fused, expected } = run(c);
    expect(tf.memory().numTensors).toBe(before);
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0);
    let worst = 0;
    fused.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected[i])); });
    expect(worst / scale).toBeLessThan(1e-6);
    // cpu (TypeScript) and wasm (SIMD) run the same float32 operations in the same order.
    const other = results.get(c.name);
    if (other) expect(Array.from(fused)).toEqual(Array.from(other));
    else results.set(c.name, fused);
  });

  it('refuses inconsistent shapes with a message', () => {
    expect(() => tf.tidy(() => pooledConvInputGrad(tf.zeros([3, 2, 2, 4]), tf.zeros([2, 4, 4, 4]), tf.zeros([3, 3, 1, 4]), null, 2, [2, 2], [6, 6], [0, 0])))
      .toThrow(/inconsistent shapes/);
  });
});
