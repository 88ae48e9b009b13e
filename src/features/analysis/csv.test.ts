import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv';

describe('CSV export', () => {
  it('writes numbers at full precision and quotes text that needs it', () => {
    const text = toCsv(['kappa', 'note'], [[0.25, 'a, "b"'], [1 / 3, null], [Number.NaN, 'line\nbreak']]);
    expect(text).toBe('kappa,note\r\n0.25,"a, ""b"""\r\n0.3333333333333333,\r\n,"line\nbreak"\r\n');
  });

  it('reads back what it wrote', () => {
    const rows: (string | number)[][] = [[0, 'x'], [1.5, 'y,z'], [0.987654321, 'q"q']];
    const back = parseCsv(toCsv(['k', 's'], rows));
    expect(back).toEqual([['k', 's'], ...rows.map((r) => r.map(String))]);
  });
});
