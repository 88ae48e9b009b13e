import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { ATTACKS, ATTACK_IDS, CLIP_SPEC, checkParams, paperValues, runAttack } from './index';
import { ifgsm } from './ifgsm';
import { tinyJumpNetwork } from './test-classifiers';

const IFGSM_SPECS = [...ifgsm.params, CLIP_SPEC];

describe('the catalogue', () => {
  it('gives every option of every attack one spec whose range holds its default and paper values', () => {
    for (const id of ATTACK_IDS) {
      const a = ATTACKS[id];
      expect(a.params.map((p) => p.key), id).toEqual(Object.keys(a.defaults));
      expect(a.summary.length, id).toBeGreaterThan(10);
      for (const p of a.params) {
        const values = [p.default, ...Object.values(p.paper ?? {})];
        for (const v of values) expect(checkParams(id, a.params, { [p.key]: v }).notices, `${id}.${p.key}=${String(v)}`).toEqual([]);
        expect(p.doc.length, `${id}.${p.key}`).toBeGreaterThan(0);
      }
    }
  });

  it('holds the paper protocol per data set (section 4: ε = 0.01; 40 steps MNIST, 7 CIFAR-10; TR 1000)', () => {
    expect(paperValues(ATTACKS.ifgsm.params, 'mnist')).toEqual({ epsilon: 0.01, steps: 40 });
    expect(paperValues(ATTACKS.ifgsm.params, 'cifar10')).toEqual({ epsilon: 0.01, steps: 7 });
    expect(paperValues(ATTACKS['deepfool-l2'].params, 'cifar10')).toEqual({ steps: 7, overshoot: 0.02, stepRule: 'paper', candidates: null });
    expect(paperValues(ATTACKS['trust-region-l2'].params, 'mnist')).toMatchObject({ steps: 1000, radius: 0.01 });
  });
});

describe('the one range rule', () => {
  it('clamps out-of-range numbers and rounds integers, naming the value', () => {
    const r = checkParams('ifgsm', IFGSM_SPECS, { steps: 1_000_000_000, epsilon: 1e300 });
    expect(r.values).toEqual({ steps: 2000, epsilon: 3 });
    expect(r.notices).toHaveLength(2);
    expect(r.notices[0]).toMatch(/steps = 1000000000 is outside 0–2000; using 2000/);
    expect(r.notices[1]).toMatch(/epsilon = 1e\+300 is outside 0–3; using 3/);
    expect(checkParams('ifgsm', IFGSM_SPECS, { steps: 7.4 })).toEqual({ values: { steps: 7 }, notices: ['ifgsm: steps = 7.4 is not a whole number; using 7.'] });
  });

  it('refuses NaN, ±∞, wrong types and unlisted options; the default applies', () => {
    const r = checkParams('ifgsm', IFGSM_SPECS, { epsilon: Number.NaN, steps: Infinity, clip: 'evil' });
    expect(r.values).toEqual({});
    expect(r.notices.join('\n')).toMatch(/epsilon = NaN is not a finite number/);
    expect(r.notices.join('\n')).toMatch(/steps = Infinity is not a finite number/);
    expect(r.notices.join('\n')).toMatch(/clip = "evil" is not one of paper, pixel; using the default paper/);
    expect(checkParams('pgd', ATTACKS.pgd.params, { randomStart: 'yes' }).values).toEqual({});
    expect(checkParams('deepfool-l2', ATTACKS['deepfool-l2'].params, { candidates: null }).values).toEqual({ candidates: null });
    expect(checkParams('ifgsm', IFGSM_SPECS, { steps: null }).values).toEqual({});
  });

  it('reads own keys only: prototype names are unknown parameters, inherited values are not read', () => {
    const r = checkParams('ifgsm', IFGSM_SPECS, { toString: 1, constructor: 2, steps: 5 });
    expect(r.values).toEqual({ steps: 5 });
    expect(r.notices).toEqual([expect.stringMatching(/unknown parameter "toString"/), expect.stringMatching(/unknown parameter "constructor"/)]);
    expect(checkParams('ifgsm', IFGSM_SPECS, Object.create({ steps: 5 }) as Record<string, unknown>)).toEqual({ values: {}, notices: [] });
  });
});

describe('core refuses what the rule would change', () => {
  beforeAll(() => useBackend('cpu'));

  it('rejects an out-of-range, NaN or prototype-named option before running, leaking nothing', async () => {
    const net = tinyJumpNetwork([4, 4, 1], 8, 3, 0.1, 3);
    const x = tf.randomUniform([2, 4, 4, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await expect(runAttack(ifgsm, net, x, [0, 1], { epsilon: 1e300 })).rejects.toThrow(/epsilon = 1e\+300 is outside/);
    await expect(runAttack(ifgsm, net, x, [0, 1], { steps: Number.NaN })).rejects.toThrow(/steps = NaN is not a finite number/);
    await expect(runAttack(ifgsm, net, x, [0, 1], { toString: 1 } as never)).rejects.toThrow(/unknown parameter "toString"/);
    await expect(runAttack(ifgsm, net, x, [0, 1], { clip: 'evil' as never })).rejects.toThrow(/clip = "evil"/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });
});
