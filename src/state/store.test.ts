import { describe, expect, it } from 'vitest';
import { clampKappa } from './slices/kappa-slice';
import { evalKey } from './selectors';
import { createAppStore } from './store';
import { encode } from './url-schema';
import { urlStateFromStore } from './url-sync';

describe('app store', () => {
  it('clamps κ to the card range and snaps it to the step', () => {
    const range = { min: 0, max: 2, step: 0.05 };
    expect(clampKappa(1.0312, range)).toBe(1.05);
    expect(clampKappa(-1, range)).toBe(0);
    expect(clampKappa(9, range)).toBe(2);
    expect(clampKappa(Number.NaN, range)).toBe(0);
  });

  it('keys the evaluation cache by model, κ setting and sample size', () => {
    const a = evalKey('m', { kappa: 1, randomized: false, seed: 1 }, 500);
    expect(evalKey('m', { kappa: 1, randomized: false, seed: 9 }, 500)).toBe(a); // seed only matters when randomized
    expect(evalKey('m', { kappa: 1, randomized: true, seed: 1 }, 500)).not.toBe(a);
    expect(evalKey('m', { kappa: 1, randomized: false, seed: 1 }, 1000)).not.toBe(a);
  });

  it('starts from the link schema\'s defaults: a fresh store shares as the bare link', () => {
    expect(encode(urlStateFromStore(createAppStore().getState()))).toBe('?v=1');
  });

  it('selecting another model clears the image; without a worker a job fails with a message', async () => {
    const store = createAppStore({ selectedImage: 3 });
    const s = store.getState();
    s.selectModel('a');
    expect(store.getState().selectedImage).toBe(3); // the first selection keeps a link's image
    s.selectModel('b');
    expect(store.getState()).toMatchObject({ modelId: 'b', selectedImage: null });
    expect(await s.runJob('reference', { modelId: 'b' })).toBeUndefined();
    expect(store.getState().jobs.reference).toMatchObject({ status: 'error', error: 'The compute worker is not running.' });
  });
});
