/**
 * The one worker scheduler: a queue per job kind, an AbortSignal into every job, one cancellation error
 * out. A new job aborts the jobs its kind supersedes (jobs.ts) and starts once they have settled, so a
 * load never disposes a model that an evaluation is still reading.
 */
import { wasmHeapExhausted } from '../core/models/batch-budget';
import { JobCancelledError, SUPERSEDES, type JobKind } from './jobs';

export type JobBody<T> = (signal: AbortSignal) => Promise<T>;

export class Scheduler {
  /** The last job of each kind, settled or not: the queue a new job of the kind waits behind. */
  private readonly tails = new Map<JobKind, Promise<unknown>>();
  private readonly live = new Map<number, { kind: JobKind; ctl: AbortController }>();

  submit<T>(id: number, kind: JobKind, body: JobBody<T>): Promise<T> {
    const before: Promise<unknown>[] = [];
    for (const k of SUPERSEDES[kind]) {
      for (const job of this.live.values()) if (job.kind === k) job.ctl.abort();
      const tail = this.tails.get(k);
      if (tail) before.push(tail);
    }
    const ctl = new AbortController();
    this.live.set(id, { kind, ctl });
    const run = Promise.allSettled(before).then(async () => {
      if (ctl.signal.aborted) throw new JobCancelledError(kind);
      try {
        return await body(ctl.signal);
      } catch (e) {
        // However a body stops on its signal (core's AbortError, a check between steps), it ends as one error.
        if (ctl.signal.aborted) throw new JobCancelledError(kind);
        throw wasmHeapExhausted(e, 'try fewer images, or the WebGL or WebGPU backend') ?? e;
      }
    }).finally(() => this.live.delete(id));
    this.tails.set(kind, run.catch(() => undefined));
    return run;
  }

  cancel(id: number): void {
    this.live.get(id)?.ctl.abort();
  }

  /** Jobs queued or running (for tests and the memory check). */
  get size(): number {
    return this.live.size;
  }
}
