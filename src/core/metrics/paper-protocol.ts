/**
 * The attack settings of the paper's tables (section 4, "we use for all MNIST experiments ε = 0.01 and
 * 40 steps for iterative attacks; for CIFAR10 the same ε and 7 steps for PGD and Deep Fool; for the
 * trust region attack 1000 steps"), as table columns. PGD in the paper is our `ifgsm`.
 * Columns: PGD accuracy (ρ in L∞), DF∞ ρ (L∞), DF2 ρ (L2), TR ρ (L2).
 */
import type { AttackId } from '../attacks/index';
import type { DatasetName } from '../data/manifest';

export type ColumnKey = 'pgd' | 'deepfool-linf' | 'deepfool-l2' | 'trust-region';

export interface TableColumn {
  key: ColumnKey;
  /** Column header as in the paper. */
  title: string;
  attack: AttackId;
  options: Record<string, unknown>;
}

export type TableProtocol = TableColumn[];

function protocol(steps: number): TableProtocol {
  return [
    { key: 'pgd', title: 'PGD', attack: 'ifgsm', options: { epsilon: 0.01, steps } },
    { key: 'deepfool-linf', title: 'DF∞', attack: 'deepfool-linf', options: { steps, stepRule: 'paper', overshoot: 0.02, candidates: null } },
    { key: 'deepfool-l2', title: 'DF2', attack: 'deepfool-l2', options: { steps, stepRule: 'paper', overshoot: 0.02, candidates: null } },
    { key: 'trust-region', title: 'TR', attack: 'trust-region-l2', options: { steps: 1000, radius: 0.01, overshoot: 0.02, adaptiveRadius: false } },
  ];
}

export const PAPER_PROTOCOL: Record<DatasetName, TableProtocol> = {
  mnist: protocol(40),
  cifar10: protocol(7),
};
