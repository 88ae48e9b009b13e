import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { candidateGradients } from '../attacks/gradients';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import { loadModelNode } from '../models/load-node';
import { shardBatch } from '../data/shard-batch';
import { KappaControl } from './kappa-control';
import { plainCandidatePass, plainCandidateVjp, plainForward } from './plain-forward';
import { runVjpParity, vjpModel } from '../bench/vjp-parity';
import { retrofit } from './retrofit';

/** The shipped models the fast path is checked on; the MobileNetV2 (depthwise convolutions) once it ships. */
const SHIPPED: [string, number][] = [['mnist-lenetlike-base', 6], ['cifar10-alexlike-base', 3], ['cifar10-resnet20-base', 2], ['cifar10-mobilenetv2-base', 2]];
const shipped = SHIPPED.filter(([id]) => existsSync(join(import.meta.dirname, `../../../public/models/${id}/card.json`)));

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const scale = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);

describe.each(['cpu', 'wasm'])('hand-written candidate backward on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('equals tf.grad over the tiled batch, for any cotangents (same/valid conv, fused ReLU, JumpReLU, tied pooling with a remainder)', async () => {
    for (const kappa of [0, 0.05, 0.5]) {
      const r = await runVjpParity(kappa);
      expect(r.gradientError, `κ = ${kappa}`).toBeLessThan(1e-5);
      expect(r.logitsError).toBe(0);
      expect(r.modelError).toBeLessThan(1e-5);
      expect(r.leaked).toBe(0);
    }
  });

  it.each([
    ['residual', 'a residual network (BN, strided and 1×1 conv, Add, global pooling)'],
    ['inverted', 'MobileNetV2 blocks (1×1 expand, depthwise stride 1 and 2, linear bottleneck, Add)'],
  ] as const)('equals tf.grad and the layers model on the %s net: %s', async (net, _what) => {
    for (const kappa of [0, 0.05, 0.3]) {
      const r = await runVjpParity(kappa, 'exact', net);
      expect(r.gradientError, `κ = ${kappa}`).toBeLessThan(1e-5);
      expect(r.logitsError, `κ = ${kappa}`).toBe(0);
      expect(r.modelError, `κ = ${kappa}`).toBeLessThan(1e-5);
      expect(r.leaked).toBe(0);
    }
  });

  it.each(['straight-through', 'smoothed'] as const)('under the %s gradient mode too: both backwards use the one rule', async (mode) => {
    for (const kappa of [0.05, 0.5]) {
      const r = await runVjpParity(kappa, mode);
      expect(r.gradientError, `κ = ${kappa}`).toBeLessThan(1e-5);
      expect(r.leaked).toBe(0);
    }
  });

  it.each(['chain', 'residual', 'inverted'] as const)('a pass on the %s network: the backward for some of its images equals those rows of the full backward; dispose frees it all', (net) => {
    const { model, control } = vjpModel(net, 0.05);
    const pass = plainCandidatePass(model, control)!;
    const [, h, w, c] = model.inputs[0].shape as number[];
    const n = 5;
    const k = 3;
    const x = tf.randomUniform([n, h, w, c], -2, 2, 'float32', 5) as tf.Tensor4D;
    const classes = (model.outputs[0].shape as number[])[1];
    const weights = tf.randomNormal([n * k, classes], 0, 1, 'float32', 6) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const p = pass(x);
    const full = p.gradients(weights, k);
    const images = [3, 0, 4];
    const rows = images.flatMap((i) => [0, 1, 2].map((r) => i * k + r));
    const some = tf.tidy(() => p.gradients(tf.gather(weights, rows), k, images));
    const expected = tf.gather(full, rows);
    expect(maxAbs(some, expected)).toBeLessThan(1e-6 * Math.max(1, scale(expected)));
    expect(scale(expected)).toBeGreaterThan(0);
    tf.dispose([full, some, expected]);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, weights]);
    model.dispose();
  });

  it.each(['chain', 'residual', 'inverted'] as const)('an inference pass on the %s network frees each activation after its last reader; under tf.grad it keeps them', (net) => {
    const { model, control } = vjpModel(net, 0.05);
    const forward = plainForward(model, control)!;
    const [, h, w, c] = model.inputs[0].shape as number[];
    const x = tf.randomUniform([64, h, w, c], -2, 2, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const reference = model.predict(x) as tf.Tensor;
    const startBytes = tf.memory().numBytes;
    return tf.profile(() => {
      const y = forward(x);
      expect(maxAbs(y, reference)).toBeLessThan(1e-5);
      y.dispose();
    }).then((info) => {
      // Keeping every intermediate until the end makes the peak the sum of all kernel outputs (measured: ≥ 0.95
      // of it); freed after their last reader, 0.57 (chain: one layer's temporaries dominate) and ~0.45 (residual).
      const allocated = info.kernels.reduce((a, k) => a + k.bytesAdded, 0);
      expect(info.peakBytes - startBytes).toBeLessThan(0.7 * allocated);
      // The same pass inside tf.grad must still differentiate (its tape reads the intermediates).
      const g = tf.grad((t: tf.Tensor) => tf.sum(forward(t)))(x);
      expect(scale(g)).toBeGreaterThan(0);
      tf.dispose([g, reference, x]);
      expect(tf.memory().numTensors).toBe(before - 1);
      model.dispose();
    });
  });

  it('is absent when an op has no hand-written backward (average pooling): callers fall back to tf.grad', () => {
    const model = tf.sequential({ layers: [tf.layers.averagePooling2d({ inputShape: [4, 4, 1], poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
    expect(plainForward(model, new KappaControl(0))).not.toBeNull();
    expect(plainCandidateVjp(model, new KappaControl(0))).toBeNull();
    model.dispose();
  });

  it.each(shipped)('DeepFool candidate gradients on %s at the card κ: the fast path equals the tiled tf.grad path', async (id, n) => {
    const { card, model } = await loadModelNode(id);
    const shard = await loadShardNode(card.dataset);
    const norm = NORMALIZATION[card.dataset];
    const r = await retrofit(model, card.kappa.default);
    const clf = classifierFromRetrofit(r, norm, card.kappa.default);
    expect(clf.candidatePass).toBeDefined();
    const x = shardBatch(shard, 0, n, norm);
    const labels = tf.tensor1d(Array.from(shard.labels.subarray(0, n)), 'int32');
    const targets = tf.tidy(() => tf.topk(tf.where(tf.oneHot(labels, 10).toBool(), tf.fill([n, 10], -Infinity), clf.logits(x)), 9).indices) as tf.Tensor2D;
    const fast = candidateGradients(clf, x, labels, targets);
    const slow = candidateGradients({ ...clf, candidatePass: undefined }, x, labels, targets);
    expect(maxAbs(fast.logits, slow.logits)).toBeLessThan(1e-5);
    expect(maxAbs(fast.gradients, slow.gradients)).toBeLessThan(1e-5 * Math.max(1, scale(slow.gradients)));
    tf.dispose([x, labels, targets, fast.logits, fast.gradients, slow.logits, slow.gradients]);
    model.dispose();
    r.model.dispose();
  });
});

describe('the plain pass against TF.js\'s own gradients (cpu: every registered gradient exists there)', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(['residual', 'inverted'] as const)('∇x of the plain forward equals tf.grad of the layers model itself on the %s network', (net) => {
    for (const kappa of [0, 0.05, 0.3]) {
      const { model, control } = vjpModel(net, kappa);
      const forward = plainForward(model, control)!;
      const [, h, w, c] = model.inputs[0].shape as number[];
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.randomUniform([3, h, w, c], -2, 2, 'float32', 11);
        const r = tf.randomNormal([3, (model.outputs[0].shape as number[])[1]], 0, 1, 'float32', 12);
        const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward(t), r)))(x);
        const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(model.apply(t) as tf.Tensor, r)))(x);
        expect(scale(theirs)).toBeGreaterThan(0);
        // Relative: the gradients here are ~1e-3, so an absolute bound would pass a 0.1% error.
        expect(maxAbs(ours, theirs) / scale(theirs), `κ = ${kappa}`).toBeLessThan(1e-4);
      });
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });
});
