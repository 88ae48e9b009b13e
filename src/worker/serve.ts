/**
 * The worker's API over a session and a table of runners: every job goes through the one scheduler.
 * server.ts exposes it with the real runners; tests drive it with fake ones.
 */
import * as tf from '@tensorflow/tfjs';
import type { WorkerApi } from './jobs';
import type { Runners } from './runners';
import { Scheduler } from './scheduler';
import type { ComputeSession } from './session';

export function serveJobs(session: ComputeSession, runners: Runners): WorkerApi {
  const scheduler = new Scheduler();
  return {
    run: (id, kind, request, onProgress) => scheduler.submit(id, kind, (signal) =>
      (runners[kind] as Runners[typeof kind])(session, request as never, { signal, onProgress })),
    cancel: (id) => scheduler.cancel(id),
    memory: () => {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
    },
  };
}
