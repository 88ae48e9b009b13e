import { describe, expect, it } from 'vitest';
import { parseKappaText } from './kappa-text';

describe('typed κ', () => {
  it('reads a decimal point or a decimal comma', () => {
    expect(parseKappaText('1,5')).toBe(1.5);
    expect(parseKappaText(' 0.35 ')).toBe(0.35);
    expect(parseKappaText('2')).toBe(2);
    expect(parseKappaText(',5')).toBe(0.5);
    expect(parseKappaText('1.')).toBe(1);
  });
  it('refuses what it would have to guess', () => {
    for (const t of ['', '1,5,0', '1.000,5', '1e0', '0x1', '-1', 'abc', '1 5', 'Infinity']) expect(parseKappaText(t), t).toBeNull();
  });
});
