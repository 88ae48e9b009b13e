/** The combined store's state, declared slice by slice so each slice creator can see the whole store. */
import type { StateCreator } from 'zustand';
import type { JobWorker } from '../worker/client';
import type { JobKind, JobRequest, JobResult } from '../worker/jobs';
import type {
  AnalysisKind, AttackDescriptor, BackendInfo, BackendName, DatasetInfo, EvalResult, GalleryImage, ModelCard, ModelIndexEntry,
  GradientMode, OwnImage, ParamValue, Progress, ThreatModel,
} from '../worker/jobs';
import type { InputScaling, UserModelFile } from '../core/models/user-model-input';
import type { AnalysisPanelId, AnalysisParams, EmbedPanelId } from './panels';

/** The sample size that means the whole shard (the link writes it as n=full). */
export const FULL_SHARD = Number.MAX_SAFE_INTEGER;

export type JobStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

/** The newest job of one kind as the UI sees it; `result` is the last one that succeeded. */
export interface JobState<K extends JobKind = JobKind> {
  /** 0: no job (never run, or forgotten by `resetJob`). */
  id: number;
  status: JobStatus;
  progress: Progress | null;
  result: JobResult<K> | null;
  error: string | null;
}

export type JobStates = { [K in JobKind]: JobState<K> };

/** What a job does once the runner has given it an id: its result, or a throw (an error, or a cancellation). */
export type JobBody<K extends JobKind> = (job: { id: number; worker: JobWorker | null; onProgress: (p: Progress) => void }) => Promise<JobResult<K>>;

export interface JobsSlice {
  /** The compute worker; null before it is connected (connect.ts) and after it is disconnected. */
  worker: JobWorker | null;
  jobs: JobStates;
  /**
   * Runs a job, superseding the previous one of its kind, and streams it into `jobs[kind]`. Resolves to
   * the result, or to undefined when the job was superseded, cancelled or failed (its state says which).
   */
  runJob<K extends JobKind>(kind: K, request: JobRequest<K>): Promise<JobResult<K> | undefined>;
  /**
   * The same runner over a body run on the page: a refusal made before anything is sent, an answer the page
   * already has, or page work before the worker's part (the body may call `worker.run` with its `id`).
   */
  runLocal<K extends JobKind>(kind: K, body: JobBody<K>): Promise<JobResult<K> | undefined>;
  cancelJob(kind: JobKind): void;
  /** Forgets the job of a kind (its late answer is ignored) and its result. */
  resetJob(kind: JobKind): void;
}

export interface ModelSlice {
  models: ModelIndexEntry[];
  modelId: string | null;
  card: ModelCard | null;
  dataset: DatasetInfo | null;
  gallery: GalleryImage[];
  /** κ to apply when the next model finishes loading (from a link), instead of the card's default. */
  pendingKappa: number | null;
  selectModel(id: string): void;
  /** (Re)loads the selected model, then evaluates it and fetches its reference results. */
  loadModel(): Promise<void>;
}

export interface KappaSlice {
  kappa: number;
  randomized: boolean;
  seed: number;
  setKappa(kappa: number): void;
  setRandomized(on: boolean): void;
  setSeed(seed: number): void;
}

export interface EvaluationSlice {
  sampleSize: number;
  /** Results by evalKey(model, κ choice, sample size): revisiting a κ is instant. */
  evalCache: Record<string, EvalResult>;
  /** The sweep the `evaluate` job runs now (its progress is that κ's interim estimate): its evalKey and κ, or null. */
  evalRunning: { key: string; kappa: number; randomized: boolean } | null;
  /** First-batch size of every sweep; null: sized by the worker (`npm run bench` sets the old full batch). */
  evalFirstBatch: number | null;
  setSampleSize(n: number): void;
  /** Clean accuracy at the current κ, then at κ = 0, for whatever the cache lacks. */
  evaluate(): Promise<void>;
}

export interface AttackSlice {
  attacks: AttackDescriptor[];
  selectedImage: number | null;
  attackId: string;
  /** Edited parameters per attack id; missing keys take the attack's defaults. */
  attackParams: Record<string, Record<string, ParamValue>>;
  threat: ThreatModel;
  /** JumpReLU's backward rule for the attacker's gradients (gradient-based attacks only). */
  gradientMode: GradientMode;
  /** τ of the smoothed backward, > 0. */
  smoothingTau: number;
  selectImage(index: number | null): void;
  setAttackId(id: string): void;
  /** Stores a box's value if the range rule accepts it as is; otherwise returns the rule's notice and stores nothing. */
  setAttackParam(key: string, value: ParamValue): string | null;
  /** Runs the range rule over parameters read from a link (once the catalogue is known): clamps, drops, notices. */
  applyLinkParams(): void;
  resetAttackParams(): void;
  setThreat(t: ThreatModel): void;
  setGradientMode(mode: GradientMode): void;
  /** Stores τ if the core's rule accepts it (finite, > 0); otherwise returns the rule's message and stores nothing. */
  setSmoothingTau(tau: number): string | null;
  startAttack(): void;
  cancelAttack(): void;
}

export interface UiSlice {
  backend: BackendInfo | null;
  /** The backend the user asked for (?backend= or the picker); null = automatic choice. */
  requestedBackend: BackendName | null;
  notices: { id: number; text: string; tone: 'info' | 'warn' | 'error' }[];
  requestBackend(name: BackendName): Promise<void>;
  addNotice(text: string, tone?: 'info' | 'warn' | 'error'): void;
  dismissNotice(id: number): void;
}

export interface AnalysisSlice {
  /** Analysis panels open in the full app (in the URL). */
  openPanels: AnalysisPanelId[];
  /** Panels an embed shows; null = the full app. Read from the link once; never changed by the app. */
  embed: EmbedPanelId[] | null;
  analysisParams: AnalysisParams;
  runAnalysis(kind: AnalysisKind): void;
  cancelAnalysis(kind: AnalysisKind): void;
  setAnalysisParam<K extends keyof AnalysisParams>(key: K, value: AnalysisParams[K]): void;
  togglePanel(id: AnalysisPanelId, open?: boolean): void;
}

/** Where the own model's loading stands: read from the loadOwn job (selectors.ts `ownModelStatus`), not kept apart. */
export type OwnModelStatus = 'idle' | 'fetching' | 'loading' | 'ready' | 'error';

export interface OwnModelState {
  /** The model.json's folder, file or URL: how the card names it. */
  name: string | null;
  files: UserModelFile[] | null;
  /** null: as model.json declares, else the paper's (the worker decides and the card says which). */
  scaling: InputScaling | null;
  /** The loaded files are the ones kept in this browser. */
  kept: boolean;
  /** A model kept in this browser (IndexedDB), offered but loaded only when asked. */
  keptEarlier: { name: string; checksum: string } | null;
  /** Why the record kept in this browser cannot be used (damaged, another version); null: none such. */
  keptUnreadable: string | null;
  /** A link made with someone's own model: its checksum, and the κ the link set. */
  linked: { checksum: string | null; kappa: number | null } | null;
}

export interface OwnModelSlice {
  own: OwnModelState;
  /** Checks the files in the worker, measures them and, if they pass, makes them the loaded model. */
  openOwnFiles(files: UserModelFile[], name: string): Promise<void>;
  /** Fetches model.json and its shards (same origin or CORS), then as openOwnFiles. */
  openOwnUrl(url: string): Promise<void>;
  setOwnScaling(scaling: InputScaling): Promise<void>;
  /** Loads the held files again (after a backend switch). */
  reloadOwnModel(): Promise<void>;
  keepOwnModel(): Promise<void>;
  forgetOwnModel(): Promise<void>;
  /** Looks for a model kept on an earlier visit (offered, not loaded). */
  checkKeptModel(): Promise<void>;
  /** Loads the kept model, if it is still the one offered. */
  openKeptModel(): Promise<void>;
  /** Deletes a kept record that cannot be read. */
  clearKeptModel(): Promise<void>;
}

export interface ClassroomSlice {
  /** The own image as the model sees it (uint8 HWC of the data set's shape); null: none. */
  ownImage: Uint8Array | null;
  ownSource: 'drawing' | 'upload' | 'link' | null;
  /** The attack panel works on the own image instead of a test image. */
  attackOwn: boolean;
  /** Targeted attack: the class the image should become; null: any wrong class. */
  target: number | null;
  /** The "inside the network" panel is open (its histograms are computed only then). */
  insideOpen: boolean;
  /** Preprocesses (or takes) an own image in the worker and predicts it at κ = 0 and at κ. */
  predictOwn(image: OwnImage | { pixels: Uint8Array }, source: 'drawing' | 'upload' | 'link'): Promise<void>;
  clearOwn(): void;
  attackOwnImage(): void;
  setTarget(target: number | null): void;
  setInsideOpen(open: boolean): void;
  /** Histograms of the image being attacked (own image, selected test image, or test image 0) at the current κ. */
  refreshHistogram(): Promise<void>;
  /** After κ changed: the own image's predictions and the histograms. */
  refreshClassroom(): void;
  /** Step of the guided tour on screen (in the link as tour=); null: no tour. */
  tourStep: number | null;
  setTourStep(step: number | null): void;
}

export type AppState = JobsSlice & ModelSlice & KappaSlice & EvaluationSlice & AttackSlice & UiSlice & AnalysisSlice & ClassroomSlice & OwnModelSlice;

export type SliceCreator<S> = StateCreator<AppState, [], [], S>;
