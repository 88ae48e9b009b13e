import { describe, expect, it } from 'vitest';
import { foolRate } from './fool-rate';

describe('fool rate (one definition)', () => {
  it('counts the fooled among the attacked images only: an already misclassified image is neither', () => {
    // 5 images; #1 and #4 were misclassified before the attack (skipped, "success" there means nothing).
    expect(foolRate([1, 1, 0, 1, 1], [0, 1, 0, 0, 1])).toBe(2 / 3);
    expect(foolRate([true, false], [false, false])).toBe(0.5);
  });

  it('is NaN when nothing was attacked, and 0 when nothing was fooled', () => {
    expect(foolRate([1, 1], [1, 1])).toBeNaN();
    expect(foolRate([], [])).toBeNaN();
    expect(foolRate([0, 0, 0], [0, 0, 0])).toBe(0);
  });
});
