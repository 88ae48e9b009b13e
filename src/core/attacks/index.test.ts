import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { ATTACK_IDS, ATTACKS, getAttack } from './index';
import type { RegisteredAttack } from './index';
import { deepFoolL2 } from './deepfool';
import { predict, runAnyAttack, runAttack } from './run-attack';
import { tinyJumpNetwork } from './test-classifiers';
import type { AttackProgress } from './types';

/** Small budgets so every attack runs in milliseconds; the options are valid for the attack's kind. */
function quick(attack: RegisteredAttack): Record<string, number> {
  switch (attack.id) {
    case 'fgsm':
      return { epsilon: 0.3 };
    case 'pgd':
      return { epsilon: 0.3, stepSize: 0.05, steps: 8 };
    case 'pgd-l2':
      return { epsilon: 1, stepSize: 0.2, steps: 8 };
    case 'ifgsm':
      return { epsilon: 0.05, steps: 20 };
    case 'trust-region-l2':
    case 'trust-region-linf':
      return { steps: 200, radius: 0.05 };
    case 'hop-skip-jump':
      return { steps: 5, initialEvals: 20, maxEvals: 50 };
    case 'eot-pgd':
      return { epsilon: 0.3, stepSize: 0.05, steps: 8, samples: 2 };
    case 'square-linf':
      return { epsilon: 0.5, queries: 200 };
    case 'square-l2':
      return { epsilon: 2, queries: 200 };
    case 'apgd-ce-linf':
    case 'apgd-t-linf':
      return { epsilon: 0.3, steps: 10 };
    case 'apgd-ce-l2':
    case 'apgd-t-l2':
      return { epsilon: 1, steps: 10 };
    default:
      return { steps: 20 };
  }
}

const fooled = (s: Uint8Array) => s.reduce((a, v) => a + v, 0);

describe('attack registry', () => {
  it('lists every attack under its own id, with defaults', () => {
    for (const id of ATTACK_IDS) {
      expect(ATTACKS[id].id).toBe(id);
      expect(getAttack(id)).toBe(ATTACKS[id]);
      expect(Object.keys(ATTACKS[id].defaults).length).toBeGreaterThan(0);
    }
    expect(() => getAttack('cw')).toThrow(/unknown attack/);
  });
});

describe.each(NODE_BACKENDS)('every attack on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(ATTACK_IDS)('%s: adversarial accuracy ≤ clean, no leaked tensors, fixed-ε attacks within ε', async (id) => {
    const attack = getAttack(id);
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.25, 51);
    const x = tf.randomUniform([8, 4, 4, 1], -1.5, 1.5, 'float32', 12) as tf.Tensor4D;
    const predicted = await predict(net, x);
    const labels = Array.from(predicted, (p, i) => (i === 0 ? (p + 1) % 5 : p)); // image 0 already wrong
    const before = tf.memory().numTensors;
    const r = await runAnyAttack(attack, net, x, labels, { ...quick(attack), clip: 'pixel' });
    expect(r.adversarial.shape).toEqual(x.shape);
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.skipped[0]).toBe(1);
    expect(r.l2[0]).toBe(0);
    expect(fooled(r.success)).toBeGreaterThanOrEqual(1);
    if (attack.kind === 'fixed-epsilon') {
      const eps = quick(attack).epsilon;
      r.linf.forEach((v) => expect(v).toBeLessThanOrEqual(eps + 1e-5));
    } else {
      // Minimization attacks stop per image once fooled, so most images get fooled with a small budget.
      expect(fooled(r.success)).toBeGreaterThanOrEqual(6);
    }
    for (let i = 0; i < 8; i++) {
      expect(r.rhoL2[i]).toBeGreaterThanOrEqual(0);
      expect(r.success[i]).toBe(r.predictions[i] !== labels[i] ? 1 : 0);
    }
    x.dispose();
    net.dispose();
  });

  it.each(ATTACK_IDS.filter((id) => id !== 'fgsm'))('%s: aborts mid-way promptly, rejecting with AbortError, leaking nothing', async (id) => {
    const attack = getAttack(id);
    // A larger κ and a tiny step keep every image active long enough to be interrupted.
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.25, 52);
    const x = tf.randomUniform([6, 4, 4, 1], -1, 1, 'float32', 13) as tf.Tensor4D;
    const labels = await predict(net, x);
    const small: Record<string, number> =
      id.startsWith('square') ? { epsilon: 1e-5, queries: 1000 }
        : id.startsWith('apgd') ? { epsilon: 1e-5, steps: 1000 }
        : attack.kind === 'fixed-epsilon' ? { steps: 1000, stepSize: 1e-4 }
          : id === 'ifgsm' ? { epsilon: 1e-5, steps: 1000 }
            : id.startsWith('trust') ? { radius: 1e-5, steps: 1000 }
              : id.startsWith('fmn') ? { steps: 1000 }
                : id === 'hop-skip-jump' ? { steps: 1000, initialEvals: 5 } : { steps: 1000, overshoot: 0 };
    const controller = new AbortController();
    const seen: AttackProgress[] = [];
    let abortedAt = -1;
    const before = tf.memory().numTensors;
    const run = runAnyAttack(attack, net, x, labels, {
      ...small,
      clip: 'pixel',
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.iteration === 2 && abortedAt < 0) {
          abortedAt = seen.length;
          controller.abort();
        }
      },
    });
    if (id.startsWith('deepfool')) {
      // DeepFool may finish every image in fewer than 3 steps: then there is nothing to abort.
      const r = await run.catch((e: Error) => e);
      if (!(r instanceof Error)) {
        r.adversarial.dispose();
        expect(r.iterations.every((v) => v <= 3)).toBe(true);
        x.dispose();
        net.dispose();
        return;
      }
      expect(r.name).toBe('AbortError');
    } else {
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    }
    expect(seen.length).toBe(abortedAt); // no further step after the abort
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('rejects unknown option keys and an already-aborted signal', async () => {
    const net = tinyJumpNetwork([2, 2, 1], 4, 3, 0, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    // @ts-expect-error: 'epsilom' is not a DeepFool option
    await expect(runAttack(deepFoolL2, net, x, [0], { epsilom: 1 })).rejects.toThrow(/unknown parameter "epsilom"/);
    await expect(runAnyAttack(getAttack('fgsm'), net, x, [0], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    x.dispose();
    net.dispose();
  });
});
