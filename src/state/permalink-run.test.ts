import { describe, expect, it, vi } from 'vitest';
import type { ModelCard } from '../worker/jobs';
import { connectPermalinkRun } from './permalink-run';
import { createAppStore } from './store';
import { decode } from './url-schema';
import { storeFromUrl } from './url-sync';

const card = { id: 'm1', dataset: 'mnist', kappa: { default: 1, paper: 1, min: 0, max: 2, step: 0.05 } } as unknown as ModelCard;
const attacks = [{ id: 'deepfool-l2', label: 'DeepFool L2', params: [] }] as never;

/** Opens a link, then lets "the model load": the link's model, ready, with the attack catalogue. */
async function open(search: string, before?: (s: ReturnType<typeof createAppStore>) => void) {
  const store = createAppStore(storeFromUrl(decode(search, '').state));
  const startAttack = vi.fn();
  store.setState({ startAttack });
  const stop = connectPermalinkRun(store);
  before?.(store);
  store.setState({ attacks, modelId: 'm1' });
  store.setState((s) => ({ card, jobs: { ...s.jobs, load: { ...s.jobs.load, status: 'done' } } }));
  await Promise.resolve();
  stop();
  return startAttack;
}

describe('a link with an image reruns its attack once the model is ready', () => {
  it('runs once for a link with an image', async () => {
    expect(await open('?img=3&attack=deepfool-l2')).toHaveBeenCalledTimes(1);
  });
  it('does not run without an image, with a tour step, or in an embed without the attack panel', async () => {
    expect(await open('?attack=deepfool-l2')).not.toHaveBeenCalled();
    expect(await open('?img=3&tour=3')).not.toHaveBeenCalled();
    expect(await open('?img=3&embed=slider,gallery')).not.toHaveBeenCalled();
    expect(await open('?img=3&embed=attack')).toHaveBeenCalledTimes(1);
  });
  it('does not override what the user did before the model was ready', async () => {
    expect(await open('?img=3', (s) => s.setState({ selectedImage: 5 }))).not.toHaveBeenCalled();
  });
});
