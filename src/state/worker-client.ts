/** Starts the compute worker and wraps it with comlink. */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/protocol';

export interface WorkerClient {
  api: Comlink.Remote<WorkerApi>;
  terminate(): void;
}

export function startWorker(): WorkerClient {
  const worker = new Worker(new URL('../worker/server.ts', import.meta.url), { type: 'module', name: 'jumprelu-compute' });
  return { api: Comlink.wrap<WorkerApi>(worker), terminate: () => worker.terminate() };
}
