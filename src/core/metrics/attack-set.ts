/**
 * The one driver of "run one attack over an evaluation set in batches", the attack a parameter: per-image
 * outcomes, accuracy on the adversarial inputs, mean ρ (eq. 12), fool rate, and — for gray-box and
 * transfer experiments — the accuracy of the same adversarial inputs on other classifiers (e.g. the same
 * model at another κ). `eachBatch` does further work on a batch's adversarials while they live (the
 * adaptive suite refines them to the boundary).
 */
import type * as tf from '@tensorflow/tfjs';
import { predict, runAnyAttack } from '../attacks/run-attack';
import type { AttackDefinition, AttackResult, ClipMode, Distance } from '../attacks/types';
import type { Classifier } from '../models/classifier';
import type { BatchOptions } from './accuracy';
import { DEFAULT_BATCH_SIZE } from './accuracy';
import type { EvalSet } from './eval-set';
import { sliceSet } from './eval-set';
import { foolRate } from './fool-rate';
import { relativePerturbation } from './relative-perturbation';

export interface AttackSetOptions extends BatchOptions {
  /** Default 'paper'. */
  clip?: ClipMode;
  /** Classifiers the adversarial inputs are also evaluated on (gray-box targets). */
  evaluateOn?: Classifier[];
  /** Called per batch before its adversarials are disposed; `start` is the batch's first row in the set. */
  eachBatch?: (batch: { x: tf.Tensor4D; labels: Int32Array; result: AttackResult; start: number }) => Promise<void>;
}

export interface AttackSetResult {
  attackId: string;
  distance: Distance;
  count: number;
  /** Per image, in set order. */
  iterations: Int32Array;
  success: Uint8Array;
  skipped: Uint8Array;
  l2: Float32Array;
  linf: Float32Array;
  rhoL2: Float32Array;
  rhoLinf: Float32Array;
  /** Accuracy of the source classifier on the adversarial inputs. */
  accuracy: number;
  /** Share of the attacked (initially correct) images fooled (fool-rate.ts). */
  foolRate: number;
  /** Mean ρ in the attack's own norm, and in both norms. */
  rho: number;
  meanRho: { l2: number; linf: number };
  /** Accuracy on the adversarial inputs of each `evaluateOn` classifier, in order. */
  accuracyOn: number[];
}

export async function attackSet(
  attack: AttackDefinition<object>,
  attackOptions: Record<string, unknown>,
  source: Classifier,
  set: EvalSet,
  options: AttackSetOptions = {},
): Promise<AttackSetResult> {
  const n = set.labels.length;
  const batch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const targets = options.evaluateOn ?? [];
  const out = {
    iterations: new Int32Array(n),
    success: new Uint8Array(n),
    skipped: new Uint8Array(n),
    l2: new Float32Array(n),
    linf: new Float32Array(n),
    rhoL2: new Float32Array(n),
    rhoLinf: new Float32Array(n),
  };
  const correctOn = targets.map(() => 0);
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const { x, labels } = sliceSet(set, start, end);
    try {
      const r = await runAnyAttack(attack, source, x, labels, {
        ...attackOptions,
        clip: options.clip ?? 'paper',
        signal: options.signal,
        onProgress: (p) => options.onProgress?.({ done: start + p.done, total: n }),
      });
      try {
        for (const key of Object.keys(out) as (keyof typeof out)[]) out[key].set(r[key], start);
        for (let t = 0; t < targets.length; t++) {
          const pred = await predict(targets[t], r.adversarial);
          pred.forEach((p, i) => (correctOn[t] += p === labels[i] ? 1 : 0));
        }
        await options.eachBatch?.({ x, labels, result: r, start });
      } finally {
        r.adversarial.dispose();
      }
    } finally {
      x.dispose();
    }
    options.onProgress?.({ done: end, total: n });
  }
  const fooled = out.success.reduce((a, v) => a + v, 0);
  const meanRho = { l2: relativePerturbation(out.rhoL2), linf: relativePerturbation(out.rhoLinf) };
  return {
    attackId: attack.id,
    distance: attack.distance,
    count: n,
    ...out,
    accuracy: n ? 1 - fooled / n : NaN,
    foolRate: foolRate(out.success, out.skipped),
    rho: attack.distance === 'l2' ? meanRho.l2 : meanRho.linf,
    meanRho,
    accuracyOn: correctOn.map((c) => (n ? c / n : NaN)),
  };
}
