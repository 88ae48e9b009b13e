import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { loadModelNode } from '../models/load-node';
import { retrofit } from '../retrofit/retrofit';
import { PAPER_PROTOCOL } from './paper-protocol';
import type { AdaptiveProtocol } from './adaptive-protocol';
import { adaptiveSuite } from './adaptive-suite';
import { makeEvalSet } from './eval-set';

describe('adaptive suite on the shipped MNIST model (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it('at κ = 1: refined ρ ≤ raw ρ, straight-through DeepFool needs less than exact, best of ≤ every cell, red flags explained', async () => {
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const shard = await loadShardNode('mnist');
    const normalization = NORMALIZATION.mnist;
    const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, 12);
    const retrofitted = await retrofit(model, 0);
    const df2 = PAPER_PROTOCOL.mnist.find((c) => c.key === 'deepfool-l2')!.options;
    const protocol: AdaptiveProtocol = {
      cells: [
        { attack: 'deepfool-l2', options: df2, gradientMode: 'exact' },
        { attack: 'deepfool-l2', options: df2, gradientMode: 'straight-through' },
        { attack: 'fmn-l2', options: { steps: 20 }, gradientMode: 'straight-through' },
        { attack: 'square-linf', options: { epsilon: 2, queries: 100 } },
      ],
      convergence: { cell: 'deepfool-l2+exact', option: 'steps', factor: 2 },
    };
    const before = tf.memory().numTensors;
    const s = await adaptiveSuite({ retrofitted, normalization, set }, 1, protocol, { batchSize: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(s.cells)).toEqual(['deepfool-l2+exact', 'deepfool-l2+straight-through', 'fmn-l2+straight-through', 'square-linf']);
    for (const c of Object.values(s.cells)) {
      expect(c.rhoRefined).toBeLessThanOrEqual(c.rho * (1 + 1e-6));
      expect(c.foolRate).toBeGreaterThan(0);
    }
    // The finding, measured here: the exact-gradient DeepFool overshoots at κ = 1.
    expect(s.cells['deepfool-l2+straight-through'].rhoRefined).toBeLessThan(s.cells['deepfool-l2+exact'].rhoRefined);
    expect(s.cells['deepfool-l2+exact'].rhoRefined).toBeLessThan(s.cells['deepfool-l2+exact'].rho);
    const l2Cells = Object.values(s.cells).filter((c) => c.distance === 'l2' && c.foolRate === 1);
    for (const c of l2Cells) expect(s.bestOf.rhoL2).toBeLessThanOrEqual(c.rhoRefined * (1 + 1e-6));
    expect(s.bestOf.robustAccuracy.l2.accuracy[0]).toBeGreaterThan(s.bestOf.robustAccuracy.l2.accuracy.at(-1)!);
    for (const [name, flag] of Object.entries(s.redFlags)) {
      expect(flag.explanation.length, name).toBeGreaterThan(20);
      expect(typeof flag.flagged).toBe('boolean');
    }
    expect(Object.keys(s.redFlags.silencedUnits.value).length).toBe(retrofitted.jumpLayers.length);
    const silenced = Object.values(s.redFlags.silencedUnits.value);
    expect(Math.max(...silenced)).toBeGreaterThan(0);
    set.x.dispose();
    model.dispose();
    retrofitted.model.dispose();
  }, 120_000);

  it('robust accuracy at fixed ε: one row per ε and mode, falling with ε, ≤ clean; best-of takes the ensemble\'s adversarials', async () => {
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const shard = await loadShardNode('mnist');
    const normalization = NORMALIZATION.mnist;
    const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, 8);
    const retrofitted = await retrofit(model, 0);
    // One deliberately weak cell: whatever best-of finds beyond it came from the ensemble.
    const protocol: AdaptiveProtocol = {
      cells: [{ attack: 'square-linf', options: { epsilon: 0.01, queries: 3 } }],
      convergence: { cell: 'square-linf', option: 'queries', factor: 2 },
      ensemble: {
        epsilons: [{ epsilon: 0.1, units: 'pixel', label: '0.1' }, { epsilon: 0.3, units: 'pixel', label: '0.3' }],
        modes: ['exact', 'straight-through'],
        settings: { steps: 5, targetClasses: 2, queries: 20, restarts: 1 },
      },
    };
    const before = tf.memory().numTensors;
    const s = await adaptiveSuite({ retrofitted, normalization, set }, 1, protocol, { batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    const rows = s.robustAccuracy!.rows;
    expect(rows.map((r) => `${r.label}/${r.gradientMode}`)).toEqual(['0.1/exact', '0.1/straight-through', '0.3/exact', '0.3/straight-through']);
    for (const mode of ['exact', 'straight-through']) {
      const [small, large] = rows.filter((r) => r.gradientMode === mode);
      expect(large.robustAccuracy).toBeLessThanOrEqual(small.robustAccuracy);
      expect(small.robustAccuracy).toBeLessThanOrEqual(small.cleanAccuracy);
      expect(large.attacks).toMatch(/APGD-CE .*APGD-T .*Square/);
    }
    const strongest = rows.find((r) => r.label === '0.3' && r.gradientMode === 'straight-through')!;
    const clean = Math.round(strongest.cleanAccuracy * 8);
    const broken = clean - Math.round(strongest.robustAccuracy * 8);
    expect(broken).toBeGreaterThan(0); // 0.3 px on MNIST breaks an undefended LeNet
    expect(s.cells['square-linf'].foolRate * clean).toBeLessThan(broken);
    expect(s.bestOf.foolRate * clean).toBeGreaterThanOrEqual(broken - 1e-9);
    expect(s.bestOf.rhoLinf).toBeGreaterThan(0);
    // Indicators: APGD's per attack and mode over both ε, from what the runs recorded; APGD-CE's restart measured.
    const ind = s.failureIndicators!;
    const ce = ind.filter((i) => i.attack.startsWith('APGD-CE L∞, exact gradients'));
    expect(ce.map((i) => [i.id, i.measured])).toEqual([
      ['silent-success', true], ['incomplete-optimisation', true], ['unbounded-below-100', false],
      ['non-converging-restarts', true], ['unstable-predictions', false], ['zero-gradients', true],
    ]);
    // The restart looks at the pairs the first run failed on, as incomplete optimisation does.
    const restart = ce.find((i) => i.id === 'non-converging-restarts')!;
    expect(restart.of).toBe(ce.find((i) => i.id === 'incomplete-optimisation')!.of);
    expect(ind.filter((i) => i.attack.startsWith('APGD-T') && i.id === 'non-converging-restarts').every((i) => !i.measured)).toBe(true);
    // APGD-CE runs first at each ε, on every correctly classified image: image × ε pairs looked at.
    expect(ce.find((i) => i.id === 'silent-success')!.of).toBe(2 * clean);
    for (const i of ind) if (!i.measured) expect(i.message).toMatch(/not measured/);
    const noise = ind.find((i) => i.id === 'unstable-predictions' && i.measured)!;
    expect(noise.attack).toMatch(/4 draws of ±1\/255-pixel uniform noise/);
    expect(noise.of).toBe(8);
    set.x.dispose();
    model.dispose();
    retrofitted.model.dispose();
  }, 300_000);
});
