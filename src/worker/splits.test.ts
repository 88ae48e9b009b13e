import { describe, expect, it } from 'vitest';
import { splitFor, splitSource } from './splits';

describe('evaluation / validation split', () => {
  it('reserves the last images for validation, disjoint from the evaluation split', () => {
    expect(splitFor('mnist', 10000)).toEqual({ evaluation: { start: 0, count: 8000 }, validation: { start: 8000, count: 2000 } });
    expect(splitFor('cifar10', 2000)).toEqual({ evaluation: { start: 0, count: 1500 }, validation: { start: 1500, count: 500 } });
    const s = splitFor('mnist', 100);
    expect(s.evaluation.count + s.validation.count).toBe(100);
    expect(s.validation.start).toBe(s.evaluation.count);
  });

  it('slices images and labels as views', () => {
    const images = Uint8Array.from({ length: 5 * 4 }, (_, i) => i);
    const labels = Uint8Array.from([0, 1, 2, 3, 4]);
    const v = splitSource(images, labels, [2, 2, 1], { start: 3, count: 2 });
    expect(Array.from(v.labels)).toEqual([3, 4]);
    expect(Array.from(v.images)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
  });
});
