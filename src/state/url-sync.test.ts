import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../core/models/card';
import { createAppStore } from './store';
import { connectUrlSync, type UrlTarget } from './url-sync';

/** A history with Back: popstate moves to the previous entry. */
function fakeWindow(search: string) {
  const entries = [search];
  let at = 0;
  const listeners: (() => void)[] = [];
  const target: UrlTarget = {
    location: { get search() { return entries[at]; }, pathname: '/', hash: '' },
    history: {
      pushState: (_d, _t, url) => { entries.splice(++at, Infinity, new URL(String(url), 'http://x').search); },
      replaceState: (_d, _t, url) => { entries[at] = new URL(String(url), 'http://x').search; },
    },
    addEventListener: (_t, fn) => listeners.push(fn),
    removeEventListener: () => undefined,
  };
  return { target, entries, back: () => { at--; for (const l of listeners) l(); } };
}

const card = (id: string) => ({ id, kappa: { min: 0, max: 2, step: 0.05, default: 1, paper: 1 } }) as unknown as ModelCard;

describe('url sync', () => {
  it('Back across a model change brings back the image the link names, and leaves that entry as it was', async () => {
    const w = fakeWindow('?v=1&model=a&kappa=1&img=5');
    const store = createAppStore({ modelId: 'a', card: card('a'), selectedImage: 5, kappa: 1 });
    const stop = connectUrlSync(store, w.target, 0);
    store.getState().selectModel('b'); // a new test set: the image is cleared
    store.setState({ card: card('b') });
    await new Promise((r) => setTimeout(r, 5));
    expect(w.entries).toEqual(['?v=1&model=a&kappa=1&img=5', '?v=1&model=b&kappa=1']);
    w.back();
    expect(store.getState()).toMatchObject({ modelId: 'a', selectedImage: 5 });
    store.setState({ card: card('a') }); // the model has loaded again
    await new Promise((r) => setTimeout(r, 5));
    expect(w.entries[0]).toBe('?v=1&model=a&kappa=1&img=5');
    stop();
  });
});
