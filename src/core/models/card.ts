import type { DatasetName } from '../data/manifest';
import type { Normalization } from '../data/normalization';
import type { LayerSummary, UserModel } from './user-model';
import type { InputScaling } from './user-model-input';

/** The model card shipped as public/models/<id>/card.json and rendered in the app. */
export interface ModelCard {
  version: 1;
  id: string;
  name: string;
  dataset: DatasetName;
  /** 'user': a model the user loaded (see `user`); nothing about its training is known. */
  architecture: 'LeNetLike' | 'AlexLike' | 'PreActResNet' | 'MobileNetV2' | 'MLP' | 'user';
  variant: 'base' | 'robust' | 'user';
  /** Conv-channel multiplier relative to the paper's network (1 = full width). */
  width: number;
  description: string;
  training: {
    framework: string;
    command: string;
    seed: number;
    epochs: number;
    recipe: Record<string, unknown>;
    /** Test accuracy per epoch as measured by the trainer (PyTorch) on the full official test set. */
    history: { epoch: number; loss: number; test_acc: number; seconds: number }[];
    /** PyTorch accuracy of the retrofitted network on the full official test set, per κ. */
    torchAccuracyByKappa: Record<string, number>;
    torchTestCount: number;
  };
  /** Measured by the project's own TF.js evaluation (wasm backend) on the shipped shard. */
  evaluation: {
    shard: string;
    count: number;
    backend: string;
    testAccuracy: number;
    /** The same TF.js evaluation on the whole official test set (from the data-preparation cache). */
    fullTest?: { count: number; accuracy: number };
    /** Clean accuracy of the retrofitted model per κ, ascending κ: what a given κ costs for this model. */
    accuracyByKappa: { kappa: number; accuracy: number }[];
  };
  kappa: { default: number; paper: number; min: number; max: number; step: number };
  files: Record<string, { sha256: string; bytes: number }>;
  notes: string[];
  /** Present only for a user-supplied model: the generated card (its inputs' normalisation, layers, checksum). */
  user?: UserModelCard;
}

export interface ModelIndexEntry {
  id: string;
  dataset: DatasetName;
  architecture: ModelCard['architecture'];
  variant: ModelCard['variant'];
  name: string;
}

export interface ModelIndex {
  version: 1;
  models: ModelIndexEntry[];
}

/** The generated card of a user-supplied model (core/models/user-card.ts measures it). */
export interface UserModelCard {
  /** Always true: the app marks this card (and every result on it) as user-supplied. */
  userSupplied: true;
  name: string;
  checksum: string;
  dataset: DatasetName;
  parameters: number;
  layers: LayerSummary[];
  softmaxRemoved: boolean;
  scaling: InputScaling;
  scalingLabel: string;
  /** What model.json declares (offered as the "as the metadata says" choice), if anything. */
  declaredScaling: UserModel['declaredScaling'];
  normalization: Normalization;
  evaluation: { count: number; accuracyByKappa: { kappa: number; accuracy: number }[] };
  /** Set when loading found something to say (weights large enough to overflow) or clean accuracy at κ = 0 is near chance. */
  warning: string | null;
  files: UserModel['files'];
}
