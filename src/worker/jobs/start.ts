/** start: registers the kernels, picks a backend, reads the model index and the attack catalogue. */
import type { BackendChoice, BackendName } from '../../core/backend/select';
import type { ModelIndexEntry } from '../../core/models/card';
import type { ParamSpec } from '../../core/attacks/params';
import { job } from './contract';

export interface SelfCheck {
  ok: boolean;
  /** What was compared, and the first disagreement if any. */
  detail: string;
  ms: number;
}

export interface BackendInfo {
  choice: BackendChoice;
  selfCheck: SelfCheck;
  /** Set when the self-check failed on the chosen backend and the worker fell back to another. */
  fallbackNotice: string | null;
}

export interface AttackDescriptor {
  id: string;
  label: string;
  /** The norm the attack minimises or bounds; also the norm of the ρ shown for it. */
  norm: 'l2' | 'linf';
  /** The attack's specs from the core catalogue (each with its paper values), then the clip range. */
  params: readonly ParamSpec[];
  summary: string;
  /** minimization: the smallest perturbation that fools (refined to the boundary); fixed-epsilon: within a budget. */
  kind: 'minimization' | 'fixed-epsilon';
  /** False for attacks that read only scores or labels: a gradient mode does not apply to them. */
  usesGradients: boolean;
}

export interface StartRequest { backend: BackendName | null; baseUrl: string }

export interface StartResult {
  backend: BackendInfo;
  models: ModelIndexEntry[];
  attacks: AttackDescriptor[];
}

export const start = job<StartRequest, StartResult>()({ kind: 'start', supersedes: 'own', onModel: false });
