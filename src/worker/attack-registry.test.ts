import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_IDS } from '../core/attacks';
import { tinyJumpNetwork } from '../core/attacks/test-classifiers';
import { useBackend } from '../testing/backends';
import { attackImpls } from './attack-registry';

describe('attack picker descriptors', () => {
  it('list every registered attack once, paper headliners first', () => {
    const ids = attackImpls().map((a) => a.descriptor.id);
    expect([...ids].sort()).toEqual([...ATTACK_IDS].sort());
    expect(ids.slice(0, 3)).toEqual(['deepfool-l2', 'deepfool-linf', 'ifgsm']);
  });

  it('give every numeric parameter a range that holds its default, and the norm the attack runs in', () => {
    for (const { descriptor: d } of attackImpls()) {
      expect(['l2', 'linf']).toContain(d.norm);
      if (d.id.endsWith('-l2')) expect(d.norm, d.id).toBe('l2');
      for (const p of d.params) {
        if (typeof p.default !== 'number') continue;
        if (p.min !== undefined) expect(p.default, `${d.id}.${p.key}`).toBeGreaterThanOrEqual(p.min);
        if (p.max !== undefined) expect(p.default, `${d.id}.${p.key}`).toBeLessThanOrEqual(p.max);
      }
    }
  });
});

describe('attack adapters run one image', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(attackImpls().map((a) => [a.descriptor.id, a] as const))('%s: returns an adversarial of the input shape, leaks nothing', async (_id, impl) => {
    const net = tinyJumpNetwork([4, 4, 1], 8, 3, 0.1, 3);
    const x = tf.randomUniform([1, 4, 4, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    const label = (await tf.tidy(() => tf.argMax(net.logits(x), 1)).data())[0];
    const before = tf.memory().numTensors;
    const params = Object.fromEntries(impl.descriptor.params.map((p) => [p.key, p.key === 'steps' ? 5 : p.default]));
    const seen: number[] = [];
    const out = await impl.run(net, x, label, { ...params, clip: 'pixel' }, { signal: new AbortController().signal, onIteration: (i) => seen.push(i) });
    expect(out.adv.shape).toEqual([1, 4, 4, 1]);
    expect(out.iterations).toBeGreaterThanOrEqual(0);
    out.adv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });
});
