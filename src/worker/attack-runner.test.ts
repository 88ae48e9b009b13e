import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_IDS, getAttack } from '../core/attacks';
import { predict } from '../core/attacks/run-attack';
import { normalizePixels } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import type { Classifier } from '../core/models/classifier';
import { tinyJumpNetwork, TEST_NORMALIZATION } from '../core/attacks/test-classifiers';
import { useBackend } from '../testing/backends';
import { runAttackPair } from './attack-runner';
import { attackDescriptors } from './catalogue';
import type { AttackRequest } from './jobs';

/** Counts the passes a view makes on the very tensor it first saw (the clean image). */
function counting(c: Classifier): Classifier & { cleanPasses: () => number } {
  let first: tf.Tensor | null = null;
  let n = 0;
  return {
    ...c,
    logits: (x) => {
      first ??= x;
      if (x === first) n++;
      return c.logits(x);
    },
    cleanPasses: () => n,
  };
}

describe('the attack job body', () => {
  const pixels = Uint8Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
  let protectedNet: Classifier;
  let baseNet: Classifier;
  beforeAll(async () => {
    await useBackend('cpu');
    protectedNet = tinyJumpNetwork([4, 4, 1], 8, 3, 0.1, 3);
    baseNet = tinyJumpNetwork([4, 4, 1], 8, 3, 0, 3); // same weights (same seed), κ = 0
  });
  const shardFor = (label: number): Shard => ({
    manifest: { shape: [4, 4, 1], count: 1, dataset: 'mnist' }, images: pixels, labels: Uint8Array.from([label]),
  }) as unknown as Shard;
  const request = (attackId: string, threat: AttackRequest['threat']): AttackRequest => ({
    modelId: 'm', imageIndex: 0, attackId, threat, kappa: 0.1, randomized: false, seed: 1, gradientMode: 'exact', smoothingTau: 0.1,
    params: attackId.includes('trust') || attackId === 'ifgsm' ? { steps: 50 } : {},
  });

  it('lists the catalogue in its order with the clip range last', () => {
    const d = attackDescriptors();
    expect(d.map((a) => a.id)).toEqual(ATTACK_IDS);
    expect(d.slice(0, 3).map((a) => a.id)).toEqual(['deepfool-l2', 'deepfool-linf', 'ifgsm']);
    for (const a of d) expect(a.params.at(-1)?.key).toBe('clip');
  });

  it.each(ATTACK_IDS.flatMap((id) => [[id, 'white-box'], [id, 'gray-box']] as const))(
    '%s %s: classifies the clean image once per side, reports the core\'s numbers, leaks nothing', async (id, threat) => {
      const x = normalizePixels(pixels, [1, 4, 4, 1], TEST_NORMALIZATION);
      const label = (await predict(baseNet, x))[0];
      x.dispose();
      const views = { unprotected: counting(baseNet), protected: counting(protectedNet) };
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      const r = await runAttackPair(getAttack(id), shardFor(label), request(id, threat), views, new AbortController().signal, (p) => seen.push(p.done));
      expect(tf.memory().numTensors).toBe(before);
      expect(views.unprotected.cleanPasses()).toBe(1);
      expect(views.protected.cleanPasses()).toBe(1);
      expect(r.unprotected.skipped).toBe(false);
      expect(r.unprotected.clean.predicted).toBe(label);
      expect(r.unprotected.success).toBe(r.unprotected.adversarial.predicted !== label);
      expect(r.protected.success).toBe(r.protected.adversarial.predicted !== label);
      expect(Number.isFinite(r.unprotected.l2) && Number.isFinite(r.unprotected.rho)).toBe(true);
      expect(r.norm).toBe(getAttack(id).distance);
      if (threat === 'gray-box') {
        expect(r.protected).toMatchObject({ craftedOn: 'kappa-0', l2: r.unprotected.l2, linf: r.unprotected.linf, iterations: r.unprotected.iterations });
      }
      // Every white-box gradient minimization attack also ran under straight-through; the others say why not.
      const a = getAttack(id);
      const compared = threat === 'white-box' && a.kind === 'minimization' && !('queries' in a && a.queries);
      expect(r.companion === null, id).toBe(!compared);
      expect(r.companionNote === null, id).toBe(compared);
      expect(r.cleanPixels).toHaveLength(16);
      expect(r.unprotected.deltaAbs).toHaveLength(16);
    });

  it('refuses parameters the range rule would change, before anything runs', async () => {
    const req = { ...request('ifgsm', 'white-box'), params: { steps: 1e9 } };
    await expect(runAttackPair(getAttack('ifgsm'), shardFor(0), req, { unprotected: baseNet, protected: protectedNet },
      new AbortController().signal, () => undefined)).rejects.toThrow(/steps = 1000000000 is outside 0–2000/);
  });

  it.each(['white-box', 'gray-box'] as const)('own image, targeted (%s): the label is the unprotected reading, success means the target', async (threat) => {
    const own = Uint8Array.from({ length: 16 }, (_, i) => (i * 91) % 256);
    const x = normalizePixels(own, [1, 4, 4, 1], TEST_NORMALIZATION);
    const reading = (await predict(baseNet, x))[0];
    x.dispose();
    // Both other classes: untargeted DeepFool would reach only the nearer one.
    for (const target of [(reading + 1) % 3, (reading + 2) % 3]) {
      const views = { unprotected: counting(baseNet), protected: counting(protectedNet) };
      const req = { ...request('deepfool-l2', threat), imageIndex: -1, ownPixels: own, target };
      const before = tf.memory().numTensors;
      // The shard's label (here: never the reading) must not be used for an own image.
      const r = await runAttackPair(getAttack('deepfool-l2'), shardFor((reading + 2) % 3), req, views, new AbortController().signal, () => undefined);
      expect(tf.memory().numTensors).toBe(before);
      expect(views.unprotected.cleanPasses()).toBe(1);
      expect(r.label).toBe(reading);
      expect(r.unprotected.adversarial.predicted).toBe(target);
      expect(r.unprotected.success).toBe(true);
      expect(r.protected.success).toBe(r.protected.adversarial.predicted === target);
      expect(Array.from(r.cleanPixels, (v) => Math.round(v * 255))).toEqual(Array.from(own));
    }
  });
});

