/** Creates the store, the compute worker and the bridge between them, once per mounted app. */
import { useEffect, useState, type ReactNode } from 'react';
import { connectWorker } from '../state/connect';
import { connectPermalinkRun } from '../state/permalink-run';
import { StoreProvider } from '../state/react';
import { createAppStore, type AppState } from '../state/store';
import { decode } from '../state/url-schema';
import { connectUrlSync, storeFromUrl } from '../state/url-sync';
import { startWorker } from '../worker/client';
import type { MemoryInfo } from '../worker/jobs';

/** Test and console hook: read the store and the worker's tf.memory() without touching the UI. */
export interface DebugHandle {
  getState(): AppState;
  memory(): Promise<MemoryInfo>;
  /** `npm run bench`: forget every cached accuracy and set the next sweeps' first batch (null: as the app does). */
  benchEvaluation(firstBatch: number | null): void;
}

declare global {
  interface Window { __jumprelu?: DebugHandle }
}

export function AppProviders({ children }: { children: ReactNode }) {
  // The link is read once, when the app mounts; from then on the store is the source of truth.
  const [{ store, link }] = useState(() => {
    const decoded = decode(location.search, location.hash);
    return { store: createAppStore(storeFromUrl(decoded.state)), link: decoded };
  });
  useEffect(() => {
    for (const w of link.warnings) store.getState().addNotice(w, 'warn');
    // Before the worker connects: it reads the link's image and attack as the link set them.
    const disconnectRun = connectPermalinkRun(store);
    const client = startWorker();
    const disconnect = connectWorker(store, client, {
      baseUrl: new URL('./', document.baseURI).href, backend: link.state.backend, modelId: link.state.model,
    });
    const disconnectUrl = connectUrlSync(store, window);
    window.__jumprelu = {
      getState: store.getState, memory: () => client.memory(),
      benchEvaluation: (firstBatch) => store.setState({ evalCache: {}, evalFirstBatch: firstBatch }),
    };
    return () => {
      disconnectUrl();
      disconnectRun();
      disconnect();
      client.terminate();
      delete window.__jumprelu;
    };
  }, [store, link]);
  return <StoreProvider store={store}>{children}</StoreProvider>;
}
