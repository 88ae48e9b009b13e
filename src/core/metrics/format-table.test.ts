import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table';
import { PAPER_PROTOCOL } from './paper-protocol';
import type { TableRow } from './robustness-table';

const cell = (accuracy: number, rho: number) => ({ accuracy, rho, foolRate: 1, meanIterations: 2 });

describe('formatTable', () => {
  const cells = { pgd: cell(0.6669, 0.05), 'deepfool-linf': cell(0, 0.179), 'deepfool-l2': cell(0, 0.218), 'trust-region': cell(0, 0.189) };
  it('prints white-box rows as PGD accuracy and ρ for the minimal-perturbation attacks', () => {
    const rows: TableRow[] = [{ mode: 'white-box', kappa: 0, kappaLabel: '0', clean: 0.9955, cells }];
    const text = formatTable(rows, PAPER_PROTOCOL.mnist, 'Table 2');
    expect(text).toContain('| κ | clean | PGD (IFGSM) acc | DF∞ ρ | DF2 ρ | TR ρ |');
    expect(text).toContain('| 0 | 99.55% | 66.69% | 17.9% (acc 0.0%) | 21.8% (acc 0.0%) | 18.9% (acc 0.0%) |');
  });
  it('prints gray-box rows as accuracies everywhere', () => {
    const rows: TableRow[] = [{ mode: 'gray-box', kappa: 1, kappaLabel: '1', clean: 0.9953, cells }];
    expect(formatTable(rows, PAPER_PROTOCOL.mnist, 'Table 1')).toContain('| 1 | 99.53% | 66.69% | 0.00% | 0.00% | 0.00% |');
  });
});
