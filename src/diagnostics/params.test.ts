import { describe, expect, it } from 'vitest';
import { ADAPTIVE_BENCH_IMAGES, readBenchSizes, readCount } from './params';

const q = (s: string) => new URLSearchParams(s);

describe('diagnostics parameters', () => {
  it('reads sizes within their bounds, with the documented defaults', () => {
    expect(readCount(q('moves=15'), 'moves')).toBe(15);
    expect(readCount(q(''), 'forward')).toBe(1000);
    expect(readCount(q('deepfool=7'), 'single')).toBe(7);
    expect(readBenchSizes('4096,65536')).toEqual([4096, 65536]);
    expect(readBenchSizes(null)).toEqual([65536]);
    expect(readCount(q(''), 'images', ADAPTIVE_BENCH_IMAGES)).toBe(100);
    expect(readCount(q('images=500'), 'images', ADAPTIVE_BENCH_IMAGES)).toBe(500);
  });
  it('refuses huge, negative, fractional and lenient values, naming the parameter and its range', () => {
    expect(() => readCount(q('moves=1e9'), 'moves')).toThrow('moves="1e9" must be a whole number from 1 to 100');
    for (const bad of ['moves=1000000000', 'moves=0', 'moves=-1', 'moves=2.5', 'moves=0x10', 'moves=', 'moves=%201']) {
      expect(() => readCount(q(bad), 'moves'), bad).toThrow(/moves=.* must be a whole number/);
    }
    expect(() => readCount(q('forward=10001'), 'forward')).toThrow(/forward/);
    expect(() => readCount(q('images=51'), 'images')).toThrow('images="51" must be a whole number from 1 to 50');
    for (const bad of ['images=0', 'images=501', 'images=1e2']) {
      expect(() => readCount(q(bad), 'images', ADAPTIVE_BENCH_IMAGES), bad).toThrow(/images=.* must be a whole number from 1 to 500/);
    }
    expect(() => readBenchSizes('1e9')).toThrow(/bench/);
    expect(() => readBenchSizes(String(2 ** 24 + 1))).toThrow(/bench/);
    expect(() => readBenchSizes(Array(9).fill('1').join(','))).toThrow(/at most 8/);
  });
});
