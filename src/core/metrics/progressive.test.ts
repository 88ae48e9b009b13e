import { describe, expect, it } from 'vitest';
import { stratifiedOrder } from '../data/stratified-order';
import { wilsonInterval } from './wilson';

describe('stratifiedOrder', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i * 7 + (i % 13)) % 10);

  it('is a permutation of the first n images', () => {
    const order = stratifiedOrder(labels, 600);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('every prefix of 10·k images holds k of each class while each class has images left', () => {
    const n = 600;
    const order = stratifiedOrder(labels, n);
    const perClass = Array.from({ length: 10 }, (_, c) => labels.slice(0, n).filter((y) => y === c).length);
    const kMax = Math.min(...perClass);
    const seen = new Array(10).fill(0);
    for (let i = 0; i < 10 * kMax; i++) {
      seen[labels[order[i]]]++;
      if ((i + 1) % 10 === 0) expect(seen).toEqual(new Array(10).fill((i + 1) / 10));
    }
  });

  it('keeps shard order within a class, and refuses a label outside the classes', () => {
    const order = stratifiedOrder([1, 0, 1, 0, 2], 5, 3);
    expect([...order]).toEqual([1, 0, 4, 3, 2]);
    expect(() => stratifiedOrder([0, 11], 2)).toThrow(/label 11/);
  });
});

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // 81 of 263 (Newcombe 1998, example): 0.2553–0.3662 at 95%.
    const a = wilsonInterval(81, 263);
    expect(a.lo).toBeCloseTo(0.2553, 4);
    expect(a.hi).toBeCloseTo(0.3662, 4);
    // All 20 correct: not the zero-width [1, 1] of the normal approximation.
    const b = wilsonInterval(20, 20);
    expect(b.hi).toBe(1);
    expect(b.lo).toBeCloseTo(0.8389, 4);
  });

  it('narrows as n grows and holds the proportion', () => {
    const small = wilsonInterval(18, 20);
    const large = wilsonInterval(900, 1000);
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
    for (const w of [small, large]) expect(w.lo <= 0.9 && 0.9 <= w.hi).toBe(true);
  });
});
