/** The Table 3 panel's body on the shipped MNIST model, through RUNNERS as the worker runs it. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NORMALIZATION } from '../core/data/normalization';
import { loadShardNode } from '../core/data/shard-node';
import { loadModelNode } from '../core/models/load-node';
import { registerKernels } from '../core/op/register';
import { retrofit } from '../core/retrofit/retrofit';
import { useBackend } from '../testing/backends';
import type { DetectionRequest, Progress } from './jobs';
import { RUNNERS } from './runners';
import { ComputeSession } from './session';

vi.mock('../lib/wasm-assets', () => ({ WASM_PATHS: {} }));

const ID = 'mnist-lenetlike-base';
/** Tiny: two minibatches of 25 (one trains, one is held out), κ = 0 only, a 3-step LID-aware attack. */
const REQ: DetectionRequest = { kind: 'detection', modelId: ID, kappa: 0, sample: 50, batch: 25, sigma: null, trSteps: 0, awareSteps: 3 };

describe('the detection body (Table 3) on the shipped MNIST model', () => {
  const session = new ComputeSession();
  beforeAll(async () => {
    await useBackend('wasm');
    registerKernels();
    const { card, model } = await loadModelNode(ID);
    const shard = await loadShardNode('mnist');
    const net = await retrofit(model, 0);
    model.dispose();
    session.setLoaded({ id: ID, card, normalization: NORMALIZATION.mnist, net, shard });
  });
  afterAll(() => session.setLoaded(null));

  it('measures every attack with a held-out AUC and ROC, reports progress, and leaves the tensor count as it found it', async () => {
    const before = tf.memory().numTensors;
    const progress: Progress[] = [];
    const r = await RUNNERS.detection(session, REQ, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.map((row) => row.attack)).toEqual(['pgd', 'deepfool-linf', 'deepfool-l2', 'lid-aware', 'lid-aware-blind']);
    expect(r.taps[0]).toBe('input');
    expect(r.taps.at(-1)).toBe('logits');
    for (const row of r.rows) {
      expect(row.error).toBeUndefined();
      expect(row.kappa).toBe(0);
      expect(row.used).toBe(50);
      expect(row.testPerSet).toBe(25);
      expect(row.auc).toBeGreaterThanOrEqual(0);
      expect(row.auc).toBeLessThanOrEqual(1);
      expect(row.roc[0]).toEqual({ fpr: 0, tpr: 0 });
      expect(row.roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
      // The noise matches the adversarial L2 (Ma et al.'s rule) within the 1 % the core aims for.
      expect(Math.abs(row.meanNoiseL2 - row.meanAdversarialL2)).toBeLessThan(0.02 * row.meanAdversarialL2);
    }
    // The images used never come from the tuner's validation split (the last 2,000 of MNIST's shard).
    expect(r.split.evaluation.count).toBe(8000);
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(progress.some((p) => /LID features/.test(p.label ?? ''))).toBe(true);
  }, 600_000);

  it('stops when cancelled mid-run, releasing every tensor', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    let seen = 0;
    const run = RUNNERS.detection(session, REQ, {
      signal: ctl.signal, onProgress: (p) => { if (/attacking/.test(p.label ?? '') && ++seen === 1) ctl.abort(); },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('refuses a minibatch outside its setting\'s range by name, before any work', async () => {
    await expect(RUNNERS.detection(session, { ...REQ, batch: 10 }, { signal: new AbortController().signal, onProgress: () => {} })).rejects.toThrow(/batch/);
  });
});
