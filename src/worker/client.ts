/**
 * The page's end of the worker: starts the Web Worker and wraps it so the store sees plain callbacks.
 * With jobs.ts, the only worker module the store may import at run time (lint enforces it).
 */
import * as Comlink from 'comlink';
import { JOB_CANCELLED, type JobKind, type JobRequest, type JobResult, type WorkerApi } from './jobs';
import type { MemoryInfo, ProgressFn } from './jobs';

/** What the store needs of a worker: the real one below, or a fake in tests. */
export interface JobWorker {
  run<K extends JobKind>(id: number, kind: K, request: JobRequest<K>, onProgress: ProgressFn): Promise<JobResult<K>>;
  cancel(id: number): void;
  memory(): Promise<MemoryInfo>;
}

/** A job that was superseded or cancelled, however the error crossed the boundary. */
export function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === JOB_CANCELLED;
}

/** A worker API called in-process (tests): same contract, no structured cloning. */
export function inProcess(api: WorkerApi): JobWorker {
  return { run: (id, kind, req, onProgress) => api.run(id, kind, req, onProgress), cancel: (id) => api.cancel(id), memory: async () => api.memory() };
}

export function startWorker(): JobWorker & { terminate(): void } {
  const worker = new Worker(new URL('./server.ts', import.meta.url), { type: 'module', name: 'jumprelu-compute' });
  const api = Comlink.wrap<WorkerApi>(worker);
  return {
    run: (id, kind, request, onProgress) => api.run(id, kind, request, Comlink.proxy(onProgress)) as never,
    cancel: (id) => void api.cancel(id),
    memory: () => api.memory(),
    terminate: () => worker.terminate(),
  };
}
