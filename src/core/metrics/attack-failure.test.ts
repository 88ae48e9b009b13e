import { describe, expect, it } from 'vitest';
import { apgdRunData, attackFailureIndicators, mergeIndicators, INDICATORS, stillRising, type AttackRunData, type Indicator, type IndicatorId } from './attack-failure';

const pick = (all: Indicator[], id: IndicatorId) => all.find((i) => i.id === id)!;

/** 100 steps of a curve: rises fast then flat (converged), or linear to the end (still rising). */
const converged = Array.from({ length: 101 }, (_, k) => 1 - Math.exp(-k / 5));
const linear = Array.from({ length: 101 }, (_, k) => k / 100);

describe('attack-failure indicators (Pintor et al. 2022)', () => {
  it('stillRising: a flattened curve is done, a linear one is not, a flat one is not rising; descend mirrors ascend', () => {
    expect(stillRising(converged)).toBe(false);
    expect(stillRising(linear)).toBe(true); // last 10% holds 10% of the rise > 5%
    expect(stillRising(new Array(101).fill(0.3))).toBe(false);
    expect(stillRising(linear.map((v) => -v), 'descend')).toBe(true);
    expect(stillRising(linear.map((v) => -v), 'ascend')).toBe(false);
    // The best loss so far counts: a late dip does not make a run look converged or rising.
    const dip = [...converged.slice(0, 100), -5];
    expect(stillRising(dip)).toBe(false);
    // 4.8% of the rise in the last 10 steps: below the default 5%, above a 4% threshold.
    const knee = Array.from({ length: 101 }, (_, k) => (k <= 90 ? (0.952 * k) / 90 : 0.952 + (0.048 * (k - 90)) / 10));
    expect(stillRising(knee)).toBe(false);
    expect(stillRising(knee, 'ascend', { lastShare: 0.1, stillRising: 0.04, zeroGradientShare: 0.1 })).toBe(true);
    expect(() => stillRising([0, Number.NaN, 1])).toThrow(/not finite/);
  });

  it('counts each indicator on known inputs, naming the attack in the table\'s words', () => {
    const run: AttackRunData = {
      attack: 'APGD-CE L∞ (straight-through)',
      success: [1, 0, 0, 0, 0],
      everAdversarial: [1, 1, 0, 0, 0], // image 1: seen, not returned
      lossTrace: [converged, linear, converged, linear, converged], // failed and still rising: 1 and 3
      unboundedSuccess: [1, 1, 1, 0, 1],
      restartSuccess: [[0, 0, 0, 0, 1], [1, 1, 0, 0, 0]], // first run failed, a restart fooled: 1 and 4
      noisyPredictions: { clean: [3, 3, 3, 3, 3], noisy: [[3, 3, 3, 3, 3], [3, 5, 3, 3, 3]] },
      zeroGradientSteps: [0, 0, 50, 5, 11],
      gradientSteps: [100, 100, 100, 100, 100], // failed with > 10% zero: 2 and 4
    };
    const all = attackFailureIndicators(run);
    expect(all.map((i) => i.id)).toEqual(Object.keys(INDICATORS));
    expect(all.every((i) => i.measured && i.attack === run.attack && i.meaning.length > 20)).toBe(true);
    expect(pick(all, 'silent-success')).toMatchObject({ triggered: true, images: 1, of: 5 });
    expect(pick(all, 'incomplete-optimisation')).toMatchObject({ triggered: true, images: 2, of: 4 });
    expect(pick(all, 'unbounded-below-100')).toMatchObject({ triggered: true, images: 1, of: 5 });
    expect(pick(all, 'unbounded-below-100').message).toMatch(/80\.0% success without a budget/);
    expect(pick(all, 'non-converging-restarts')).toMatchObject({ triggered: true, images: 2, of: 4 });
    expect(pick(all, 'non-converging-restarts').message).toBe('APGD-CE L∞ (straight-through): non-converging restarts on 2 of 4 images (fooled by 2 more random starts after the first run failed).');
    expect(pick(all, 'unstable-predictions')).toMatchObject({ triggered: true, images: 1, of: 5 });
    expect(pick(all, 'zero-gradients')).toMatchObject({ triggered: true, images: 2, of: 4 });
    expect(pick(all, 'silent-success').message).toBe('APGD-CE L∞ (straight-through): silent success on 1 of 5 images.');
  });

  it('a clean run triggers nothing; missing data is "not measured", never passed', () => {
    const clean = attackFailureIndicators({
      attack: 'APGD-T L2', success: [1, 0], everAdversarial: [1, 0], lossTrace: [linear, converged], unboundedSuccess: [1, 1],
      restartSuccess: [[1, 0], [1, 0]], noisyPredictions: { clean: [1, 2], noisy: [[1, 2]] }, zeroGradientSteps: [90, 10], gradientSteps: [100, 100],
    });
    expect(clean.every((i) => i.measured && !i.triggered)).toBe(true);
    expect(pick(clean, 'silent-success').message).toBe('APGD-T L2: no silent success (2 images checked).');
    const bare = attackFailureIndicators({ attack: 'PGD (Madry)', success: [0, 0, 1] });
    expect(bare.every((i) => !i.measured && !i.triggered)).toBe(true);
    expect(pick(bare, 'zero-gradients').message).toMatch(/PGD \(Madry\): zero gradients not measured/);
    // No restart: not measured.
    expect(pick(attackFailureIndicators({ attack: 'x', success: [0], restartSuccess: [] }), 'non-converging-restarts').measured).toBe(false);
  });

  it('non-converging restarts (Pintor et al.\'s bad-initialisation rule): flags a failure some restart undoes, nothing else', () => {
    const restarts = (success: number[], restartSuccess: number[][]) =>
      pick(attackFailureIndicators({ attack: 'APGD-CE L∞', success, restartSuccess }), 'non-converging-restarts');
    // Must flag: the first run failed on images 1 and 2; the one restart fooled image 2.
    expect(restarts([1, 0, 0], [[0, 0, 1]])).toMatchObject({ measured: true, triggered: true, images: 1, of: 2 });
    expect(restarts([1, 0, 0], [[0, 0, 1]]).message).toMatch(/1 of 2 images \(fooled by one more random start after the first run failed\)/);
    // Must not flag: restarts that disagree only where the first run already succeeded, or that all fail too.
    expect(restarts([1, 1, 0], [[0, 1, 0], [1, 0, 0]])).toMatchObject({ measured: true, triggered: false, images: 0, of: 1 });
    // Every image fooled by the first run: nothing to look at, nothing flagged.
    expect(restarts([1, 1], [[0, 0]])).toMatchObject({ measured: true, triggered: false, of: 0 });
    expect(() => restarts([1, 0], [[1]])).toThrow(/restartSuccess\[0\] has 1 entries, expected 2/);
  });

  it('refuses arrays of the wrong length and empty runs with a clear message', () => {
    expect(() => attackFailureIndicators({ attack: 'x', success: [1, 0], everAdversarial: [1] })).toThrow(/everAdversarial has 1 entries, expected 2/);
    expect(() => attackFailureIndicators({ attack: 'x', success: [] })).toThrow(/x has no images/);
  });
});

describe('apgdRunData', () => {
  it('turns an APGD-T outcome (two target runs, the second on the image left) into per-image indicator data', () => {
    const run = (trace: number[][], zero: number[]) => ({
      bestLoss: Float64Array.from(trace[trace.length - 1]), trace: trace.map((t) => Float64Array.from(t)), everAdversarial: new Uint8Array(trace[0].length),
      halvings: new Int32Array(trace[0].length), finalStepSize: new Float64Array(trace[0].length), zeroGradients: Int32Array.from(zero),
    });
    const outcome = {
      iterations: Int32Array.from([2, 4]), everAdversarial: Uint8Array.from([1, 0]), bestLoss: Float64Array.from([0.5, -0.1]),
      runs: [
        { rows: [0, 1], targetRank: 1, run: run([[-1, -0.2], [0.1, -0.3], [0.5, -0.25]], [0, 3]) },
        { rows: [1], targetRank: 2, run: run([[-0.9], [-0.5], [-0.1]], [1]) },
      ],
    };
    const data = apgdRunData('APGD-T L∞', outcome, [1, 0]);
    expect(data.lossTrace).toEqual([[-1, 0.1, 0.5], [-0.9, -0.5, -0.1]]);
    expect(data.zeroGradientSteps).toEqual([0, 4]);
    expect(data.gradientSteps).toEqual([3, 6]);
    const all = attackFailureIndicators(data);
    expect(pick(all, 'zero-gradients')).toMatchObject({ images: 1, of: 1 }); // 4 of 6 steps
    expect(pick(all, 'incomplete-optimisation')).toMatchObject({ images: 1, of: 1 });
    expect(pick(all, 'silent-success')).toMatchObject({ images: 0, of: 2 });
    expect(() => apgdRunData('x', outcome, [1])).toThrow(/success has 1 entries, expected 2/);
  });
});

describe('mergeIndicators', () => {
  it('adds flagged and looked-at images per indicator; one unmeasured run makes it "not measured", never passed', () => {
    const a = attackFailureIndicators({ attack: 'A', success: [0, 0, 1], everAdversarial: [1, 0, 1] });
    const b = attackFailureIndicators({ attack: 'A', success: [0, 1], everAdversarial: [1, 1] });
    const m = mergeIndicators('A, both', [a, b]);
    const silent = m.find((i) => i.id === 'silent-success')!;
    expect(silent).toMatchObject({ measured: true, triggered: true, images: 2, of: 5, attack: 'A, both' });
    expect(silent.message).toBe('A, both: silent success on 2 of 5 images.');
    const c = attackFailureIndicators({ attack: 'A', success: [0] });
    const mixed = mergeIndicators('A', [a, c]).find((i) => i.id === 'silent-success')!;
    expect(mixed).toMatchObject({ measured: false, triggered: false });
    expect(mixed.message).toMatch(/not measured/);
    expect(mergeIndicators('A', [])).toEqual([]);
  });
});

