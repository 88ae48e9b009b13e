import { describe, expect, it } from 'vitest';
import { kappaAdjustedNotice } from './kappa-notice';
import { clampKappa } from './slices/kappa-slice';

const range = { min: 0, max: 2, step: 0.05 };
const notice = (k: number) => kappaAdjustedNotice(k, clampKappa(k, range), range);

describe('κ from a link that the model cannot use as is', () => {
  it('says "rounded to the step" for an in-range κ between steps, "outside the range" only when it is', () => {
    expect(notice(0.333)).toBe("κ = 0.333 is between this model's κ steps (every 0.05 from 0 to 2); rounded to κ = 0.35.");
    expect(notice(5)).toBe("κ = 5 is outside this model's range 0–2; using κ = 2.");
    expect(notice(0.35)).toBeNull();
  });
});
