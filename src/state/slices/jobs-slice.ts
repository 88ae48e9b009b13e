/**
 * The store's one client of the worker: `runJob(kind, request)`, and the one writer of `jobs[kind]`
 * (`runLocal` runs a body on the page through the same runner: a refusal before anything is sent, an answer
 * the page already has, a fetch before the worker's part). Job ids are per store; only the newest job of
 * a kind writes `jobs[kind]`, so a superseded job's late progress or answer is dropped here, as the
 * worker's scheduler drops its work there.
 */
import { isCancelled } from '../../worker/client';
import { SUPERSEDES, type JobKind, type JobResult } from '../../worker/jobs';
import type { JobBody, JobState, JobStates, JobsSlice, SliceCreator } from '../app-state';

const idle: JobState = { id: 0, status: 'idle', progress: null, result: null, error: null };

export function initialJobs(): JobStates {
  return Object.fromEntries(Object.keys(SUPERSEDES).map((k) => [k, idle])) as JobStates;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get) => {
  let seq = 0;
  const patch = (kind: JobKind, p: Partial<JobState>) => set((s) => ({ jobs: { ...s.jobs, [kind]: { ...s.jobs[kind], ...p } } }));
  /**
   * The one runner: every change of `jobs[kind]` but cancel and reset happens here. A new job of a kind
   * takes its id (so the previous one's late answer is dropped), runs `body`, and ends done, cancelled or
   * failed; only the newest job of the kind on the current worker writes.
   */
  const run = async <K extends JobKind>(kind: K, body: JobBody<K>): Promise<JobResult<K> | undefined> => {
    const worker = get().worker;
    const id = ++seq;
    patch(kind, { id, status: 'running', progress: null, error: null });
    const current = () => get().jobs[kind].id === id && get().worker === worker;
    try {
      const result = await body({ id, worker, onProgress: (p) => { if (current()) patch(kind, { progress: p }); } });
      if (!current()) return undefined;
      patch(kind, { status: 'done', result, progress: null });
      return result;
    } catch (e) {
      if (current()) patch(kind, isCancelled(e) ? { status: 'cancelled', progress: null } : { status: 'error', error: message(e), progress: null });
      return undefined;
    }
  };
  return {
    worker: null,
    jobs: initialJobs(),
    runJob: (kind, request) => run(kind, ({ id, worker, onProgress }) => {
      if (!worker) throw new Error('The compute worker is not running.');
      return worker.run(id, kind, request, onProgress);
    }),
    runLocal: run,
    cancelJob: (kind) => {
      const job = get().jobs[kind];
      if (job.status !== 'running') return;
      patch(kind, { status: 'cancelling' });
      get().worker?.cancel(job.id);
    },
    resetJob: (kind) => patch(kind, idle),
  };
};
