import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import type { Classifier } from '../models/classifier';
import { eotPgd } from './eot-pgd';
import { crossEntropySum, logitsAndGradient } from './gradients';
import { pgd } from './pgd';
import { predict, runAttack } from './run-attack';
import { affineClassifier, TEST_NORMALIZATION } from './test-classifiers';

/** A "randomized" classifier whose passes alternate between two affine maps: the EOT expectation is known. */
function alternating(a: ReturnType<typeof affineClassifier>, b: ReturnType<typeof affineClassifier>): Classifier & { passes: number } {
  const clf = {
    passes: 0,
    numClasses: a.numClasses,
    inputShape: a.inputShape,
    normalization: TEST_NORMALIZATION,
    logits: (x: tf.Tensor4D) => (clf.passes++ % 2 === 0 ? a : b).logits(x),
  };
  return clf;
}

describe.each(NODE_BACKENDS)('EOT-PGD on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('one step follows the sign of the gradient averaged over the R draws (two alternating networks, R = 2)', async () => {
    const [a, b] = [affineClassifier([4, 4, 1], 5, 3), affineClassifier([4, 4, 1], 5, 4)];
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 5) as tf.Tensor4D;
    const labels = Array.from(await predict(a, x));
    const y = tf.tensor1d(labels, 'int32');
    const mean = tf.tidy(() => {
      const ga = logitsAndGradient(a, x, crossEntropySum(y, 5));
      const gb = logitsAndGradient(b, x, crossEntropySum(y, 5));
      return tf.add(ga.gradient, gb.gradient);
    });
    const expected = tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(tf.sign(mean), 0.1)), -2, 2));
    // runAttack's clean check is pass 0 (network a, whose labels these are: every image is attacked); the
    // step's two draws are passes 1 and 2, one of each network.
    const before = tf.memory().numTensors;
    const r = await runAttack(eotPgd, alternating(a, b), x, labels, { clip: 'pixel', epsilon: 0.1, stepSize: 0.1, steps: 1, samples: 2, randomStart: false });
    const skipped = r.skipped;
    const got = r.adversarial.arraySync() as number[][][][];
    const want = expected.arraySync() as number[][][][];
    for (let i = 0; i < 6; i++) if (!skipped[i]) expect(got[i].flat(2)).toEqual(want[i].flat(2));
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, mean, expected]);
    a.dispose();
    b.dispose();
  });

  it('on a deterministic classifier it is PGD', async () => {
    const clf = affineClassifier([4, 4, 1], 5, 9);
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 6) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const opts = { clip: 'pixel' as const, epsilon: 0.2, stepSize: 0.05, steps: 5, seed: 3 };
    const e = await runAttack(eotPgd, clf, x, labels, { ...opts, samples: 3 });
    const p = await runAttack(pgd, clf, x, labels, opts);
    expect(Array.from(e.linf)).toEqual(Array.from(p.linf));
    expect(Array.from(e.predictions)).toEqual(Array.from(p.predictions));
    tf.dispose([x, e.adversarial, p.adversarial]);
    clf.dispose();
  });

  it('rejects R < 1 with a clear message', async () => {
    const clf = affineClassifier([2, 2, 1], 3, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const label = Array.from(await predict(clf, x));
    await expect(runAttack(eotPgd, clf, x, label, { samples: 0 })).rejects.toThrow(/eot-pgd: samples = 0 is outside 1–100/);
    x.dispose();
    clf.dispose();
  });
});
