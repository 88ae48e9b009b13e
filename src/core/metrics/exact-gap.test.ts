import { describe, expect, it } from 'vitest';
import { attackGaps, kappaVerdict, median, parseExactSection, type ExactRow, type ExactSolution } from './exact-gap';

const sol = (index: number, eps: number | null, extra: Partial<ExactSolution> = {}): ExactSolution => ({
  index, label: 0, status: eps === null ? 'timeout' : 'optimal', eps, seconds: 1, upperBound: null, unstable: 3,
  adversarial: null, verified: eps === null ? null : true, ...extra,
});

describe('median', () => {
  it('odd, even, empty', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('attackGaps', () => {
  it('median and worst of ε_attack/ε_exact − 1 over the images the attack fooled; unsolved and unverified images left out', () => {
    const row: ExactRow = {
      kappa: 0,
      solutions: [sol(0, 0.1), sol(1, 0.2), sol(2, 0.05), sol(3, null), sol(4, 0.1, { verified: false })],
      attacks: [
        { key: 'a', attack: 'a', gradientMode: null, eps: [0.11, 0.3, null, 0.01, 0.01], seconds: 1 },
        { key: 'b', attack: 'b', gradientMode: null, eps: [0.1, 0.2, 0.05, null, null], seconds: 1 },
      ],
    };
    const [a, b] = attackGaps(row);
    expect(a.compared).toBe(3);
    expect(a.fooled).toBe(2);
    expect(a.medianGap).toBeCloseTo((0.1 + 0.5) / 2, 12);
    expect(a.worstGap).toBeCloseTo(0.5, 12);
    expect(a.belowTruth).toBe(0);
    expect(b).toMatchObject({ fooled: 3, medianGap: 0, worstGap: 0, belowTruth: 0 });
  });

  it('an attack run only on some images (APGD, bisected) is compared on those; its method travels with the gap', () => {
    const row: ExactRow = {
      kappa: 1,
      solutions: [sol(0, 0.1), sol(1, 0.2), sol(2, 0.05), sol(3, null)],
      attacks: [
        { key: 'apgd-ce-linf+exact', attack: 'apgd-ce-linf', gradientMode: 'exact', eps: [0.102, null, null, null], seconds: 9,
          attempted: [true, true, false, false], method: 'bisection on ε' },
        { key: 'best-of', attack: 'best-of', gradientMode: null, eps: [0.1, 0.21, 0.06, 0.3], seconds: null },
      ],
    };
    const [apgd, best] = attackGaps(row);
    // Image 2 not attempted: neither fooled nor robust; image 1 attempted and not fooled.
    expect(apgd).toMatchObject({ compared: 2, fooled: 1, belowTruth: 0, method: 'bisection on ε' });
    expect(apgd.medianGap).toBeCloseTo(0.02, 12);
    expect(apgd.worstGap).toBeCloseTo(0.02, 12);
    expect(best.compared).toBe(3);
    expect(best.worstGap).toBeCloseTo(0.2, 12);
    expect(best.method).toBeUndefined();
  });

  it('an attack below the truth is counted (it would mean a wrong exact ε)', () => {
    const row: ExactRow = { kappa: 0, solutions: [sol(0, 0.1)], attacks: [{ key: 'x', attack: 'x', gradientMode: null, eps: [0.09], seconds: 1 }] };
    expect(attackGaps(row)[0].belowTruth).toBe(1);
  });
});

describe('kappaVerdict', () => {
  const base: ExactRow = { kappa: 0, solutions: [sol(0, 0.1), sol(1, 0.1), sol(2, 0.1), sol(3, 0.1), sol(4, null)], attacks: [] };

  it('counts larger / smaller / unchanged per image and says which way most went', () => {
    const row: ExactRow = { kappa: 2, solutions: [sol(0, 0.08), sol(1, 0.09), sol(2, 0.12), sol(3, 0.10002), sol(4, 0.2)], attacks: [] };
    const v = kappaVerdict(base, row);
    expect(v).toMatchObject({ compared: 4, larger: 1, smaller: 2, same: 1 });
    expect(v.medianChange).toBeCloseTo((-0.1 + 0.0002) / 2, 10);
    expect(v.sentence).toContain('larger on 1 and smaller on 2 of 4 images (1 unchanged)');
    expect(v.sentence).toContain('smaller on most images');
    expect(v.sentence).toContain('less robust');
  });

  it('the other way round', () => {
    const row: ExactRow = { kappa: 1, solutions: [sol(0, 0.2), sol(1, 0.2), sol(2, 0.05)], attacks: [] };
    const v = kappaVerdict(base, row);
    expect(v).toMatchObject({ compared: 3, larger: 2, smaller: 1, medianChange: 1 });
    expect(v.sentence).toContain('more robust');
  });

  it('no common image: says so', () => {
    const v = kappaVerdict(base, { kappa: 1, solutions: [sol(4, 0.1)], attacks: [] });
    expect(v.compared).toBe(0);
    expect(v.sentence).toContain('no verdict');
  });

  it('refuses a base row that is not κ = 0', () => {
    expect(() => kappaVerdict({ ...base, kappa: 1 }, base)).toThrow(/κ = 0/);
  });
});

describe('parseExactSection', () => {
  const good = {
    solver: { name: 'CBC', cbc: '2.10.8', pulp: '2.6.0' }, units: 'pixel',
    rows: [{ kappa: 0, solutions: [sol(0, 0.1), sol(1, null)], attacks: [{ key: 'a', eps: [0.2, null] }] }],
  };

  it('accepts a well-formed section', () => {
    expect(parseExactSection(good).rows[0].solutions).toHaveLength(2);
  });

  it('names what is wrong', () => {
    expect(() => parseExactSection(null)).toThrow(/not an object/);
    expect(() => parseExactSection({ ...good, units: 'normalised' })).toThrow(/units/);
    const timedOutWithValue = { ...good, rows: [{ ...good.rows[0], solutions: [sol(0, 0.1), { ...sol(1, null), eps: 0.3 }] }] };
    expect(() => parseExactSection(timedOutWithValue)).toThrow(/solutions\[1\].*must not carry an ε/);
    const short = { ...good, rows: [{ ...good.rows[0], attacks: [{ key: 'a', eps: [0.2] }] }] };
    expect(() => parseExactSection(short)).toThrow(/1 ε for 2 images/);
    const negative = { ...good, rows: [{ ...good.rows[0], kappa: -1 }] };
    expect(() => parseExactSection(negative)).toThrow(/κ must be/);
  });

  it('checks the optional per-image `attempted` and `method` of a row (APGD), and accepts rows without them', () => {
    const withApgd = (a: Record<string, unknown>) => ({ ...good, rows: [{ ...good.rows[0], attacks: [{ key: 'apgd', eps: [0.2, null], ...a }] }] });
    expect(parseExactSection(withApgd({ attempted: [true, false], method: 'bisection' })).rows[0].attacks[0].attempted).toEqual([true, false]);
    expect(() => parseExactSection(withApgd({ attempted: [true] }))).toThrow(/attacks\[0\]\.attempted: must be 2 true\/false values/);
    expect(() => parseExactSection(withApgd({ attempted: [1, 0] }))).toThrow(/attempted: must be 2 true\/false values/);
    expect(() => parseExactSection(withApgd({ attempted: [false, true] }))).toThrow(/an image not attempted carries an ε/);
    expect(() => parseExactSection(withApgd({ method: 3 }))).toThrow(/method: must be text/);
  });
});
