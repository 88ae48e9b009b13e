/** Per-image size of a perturbation, absolute and relative to the clean input (paper eq. 12, per image). */
import * as tf from '@tensorflow/tfjs';
import { take } from './batch';
import { l2, linf } from './norms';

export interface PerturbationNorms {
  l2: Float32Array;
  linf: Float32Array;
  /** ‖Δ‖₂ / ‖x‖₂ and ‖Δ‖∞ / ‖x‖∞; 0 where Δ = 0 (also for an all-zero x). */
  rhoL2: Float32Array;
  rhoLinf: Float32Array;
}

export async function perturbationNorms(x: tf.Tensor, adversarial: tf.Tensor): Promise<PerturbationNorms> {
  const [dl2, dlinf, rl2, rlinf] = tf.tidy(() => {
    const delta = tf.sub(adversarial, x);
    const a = l2.norm(delta);
    const b = linf.norm(delta);
    const safeRatio = (num: tf.Tensor1D, den: tf.Tensor1D) =>
      tf.where(tf.greater(num, 0), tf.div(num, tf.maximum(den, 1e-12)), tf.zerosLike(num));
    return [a, b, safeRatio(a, l2.norm(x)), safeRatio(b, linf.norm(x))];
  });
  const f32 = async (t: tf.Tensor) => Float32Array.from(await take(t));
  return { l2: await f32(dl2), linf: await f32(dlinf), rhoL2: await f32(rl2), rhoLinf: await f32(rlinf) };
}
