import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import { loadModelNode } from '../models/load-node';
import { shardBatch } from '../data/shard-batch';
import { retrofit } from '../retrofit/retrofit';
import { compareAttackRuns, runAttackCases, type AttackRun } from './attack-parity';

const IMAGES = 20;

/** The attack cases on the first test images of the shipped MNIST base model at κ, on one backend. */
async function runOn(backend: string, kappa: number): Promise<AttackRun[]> {
  await useBackend(backend);
  const { model } = await loadModelNode('mnist-lenetlike-base');
  const shard = await loadShardNode('mnist');
  const r = await retrofit(model, kappa);
  const clf = classifierFromRetrofit(r, NORMALIZATION.mnist, kappa);
  const x = shardBatch(shard, 0, IMAGES, NORMALIZATION.mnist);
  const before = tf.memory().numTensors;
  try {
    const runs = await runAttackCases(clf, x, shard.labels.subarray(0, IMAGES));
    expect(tf.memory().numTensors).toBe(before);
    return runs;
  } finally {
    x.dispose();
    model.dispose();
    r.model.dispose();
  }
}

describe('whole attacks agree on cpu and wasm (shipped MNIST base, first 20 test images)', () => {
  it.each([0, 1])('κ = %s: same per-image iterations and success, mean ρ within 1e-5 relative', async (kappa) => {
    const cpu = await runOn('cpu', kappa);
    const wasm = await runOn('wasm', kappa);
    const rows = compareAttackRuns(cpu, wasm);
    for (const row of rows) expect(row, JSON.stringify(row)).toMatchObject({ ok: true });
    // The cases attack something: each fools some images.
    for (const row of rows) expect(row.fooled, row.key).toBeGreaterThan(0);
  }, 600_000); // ~40 s per κ alone, several minutes on a loaded 2-core machine (the cpu backend's convolutions)
});
