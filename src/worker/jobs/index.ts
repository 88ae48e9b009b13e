/**
 * The list of every kind of work the worker does, one contract file each (contract.ts says what a contract
 * holds). The scheduler (scheduler.ts) enforces what each supersedes, the worker's bodies (runners.ts) give
 * one body per kind, and the store's `runJob(kind, request)` is the only caller.
 * Adding a kind of work: one contract file and one line here, one body in `RUNNERS`; an analysis also one
 * panel and one line in the layout's panel list (README, "Where the code lives").
 *
 * Types and plain values only: the page imports this file without pulling in TF.js.
 */
import type { MemoryInfo, ProgressFn, Supersedes } from './contract';
import { adaptive } from './adaptive';
import { attack } from './attack';
import { backend } from './backend';
import { detection } from './detection';
import { evaluate } from './evaluate';
import { histogram } from './histogram';
import { iterations } from './iterations';
import { load } from './load';
import { loadOwn } from './load-own';
import { own } from './own';
import { reference } from './reference';
import { start } from './start';
import { table } from './table';
import { tradeoff } from './tradeoff';
import { transfer } from './transfer';
import { tuner } from './tuner';

/** Every kind of work, in this order (analyses in the order their panels are listed in links and the layout). */
export const CONTRACTS = [
  start, backend, load, loadOwn, evaluate, attack, own, histogram,
  tradeoff, table, transfer, iterations, tuner, adaptive, detection,
  reference,
] as const;

type Contract = (typeof CONTRACTS)[number];
export type Jobs = { [C in Contract as C['kind']]: NonNullable<C['types']> };
export type JobKind = keyof Jobs;
export type JobRequest<K extends JobKind> = Jobs[K]['request'];
export type JobResult<K extends JobKind> = Jobs[K]['result'];

type AnalysisContractOf = Extract<Contract, { settings: unknown }>;
/** The jobs that run an experiment on the loaded model's evaluation split, each with a panel. */
export type AnalysisJob = AnalysisContractOf['kind'];
export type AnalysisKind = AnalysisJob;
export type AnalysisRequest = JobRequest<AnalysisJob>;
export type AnalysisResult = JobResult<AnalysisJob>;
/** Every analysis's settings, one flat record (the store's and the link's). */
export type AnalysisParams = UnionToIntersection<AnalysisContractOf['defaults']>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export const CONTRACT: { readonly [K in JobKind]: Extract<Contract, { kind: K }> } =
  Object.fromEntries(CONTRACTS.map((c) => [c.kind, c])) as never;

export const ANALYSES: readonly AnalysisContractOf[] = CONTRACTS.filter((c): c is AnalysisContractOf => 'settings' in c);
export const ANALYSIS_KINDS = ANALYSES.map((c) => c.kind) as readonly AnalysisJob[];

/** The settings' defaults, from the contracts. */
export const ANALYSIS_DEFAULTS = Object.assign({}, ...ANALYSES.map((c) => c.defaults)) as AnalysisParams;

const scope = (s: Supersedes): readonly JobKind[] => {
  const onModel = CONTRACTS.filter((c) => c.onModel).map((c) => c.kind);
  if (s === 'model') return ['load', 'loadOwn', ...onModel];
  if (s === 'everything') return ['backend', 'load', 'loadOwn', ...onModel];
  return [];
};

/**
 * What a new job aborts, and waits for before it starts (contract.ts `Supersedes`): always the earlier
 * jobs of its own kind. Jobs of other kinds run side by side: each classifier view carries its own κ, so
 * none can run under another's.
 */
export const SUPERSEDES: { readonly [K in JobKind]: readonly JobKind[] } = Object.fromEntries(CONTRACTS.map((c) => {
  const wider = scope(c.supersedes);
  return [c.kind, wider.includes(c.kind) ? wider : [c.kind, ...wider]];
})) as never;

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

export type * from './contract';
export type * from './start';
export type * from './load';
export type * from './load-own';
export type * from './evaluate';
export type * from './attack';
export type * from './own';
export type * from './histogram';
export type * from './reference';
export type * from './tradeoff';
export type * from './table';
export type * from './transfer';
export type * from './iterations';
export type * from './tuner';
export type * from './adaptive';
export type * from './detection';
export type { BackendName } from '../../core/backend/select';
export type { DatasetName } from '../../core/data/manifest';
export type { ModelCard, ModelIndexEntry } from '../../core/models/card';
export type { ColumnKey } from '../../core/metrics/paper-protocol';
export type { TableCell } from '../../core/metrics/robustness-table';
export type { PreActivationStats } from '../../core/metrics/pre-activations';
export type { ParamSpec, ParamValue } from '../../core/attacks/params';
export type { GradientMode } from '../../core/op/gradient-mode';
export type { AdaptiveSection } from '../../core/metrics/adaptive-suite';
export type { ReferenceResults, ReferenceRow, AdaptiveReference, AdaptiveReferenceCell } from '../../core/metrics/reference-file';
