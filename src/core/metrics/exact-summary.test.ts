import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReference } from './reference-file';

const path = join(import.meta.dirname, '../../../public/reference/mnist-mlp-base.json');
const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('the exact section as the page receives it', () => {
  it('summarises the shipped file: per κ the solved share, gaps per attack, a verdict against κ = 0, decoded images', () => {
    const ref = parseReference(json, path, 'mnist-mlp-base');
    const ex = ref.exact!;
    expect(ex.rows.map((r) => r.kappa)).toEqual([0, 1, 2]);
    expect(ex.rows[0].verdict).toBeNull();
    expect(ex.rows[2].verdict!.sentence).toMatch(/^At κ = 2 the true minimal L∞ perturbation was larger on \d+ and smaller on \d+ of \d+ images/);
    for (const r of ex.rows) {
      expect(r.solved).toBeGreaterThan(0);
      expect(r.solved).toBeLessThanOrEqual(r.tried);
      // No attack may beat the truth (that would be a solver or verification bug).
      for (const g of r.gaps) expect(g.belowTruth, `${r.kappa} ${g.key}`).toBe(0);
    }
    const img = ex.images[0];
    expect(img.adversarial).toHaveLength(784);
    expect(Math.min(...img.adversarial!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img.adversarial!)).toBeLessThanOrEqual(1);
    expect(ex.images.length).toBe(ex.rows.reduce((a, r) => a + r.solved, 0));
  });

  it('refuses a malformed exact section with the file and the place, never a silent table', () => {
    const broken = structuredClone(json) as { exact: { rows: { solutions: { eps: unknown; status: string }[] }[] } };
    const s = broken.exact.rows[0].solutions.find((x) => x.status === 'timeout')!;
    s.eps = 0.01;
    expect(() => parseReference(broken, 'x.json', 'mnist-mlp-base')).toThrow(/^x\.json: exact section: rows\[0\]\.solutions\[\d+\]: status "timeout" must not carry an ε/);
  });
});
