/** table (Tables 1 and 2): the paper's attacks at κ = 0 and κ, white-box and gray-box. */
import type { ColumnKey } from '../../core/metrics/paper-protocol';
import type { TableCell } from '../../core/metrics/robustness-table';
import { analysis, setting, type KappaChoice, type SplitInfo } from './contract';

/** κ = 0 and `kappa` (randomized when `randomized`), white-box and gray-box. trSteps 0 skips Trust Region. */
export interface TableRequest extends KappaChoice { kind: 'table'; modelId: string; sample: number; trSteps: number }

export interface TableRowView {
  /** The κ setting: a number, or the randomized upper bound b. */
  kappa: number;
  randomized: boolean;
  clean: number;
  cells: Partial<Record<ColumnKey, TableCell>>;
}

export interface TableResult {
  kind: 'table'; request: TableRequest; count: number; whiteBox: TableRowView[]; grayBox: TableRowView[];
  /** The core's table columns, in the paper's order (a skipped column shows no cells). */
  columns: { key: ColumnKey; title: string }[]; split: SplitInfo; ms: number;
}

export interface TableSettings {
  tableN: number;
  /** Trust Region steps; 0 skips the column (paper: 1000 — minutes on wasm). */
  tableTrSteps: number;
}

export const table = analysis<TableRequest, TableResult, TableSettings>()({
  kind: 'table',
  title: 'Robustness table (Tables 1 and 2)',
  caption: (r) => `IFGSM, DeepFool L∞/L2${r.request.trSteps ? ', Trust Region' : ''} at κ = 0 and ${r.request.randomized ? `randomized b = ${r.request.kappa}` : r.request.kappa}; n = ${r.count}`,
  embedHeight: { open: 445, grows: 360 },
  defaults: { tableN: 100, tableTrSteps: 0 },
  metas: {
    tableN: setting('tabn', 'images', 'integer', 10, 1000, 1, 'Evaluation images every attack runs on.'),
    tableTrSteps: setting('trs', 'Trust Region steps (0 = skip; paper 1000, slow)', 'integer', 0, 2000, 1, 'Trust Region\'s iteration budget; 0 skips its column.'),
  },
  fields: { sample: 'tableN', trSteps: 'tableTrSteps' },
  request: (app, p) => ({
    kind: 'table', modelId: app.modelId, kappa: app.kappa, randomized: app.randomized, seed: app.seed, sample: p.tableN, trSteps: p.tableTrSteps,
  }),
});
