/** Derived values shared by several panels and actions. Pure functions of the state. */
import { wilsonInterval } from '../core/metrics/wilson';
import type { EvalResult, KappaChoice } from '../worker/jobs';
import type { AppState, JobStatus, OwnModelStatus } from './app-state';

export function evalKey(modelId: string, s: KappaChoice, sampleSize: number): string {
  return `${modelId}|${s.kappa}|${s.randomized ? `r${s.seed}` : 'f'}|${sampleSize}`;
}

export const currentSetting = (s: Pick<AppState, 'kappa' | 'randomized' | 'seed'>): KappaChoice =>
  ({ kappa: s.kappa, randomized: s.randomized, seed: s.seed });

export const isBusy = (status: JobStatus): boolean => status === 'running' || status === 'cancelling';

/** The selected model is loaded on the current backend: jobs on it may run. */
export const modelReady = (s: AppState): boolean => {
  const { load, loadOwn, backend } = s.jobs;
  if (s.card === null || s.card.id !== s.modelId || isBusy(backend.status) || isBusy(load.status) || isBusy(loadOwn.status)) return false;
  // An own model's refused replacement leaves it loaded (the worker swaps only a model that passed).
  return s.card.user ? loadOwn.status === 'done' || loadOwn.status === 'error' : load.status === 'done';
};

/** The progress label of a loadOwn job while the page fetches the files from a URL (before the worker's part). */
export const FETCHING_FILES = 'fetching the files';

/** Where the own model's loading stands, read from its one state: the loadOwn job (own-model-slice.ts). */
export function ownModelStatus(s: Pick<AppState, 'jobs'>): { status: OwnModelStatus; error: string | null } {
  const job = s.jobs.loadOwn;
  if (isBusy(job.status)) return { status: job.progress?.label === FETCHING_FILES ? 'fetching' : 'loading', error: null };
  if (job.status === 'error') return { status: 'error', error: job.error };
  return { status: job.status === 'done' ? 'ready' : 'idle', error: null };
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export function loadStatus(s: AppState): LoadStatus {
  const { status } = s.jobs.load;
  if (status === 'error') return 'error';
  if (isBusy(status)) return 'loading';
  return modelReady(s) ? 'ready' : 'idle';
}

export type BackendStatus = 'starting' | 'ready' | 'switching' | 'error';

export function backendStatus(s: AppState): { status: BackendStatus; error: string | null } {
  const { start, backend } = s.jobs;
  if (start.status === 'error') return { status: 'error', error: start.error };
  if (backend.status === 'error') return { status: 'error', error: backend.error };
  if (isBusy(backend.status)) return { status: 'switching', error: null };
  return { status: s.backend ? 'ready' : 'starting', error: null };
}

export const selectCurrentEval = (s: AppState): EvalResult | undefined =>
  s.modelId ? s.evalCache[evalKey(s.modelId, currentSetting(s), s.sampleSize)] : undefined;

export const selectBaselineEval = (s: AppState): EvalResult | undefined =>
  s.modelId ? s.evalCache[evalKey(s.modelId, { kappa: 0, randomized: false, seed: s.seed }, s.sampleSize)] : undefined;

/** The current κ's interim estimate while its sweep runs: images seen so far, correct among them, the gallery once predicted. */
export interface EvalPartial {
  correct: number;
  done: number;
  total: number;
  /** Wilson 95% interval of the accuracy on the `done` images. */
  lo: number;
  hi: number;
  gallery?: EvalResult['gallery'];
}

export function selectCurrentPartial(s: AppState): EvalPartial | undefined {
  const job = s.jobs.evaluate;
  if (!s.modelId || job.status !== 'running' || !job.progress || job.progress.correct === undefined || job.progress.done <= 0) return undefined;
  if (s.evalRunning?.key !== evalKey(s.modelId, currentSetting(s), s.sampleSize)) return undefined;
  const { correct, done, total, gallery } = job.progress;
  return { correct, done, total, ...wilsonInterval(correct, done), gallery };
}

/** The newest result for this model and sample size, to keep showing while the current κ computes. */
export const selectLatestEval = (s: AppState): EvalResult | undefined => {
  const cur = selectCurrentEval(s);
  if (cur || !s.modelId) return cur;
  const prefix = `${s.modelId}|`;
  const suffix = `|${s.sampleSize}`;
  let latest: EvalResult | undefined;
  for (const [k, v] of Object.entries(s.evalCache)) if (k.startsWith(prefix) && k.endsWith(suffix)) latest = v;
  return latest;
};

/** The reference results of the selected model: undefined while unknown, null when it has none. */
export function selectReference(s: AppState) {
  const r = s.jobs.reference;
  return r.result && r.result.modelId === s.modelId ? r.result.data : undefined;
}
