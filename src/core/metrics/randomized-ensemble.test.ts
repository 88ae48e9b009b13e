import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { loadModelNode } from '../models/load-node';
import { retrofit } from '../retrofit/retrofit';
import { makeEvalSet } from './eval-set';
import type { ExperimentProgress } from './experiment';
import { randomizedEnsemble } from './randomized-ensemble';
import { parseReference } from './reference-file';

describe('the randomized model under the EOT ensemble (shipped MNIST model, 2 images, wasm)', () => {
  it('every ε × gradient mode judged on several κ draws, restarts and EOT named; what reproduce writes reads back; no leak', async () => {
    await useBackend('wasm');
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const shard = await loadShardNode('mnist');
    const normalization = NORMALIZATION.mnist;
    const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, 2);
    const retrofitted = await retrofit(model, 0);
    const subject = { retrofitted, normalization, set };
    const seen: ExperimentProgress[] = [];
    try {
      const before = tf.memory().numTensors;
      const r = await randomizedEnsemble(subject, 'mnist', 1, 3, { steps: 2, targetClasses: 1, queries: 5 }, { draws: 3, onProgress: (p) => seen.push(p) });
      expect(tf.memory().numTensors).toBe(before);
      expect(r).toMatchObject({ b: 1, seed: 3, eotSamples: 5, draws: 3, settings: { steps: 2, targetClasses: 1, queries: 5, restarts: 1 } });
      // MNIST: 3 pixel ε and the paper's, each exact and straight-through.
      expect(r.rows.map((x) => `${x.label}/${x.gradientMode}`)).toHaveLength(8);
      for (const row of r.rows) {
        expect(row.drawAccuracies).toHaveLength(3);
        expect(row.robustAccuracy).toBeCloseTo(row.drawAccuracies!.reduce((a, v) => a + v, 0) / 3, 12);
        expect(row.attacks).toMatch(/^APGD-CE \(2 steps, 1 restart, (exact|straight-through), EOT 5\) → APGD-T .*EOT 5\) → Square \(5 queries\)$/);
      }
      expect(seen.map((p) => p.stageIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(seen.every((p) => p.stages === 8 && /randomized κ ~ U\[0\.6, 1\]: ε .* EOT 5\)/.test(p.stage))).toBe(true);
      // The section as reproduce writes it (JSON) is what the reference files read.
      const file = JSON.parse(JSON.stringify({ version: 1, model: 'mnist-lenetlike-base', count: 2, whiteBox: [], adaptiveRandomized: r }));
      expect(parseReference(file, 'r.json', 'mnist-lenetlike-base').adaptiveRandomized).toEqual(r);
      await expect(randomizedEnsemble(subject, 'mnist', 0, 3, { steps: 2, targetClasses: 1, queries: 5 })).rejects.toThrow(/b must be a positive number/);
    } finally {
      set.x.dispose();
      model.dispose();
      retrofitted.model.dispose();
    }
  }, 240_000);
});
