import { describe, expect, it } from 'vitest';
import { clampKappa } from './slices/kappa-slice';
import { evalKey } from './slices/evaluation-slice';
import { createAppStore } from './store';

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

  it('runs attacks as intents: start bumps the run id, cancel only while running', () => {
    const store = createAppStore();
    const s = store.getState();
    s.startAttack();
    expect(store.getState().attackStatus).toBe('idle'); // no image selected
    s.selectImage(3);
    s.startAttack();
    expect(store.getState()).toMatchObject({ attackStatus: 'running', attackRunId: 1, attackResult: null });
    s.cancelAttack();
    expect(store.getState().attackStatus).toBe('cancelling');
    s.selectModel('a');
    s.selectModel('b');
    expect(store.getState()).toMatchObject({ modelId: 'b', selectedImage: null, loadNonce: 2 });
  });
});
