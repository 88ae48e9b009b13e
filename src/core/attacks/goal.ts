/**
 * What an attack run aims for (foolbox's criteria): leave the true class (untargeted, the paper's
 * setting) or become a chosen class (targeted: "turn this 7 into a 3"). `runAttack` builds the goal for
 * the rows it hands to an attack's `run`; attacks read only this, so each has one code path for both.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropySum } from './gradients';

export interface Goal {
  readonly targeted: boolean;
  /** Whether row i (of the `x` given to `run`), now predicted as `prediction`, has reached the goal. */
  reached(i: number, prediction: number): boolean;
  /** Target class of row i (targeted runs only). */
  target(i: number): number;
  /**
   * Σ over `rows` (all rows when null) of the loss gradient-ascent attacks climb: CE(f(x), y) to leave y,
   * −CE(f(x), t) to approach t. Its tensors are made inside the call, so a tf.grad scope frees them.
   */
  objective(rows: readonly number[] | null, numClasses: number): (logits: tf.Tensor2D) => tf.Scalar;
}

export function makeGoal(labels: Int32Array, targets: Int32Array | null): Goal {
  if (targets && targets.length !== labels.length) throw new Error(`targets: expected ${labels.length}, got ${targets.length}`);
  const pick = (a: Int32Array, rows: readonly number[] | null) => tf.tensor1d(rows ? rows.map((r) => a[r]) : a, 'int32');
  return {
    targeted: targets !== null,
    reached: (i, p) => (targets ? p === targets[i] : p !== labels[i]),
    target: (i) => {
      if (!targets) throw new Error('goal: an untargeted run has no target');
      return targets[i];
    },
    objective: (rows, numClasses) => (logits) => (targets
      ? tf.neg(crossEntropySum(pick(targets, rows), numClasses)(logits))
      : crossEntropySum(pick(labels, rows), numClasses)(logits)),
  };
}
