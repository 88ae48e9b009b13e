/**
 * Figure 7: gray-box transfer between jump values. Cell (i, j) is the accuracy of the model at target
 * κ_j on adversarial inputs crafted on the same model at source κ_i. The paper crafts with its "PGD"
 * (our IFGSM) run long enough to fool nearly all of the source model; expected shape: crafted at low κ
 * transfers to high κ, not the reverse.
 */
import { getAttack } from '../attacks/index';
import type { AttackId } from '../attacks/index';
import type { DatasetName } from '../data/manifest';
import { attackSet } from './attack-set';
import { classifierFromRetrofit, kappaLabel } from './classifier-from-retrofit';
import type { KappaSetting } from './classifier-from-retrofit';
import type { ExperimentOptions, ExperimentSubject } from './experiment';
import { stageTracker } from './experiment';
import { paperOptions } from './paper-protocol';

export interface TransferMatrix {
  kappas: KappaSetting[];
  /** accuracy[source][target]. */
  accuracy: number[][];
  /** Fool rate on the source model itself (diagonal check: should be near 1). */
  sourceAccuracy: number[];
}

/** More steps than the tables, so the source model is nearly always fooled. */
export const TRANSFER_STEPS = 200;

/** The paper's crafting attack for Figure 7: IFGSM at its paper step size on `dataset`, run for `steps`. */
export function transferAttack(dataset: DatasetName, steps = TRANSFER_STEPS): { attack: AttackId; options: Record<string, unknown> } {
  return { attack: 'ifgsm', options: { ...paperOptions('ifgsm', dataset), steps } };
}

export async function transferMatrix(
  subject: ExperimentSubject,
  kappas: KappaSetting[],
  attackSpec: { attack: AttackId; options: Record<string, unknown> },
  options: ExperimentOptions = {},
): Promise<TransferMatrix> {
  const views = kappas.map((k) => classifierFromRetrofit(subject.retrofitted, subject.normalization, k));
  const attack = getAttack(attackSpec.attack);
  const track = stageTracker(kappas.length, options);
  const accuracy: number[][] = [];
  const sourceAccuracy: number[] = [];
  for (let i = 0; i < kappas.length; i++) {
    const r = await attackSet(attack, attackSpec.options, views[i], subject.set, {
      ...track.batch(`source κ=${kappaLabel(kappas[i])}`),
      evaluateOn: views,
    });
    accuracy.push(r.accuracyOn);
    sourceAccuracy.push(r.accuracy);
  }
  return { kappas, accuracy, sourceAccuracy };
}
