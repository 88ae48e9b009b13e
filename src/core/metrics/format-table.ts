/**
 * Markdown rendering of robustness tables in the paper's layout: white-box rows print PGD accuracy and
 * ρ for DF∞/DF2/TR (Table 2); gray-box rows print accuracy in every column (Table 1).
 */
import type { ColumnKey, TableProtocol } from './paper-protocol';
import type { TableRow } from './robustness-table';

const pct = (v: number | undefined, digits = 2) => (v === undefined || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(digits)}%`);

export function formatTable(rows: TableRow[], protocol: TableProtocol, title: string): string {
  const white = rows[0]?.mode !== 'gray-box';
  const header = ['κ', 'clean', ...protocol.map((c) => (c.key === 'pgd' || !white ? `${c.title} acc` : `${c.title} ρ`))];
  const lines = [`${title}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = protocol.map((c) => {
      const cell = row.cells[c.key as ColumnKey];
      if (!cell) return '–';
      return c.key === 'pgd' || !white ? pct(cell.accuracy) : `${pct(cell.rho, 1)} (acc ${pct(cell.accuracy, 1)})`;
    });
    lines.push(`| ${[row.kappaLabel, pct(row.clean), ...cells].join(' | ')} |`);
  }
  return lines.join('\n');
}
