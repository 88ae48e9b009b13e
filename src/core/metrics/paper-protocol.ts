/**
 * The attack settings of the paper's tables (section 4, "we use for all MNIST experiments ε = 0.01 and
 * 40 steps for iterative attacks; for CIFAR10 the same ε and 7 steps for PGD and Deep Fool; for the
 * trust region attack 1000 steps"), as table columns. The values are the catalogue's: each attack's
 * parameter specs carry the paper's value per data set (attacks/params.ts). PGD in the paper is our `ifgsm`.
 * Columns: PGD accuracy (ρ in L∞), DF∞ ρ (L∞), DF2 ρ (L2), TR ρ (L2).
 */
import { getAttack, paperValues, type AttackId, type ParamValue } from '../attacks/index';
import type { DatasetName } from '../data/manifest';

export type ColumnKey = 'pgd' | 'deepfool-linf' | 'deepfool-l2' | 'trust-region';

export interface TableColumn {
  key: ColumnKey;
  /** Column header: the paper's, with our attack's name where they differ. */
  title: string;
  attack: AttackId;
  options: Record<string, unknown>;
}

export type TableProtocol = TableColumn[];

/** The tables' columns, in the paper's order. */
export const TABLE_COLUMNS: readonly Omit<TableColumn, 'options'>[] = [
  { key: 'pgd', title: 'PGD (IFGSM)', attack: 'ifgsm' },
  { key: 'deepfool-linf', title: 'DF∞', attack: 'deepfool-linf' },
  { key: 'deepfool-l2', title: 'DF2', attack: 'deepfool-l2' },
  { key: 'trust-region', title: 'TR', attack: 'trust-region-l2' },
];

/** Every option of an attack as the paper runs it on `dataset`: its paper values over its defaults. */
export function paperOptions(attack: AttackId, dataset: DatasetName): Record<string, ParamValue> {
  return paperValues(getAttack(attack).params, dataset);
}

const protocol = (dataset: DatasetName): TableProtocol =>
  TABLE_COLUMNS.map((c) => ({ ...c, options: paperOptions(c.attack, dataset) }));

export const PAPER_PROTOCOL: Record<DatasetName, TableProtocol> = {
  mnist: protocol('mnist'),
  cifar10: protocol('cifar10'),
};
