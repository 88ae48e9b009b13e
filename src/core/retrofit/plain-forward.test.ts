import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { candidateGradients } from '../attacks/gradients';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import { loadModelNode } from '../models/load-node';
import { shardBatch } from '../models/predict';
import { KappaControl } from './kappa-control';
import { plainCandidateVjp, plainForward } from './plain-forward';
import { retrofit } from './retrofit';

const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 50 }) });

/** 'same' and 'valid' convolutions, ReLU fused and as a layer, max pooling with a remainder row/column. */
function awkwardModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, ...init(2) }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 6, activation: 'relu', ...init(3) }),
      tf.layers.dense({ units: 4, ...init(4) }),
    ],
  });
}

/** ∇ of Σ weights ⊙ f over the batch tiled K times, through tf.grad: the definition. */
function tiledReference(forward: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor4D, weights: tf.Tensor2D, k: number): tf.Tensor {
  return tf.tidy(() => {
    const n = x.shape[0];
    const tiled = tf.gather(x, tf.tensor1d(Array.from({ length: n * k }, (_, j) => Math.floor(j / k)), 'int32'));
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward(t), weights)))(tiled);
  });
}

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const scale = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);

describe.each(['cpu', 'wasm'])('hand-written candidate backward on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('equals tf.grad over the tiled batch, for any cotangents (same/valid conv, fused and layer ReLU, pooling remainder)', () => {
    const model = awkwardModel();
    // Ties in flat regions: quantised inputs make equal conv outputs inside pooling windows.
    const x = tf.tidy(() => tf.round(tf.randomUniform([3, 9, 9, 2], -2, 2, 'float32', 7))) as tf.Tensor4D;
    const control = new KappaControl(0);
    const forward = plainForward(model, control)!;
    const vjp = plainCandidateVjp(model, control)!;
    expect(vjp).not.toBeNull();
    const k = 5;
    const weights = tf.randomNormal([3 * k, 4], 0, 1, 'float32', 9) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const ours = vjp(x, weights, k);
    expect(tf.memory().numTensors).toBe(before + 2);
    const ref = tiledReference(forward, x, weights, k);
    const logits = forward(x);
    expect(ours.gradients.shape).toEqual([3 * k, 9, 9, 2]);
    expect(maxAbs(ours.logits, logits)).toBe(0);
    expect(maxAbs(ours.gradients, ref)).toBeLessThan(1e-5 * Math.max(1, scale(ref)));
    tf.dispose([x, weights, ours.logits, ours.gradients, ref, logits]);
    model.dispose();
  });

  it('is absent when an op has no hand-written backward (average pooling): callers fall back to tf.grad', () => {
    const model = tf.sequential({ layers: [tf.layers.averagePooling2d({ inputShape: [4, 4, 1], poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
    expect(plainForward(model, new KappaControl(0))).not.toBeNull();
    expect(plainCandidateVjp(model, new KappaControl(0))).toBeNull();
    model.dispose();
  });

  it.each([
    ['mnist-lenetlike-base', 6],
    ['cifar10-alexlike-base', 3],
  ] as const)('DeepFool candidate gradients on %s at the card κ: the fast path equals the tiled tf.grad path', async (id, n) => {
    const { card, model } = await loadModelNode(id);
    const shard = await loadShardNode(card.dataset);
    const norm = NORMALIZATION[card.dataset];
    const r = await retrofit(model, card.kappa.default);
    const clf = classifierFromRetrofit(r, norm, card.kappa.default);
    expect(clf.candidateGradients).toBeDefined();
    const x = shardBatch(shard, 0, n, norm);
    const labels = tf.tensor1d(Array.from(shard.labels.subarray(0, n)), 'int32');
    const targets = tf.tidy(() => tf.topk(tf.where(tf.oneHot(labels, 10).toBool(), tf.fill([n, 10], -Infinity), clf.logits(x)), 9).indices) as tf.Tensor2D;
    const fast = candidateGradients(clf, x, labels, targets);
    const slow = candidateGradients({ ...clf, candidateGradients: undefined }, x, labels, targets);
    expect(maxAbs(fast.logits, slow.logits)).toBeLessThan(1e-5);
    expect(maxAbs(fast.gradients, slow.gradients)).toBeLessThan(1e-5 * Math.max(1, scale(slow.gradients)));
    tf.dispose([x, labels, targets, fast.logits, fast.gradients, slow.logits, slow.gradients]);
    model.dispose();
    r.model.dispose();
  });
});
