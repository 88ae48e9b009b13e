import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { makeEvalSet } from '../metrics/eval-set';
import { paperOptions } from '../metrics/paper-protocol';
import { loadModelNode } from '../models/load-node';
import { registerKernels } from '../op/register';
import { jumpReluBackward } from '../op/gradient-mode';
import { KappaControl } from '../retrofit/kappa-control';
import { retrofit } from '../retrofit/retrofit';
import { craftWithAttack, lidDetection } from './experiment';
import { activationProbe, lidTaps, mleLid } from './lid';
import { differentiableTaps, lidAwareCraft, lidAwareDefaults, lidTensor } from './lid-aware';

/** Fused ReLU + pooling, an Activation('relu'), Dropout, a ReLU layer: every tap rule meets a case. */
function smallModel(): tf.Sequential {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100, stddev: 0.1 }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1', ...init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, name: 'c2', ...init(3) }),
      tf.layers.activation({ activation: 'relu', name: 'a2' }),
      tf.layers.dropout({ rate: 0.5, name: 'drop' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: 7, name: 'd1', ...init(5) }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.dense({ units: 3, name: 'out', ...init(7) }),
    ],
  });
}

describe('LID features of a retrofitted model (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerKernels();
  });

  it('taps the input, each JumpReLU (after the pooling that alone reads it) and the logits, leaking nothing', async () => {
    const r = await retrofit(smallModel(), 0);
    expect(lidTaps(r).names).toEqual(['input', 'p1', 'a2', 'r1', 'logits']);
    const probe = activationProbe(r);
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const acts = await probe.run(x, 0.3);
    expect(tf.memory().numTensors).toBe(before);
    expect(acts.map((a) => a.length / 4)).toEqual([128, 36, 20, 7, 3]);
    // The logits tap is the model's output at that κ; the pooled tap is max-pooled J(conv) at that κ.
    r.control.setKappa(0.3);
    const logits = tf.tidy(() => r.forward(x));
    const p1 = tf.tidy(() => {
      const [k, b] = r.model.getLayer('c1').getWeights();
      const z = tf.add(tf.conv2d(x, k as tf.Tensor4D, 1, 'valid'), b);
      return tf.maxPool(tf.where(tf.greater(z, 0.3), z, tf.zerosLike(z)) as tf.Tensor4D, 2, 2, 'valid');
    });
    const [l, p] = [await logits.data(), await p1.data()];
    l.forEach((v, i) => expect(acts[4][i]).toBeCloseTo(v, 5));
    p.forEach((v, i) => expect(acts[1][i]).toBeCloseTo(v, 5));
    tf.dispose([x, logits, p1]);
  });

  it('differentiable LID equals the host estimator, and its gradient matches finite differences', async () => {
    const ref = tf.randomNormal([12, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const q = tf.randomNormal([3, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const lid = tf.tidy(() => lidTensor(q, ref, 6));
    const expected = mleLid({ data: await ref.data(), count: 12 }, { data: await q.data(), count: 3 }, 6);
    (await lid.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
    const f = (t: tf.Tensor) => tf.sum(tf.mul(lidTensor(t as tf.Tensor2D, ref, 6), tf.tensor1d([1, -2, 0.5])));
    const g = tf.tidy(() => tf.grad(f)(q));
    const gv = await g.data();
    const qv = await q.data();
    const h = 1e-2;
    for (const idx of [0, 4, 7, 13]) {
      const plus = Float32Array.from(qv); plus[idx] += h;
      const minus = Float32Array.from(qv); minus[idx] -= h;
      const fp = tf.tidy(() => f(tf.tensor2d(plus, [3, 5])).dataSync()[0]);
      const fm = tf.tidy(() => f(tf.tensor2d(minus, [3, 5])).dataSync()[0]);
      expect(gv[idx]).toBeCloseTo((fp - fm) / (2 * h), 1);
    }
    tf.dispose([lid, g]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ref, q]);
  });

  it('differentiable taps give the probe\'s activations', async () => {
    const r = await retrofit(smallModel(), 0);
    const control = new KappaControl(0.2);
    control.setBackward(jumpReluBackward('straight-through'));
    const taps = differentiableTaps(r, control);
    const x = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const want = await activationProbe(r).run(x, 0.2);
    for (let l = 0; l < taps.length; l++) {
      const got = tf.tidy(() => taps[l](x));
      (await got.data()).forEach((v, i) => expect(v).toBeCloseTo(want[l][i], 4));
      got.dispose();
    }
    x.dispose();
  });

  it('runs the whole protocol with tensors back to baseline, keeping only correct, fooled images', async () => {
    const r = await retrofit(smallModel(), 0);
    const x = tf.randomNormal([230, 8, 8, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    // Labels = the model's own predictions at κ, with the first 10 flipped: those are "misclassified".
    const pred = tf.tidy(() => tf.argMax(r.forward(x), 1));
    const labels = Int32Array.from(await pred.data());
    pred.dispose();
    for (let i = 0; i < 10; i++) labels[i] = (labels[i] + 1) % 3;
    const before = tf.memory().numTensors;
    const result = await lidDetection(r, NORMALIZATION.mnist, { x, labels }, { kappa: 0, craft: craftWithAttack('deepfool-l2', paperOptions('deepfool-l2', 'mnist')) });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.correct).toBe(220);
    expect(result.used).toBe(200);
    expect(result.indices.every((i) => i >= 10)).toBe(true);
    expect(result.taps).toEqual(['input', 'p1', 'a2', 'r1', 'logits']);
    expect(result.features.adversarial[0]).toHaveLength(5);
    expect(result.detector.trainPerSet).toBe(100);
    expect(Math.abs(result.meanNoiseL2 - result.meanAdversarialL2)).toBeLessThan(0.011 * result.meanAdversarialL2);
    expect(result.detector.auc).toBeGreaterThanOrEqual(0);
    x.dispose();
  });
});

describe('the LID-aware attack on MNIST LeNetLike (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerKernels();
  });

  it('lowers the detector\'s AUC against the same attack blind to it (λ = 0), tensors back to baseline', async () => {
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const shard = await loadShardNode('mnist');
    const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, NORMALIZATION.mnist, 300, 0);
    const r = await retrofit(model, 0);
    // A larger ball than the paper's IFGSM reach (0.4) so that 100 of 300 images are fooled.
    // Small: minibatches of 50 with k = 10, 100 images used, 50 train / 50 held out per set.
    const small = { batch: 50, k: 10, maxImages: 100 };
    const before = tf.memory().numTensors;
    const auc = async (lambda: number) => (await lidDetection(r, NORMALIZATION.mnist, set, {
      kappa: 0, ...small, craft: lidAwareCraft(r, NORMALIZATION.mnist, 0, { ...lidAwareDefaults('mnist'), lambda, k: 10, steps: 30, confidence: 2, epsilon: 0.8, stepSize: 0.08 }),
    })).detector.auc;
    const blind = await auc(0);
    const aware = await auc(1);
    expect(tf.memory().numTensors).toBe(before);
    console.log(`LID-aware test: AUC blind ${blind.toFixed(3)}, aware ${aware.toFixed(3)}`);
    expect(blind).toBeGreaterThan(0.75);
    expect(aware).toBeLessThan(blind - 0.05);
    set.x.dispose();
  }, 600_000);
});
