/**
 * A link with an image (a test image or a drawn digit) opens with its attack's result on screen: once the
 * link's model is loaded at the link's κ, the attack the link names runs again with the link's parameters.
 * Attacks are deterministic for a setting (a randomized κ draws from the seed the link carries), so the
 * recipient sees the ρ and the predictions the sender saw.
 *
 * Not rerun: a link that opens a tour step (the step sets up and starts its own run), an embed without the
 * attack panel (nowhere to show it), or when the user has picked or run something before the model is ready.
 * Analysis panels in a link are not recomputed here; see features/analysis/analysis-frame.tsx for why.
 */
import { modelReady } from './selectors';
import type { AppStore } from './store';

export function connectPermalinkRun(store: AppStore): () => void {
  const opened = store.getState();
  const image = opened.selectedImage !== null || (opened.attackOwn && opened.ownImage !== null);
  const shown = opened.embed === null || opened.embed.includes('attack');
  if (!image || !shown || opened.tourStep !== null) return () => {};
  const unsubscribe = store.subscribe((s) => {
    if (!modelReady(s) || !s.attacks.length) return;
    unsubscribe();
    // Outside the store's notification: starting the job sets state again.
    queueMicrotask(() => {
      const now = store.getState();
      const same = now.selectedImage === opened.selectedImage && now.attackOwn === opened.attackOwn;
      if (same && now.jobs.attack.status === 'idle' && now.tourStep === null) now.startAttack();
    });
  });
  return unsubscribe;
}
