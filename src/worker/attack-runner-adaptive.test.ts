import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NORMALIZATION } from '../core/data/normalization';
import { loadShardNode } from '../core/data/shard-node';
import type { Shard } from '../core/data/shard';
import { classifierFromRetrofit } from '../core/metrics/classifier-from-retrofit';
import { loadModelNode } from '../core/models/load-node';
import { retrofit, type RetrofittedModel } from '../core/retrofit/retrofit';
import { useBackend } from '../testing/backends';
import { getAttack } from '../core/attacks';
import { runAttackPair } from './attack-runner';
import type { AttackRequest } from './jobs';

/** The shipped MNIST model on its first test image, as the attack view runs it. */
describe('attack view: refined ρ and the straight-through companion (shipped MNIST model, wasm)', () => {
  let net: RetrofittedModel;
  let shard: Shard;
  beforeAll(async () => {
    await useBackend('wasm');
    net = await retrofit((await loadModelNode('mnist-lenetlike-base')).model, 0);
    shard = await loadShardNode('mnist');
  });

  const run = (attackId: string, over: Partial<AttackRequest> = {}) => {
    const req: AttackRequest = {
      modelId: 'mnist-lenetlike-base', imageIndex: 0, attackId, params: {}, threat: 'white-box', gradientMode: 'exact',
      smoothingTau: 0.1, kappa: 1, randomized: false, seed: 1, ...over,
    };
    const clf = (kappa: number) => classifierFromRetrofit(net, NORMALIZATION.mnist, kappa);
    return runAttackPair(getAttack(attackId), shard, req, { unprotected: clf(0), protected: clf(req.kappa) }, new AbortController().signal, () => undefined);
  };

  it('DeepFool L2, exact: both sides refined (refined ≤ raw), straight-through run on κ = 1, κ = 0 reused; no leak', async () => {
    const before = tf.memory().numTensors;
    const r = await run('deepfool-l2');
    expect(tf.memory().numTensors).toBe(before);
    expect(r.companionNote).toBeNull();
    expect(r.companion?.gradientMode).toBe('straight-through');
    for (const s of [r.unprotected, r.protected]) {
      expect(s.success).toBe(true);
      expect(s.rhoRefined).not.toBeNull();
      expect(s.rhoRefined!).toBeLessThanOrEqual(s.rho * (1 + 1e-6));
      expect(s.rhoRefined!).toBeGreaterThan(0);
    }
    // At κ = 0 both rules are 1[z > 0]: the requested run's numbers, not a rerun.
    expect(r.companion!.unprotected).toEqual({ rho: r.unprotected.rho, rhoRefined: r.unprotected.rhoRefined, success: true, iterations: r.unprotected.iterations });
    const st = r.companion!.protected;
    expect(st.success).toBe(true);
    expect(st.rhoRefined!).toBeLessThanOrEqual(st.rho * (1 + 1e-6));
    // Another backward, another path: the straight-through run is not the exact one copied.
    expect(st.rho).not.toBe(r.protected.rho);
  });

  it('smoothed requests rerun the straight-through attack at κ = 0 too (the rules differ there)', async () => {
    const r = await run('deepfool-l2', { gradientMode: 'smoothed', smoothingTau: 0.2, params: { steps: 10 } });
    expect(r.companion?.gradientMode).toBe('straight-through');
    expect(r.companion!.unprotected.rho).not.toBe(r.unprotected.rho);
  });

  it('targeted DeepFool: both sides and the straight-through companion refined toward the target, still classified as it', async () => {
    const label = shard.labels[0];
    const target = (label + 3) % 10;
    const r = await run('deepfool-l2', { target });
    expect(r.unprotected.success).toBe(true);
    for (const s of [r.unprotected, r.protected]) {
      // (Exact-gradient targeted DeepFool misses the target at κ = 1 on this image: nothing to refine there.)
      if (!s.success) { expect(s.rhoRefined).toBeNull(); continue; }
      expect(s.adversarial.predicted).toBe(target);
      expect(s.rhoRefined).not.toBeNull();
      expect(s.rhoRefined!).toBeLessThanOrEqual(s.rho * (1 + 1e-6));
    }
    const st = r.companion!.protected;
    expect(st.success).toBe(true);
    expect(st.rhoRefined).not.toBeNull();
    // DeepFool overshoots by 2%, so toward the target refinement trims little; toward any wrong class it would stop
    // where the ray first leaves the label's region, far earlier on this image.
    expect(r.unprotected.rhoRefined!).toBeGreaterThan(0.95 * r.unprotected.rho);
    expect(st.rhoRefined!).toBeGreaterThan(0.95 * st.rho);
    // Toward the target it is never closer than toward any wrong class (the untargeted run's refined ρ).
    const untargeted = await run('deepfool-l2');
    expect(r.unprotected.rhoRefined!).toBeGreaterThanOrEqual(untargeted.unprotected.rhoRefined! * (1 - 1e-3));
  });

  it('fixed-ε, gradient-free and gray-box runs say why there is no companion, and fixed-ε ρ is not refined', async () => {
    const fgsm = await run('fgsm');
    expect(fgsm.companion).toBeNull();
    expect(fgsm.companionNote).toMatch(/fixed budget/);
    expect(fgsm.protected.rhoRefined).toBeNull();
    const square = await run('square-linf', { gradientMode: 'straight-through', params: { queries: 20 } });
    expect(square.companion).toBeNull();
    expect(square.companionNote).toMatch(/reads no gradients/);
    const gray = await run('deepfool-l2', { threat: 'gray-box' });
    expect(gray.companion).toBeNull();
    expect(gray.companionNote).toMatch(/Gray-box/);
  });
});
