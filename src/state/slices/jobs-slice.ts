/**
 * The store's one client of the worker: `runJob(kind, request)`. Job ids are per store; only the newest
 * job of a kind writes `jobs[kind]`, so a superseded job's late progress or answer is dropped here, as the
 * worker's scheduler drops its work there.
 */
import { isCancelled } from '../../worker/client';
import { SUPERSEDES, type JobKind } from '../../worker/jobs';
import type { JobState, JobStates, JobsSlice, SliceCreator } from '../app-state';

const idle: JobState = { id: 0, status: 'idle', progress: null, result: null, error: null };

export function initialJobs(): JobStates {
  return Object.fromEntries(Object.keys(SUPERSEDES).map((k) => [k, idle])) as JobStates;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get) => {
  let seq = 0;
  const patch = (kind: JobKind, p: Partial<JobState>) => set((s) => ({ jobs: { ...s.jobs, [kind]: { ...s.jobs[kind], ...p } } }));
  return {
    worker: null,
    jobs: initialJobs(),
    runJob: async (kind, request) => {
      const worker = get().worker;
      const id = ++seq;
      patch(kind, { id, status: 'running', progress: null, error: null });
      if (!worker) {
        patch(kind, { status: 'error', error: 'The compute worker is not running.' });
        return undefined;
      }
      const current = () => get().jobs[kind].id === id && get().worker === worker;
      try {
        const result = await worker.run(id, kind, request, (p) => { if (current()) patch(kind, { progress: p }); });
        if (!current()) return undefined;
        patch(kind, { status: 'done', result, progress: null });
        return result;
      } catch (e) {
        if (current()) patch(kind, isCancelled(e) ? { status: 'cancelled', progress: null } : { status: 'error', error: message(e), progress: null });
        return undefined;
      }
    },
    cancelJob: (kind) => {
      const job = get().jobs[kind];
      if (job.status !== 'running') return;
      patch(kind, { status: 'cancelling' });
      get().worker?.cancel(job.id);
    },
    resetJob: (kind) => patch(kind, idle),
  };
};
