import { describe, expect, it } from 'vitest';
import type { AttackPairResult, AttackSide, SideNumbers } from '../../worker/jobs';
import { attackHeadline, type HeadlineContext } from './headline';

const ctx = (label: string, kind: HeadlineContext['kind'] = 'minimization'): HeadlineContext =>
  ({ label, kind, classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] });

const side = (rho: number, rhoRefined: number | null, success = true, skipped = false): AttackSide => ({
  kappa: 0, randomized: false, clean: { predicted: 3, top: [] }, adversarial: { predicted: success ? 5 : 3, top: [] },
  advPixels: new Float32Array(), deltaAbs: new Float32Array(), l2: 0, linf: 0, rho, rhoRefined, iterations: 2,
  success, skipped, craftedOn: 'self',
});
const nums = (rho: number, rhoRefined: number | null, success = true): SideNumbers => ({ rho, rhoRefined, success, iterations: 3 });

function result(over: Partial<AttackPairResult> & { threat?: 'white-box' | 'gray-box'; mode?: 'exact' | 'straight-through' | 'smoothed' } = {}): AttackPairResult {
  const { threat = 'white-box', mode = 'exact', ...rest } = over;
  return {
    request: { modelId: 'm', imageIndex: 0, attackId: 'deepfool-l2', params: {}, threat, gradientMode: mode, smoothingTau: 0.1, kappa: 1, randomized: false, seed: 1 },
    label: 3, cleanPixels: new Float32Array(), norm: 'l2', ms: 1,
    unprotected: side(0.2, 0.19), protected: side(0.334, 0.2546),
    companion: { gradientMode: 'straight-through', unprotected: nums(0.2, 0.19), protected: nums(0.21, 0.1976) },
    companionNote: null, ...rest,
  };
}

describe('attack headline', () => {
  it('states the exact-gradient ratio, raw and refined, and the straight-through one beside it', () => {
    expect(attackHeadline(result(), ctx('DeepFool L2'))).toBe(
      'DeepFool L2 with exact gradients needed 1.67× the ρ (1.34× refined to the boundary); with straight-through gradients 1.05× (1.04× refined to the boundary).');
  });

  it('names the requested mode first: straight-through beside exact, smoothed with its τ', () => {
    const st = result({ mode: 'straight-through', companion: { gradientMode: 'exact', unprotected: nums(0.2, 0.19), protected: nums(0.334, 0.2546) } });
    expect(attackHeadline(st, ctx('FMN L2'))).toMatch(/^FMN L2 with straight-through gradients needed .*; with exact gradients 1\.67×/);
    expect(attackHeadline(result({ mode: 'smoothed' }), ctx('DeepFool L2'))).toMatch(/^DeepFool L2 with smoothed gradients \(τ = 0\.1\) needed/);
  });

  it('says when a side was not fooled or not attacked, and never divides by a failure', () => {
    const failed = result({ protected: side(0.5, null, false), companion: { gradientMode: 'straight-through', unprotected: nums(0.2, 0.19), protected: nums(0.5, null, false) } });
    expect(attackHeadline(failed, ctx('DeepFool L2'))).toBe('DeepFool L2 with exact gradients did not fool the retrofitted model within its budget (it fooled the unprotected one); the same with straight-through gradients.');
    expect(attackHeadline(result({ unprotected: side(0, null, true, true) }), ctx('DeepFool L2'))).toMatch(/already misclassified/);
    const differs = result({ protected: side(0.5, null, false), companion: { gradientMode: 'straight-through', unprotected: nums(0.2, 0.19, false), protected: nums(0.5, 0.4) } });
    expect(attackHeadline(differs, ctx('DeepFool L2'))).toMatch(/; with straight-through gradients it fooled the retrofitted model, but not the unprotected one, so there is no ratio\.$/);
  });

  it('a fixed-budget attack states which model the budget fooled, never a ratio of budgets; gray-box says whether the transfer fools', () => {
    const fgsm = (u: boolean, p: boolean) => result({ companion: null, unprotected: side(0.1, null, u), protected: side(0.1, null, p), companionNote: 'fixed budget' });
    expect(attackHeadline(fgsm(true, true), ctx('FGSM', 'fixed-epsilon'))).toBe('FGSM with exact gradients fooled both models at this budget (a fixed budget measures no ratio: a minimization attack such as DeepFool does).');
    expect(attackHeadline(fgsm(true, false), ctx('PGD', 'fixed-epsilon'))).toMatch(/fooled the unprotected model but not the retrofitted one at this budget\.$/);
    expect(attackHeadline(fgsm(false, false), ctx('PGD', 'fixed-epsilon'))).toMatch(/fooled neither model at this budget/);
    expect(attackHeadline(fgsm(true, true), ctx('PGD', 'fixed-epsilon'))).not.toMatch(/×/);
    expect(attackHeadline(result({ threat: 'gray-box', companion: null }), ctx('DeepFool L2'))).toMatch(/crafted on κ = 0, also fools/);
  });

  it('says when neither side was fooled instead of reading as a defence win', () => {
    const neither = result({ unprotected: side(0.3, null, false), protected: side(0.3, null, false), companion: null });
    expect(attackHeadline(neither, ctx('IFGSM'))).toBe('IFGSM with exact gradients fooled neither model within its budget, so it measures nothing about the jump.');
  });

  it('names the target of a targeted run', () => {
    const t = result();
    t.request = { ...t.request, target: 7 };
    expect(attackHeadline(t, ctx('DeepFool L2'))).toMatch(/^Turn this three into a seven: DeepFool L2 with exact gradients needed 1\.67×/);
  });
});
