/**
 * The paper's Tables 1, 2 and 4 for one retrofitted model.
 *  - White-box (Table 2; Table 4 with randomized κ): each attack is crafted on the κ model itself.
 *  - Gray-box (Table 1): each attack is crafted once on κ = 0 (plain ReLU) and the same adversarial
 *    inputs are evaluated on every κ model.
 * Every cell holds both the accuracy on the adversarial inputs and the mean ρ (eq. 12) in the column's
 * norm; the paper prints accuracy for PGD and ρ for DeepFool/TR in Table 2, accuracy everywhere in Table 1.
 */
import { getAttack } from '../attacks/index';
import { accuracy } from './accuracy';
import { attackSet } from './attack-set';
import type { AttackSetResult } from './attack-set';
import { classifierFromRetrofit, kappaLabel } from './classifier-from-retrofit';
import type { KappaSetting } from './classifier-from-retrofit';
import type { ExperimentOptions, ExperimentSubject } from './experiment';
import { stageTracker } from './experiment';
import type { ColumnKey, TableProtocol } from './paper-protocol';

export interface TableCell {
  /** Accuracy of the evaluated model on the adversarial inputs. */
  accuracy: number;
  /** Mean ρ of the adversarial inputs (measured where they were crafted), in the column's norm. */
  rho: number;
  /** Fraction of the attacked images the attack fooled on the model it was crafted on. */
  foolRate: number;
  meanIterations: number;
}

export interface TableRow {
  mode: 'white-box' | 'gray-box';
  kappa: KappaSetting;
  kappaLabel: string;
  clean: number;
  cells: Partial<Record<ColumnKey, TableCell>>;
}

export interface RobustnessTable {
  whiteBox: TableRow[];
  grayBox: TableRow[];
  count: number;
}

function cell(r: AttackSetResult, accuracyOn = r.accuracy): TableCell {
  return {
    accuracy: accuracyOn,
    rho: r.rho,
    foolRate: r.foolRate,
    meanIterations: r.iterations.reduce((a, v) => a + v, 0) / Math.max(1, r.count),
  };
}

export interface TableOptions extends ExperimentOptions {
  /** Also compute the gray-box rows (free apart from evaluation: they reuse the κ = 0 runs). Default true. */
  grayBox?: boolean;
}

export async function robustnessTable(
  subject: ExperimentSubject,
  kappas: KappaSetting[],
  protocol: TableProtocol,
  options: TableOptions = {},
): Promise<RobustnessTable> {
  const { retrofitted, normalization, set } = subject;
  const withGray = options.grayBox ?? true;
  const views = kappas.map((k) => classifierFromRetrofit(retrofitted, normalization, k));
  const hasZero = kappas.some((k) => k === 0);
  const source = classifierFromRetrofit(retrofitted, normalization, 0);
  const crafted = kappas.filter((k) => k !== 0).length + (withGray || hasZero ? 1 : 0);
  const track = stageTracker(kappas.length + crafted * protocol.length, options);

  const whiteBox: TableRow[] = [];
  const grayBox: TableRow[] = [];
  const clean: number[] = [];
  for (let i = 0; i < kappas.length; i++) {
    clean.push((await accuracy(views[i], set, track.batch(`clean κ=${kappaLabel(kappas[i])}`))).accuracy);
  }
  const white = kappas.map(() => ({}) as Partial<Record<ColumnKey, TableCell>>);
  const gray = kappas.map(() => ({}) as Partial<Record<ColumnKey, TableCell>>);
  for (const column of protocol) {
    const attack = getAttack(column.attack);
    if (withGray || hasZero) {
      const r = await attackSet(attack, column.options, source, set, {
        ...track.batch(`κ=0 (gray-box source): ${column.title}`),
        evaluateOn: withGray ? views : [],
      });
      kappas.forEach((k, i) => {
        if (withGray) gray[i][column.key] = cell(r, r.accuracyOn[i]);
        if (k === 0) white[i][column.key] = cell(r);
      });
    }
    for (let i = 0; i < kappas.length; i++) {
      if (kappas[i] === 0) continue;
      const r = await attackSet(attack, column.options, views[i], set, track.batch(`white-box κ=${kappaLabel(kappas[i])}: ${column.title}`));
      white[i][column.key] = cell(r);
    }
  }
  kappas.forEach((k, i) => {
    whiteBox.push({ mode: 'white-box', kappa: k, kappaLabel: kappaLabel(k), clean: clean[i], cells: white[i] });
    if (withGray) grayBox.push({ mode: 'gray-box', kappa: k, kappaLabel: kappaLabel(k), clean: clean[i], cells: gray[i] });
  });
  return { whiteBox, grayBox, count: set.labels.length };
}
