/**
 * Stand-in attacks used only until the core attacks registry (src/core/attacks) lands; the worker talks to
 * attacks solely through `AttackImpl`, so swapping them is a change to `attack-registry.ts` alone.
 * Deliberately small: one image at a time, pixel-range clipping, the overshoot applied to the
 * accumulated perturbation (the common library rule).
 */
import * as tf from '@tensorflow/tfjs';
import { pixelRange } from '../core/data/normalization';
import type { Classifier } from '../core/models/classifier';
import type { AttackDescriptor, ParamValue } from './protocol';
import { throwIfAborted } from './evaluate';

export interface AttackContext {
  signal: AbortSignal;
  onIteration: (iteration: number, maxIterations: number) => void;
}

export interface AttackOutcome {
  adv: tf.Tensor4D;
  iterations: number;
}

export interface AttackImpl {
  descriptor: AttackDescriptor;
  run(classifier: Classifier, x: tf.Tensor4D, label: number, params: Record<string, ParamValue>,
    ctx: AttackContext): Promise<AttackOutcome>;
}

const num = (p: Record<string, ParamValue>, k: string, d: number): number => (typeof p[k] === 'number' ? p[k] as number : d);

function clipToPixels(x: tf.Tensor4D, c: Classifier): tf.Tensor4D {
  const { lo, hi } = pixelRange(c.normalization);
  return tf.tidy(() => tf.minimum(tf.maximum(x, tf.tensor1d(lo)), tf.tensor1d(hi)) as tf.Tensor4D);
}

async function predicted(c: Classifier, x: tf.Tensor4D): Promise<number> {
  const p = tf.tidy(() => tf.argMax(c.logits(x), 1));
  const v = (await p.data())[0];
  p.dispose();
  return v;
}

function ceGradient(c: Classifier, x: tf.Tensor4D, label: number): tf.Tensor4D {
  return tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d([label], 'int32'), c.numClasses);
    return tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, c.logits(t as tf.Tensor4D)))(x) as tf.Tensor4D;
  });
}

/** Repeated signed-gradient steps; `project` keeps the iterate in an ε-ball for Madry PGD. */
async function signedSteps(c: Classifier, x0: tf.Tensor4D, label: number, steps: number, alpha: number,
  ctx: AttackContext, opts: { stopWhenFooled: boolean; eps?: number; randomStart?: boolean }): Promise<AttackOutcome> {
  let x = opts.randomStart && opts.eps
    ? tf.tidy(() => clipToPixels(tf.add(x0, tf.randomUniform(x0.shape, -opts.eps!, opts.eps!, 'float32', 7)) as tf.Tensor4D, c))
    : tf.clone(x0);
  let it = 0;
  try {
    for (; it < steps; it++) {
      if (opts.stopWhenFooled && (await predicted(c, x)) !== label) break;
      throwIfAborted(ctx.signal);
      const next = tf.tidy(() => {
        const stepped = tf.add(x, tf.mul(tf.sign(ceGradient(c, x, label)), alpha));
        const projected = opts.eps !== undefined ? tf.add(x0, tf.clipByValue(tf.sub(stepped, x0), -opts.eps, opts.eps)) : stepped;
        return clipToPixels(projected as tf.Tensor4D, c);
      });
      x.dispose();
      x = next;
      ctx.onIteration(it + 1, steps);
      await Promise.resolve();
    }
    return { adv: x, iterations: it };
  } catch (e) {
    x.dispose();
    throw e;
  }
}

async function deepFool(c: Classifier, x0: tf.Tensor4D, label: number, norm: 'l2' | 'linf', steps: number,
  overshoot: number, ctx: AttackContext): Promise<AttackOutcome> {
  let r: tf.Tensor4D = tf.zerosLike(x0);
  let it = 0;
  const current = (): tf.Tensor4D => tf.tidy(() => clipToPixels(tf.add(x0, tf.mul(r, 1 + overshoot)) as tf.Tensor4D, c));
  try {
    for (; it < steps; it++) {
      const xi = current();
      const logits = tf.tidy(() => c.logits(xi));
      const f = await logits.data();
      logits.dispose();
      let pred = 0;
      for (let k = 1; k < f.length; k++) if (f[k] > f[pred]) pred = k;
      if (pred !== label) { xi.dispose(); break; }
      throwIfAborted(ctx.signal);
      // One gradient per candidate class of (f_k − f_label); fine for one small image.
      let best: { dist: number; w: tf.Tensor } | null = null;
      for (let k = 0; k < c.numClasses; k++) {
        if (k === label) continue;
        const w = tf.tidy(() => tf.grad((t: tf.Tensor) => {
          const l = c.logits(t as tf.Tensor4D);
          return tf.sub(l.slice([0, k], [1, 1]), l.slice([0, label], [1, 1])).sum();
        })(xi));
        const dualNorm = tf.tidy(() => (norm === 'l2' ? tf.norm(w) : tf.sum(tf.abs(w))));
        const wn = (await dualNorm.data())[0];
        dualNorm.dispose();
        const dist = Math.abs(f[k] - f[label]) / (wn + 1e-8);
        if (!best || dist < best.dist) { best?.w.dispose(); best = { dist, w }; } else w.dispose();
      }
      xi.dispose();
      if (!best) break;
      const { dist, w } = best;
      const nextR = tf.tidy(() => {
        const dir = norm === 'l2' ? tf.div(w, tf.add(tf.norm(w), 1e-8)) : tf.sign(w);
        return tf.add(r, tf.mul(dir, dist + 1e-4)) as tf.Tensor4D;
      });
      w.dispose();
      r.dispose();
      r = nextR;
      ctx.onIteration(it + 1, steps);
    }
    return { adv: current(), iterations: it };
  } finally {
    r.dispose();
  }
}

const p = (key: string, label: string, kind: 'number' | 'integer', def: number, min: number, max: number, step: number, doc: string) =>
  ({ key, label, kind, default: def, min, max, step, doc });

export const INTERIM_ATTACKS: AttackImpl[] = [
  {
    descriptor: {
      id: 'deepfool-l2', label: 'DeepFool L2', norm: 'l2',
      summary: 'Steps to the nearest linearised class boundary until the label flips: the minimal L2 push.',
      params: [p('steps', 'Max iterations', 'integer', 50, 1, 200, 1, 'Paper: 40 (MNIST), 7 (CIFAR)'),
        p('overshoot', 'Overshoot', 'number', 0.02, 0, 0.5, 0.01, 'Extra push past the boundary')],
    },
    run: (c, x, y, prm, ctx) => deepFool(c, x, y, 'l2', num(prm, 'steps', 50), num(prm, 'overshoot', 0.02), ctx),
  },
  {
    descriptor: {
      id: 'deepfool-linf', label: 'DeepFool L∞', norm: 'linf',
      summary: 'DeepFool measured in L∞: every pixel moves by the same amount along the gradient sign.',
      params: [p('steps', 'Max iterations', 'integer', 50, 1, 200, 1, 'Paper: 40 (MNIST), 7 (CIFAR)'),
        p('overshoot', 'Overshoot', 'number', 0.02, 0, 0.5, 0.01, 'Extra push past the boundary')],
    },
    run: (c, x, y, prm, ctx) => deepFool(c, x, y, 'linf', num(prm, 'steps', 50), num(prm, 'overshoot', 0.02), ctx),
  },
  {
    descriptor: {
      id: 'ifgsm', label: 'IFGSM (paper "PGD")', norm: 'linf',
      summary: 'FGSM steps of size ε, repeated while the image is still classified correctly.',
      params: [p('epsilon', 'Step ε (normalised)', 'number', 0.01, 0.001, 0.5, 0.001, 'Paper: 0.01'),
        p('steps', 'Max steps', 'integer', 40, 1, 200, 1, 'Paper: 40 (MNIST), 7 (CIFAR)')],
    },
    run: (c, x, y, prm, ctx) => signedSteps(c, x, y, num(prm, 'steps', 40), num(prm, 'epsilon', 0.01), ctx, { stopWhenFooled: true }),
  },
  {
    descriptor: {
      id: 'pgd', label: 'PGD (Madry)', norm: 'linf',
      summary: 'Random start in the ε-ball, signed steps of size α, projected back onto the ball.',
      params: [p('epsilon', 'ε (normalised)', 'number', 0.3, 0.01, 2, 0.01, 'L∞ radius'),
        p('alpha', 'Step α', 'number', 0.01, 0.001, 0.5, 0.001, 'Step size'),
        p('steps', 'Steps', 'integer', 40, 1, 200, 1, 'Iterations')],
    },
    run: (c, x, y, prm, ctx) => signedSteps(c, x, y, num(prm, 'steps', 40), num(prm, 'alpha', 0.01), ctx,
      { stopWhenFooled: false, eps: num(prm, 'epsilon', 0.3), randomStart: true }),
  },
  {
    descriptor: {
      id: 'fgsm', label: 'FGSM', norm: 'linf',
      summary: 'One signed-gradient step of size ε.',
      params: [p('epsilon', 'ε (normalised)', 'number', 0.3, 0.001, 2, 0.01, 'Paper MNIST: 0.3')],
    },
    run: (c, x, y, prm, ctx) => signedSteps(c, x, y, 1, num(prm, 'epsilon', 0.3), ctx, { stopWhenFooled: false }),
  },
];
