/**
 * The active-set loop the iterative minimization attacks share (IFGSM, DeepFool, Trust Region): up to
 * `steps` steps over the images still being attacked, so the cost shrinks as images are fooled. A step
 * sees the active rows and the current full-batch adversarials (which it must not dispose), and returns
 * the next adversarials (null: unchanged) and the rows that stay active; each of those counts one
 * iteration. The loop owns the adversarials however it ends.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackContext } from './types';

export interface ActiveStep {
  next: tf.Tensor4D | null;
  active: number[];
}

export async function activeSetLoop(ctx: AttackContext, x: tf.Tensor4D, steps: number,
  step: (rows: number[], xAdv: tf.Tensor4D) => Promise<ActiveStep>): Promise<{ adversarial: tf.Tensor4D; iterations: Int32Array }> {
  const n = x.shape[0];
  const iterations = new Int32Array(n);
  let active = Array.from({ length: n }, (_, i) => i);
  let xAdv = tf.clone(x);
  try {
    for (let t = 0; t < steps && active.length > 0; t++) {
      await ctx.tick(t, steps, active.length);
      const r = await step(active, xAdv);
      if (r.next) {
        xAdv.dispose();
        xAdv = r.next;
      }
      active = r.active;
      for (const i of active) iterations[i]++;
    }
  } catch (err) {
    xAdv.dispose();
    throw err;
  }
  return { adversarial: xAdv, iterations };
}
