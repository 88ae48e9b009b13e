/** loadOwn: the user's own model from their files (worker/own-model.ts); a refusal leaves the loaded model in place. */
import type { InputScaling, UserModelFile } from '../../core/models/user-model-input';
import { job } from './contract';
import type { LoadedModelInfo } from './load';

export interface OwnModelRequest {
  /** What the user calls it: the file or folder name, or the URL. */
  name: string;
  files: UserModelFile[];
  /** null: as model.json declares, else the paper's mean/std (what the shipped models use). */
  scaling: InputScaling | null;
}

export const loadOwn = job<OwnModelRequest, LoadedModelInfo>()({ kind: 'loadOwn', supersedes: 'model', onModel: false });
