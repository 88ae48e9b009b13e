import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { fgsm } from '../attacks/fgsm';
import { pgd, pgdL2 } from '../attacks/pgd';
import { predict } from '../attacks/run-attack';
import { TEST_NORMALIZATION } from '../attacks/test-classifiers';
import type { AttackDefinition } from '../attacks/types';
import type { Classifier } from '../models/classifier';
import { EXACT_BACKWARD, type JumpReluBackward } from '../op/gradient-mode';
import { jumpRelu } from '../op/jump-relu';
import { mulberry32 } from '../op/randomized';
import { registerKernels } from '../op/register';
import { retrofit } from '../retrofit/retrofit';
import {
  binarizationTest, binarizedClassifier, distance, featuresFromRetrofit, fitReadout, pixelElementRange, readoutZ,
  samplePoints, type FeatureExtractor, type SamplingOptions,
} from './binarization-test';

const SHAPE: [number, number, number] = [4, 4, 1];
const D = 16;
const RANGE = pixelElementRange(TEST_NORMALIZATION); // [−2, 2]

/** dense → JumpReLU(κ) features, and the network with a dense head on them (the "original" classifier). */
function tinyNet(kappa: number, hidden = 64, classes = 3, seed = 7) {
  const w1 = tf.randomNormal([D, hidden], 0, 1 / Math.sqrt(D), 'float32', seed);
  const b1 = tf.randomNormal([hidden], 0, 0.3, 'float32', seed + 1);
  const w2 = tf.randomNormal([hidden, classes], 0, 1, 'float32', seed + 2);
  const extractor = (backward: JumpReluBackward): FeatureExtractor => ({
    inputShape: SHAPE,
    normalization: TEST_NORMALIZATION,
    features: (x) => tf.tidy(() => jumpRelu(tf.add(tf.matMul(tf.reshape(x, [x.shape[0], D]), w1), b1), kappa, backward) as tf.Tensor2D),
    withBackward: (b) => extractor(b),
  });
  const ex = extractor(EXACT_BACKWARD);
  const classifier: Classifier = {
    numClasses: classes, inputShape: SHAPE, normalization: TEST_NORMALIZATION,
    logits: (x) => tf.tidy(() => tf.matMul(ex.features(x), w2) as tf.Tensor2D),
  };
  return { extractor: ex, classifier, dispose: () => tf.dispose([w1, b1, w2]) };
}

/** A seeded image in [−1.5, 1.5] without tensors (the pure tests run before any backend). */
const image = (seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: D }, () => 3 * rand() - 1.5);
};

describe('binarization test: sampling (pure)', () => {
  const base: SamplingOptions = { norm: 'linf', epsilon: 0.3, innerPoints: 30, gap: 0.05, boundaryFromCorners: false, seed: 5 };

  it.each(['linf', 'l2'] as const)('%s: x first, inner points within (1 − gap)·ε, the boundary point at ε, all in range, seeded', (norm) => {
    // Near the range's edge so clipping happens: the boundary point must still sit at exactly ε.
    const x = image(1).map((v, i) => (i % 3 === 0 ? 1.95 : v));
    const o = { ...base, norm, epsilon: norm === 'linf' ? 0.3 : 1.2 };
    const p = samplePoints(x, RANGE, o);
    expect(p.innerCount).toBe(31);
    expect(Array.from(p.inner.subarray(0, D))).toEqual(Array.from(x));
    for (let k = 1; k < p.innerCount; k++) {
      const pt = p.inner.subarray(k * D, (k + 1) * D);
      expect(distance(pt, x, norm)).toBeLessThanOrEqual(0.95 * o.epsilon + 1e-6);
      expect(distance(pt, x, norm)).toBeGreaterThan(0);
      pt.forEach((v) => { expect(v).toBeGreaterThanOrEqual(-2); expect(v).toBeLessThanOrEqual(2); });
    }
    expect(distance(p.boundary, x, norm)).toBeCloseTo(o.epsilon, 5);
    p.boundary.forEach((v) => { expect(v).toBeGreaterThanOrEqual(-2); expect(v).toBeLessThanOrEqual(2); });
    expect(Array.from(samplePoints(x, RANGE, o).boundary)).toEqual(Array.from(p.boundary));
    expect(Array.from(samplePoints(x, RANGE, { ...o, seed: 6 }).boundary)).not.toEqual(Array.from(p.boundary));
  });

  it('corners: every pixel of the boundary point moves by ±ε (none clipped here)', () => {
    const x = image(2);
    const p = samplePoints(x, RANGE, { ...base, boundaryFromCorners: true });
    p.boundary.forEach((v, i) => expect(Math.abs(v - x[i])).toBeCloseTo(0.3, 5));
  });

  it('refuses bad options with a clear message', () => {
    const x = image(3);
    expect(() => samplePoints(x, RANGE, { ...base, epsilon: 0 })).toThrow(/ε must be a finite number > 0/);
    expect(() => samplePoints(x, RANGE, { ...base, gap: 1 })).toThrow(/gap must lie in \[0, 1\)/);
    expect(() => samplePoints(x, RANGE, { ...base, norm: 'l2', boundaryFromCorners: true })).toThrow(/corners exist only for the L∞ ball/);
    expect(() => samplePoints(x, RANGE, { ...base, innerPoints: 1.5 })).toThrow(/innerPoints must be an integer/);
  });
});

describe('binarization test: readout fit (known answers)', () => {
  it('separates one point from many in general position: z < 0 for class 0, z > 0 for class 1, logit range 1', () => {
    const n = 21;
    const d = 30;
    const rand = (i: number) => Math.sin(12.9898 * i + 78.233) * 43758.5453 % 1;
    const f = Float32Array.from({ length: n * d }, (_, i) => rand(i + 1));
    const y = new Uint8Array(n);
    y[n - 1] = 1;
    const fit = fitReadout(f, y);
    expect(fit.separates).toBe(true);
    expect(fit.epochs).toBeGreaterThan(0);
    let zMax = 0;
    for (let i = 0; i < n; i++) {
      const z = readoutZ(fit.readout, f, i);
      if (y[i]) expect(z).toBeGreaterThan(0);
      else expect(z).toBeLessThan(0);
      zMax = Math.max(zMax, Math.abs(z));
    }
    expect(2 * zMax).toBeCloseTo(1, 6); // their "fixed" rescaling
  });

  it('reports an inseparable set (the boundary point\'s features equal an inner point\'s): no valid test', () => {
    const f = Float32Array.from([0, 0, 1, 1, 2, 0, 1, 1]); // rows: (0,0) (1,1) (2,0) (1,1)
    const y = Uint8Array.from([0, 0, 0, 1]);
    const fit = fitReadout(f, y, { learningRate: 0.05, maxEpochs: 3000 });
    expect(fit.separates).toBe(false);
    expect(fit.epochs).toBe(3000);
    expect(() => fitReadout(f, Uint8Array.from([0, 1, 0]))).toThrow(/feature values for 3 labels/);
  });
});

describe.each(NODE_BACKENDS)('binarization test on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    registerKernels();
  });

  it('the binarized classifier puts x and the inner points in class 0 and the boundary point in class 1', async () => {
    const net = tinyNet(0.2);
    const before = tf.memory().numTensors;
    const x = image(11);
    const p = samplePoints(x, RANGE, { norm: 'linf', epsilon: 0.3, innerPoints: 20, gap: 0.05, boundaryFromCorners: false, seed: 3 });
    const all = new Float32Array([...p.inner, ...p.boundary]);
    const count = p.innerCount + 1;
    const feats = tf.tidy(() => net.extractor.features(tf.tensor4d(all, [count, ...SHAPE])));
    const y = new Uint8Array(count);
    y[count - 1] = 1;
    const fit = fitReadout(Float32Array.from(await feats.data()), y);
    feats.dispose();
    expect(fit.separates).toBe(true);
    const bin = binarizedClassifier(net.extractor, fit.readout);
    const xs = tf.tensor4d(all, [count, ...SHAPE]);
    const pred = await predict(bin, xs);
    expect(Array.from(pred)).toEqual([...new Array(count - 1).fill(0), 1]);
    xs.dispose();
    bin.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('strong PGD passes, a crippled PGD (zero step, no random start) fails; counts add up; no leaks', async () => {
    const net = tinyNet(0.2);
    const x = tf.randomUniform([8, ...SHAPE], -1.5, 1.5, 'float32', 21) as tf.Tensor4D;
    const labels = await predict(net.classifier, x);
    labels[0] = (labels[0] + 1) % 3; // one image "misclassified": not tested
    const before = tf.memory().numTensors;
    const eps = 0.3;
    const attacks = [
      { label: 'PGD L∞ 40 steps', attack: pgd as AttackDefinition<object>, options: { steps: 40, stepSize: eps / 8, seed: 1 } },
      { label: 'PGD L∞ 40 steps, straight-through', attack: pgd as AttackDefinition<object>, options: { steps: 40, stepSize: eps / 8, seed: 1 }, gradientMode: 'straight-through' as const },
      { label: 'PGD L∞, zero step', attack: pgd as AttackDefinition<object>, options: { steps: 40, stepSize: 0, randomStart: false } },
    ];
    const r = await binarizationTest(net.classifier, net.extractor, x, labels, attacks, { norm: 'linf', epsilon: eps, innerPoints: 20, gap: 0.05, boundaryFromCorners: false, seed: 0 });
    expect(r.misclassified).toBe(1);
    expect(r.valid + r.invalid + r.misclassified).toBe(8);
    expect(r.valid).toBeGreaterThanOrEqual(5);
    expect(r.attacks[0].valid).toBe(r.valid);
    expect(r.attacks[0].rate).toBeGreaterThanOrEqual(0.8);
    expect(r.attacks[1].rate).toBeGreaterThanOrEqual(0.8);
    expect(r.attacks[2].passed).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('refuses an attack bounding another norm, or another ε', async () => {
    const net = tinyNet(0);
    const x = tf.randomUniform([1, ...SHAPE], -1, 1, 'float32', 2) as tf.Tensor4D;
    const opts = { norm: 'linf' as const, epsilon: 0.3, innerPoints: 5, gap: 0.05, boundaryFromCorners: false, seed: 0 };
    await expect(binarizationTest(net.classifier, net.extractor, x, [0], [{ label: 'PGD L2', attack: pgdL2 as AttackDefinition<object> }], opts)).rejects.toThrow(/PGD L2 bounds the l2 norm, the test's ball is linf/);
    await expect(binarizationTest(net.classifier, net.extractor, x, [0], [{ label: 'FGSM', attack: fgsm as AttackDefinition<object>, options: { epsilon: 0.1 } }], opts)).rejects.toThrow(/given ε = 0.1, the test's ε is 0.3/);
    x.dispose();
    net.dispose();
  });

  it('retrofitted model: features are the output layer\'s input at κ, and the binarized gradient matches finite differences', async () => {
    const init = (s: number) => tf.initializers.glorotNormal({ seed: s });
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: SHAPE, name: 'f' }),
        tf.layers.dense({ units: 12, activation: 'relu', name: 'd1', kernelInitializer: init(1), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
        tf.layers.dense({ units: 3, name: 'out', kernelInitializer: init(3) }),
      ],
    });
    const r = await retrofit(model, 0);
    const kappa = 0.1;
    const ex = featuresFromRetrofit(r, TEST_NORMALIZATION, kappa);
    const x = tf.randomUniform([3, ...SHAPE], -1, 1, 'float32', 9) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const f = ex.features(x);
    const ref = tf.tidy(() => {
      const [k, b] = model.getLayer('d1').getWeights();
      const h = tf.add(tf.matMul(tf.reshape(x, [3, D]), k), b);
      return tf.where(tf.greater(h, kappa), h, tf.zerosLike(h));
    });
    expect(f.shape).toEqual([3, 12]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(f, ref))));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([f, ref, diff]);

    const readout = { w: Float64Array.from({ length: 12 }, (_, i) => Math.cos(i + 1)), b: 0.1 };
    const bin = binarizedClassifier(ex, readout);
    const x0 = tf.slice(x, [0, 0, 0, 0], [1, ...SHAPE]);
    const z = (t: tf.Tensor4D) => tf.tidy(() => tf.sum(tf.mul(bin.logits(t), tf.tensor2d([[-0.5, 0.5]]))));
    const g = tf.grad((t: tf.Tensor) => z(t as tf.Tensor4D))(x0);
    const dir = tf.randomNormal([1, ...SHAPE], 0, 1, 'float32', 4);
    const h = 1e-2;
    const fd = tf.tidy(() => tf.div(tf.sub(z(tf.add(x0, tf.mul(dir, h)) as tf.Tensor4D), z(tf.sub(x0, tf.mul(dir, h)) as tf.Tensor4D)), 2 * h));
    const analytic = tf.tidy(() => tf.sum(tf.mul(g, dir)));
    const [a, n] = [(await analytic.data())[0], (await fd.data())[0]];
    expect(Math.abs(a)).toBeGreaterThan(1e-3);
    expect(Math.abs(a - n)).toBeLessThan(1e-3 * Math.max(1, Math.abs(a)));
    tf.dispose([x0, g, dir, fd, analytic]);
    bin.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    expect(() => featuresFromRetrofit(r, TEST_NORMALIZATION, Number.NaN)).toThrow(/κ must be a number ≥ 0/);
  });
});
