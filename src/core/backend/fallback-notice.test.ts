import { describe, expect, it } from 'vitest';
import { backendNotices } from './fallback-notice';
import type { BackendChoice } from './select';

const base: BackendChoice = { backend: 'wasm', reasons: [], adapter: null, requested: null, requestedFailed: false, failed: [], wasm: null };
const software = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true };

describe('visible backend notices', () => {
  it('says nothing when the usual backend started', () => {
    expect(backendNotices(base)).toEqual([]);
    expect(backendNotices({ ...base, backend: 'webgpu', adapter: { ...software, architecture: 'ampere', isFallbackAdapter: false } })).toEqual([]);
  });
  it('states an automatic fallback, why, and what it costs', () => {
    const [n] = backendNotices({ ...base, backend: 'cpu', failed: [{ backend: 'wasm', timedOut: true }, { backend: 'webgl', timedOut: false }] });
    expect(n).toBe('A faster backend could not start (wasm did not start in time, webgl failed to start); running on cpu instead: about 25× slower '
      + 'than wasm (a κ change on 1,000 MNIST images takes ~1.3 s instead of ~50 ms; attacks likewise).');
    const [r] = backendNotices({ ...base, backend: 'wasm', requested: 'webgpu', requestedFailed: true, failed: [{ backend: 'webgpu', timedOut: false }] });
    expect(r).toMatch(/^The requested backend "webgpu" could not start \(webgpu failed to start\); running on wasm instead\.$/);
  });
  it('warns about a software WebGPU adapter with its cost', () => {
    const [n] = backendNotices({ ...base, backend: 'webgpu', requested: 'webgpu', adapter: software });
    expect(n).toContain('software adapter (swiftshader)');
    expect(n).toContain('400× slower than wasm');
  });
});
