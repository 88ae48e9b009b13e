/** The combined store's state, declared slice by slice so each slice creator can see the whole store. */
import type { StateCreator } from 'zustand';
import type { AnalysisPanelId, AnalysisParams, EmbedPanelId } from '../panels';
import type {
  AnalysisKind, AnalysisResult, ReferenceResults, AttackDescriptor, AttackResult, BackendInfo, BackendName, DatasetInfo, EvalResult, GalleryImage, ModelCard,
  GradientMode, ModelIndexEntry, ParamValue, Progress, ThreatModel,
} from '../../worker/protocol';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  models: ModelIndexEntry[];
  modelId: string | null;
  loadStatus: LoadStatus;
  loadProgress: Progress | null;
  loadError: string | null;
  /** Bumped by retry and backend switches: the bridge (re)loads whenever it changes. */
  loadNonce: number;
  card: ModelCard | null;
  dataset: DatasetInfo | null;
  gallery: GalleryImage[];
  /** κ to apply when the next model finishes loading (from a link), instead of the card's default. */
  pendingKappa: number | null;
  selectModel(id: string): void;
  retryLoad(): void;
}

export interface KappaSlice {
  kappa: number;
  randomized: boolean;
  seed: number;
  setKappa(kappa: number): void;
  setRandomized(on: boolean): void;
  setSeed(seed: number): void;
}

export type EvalStatus = 'idle' | 'running' | 'error';

export interface EvaluationSlice {
  sampleSize: number;
  /** Results by evalKey(model, κ setting, sample size): revisiting a κ is instant. */
  evalCache: Record<string, EvalResult>;
  evalStatus: EvalStatus;
  evalProgress: Progress | null;
  evalError: string | null;
  setSampleSize(n: number): void;
}

export type AttackStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

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
  attackStatus: AttackStatus;
  /** Bumped by every start: the bridge runs the attack for the newest id only. */
  attackRunId: number;
  attackProgress: Progress | null;
  attackResult: AttackResult | null;
  attackError: string | null;
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

export type BackendStatus = 'starting' | 'ready' | 'switching' | 'error';

export interface UiSlice {
  backend: BackendInfo | null;
  backendStatus: BackendStatus;
  backendError: string | null;
  /** The backend the user asked for (?backend= or the picker); null = automatic choice. */
  requestedBackend: BackendName | null;
  /** Bumped when the user picks a backend. */
  backendNonce: number;
  notices: { id: number; text: string; tone: 'info' | 'warn' | 'error' }[];
  requestBackend(name: BackendName): void;
  addNotice(text: string, tone?: 'info' | 'warn' | 'error'): void;
  dismissNotice(id: number): void;
}

export type AnalysisStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';
export type AnalysisResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>;

export interface AnalysisRun<K extends AnalysisKind = AnalysisKind> {
  status: AnalysisStatus;
  /** Bumped by every start: the bridge runs the newest only. */
  runId: number;
  progress: Progress | null;
  result: AnalysisResultOf<K> | null;
  error: string | null;
}

export type AnalysisRuns = { [K in AnalysisKind]: AnalysisRun<K> };

export interface ReferenceState {
  modelId: string | null;
  status: 'idle' | 'loading' | 'ready' | 'absent' | 'error';
  data: ReferenceResults | null;
  error: string | null;
}

export interface AnalysisSlice {
  analysis: AnalysisRuns;
  /** Analysis panels open in the full app (in the URL). */
  openPanels: AnalysisPanelId[];
  /** Panels an embed shows; null = the full app. Read from the link once; never changed by the app. */
  embed: EmbedPanelId[] | null;
  analysisParams: AnalysisParams;
  reference: ReferenceState;
  runAnalysis(kind: AnalysisKind): void;
  cancelAnalysis(kind: AnalysisKind): void;
  setAnalysisParam<K extends keyof AnalysisParams>(key: K, value: AnalysisParams[K]): void;
  togglePanel(id: AnalysisPanelId, open?: boolean): void;
}

export type AppState = ModelSlice & KappaSlice & EvaluationSlice & AttackSlice & UiSlice & AnalysisSlice;

export type SliceCreator<S> = StateCreator<AppState, [], [], S>;
