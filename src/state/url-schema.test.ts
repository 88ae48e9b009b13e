import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_SHARD } from './slices/evaluation-slice';
import { decode, defaultUrlState, encode, type UrlState } from './url-schema';

describe('url schema', () => {
  it('round-trips every field', () => {
    const s: UrlState = {
      model: 'cifar10-alexlike-robust', kappa: 0.45, randomized: true, seed: 1234, sampleSize: FULL_SHARD, image: 17,
      attack: 'trust-region-l2', threat: 'gray-box', params: { steps: 7, stepRule: 'library', candidates: null, adaptiveRadius: true },
      backend: 'webgl',
    };
    const { state, warnings } = decode(encode(s));
    expect(warnings).toEqual([]);
    expect(state).toEqual(s);
  });

  it('writes only what differs from the defaults', () => {
    expect(encode(defaultUrlState())).toBe('?v=1');
    expect(encode({ ...defaultUrlState(), kappa: 1 })).toBe('?v=1&kappa=1');
  });

  it('falls back to defaults with a warning for bad values, and ignores unknown keys', () => {
    const { state, warnings } = decode('?kappa=-3&n=77&backend=quantum&img=x&threat=black&zzz=1&model=../etc');
    expect(state).toEqual(defaultUrlState());
    expect(warnings).toHaveLength(6);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (s) => { decode(s); decode(`?${s}`); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('kappa', 'n', 'img', 'seed', 'rand', 'p.steps', 'v'), fc.string())), (pairs) => {
      const q = new URLSearchParams(pairs);
      const { state } = decode(`?${q}`);
      expect(decode(encode(state)).state).toEqual(state);
    }), { numRuns: 500 });
  });
});
