/**
 * The κ slider's progressive evaluation: a first estimate from a small class-balanced batch, then refining
 * batch by batch, ending on exactly the first-n accuracy of the plain sequential sweep.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NORMALIZATION } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { loadShardNode } from '../core/data/shard-node';
import { accuracyOver, shardSource } from '../core/metrics/accuracy';
import { classifierFromRetrofit } from '../core/metrics/classifier-from-retrofit';
import { loadModelNode } from '../core/models/load-node';
import { retrofit, type RetrofittedModel } from '../core/retrofit/retrofit';
import { useBackend } from '../testing/backends';
import { evaluateAccuracy, firstBatchSize } from './evaluate';
import type { Progress } from './jobs';

let shard: Shard;
let net: RetrofittedModel;

beforeAll(async () => {
  await useBackend('wasm');
  shard = await loadShardNode('mnist');
  const { model } = await loadModelNode('mnist-lenetlike-base');
  net = await retrofit(model, 0);
  model.dispose();
});

describe('progressive evaluation', () => {
  it.each([[500, 1], [1000, 1.5], [333, 0.5]])('n = %i, κ = %d: interim counts grow batch by batch and the final figure equals the sequential sweep exactly', async (n, kappa) => {
    const before = tf.memory().numTensors;
    const clf = classifierFromRetrofit(net, NORMALIZATION.mnist, kappa);
    const events: Progress[] = [];
    const req = { modelId: 'test-model', kappa, randomized: false, seed: 1, sampleSize: n, galleryIndices: [3, 1, 4] };
    const r = await evaluateAccuracy(clf, shard, req, new AbortController().signal, (p) => events.push(p));
    const want = await accuracyOver(clf, shardSource(shard, NORMALIZATION.mnist, n));
    expect(r.total).toBe(n);
    expect(r.accuracy).toBe(want.accuracy);
    expect(r.correct).toBe(want.correct.reduce((a, v) => a + v, 0));
    // The first estimate: whole class rounds, before the gallery; then the gallery rides along.
    expect(events[0].done).toBe(r.firstImages);
    expect(r.firstImages % 10 === 0 || r.firstImages === n).toBe(true);
    expect(events[0].gallery).toBeUndefined();
    expect(events[1].gallery?.map((g) => g.index)).toEqual([3, 1, 4]);
    expect(r.gallery).toEqual(events[1].gallery);
    const dones = events.map((e) => e.done);
    expect(dones.at(-1)).toBe(n);
    for (let i = 1; i < dones.length; i++) expect(dones[i]).toBeGreaterThanOrEqual(dones[i - 1]);
    expect(events.at(-1)!.correct).toBe(r.correct);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sizes the first batch from the measured speed: whole rounds of ten classes, at least one', () => {
    expect(firstBatchSize(6, 1000)).toBe(20); // the ResNet-20 on wasm: ~120 ms
    expect(firstBatchSize(0.1, 1000)).toBe(250); // capped at the core's batch
    expect(firstBatchSize(100, 1000)).toBe(10);
    expect(firstBatchSize(0.1, 35)).toBe(35);
  });

  it('leaves the batch\'s fixed cost out of the images\' share: a deep network with per-op overhead gets fewer images', () => {
    expect(firstBatchSize(3.3, 1000)).toBe(30); // the MobileNetV2's bulk rate alone
    expect(firstBatchSize(3.3, 1000, 50)).toBe(20); // with 50 ms of fixed cost: 50 + 66 ms
    expect(firstBatchSize(3.3, 1000, 500)).toBe(10); // never less than one round
    expect(firstBatchSize(0.1, 1000, 100)).toBe(200);
  });

  it('a cancel stops the sweep at a batch boundary and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const clf = classifierFromRetrofit(net, NORMALIZATION.mnist, 1);
    const ctl = new AbortController();
    const req = { modelId: 'test-cancel', kappa: 1, randomized: false, seed: 1, sampleSize: 10000, galleryIndices: [] };
    const seen: number[] = [];
    await expect(evaluateAccuracy(clf, shard, req, ctl.signal, (p) => { seen.push(p.done); if (seen.length === 2) ctl.abort(); })).rejects.toThrow();
    expect(seen.at(-1)).toBeLessThan(10000);
    expect(tf.memory().numTensors).toBe(before);
  });
});
