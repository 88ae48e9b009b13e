import { describe, expect, it } from 'vitest';
import type { DetectionResult, DetectionRow } from '../../worker/jobs';
import { parseCsv, toCsv } from './csv';
import { aucStandardError, detectionCsv, detectionVerdict, paperAuc } from './detection-panel';

const row = (attack: string, kappa: number, auc: number, extra: Partial<DetectionRow> = {}): DetectionRow => ({
  attack, title: attack, kappa, auc, roc: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }], attacked: 300, correct: 290, fooled: 250, used: 200,
  testPerSet: 100, sigma: 0.1, meanAdversarialL2: 1, meanNoiseL2: 1, seconds: 3, ...extra,
});
const unaware = (k: number, aucs: number[]) => ['pgd', 'deepfool-linf', 'deepfool-l2'].map((a, i) => row(a, k, aucs[i]));

describe('detection verdict', () => {
  it('says the jump helps only when the mean AUC rises by more than twice the standard error', () => {
    const helps = detectionVerdict([...unaware(0, [0.64, 0.67, 0.65]), ...unaware(0.4, [0.74, 0.78, 0.76])], 0.4)!;
    expect(helps).toMatch(/^The jump helps the detector, as the paper's Table 3 claims: its AUC rises from 65\.3% at κ = 0 to 76\.0% at κ = 0\.4 \(mean of 3 attacks/);
    expect(helps).toMatch(/upper bound, not a guarantee/);
    // Two points on 100 held-out images per set is within the noise (the standard error is about 3.5 points).
    const flat = detectionVerdict([...unaware(0, [0.64, 0.67, 0.65]), ...unaware(0.4, [0.66, 0.69, 0.67])], 0.4)!;
    expect(flat).toMatch(/^This run cannot tell whether the jump helps/);
    const hurts = detectionVerdict([...unaware(0, [0.8, 0.8, 0.8]), ...unaware(0.4, [0.6, 0.6, 0.6])], 0.4)!;
    expect(hurts).toMatch(/^The jump hurts the detector here/);
  });
  it('reads the aware attacker against its blind control, calls near-chance a bypass, and skips rows not measured', () => {
    const base = [...unaware(0, [0.64, 0.67, 0.65]), ...unaware(0.4, [0.74, 0.78, 0.76])];
    const bypass = detectionVerdict([...base, row('lid-aware', 0.4, 0.52), row('lid-aware-blind', 0.4, 0.75)], 0.4)!;
    expect(bypass).toMatch(/brings its AUC at κ = 0\.4 to 52\.0% \(the same attack blind to it: 75\.0%\), close to chance \(50 %\): the detector is bypassed\./);
    const gains = detectionVerdict([...base, row('lid-aware', 0.4, 0.66), row('lid-aware-blind', 0.4, 0.76)], 0.4)!;
    expect(gains).toMatch(/lower by 10\.0 points: knowing the detector helps the attacker/);
    const little = detectionVerdict([...base, row('lid-aware', 0.4, 0.75), row('lid-aware-blind', 0.4, 0.76)], 0.4)!;
    expect(little).toMatch(/gains little/);
    const failed = detectionVerdict([row('pgd', 0, NaN, { error: 'too few' }), row('pgd', 0.4, 0.7)], 0.4);
    expect(failed).toBeNull();
    expect(detectionVerdict(unaware(0, [0.6, 0.7, 0.8]), 0)).toMatch(/^At κ = 0 the detector reaches an AUC of 70\.0% on average over 3 attacks/);
  });
});

describe('detection helpers', () => {
  it('the paper column is CIFAR-10 only, LID at κ = 0 and LID + JumpReLU above', () => {
    expect(paperAuc('pgd', 0, 'cifar10')).toBeCloseTo(0.7254, 6);
    expect(paperAuc('deepfool-linf', 0.4, 'cifar10')).toBeCloseTo(0.7824, 6);
    expect(paperAuc('pgd', 0, 'mnist')).toBeNull();
    expect(paperAuc('lid-aware', 0.4, 'cifar10')).toBeNull();
  });
  it('Hanley–McNeil standard error: known value, zero at a perfect detector, NaN without data', () => {
    // A = 0.5, 100 positives, 200 negatives: Q1 = 1/3, Q2 = 1/3; SE² = (0.25 + 99/12 + 199/12)/20000.
    expect(aucStandardError(0.5, 100, 200)).toBeCloseTo(Math.sqrt((0.25 + 99 / 12 + 199 / 12) / 20000), 12);
    expect(aucStandardError(1, 100, 200)).toBe(0);
    expect(aucStandardError(NaN, 100, 200)).toBeNaN();
  });
  it('the CSV holds one row per attack and κ, the paper beside ours with its assumption, and a failed row\'s reason', () => {
    const result: DetectionResult = {
      kind: 'detection', request: { kind: 'detection', modelId: 'm', kappa: 0.4, sample: 200, batch: 100, sigma: null, trSteps: 0, awareSteps: 30 },
      rows: [row('pgd', 0, 0.6416), row('pgd', 0.4, 0.6552), row('deepfool-l2', 0.4, NaN, { error: 'only 150, "whole" minibatches' })],
      taps: ['input', 'logits'], k: 20, split: { evaluation: { start: 0, count: 1500 }, validation: { start: 1500, count: 500 } }, ms: 1,
    };
    const csv = detectionCsv(result, 'cifar10');
    const back = parseCsv(toCsv(csv.header, csv.rows));
    expect(back).toHaveLength(4);
    const col = (name: string) => back[0].indexOf(name);
    expect(back[1][col('auc')]).toBe('0.6416');
    expect(back[1][col('paper_auc')]).toBe(String(0.7254));
    expect(back[2][col('paper_auc')]).toBe(String(0.7425));
    expect(back[2][col('paper_assumed')]).toMatch(/AlexLike, κ = 0\.4 \(assumed/);
    expect(back[3][col('auc')]).toBe('');
    expect(back[3][col('error')]).toBe('only 150, "whole" minibatches');
    expect(detectionCsv(result, 'mnist').rows.every((r) => r[5] === null)).toBe(true);
  });
});
