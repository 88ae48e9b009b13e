/**
 * The job table: every kind of work the worker does, with its request type, its result type and which
 * running jobs a new one supersedes. The scheduler (scheduler.ts) enforces the policy, the runners
 * (runners.ts) give one body per kind, and the store's `runJob(kind, request)` is the only caller.
 * Adding a kind of work: one line in `Jobs`, one in `SUPERSEDES`, one runner.
 *
 * Types and two small constants only: the page imports this file without pulling in TF.js.
 */
import type { BackendName } from '../core/backend/select';
import type {
  AdaptiveRequest, AdaptiveResult, AttackPairResult, AttackRequest, BackendInfo, EvalRequest, EvalResult, HistogramRequest, HistogramResult, IterationsRequest,
  IterationsResult, LoadedModelInfo, MemoryInfo, OwnPredictRequest, OwnPredictResult, ProgressFn, ReferenceResults, StartResult, TableRequest, TableResult, TradeoffRequest, TradeoffResult, TransferRequest,
  TransferResult, TuneRequest, TuneResult,
} from './protocol';
import type { OwnModelRequest } from './own-model';

export interface Jobs {
  /** Registers the kernels, picks a backend, reads the model index and the attack catalogue. */
  start: { request: { backend: BackendName | null; baseUrl: string }; result: StartResult };
  backend: { request: { backend: BackendName }; result: BackendInfo };
  load: { request: { modelId: string }; result: LoadedModelInfo };
  /** The user's own model from their files (own-model.ts); a refusal leaves the loaded model in place. */
  loadOwn: { request: OwnModelRequest; result: LoadedModelInfo };
  evaluate: { request: EvalRequest; result: EvalResult };
  attack: { request: AttackRequest; result: AttackPairResult };
  /** A drawn or uploaded image made into the model's input, with its predictions at κ = 0 and at κ. */
  own: { request: OwnPredictRequest; result: OwnPredictResult };
  /** Every JumpReLU layer's pre-activation histogram on one image at one κ. */
  histogram: { request: HistogramRequest; result: HistogramResult };
  tradeoff: { request: TradeoffRequest; result: TradeoffResult };
  table: { request: TableRequest; result: TableResult };
  transfer: { request: TransferRequest; result: TransferResult };
  iterations: { request: IterationsRequest; result: IterationsResult };
  tuner: { request: TuneRequest; result: TuneResult };
  /** "Is the defence real?": the adaptive suite at κ = 0 and κ. */
  adaptive: { request: AdaptiveRequest; result: AdaptiveResult };
  /** The reproduction command's results; `data` is null when public/reference/<id>.json is absent. */
  reference: { request: { modelId: string }; result: { modelId: string; data: ReferenceResults | null } };
}

export type JobKind = keyof Jobs;
export type JobRequest<K extends JobKind> = Jobs[K]['request'];
export type JobResult<K extends JobKind> = Jobs[K]['result'];

const ANALYSES = ['tradeoff', 'table', 'transfer', 'iterations', 'tuner', 'adaptive'] as const satisfies readonly JobKind[];
/** The jobs that run an experiment on the loaded model's evaluation split. */
export type AnalysisJob = (typeof ANALYSES)[number];
const ON_THE_MODEL = ['evaluate', 'attack', 'own', 'histogram', ...ANALYSES] as const satisfies readonly JobKind[];

/**
 * What a new job aborts, and waits for before it starts: always the earlier jobs of its own kind (the
 * slider, the picker or the Run button has moved on); a model load also everything computed on the
 * model it replaces; a backend switch everything, since it disposes every tensor. Jobs of other kinds
 * run side by side: each classifier view carries its own κ, so none can run under another's.
 */
export const SUPERSEDES: { readonly [K in JobKind]: readonly JobKind[] } = {
  start: ['start'],
  backend: ['backend', 'load', 'loadOwn', ...ON_THE_MODEL],
  load: ['load', 'loadOwn', ...ON_THE_MODEL],
  loadOwn: ['load', 'loadOwn', ...ON_THE_MODEL],
  evaluate: ['evaluate'],
  attack: ['attack'],
  own: ['own'],
  histogram: ['histogram'],
  tradeoff: ['tradeoff'],
  table: ['table'],
  transfer: ['transfer'],
  iterations: ['iterations'],
  tuner: ['tuner'],
  adaptive: ['adaptive'],
  reference: ['reference'],
};

/** The one way a job ends when it was superseded or cancelled; `name` survives the worker boundary. */
export const JOB_CANCELLED = 'JobCancelled';

export class JobCancelledError extends Error {
  override name = JOB_CANCELLED;

  constructor(kind: JobKind) {
    super(`${kind} cancelled`);
  }
}

/** What the worker exposes (through comlink; callbacks arrive wrapped in Comlink.proxy). */
export interface WorkerApi {
  run<K extends JobKind>(id: number, kind: K, request: JobRequest<K>, onProgress: ProgressFn): Promise<JobResult<K>>;
  /** Cancels one job by id; a job that has ended is left alone. */
  cancel(id: number): void;
  memory(): MemoryInfo;
}
