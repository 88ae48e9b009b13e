import { describe, expect, it } from 'vitest';
import { appWasmThreads, grantedWasmThreads, requestWasmThreads } from './wasm-threads';

describe('wasm thread count', () => {
  it('follows TF.js: half the logical cores, at least 1, at most 8', () => {
    expect(grantedWasmThreads(2, 2)).toBe(1); // the 2-core machines: why threads=2 gave 1
    expect(grantedWasmThreads(-1, 8)).toBe(4);
    expect(grantedWasmThreads(2, 8)).toBe(2);
    expect(grantedWasmThreads(16, 64)).toBe(8);
  });

  it('lifts the cap for the realm it is given, only when the cap would refuse', () => {
    const twoCores = { hardwareConcurrency: 2 };
    requestWasmThreads(2, twoCores);
    expect(twoCores.hardwareConcurrency).toBe(4);
    expect(grantedWasmThreads(2, twoCores.hardwareConcurrency)).toBe(2);
    const many = { hardwareConcurrency: 16 };
    requestWasmThreads(2, many);
    expect(many.hardwareConcurrency).toBe(16);
    expect(() => requestWasmThreads(0, many)).toThrow('from 1 to 8');
  });

  it("the app's pool: at least 2 on a 2-core machine (measured faster), TF.js's own choice above", () => {
    expect(appWasmThreads(1)).toBe(1);
    expect(appWasmThreads(2)).toBe(2);
    expect(appWasmThreads(4)).toBe(2);
    expect(appWasmThreads(8)).toBe(4);
    expect(appWasmThreads(64)).toBe(8);
    expect(appWasmThreads(Number.NaN)).toBe(1);
  });
});
