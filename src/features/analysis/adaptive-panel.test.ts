import { describe, expect, it } from 'vitest';
import type { AdaptiveResult, AdaptiveSection } from '../../worker/jobs';
import { passRate } from './pass-rate';
import { binarizationVerdict } from './binarization-table';
import { adaptiveCsv, adaptiveHeadline, referenceEnsemble, adaptiveVerdict, ensembleWords, indicatorRows, indicatorText, mainBreaker, randomizedRows, randomizedVerdict, robustAccuracyRows } from './adaptive-panel';

const flag = (flagged: boolean) => ({ flagged, value: {}, explanation: flagged ? 'raised' : 'clear' });
const curve = { epsilons: [0, 1, 2], accuracy: [1, 0.5, 0] };
function section(kappa: number, exact: number, st: number, best: number): AdaptiveSection {
  const cell = (attack: string, gradientMode: string, rhoRefined: number) => ({ attack, gradientMode, distance: 'l2' as const, rho: rhoRefined * 1.1, rhoRefined, foolRate: 1, meanIterations: 3 });
  return {
    kappa, count: 4,
    cells: { 'deepfool-l2+exact': cell('deepfool-l2', 'exact', exact), 'deepfool-l2+straight-through': cell('deepfool-l2', 'straight-through', st) },
    bestOf: { rhoL2: best, rhoLinf: best / 2, foolRate: 1, robustAccuracy: { l2: curve, linf: curve } },
    redFlags: { unboundedNotFooled: flag(false), beatsExact: flag(kappa > 0), notConverged: flag(false), zeroGradients: flag(false), silencedUnits: flag(kappa > 0) },
  } as unknown as AdaptiveSection;
}
const sections = [section(0, 0.2, 0.2, 0.18), section(1, 0.3, 0.21, 0.18)];

describe('adaptive panel exports', () => {
  it('headline: the paper attacker\'s, the straight-through and the best-of ratios of refined ρ', () => {
    expect(adaptiveHeadline(sections)).toBe('At κ = 1, DeepFool L2 with exact gradients (the paper\'s attacker) needed 1.50× the refined ρ of κ = 0; with straight-through gradients 1.05×; the best of all attacks per image 1.00× (L2).');
    expect(adaptiveHeadline([sections[0]])).toBeNull();
  });

  it('verdict: one plain sentence from the strongest attacker, set against the paper\'s', () => {
    expect(adaptiveVerdict(sections)).toBe('Verdict: at κ = 1, an attacker who knows about the jump needs about the same perturbation as at κ = 0 (best of all attacks, per image, L2): most of the 1.50× that the paper\'s attacker measured is gradient masking, not robustness.');
    expect(adaptiveVerdict([section(0, 0.2, 0.2, 0.18), section(1, 0.3, 0.21, 0.1854)])).toMatch(/needs only 3% more perturbation than at κ = 0/);
    expect(adaptiveVerdict([section(0, 0.2, 0.2, 0.18), section(1, 0.3, 0.29, 0.27)])).toMatch(/needs 1\.50× the perturbation it needs at κ = 0 .*part of the gain survives/);
    expect(adaptiveVerdict([sections[0]])).toBeNull();
  });

  it('CSV: one row per cell, best of per norm, every robust-accuracy point and every flag, per κ', () => {
    const { header, rows } = adaptiveCsv({ kind: 'adaptive', sections, queries: 10, count: 4 } as unknown as AdaptiveResult);
    expect(header[0]).toBe('section');
    const st = rows.find((r) => r[0] === 'cell' && r[1] === 1 && r[3] === 'straight-through')!;
    expect(st[6]).toBe(0.21);
    expect(rows.filter((r) => r[0] === 'robust-accuracy')).toHaveLength(2 * 2 * 3);
    expect(rows.filter((r) => String(r[0]).startsWith('red-flag:') && r[1] === 1 && r[10] === 1).map((r) => r[0])).toEqual(['red-flag:beatsExact', 'red-flag:silencedUnits']);
  });

  it('fixed-ε table: one line per ε, a column per κ and gradient mode, the attacks named; absent section → no rows', () => {
    const row = (label: string, units: 'pixel' | 'normalised', gradientMode: string, robustAccuracy: number, brokenBy: Record<string, number>) => ({
      epsilon: 0.1, units, label, gradientMode, robustAccuracy, cleanAccuracy: 0.99, count: 4, brokenBy, attacks: 'APGD-CE → APGD-T → Square',
    });
    const withEns = (s: AdaptiveSection, acc: number): AdaptiveSection => ({
      ...s,
      robustAccuracy: {
        settings: { steps: 10, targetClasses: 3, queries: 100 },
        rows: [
          row('0.1', 'pixel', 'exact', acc, { 'APGD-CE': 1, 'APGD-T (DLR)': 0, Square: 2 }),
          row('0.1', 'pixel', 'straight-through', acc / 2, { 'APGD-CE': 3, 'APGD-T (DLR)': 0, Square: 0 }),
          row('paper', 'normalised', 'exact', 0, {}),
        ],
      },
    } as unknown as AdaptiveSection);
    const both = [withEns(sections[0], 0.5), withEns(sections[1], 0.75)];
    const rows = robustAccuracyRows(both);
    expect(rows.map((r) => r.label)).toEqual(['0.1', 'paper']);
    expect(rows[0].cells.map((c) => `${c.kappa}/${c.mode}/${c.row?.robustAccuracy}`)).toEqual(['0/exact/0.5', '0/straight-through/0.25', '1/exact/0.75', '1/straight-through/0.375']);
    expect(rows[1].cells[1].row).toBeUndefined(); // not run for that mode: shown as "—", never a number
    expect(mainBreaker(rows[0].cells[0].row!)).toBe('Square 2, APGD-CE 1');
    expect(mainBreaker(rows[1].cells[0].row!)).toBe('none broke an image');
    expect(ensembleWords(both[0])).toMatch(/^APGD-CE \(10 steps\) → APGD-T, DLR loss \(10 steps × 3 target classes\) → Square \(100 queries\)/);
    expect(robustAccuracyRows(sections)).toEqual([]);
    expect(ensembleWords(sections[0])).toBeNull();
    expect(ensembleWords({ robustAccuracy: { settings: { steps: 10, targetClasses: 3, queries: 100, restarts: 1 }, rows: [] } }))
      .toMatch(/^APGD-CE \(10 steps, 1 more random start on what it left\) → APGD-T/);
    const { rows: csv } = adaptiveCsv({ kind: 'adaptive', sections: both, queries: 10, count: 4 } as unknown as AdaptiveResult);
    const fixed = csv.filter((r) => r[0] === 'fixed-eps');
    expect(fixed).toHaveLength(6);
    expect(fixed[0]).toEqual(['fixed-eps', 0, 'APGD-CE+APGD-T+Square (APGD-CE → APGD-T → Square)', 'exact', 'linf', null, null, null, null, '0.1 px', 0.5, 4]);
  });

  it('indicators: a row per attack in the table\'s words, a column per indicator; unmeasured reads "not measured", never passed', () => {
    const ind = (id: string, attack: string, measured: boolean, images: number, of: number) => ({
      id, name: id.toUpperCase(), attack, measured, triggered: measured && images > 0, images, of, meaning: `means ${id}`, message: `${attack}: ${id}`,
    });
    const s = {
      ...sections[1],
      failureIndicators: [
        ind('silent-success', 'APGD-CE L∞, exact gradients', true, 2, 40), ind('non-converging-restarts', 'APGD-CE L∞, exact gradients', false, 0, 40),
        ind('unbounded-below-100', 'FMN L2, exact gradients', true, 0, 20),
      ],
    } as unknown as AdaptiveSection;
    const t = indicatorRows(s)!;
    expect(t.ids).toEqual(['silent-success', 'unbounded-below-100', 'non-converging-restarts']);
    expect(t.rows.map((r) => r.attack)).toEqual(['APGD-CE L∞, exact gradients', 'FMN L2, exact gradients']);
    expect(t.rows[0].cells.map(indicatorText)).toEqual(['⚑ 2 of 40', 'not measured', 'not measured']);
    expect(t.rows[1].cells.map(indicatorText)).toEqual(['not measured', 'none of 20', 'not measured']);
    expect(t.meanings['silent-success']).toBe('means silent-success');
    expect(indicatorRows(sections[0])).toBeNull();
  });

  it('randomized κ: mean over draws with the lowest and highest, one sentence beside the fixed κ; nothing when not randomized', () => {
    const row = (label: string, units: string, gradientMode: string, robustAccuracy: number, drawAccuracies?: number[]) => ({
      epsilon: 0.3, units, label, gradientMode, robustAccuracy, cleanAccuracy: 1, count: 4, brokenBy: {}, attacks: 'EOT', ...(drawAccuracies ? { drawAccuracies } : {}),
    });
    const randomized = { b: 1, seed: 3, eotSamples: 5, draws: 4, rows: [row('0.3', 'pixel', 'exact', 0.5, [0.25, 0.5, 0.5, 0.75]), row('0.3', 'pixel', 'straight-through', 0.25, [0, 0.25, 0.25, 0.5])] };
    const fixed = { ...sections[1], robustAccuracy: { settings: { steps: 1, targetClasses: 1, queries: 1 }, rows: [row('0.3', 'pixel', 'straight-through', 0.5)] } } as unknown as AdaptiveSection;
    const result = { sections: [sections[0], fixed], randomized } as unknown as AdaptiveResult;
    expect(randomizedRows(result.randomized!)[0]).toMatchObject({ mean: 0.5, min: 0.25, max: 0.75 });
    expect(randomizedVerdict(result)).toBe('Randomized κ ~ U[0.6, 1] at ε = 0.3 px: EOT-APGD (5 draws per gradient) and Square leave 25.0% robust on average over 4 κ draws (lowest draw 0.0%), against 50.0% for the fixed κ = 1 under the same attacks without EOT.');
    expect(randomizedVerdict({ sections })).toBeNull();
    // The largest ε where the randomized model keeps ≥ 5% (0.3 px is all zeros), beside the fixed κ and ReLU.
    const zeroAt03 = { ...randomized, rows: [row('0.1', 'pixel', 'straight-through', 0.75, [0.5, 1]), row('0.3', 'pixel', 'straight-through', 0.01, [0, 0.02])] };
    const ra = (a: number, b: number) => ({ settings: { steps: 1, targetClasses: 1, queries: 1 }, rows: [row('0.1', 'pixel', 'straight-through', a), row('0.3', 'pixel', 'straight-through', b)] });
    const both = [{ kappa: 0, robustAccuracy: ra(0.5, 0) }, { kappa: 1, robustAccuracy: ra(0.625, 0) }] as unknown as AdaptiveSection[];
    expect(randomizedVerdict({ sections: both, randomized: zeroAt03 } as never)).toBe('Randomized κ ~ U[0.6, 1] at ε = 0.1 px: EOT-APGD (5 draws per gradient) and Square leave 75.0% robust on average over 4 κ draws (lowest draw 50.0%), against 62.5% for the fixed κ = 1 and 50.0% for ReLU (κ = 0) under the same attacks without EOT.');
    // A reference file's fixed section may sit at another κ than b (cifar10-resnet20-robust: 0.07 vs b = 0.09): named as it is.
    const other = [both[0], { ...both[1], kappa: 0.07 }] as AdaptiveSection[];
    expect(randomizedVerdict({ sections: other, randomized: { ...zeroAt03, b: 0.09 } } as never)).toContain('against 62.5% for the fixed κ = 0.07 and 50.0% for ReLU');
    expect(randomizedVerdict({ sections: both, randomized: zeroAt03 } as never)).not.toContain('different samples');
    const more = both.map((x) => ({ ...x, robustAccuracy: { ...x.robustAccuracy!, rows: x.robustAccuracy!.rows.map((q) => ({ ...q, count: 100 })) } }));
    expect(randomizedVerdict({ sections: more, randomized: zeroAt03 } as never)).toMatch(/without EOT\. The two rest on different samples \(n = 4 vs 100\)/);
    // Fixed-κ sections run at smaller budgets than the EOT rows (cifar10-mobilenetv2-robust's file): said, with both.
    const full = { ...zeroAt03, settings: { steps: 100, targetClasses: 9, queries: 1000, restarts: 1 } };
    expect(randomizedVerdict({ sections: both, randomized: full } as never)).toContain('under the same attacks without EOT and at other budgets (1 APGD steps, 1 target classes, 1 Square queries; the EOT rows 100 APGD steps, 9 target classes, 1000 Square queries).');
    expect(randomizedVerdict({ sections: both, randomized: { ...full, settings: { steps: 1, targetClasses: 1, queries: 1, restarts: 1 } } } as never)).not.toContain('other budgets');
    const { rows } = adaptiveCsv({ kind: 'adaptive', sections, randomized, queries: 10, count: 4 } as unknown as AdaptiveResult);
    expect(rows.filter((r) => r[0] === 'randomized-fixed-eps')).toHaveLength(2);
  });

  it('binarization: names the attacks that missed a guaranteed adversarial example at the largest κ, and those that never did', () => {
    const k = (kappa: number, rates: [string, number, number][]) => ({ kappa, samples: 4, misclassified: 0, invalid: 0, valid: 4,
      attacks: rates.map(([label, passed, valid]) => ({ label, passed, valid, rate: passed / valid })) });
    const b = { n: 4, epsPixel: 0.3, epsilon: 0.97, steps: 100, inner: 49, seed: 0, seconds: 1,
      kappas: [k(0, [['FGSM', 2, 4], ['PGD', 4, 4]]), k(1, [['FGSM', 1, 4], ['PGD', 3, 4], ['APGD-CE', 4, 4]])] };
    expect(binarizationVerdict(b)).toBe('At κ = 1 PGD (75%) misses an adversarial example that is known to exist, which it found on every image at κ = 0 — '
      + 'the jump misleads it, a sign of gradient masking; APGD-CE still finds it every time. (FGSM 25%: short of 100% at κ = 0 too.)');
    expect(binarizationVerdict({ ...b, kappas: [k(0, [['PGD', 4, 4]])] })).toBe('At κ = 0 every attack found the adversarial example the test guarantees on all 4 images: none of them is too weak here.');
    expect(binarizationVerdict({ ...b, kappas: [k(0.5, [['PGD', 3, 4], ['APGD-CE', 4, 4]])] })).toBe(
      'At κ = 0.5 PGD (75%) misses an adversarial example that is known to exist — too weak to judge this model with; APGD-CE still finds it every time.');
    expect(binarizationVerdict({ ...b, kappas: [k(0, [['FGSM', 2, 4]]), k(1, [['FGSM', 2, 4]])] })).toBe(
      'At κ = 1 no attack does worse than at κ = 0; no attack finds it every time. (FGSM 50%: short of 100% at κ = 0 too.)');
    expect(binarizationVerdict({ ...b, kappas: [] })).toBeNull();
  });

  it("states the reference file's ensemble budgets (they can differ from the run's), none without fixed-ε rows", () => {
    const settings = { steps: 100, targetClasses: 9, queries: 1000, restarts: 1 };
    expect(referenceEnsemble([{}, { robustAccuracy: { settings, rows: [] } }] as never)).toBe(
      'APGD-CE (100 steps, 1 more random start on what it left) → APGD-T, DLR loss (100 steps × 9 target classes) → Square (1000 queries), L∞; an image counts as broken if any of them fools it');
    expect(referenceEnsemble([{}] as never)).toBeNull();
  });

  it('a pass rate never rounds to 100% or 0% when it is not', () => {
    expect([passRate({ passed: 199, valid: 200 }), passRate({ passed: 200, valid: 200 }), passRate({ passed: 185, valid: 199 }), passRate({ passed: 1, valid: 300 }), passRate({ passed: 0, valid: 0 })])
      .toEqual(['99.5%', '100%', '93%', '0.3%', '0%']);
  });
});
