/** Creates the store, the compute worker and the bridge between them, once per mounted app. */
import { useEffect, useState, type ReactNode } from 'react';
import { connectBridge } from '../state/bridge';
import { StoreProvider } from '../state/react';
import { createAppStore, type AppState } from '../state/store';
import { startWorker } from '../state/worker-client';
import type { BackendName, MemoryInfo } from '../worker/protocol';

const BACKENDS: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** Test and console hook: read the store and the worker's tf.memory() without touching the UI. */
export interface DebugHandle {
  getState(): AppState;
  memory(): Promise<MemoryInfo>;
}

declare global {
  interface Window { __jumprelu?: DebugHandle }
}

function startOptions(search: string) {
  const q = new URLSearchParams(search);
  const b = q.get('backend');
  const k = q.get('kappa');
  return {
    backend: b && (BACKENDS as string[]).includes(b) ? (b as BackendName) : null,
    badBackend: b && !(BACKENDS as string[]).includes(b) ? b : null,
    modelId: q.get('model'),
    kappa: k !== null && Number.isFinite(Number(k)) ? Number(k) : null,
  };
}

export function AppProviders({ children }: { children: ReactNode }) {
  const [store] = useState(() => createAppStore());
  useEffect(() => {
    const opts = startOptions(location.search);
    if (opts.badBackend) store.getState().addNotice(`Unknown backend "${opts.badBackend}" in the link; choosing automatically.`, 'warn');
    const client = startWorker();
    const disconnect = connectBridge(store, client, { ...opts, baseUrl: new URL('./', document.baseURI).href });
    window.__jumprelu = { getState: store.getState, memory: () => client.api.memory() };
    return () => {
      disconnect();
      client.terminate();
      delete window.__jumprelu;
    };
  }, [store]);
  return <StoreProvider store={store}>{children}</StoreProvider>;
}
