import { describe, expect, it } from 'vitest';
import { transferReading } from './transfer-panel';

describe('transfer reading', () => {
  const kappas = [0, 0.5, 1];
  it('agrees with the paper only when low → high transfers clearly better than high → low', () => {
    // accuracy[source][target]: crafted at 0 fool 0.5 and 1 (low accuracy); crafted at 1 fail at 0 (high).
    const paperLike = [[0.05, 0.1, 0.15], [0.7, 0.05, 0.1], [0.8, 0.75, 0.05]];
    expect(transferReading(kappas, paperLike)).toMatch(/^This run agrees with the paper's unidirectional finding: crafted at a lower κ, the target keeps 12% accuracy on average; crafted at a higher κ, 75%\.$/);
  });
  it('says so when the data contradict or do not show it', () => {
    const reversed = [[0.05, 0.7, 0.8], [0.1, 0.05, 0.75], [0.15, 0.1, 0.05]];
    expect(transferReading(kappas, reversed)).toMatch(/^This run contradicts/);
    const flat = [[0.05, 0.3, 0.3], [0.32, 0.05, 0.3], [0.3, 0.31, 0.05]];
    expect(transferReading(kappas, flat)).toMatch(/^This run does not show/);
    expect(transferReading([0], [[0.1]])).toBeNull();
  });
});
