/**
 * The card of a user's model in the shipped cards' shape, its id, κ range and the near-chance warning.
 * The measuring (clean accuracy per κ on the test shard) is metrics/user-model-card.ts: the core's models
 * do not import its metrics.
 */
import type { DatasetName } from '../data/manifest';
import type { ModelCard, UserModelCard } from './card';
import type { InputScaling } from './user-model-input';

/** κ values the card measures, per data set: the shipped models' slider ranges (inputs at unit scale). */
export const USER_KAPPA_GRID: Record<DatasetName, number[]> = {
  mnist: [0, 0.25, 0.5, 1, 1.5, 2],
  cifar10: [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1],
};

/** Test images the card measures on by default: enough to tell a working model from chance in seconds. */
export const USER_CARD_IMAGES = 500;

/** Below this multiple of chance accuracy (1/classes) the card warns that the scaling may be wrong. */
export const NEAR_CHANCE_FACTOR = 2.5;

/**
 * κ slider for a user's model: the shipped models' range and paper κ for its data set; it opens at κ = 0,
 * since nothing says what scale its activations have.
 */
export const USER_KAPPA_RANGE: Record<DatasetName, ModelCard['kappa']> = {
  mnist: { default: 0, paper: 1, min: 0, max: 2, step: 0.05 },
  cifar10: { default: 0, paper: 0.4, min: 0, max: 1, step: 0.01 },
};


/** Model-id prefix of user-supplied models; the rest is the start of the checksum. */
export const USER_MODEL_ID_PREFIX = 'user-';

/**
 * The id every cached result of a user's model is keyed by (evaluations, analyses, references): it names
 * everything the numbers depend on besides κ and the backend, which the caches key or clear themselves —
 * the exact files (checksum) and the input scaling. Same files at another scaling: another model.
 */
export function userModelId(checksum: string, scaling: InputScaling): string {
  return `${USER_MODEL_ID_PREFIX}${checksum.slice(0, 16)}-${scaling}`;
}

/** The user card in the shipped cards' shape, so every panel reads it the same way (marked by `user`). */
export function asModelCard(card: UserModelCard, backend: string, shard: string): ModelCard {
  const atZero = card.evaluation.accuracyByKappa.find((a) => a.kappa === 0)?.accuracy ?? NaN;
  return {
    version: 1, id: userModelId(card.checksum, card.scaling), name: `Your own model: ${card.name}`,
    dataset: card.dataset, architecture: 'user', variant: 'user', width: 1,
    description: `User-supplied ${card.dataset === 'mnist' ? 'MNIST' : 'CIFAR-10'} classifier (${card.layers.length} layers, `
      + `${card.parameters.toLocaleString('en')} parameters), retrofitted in this browser; inputs scaled as ${card.scalingLabel}. `
      + 'Not trained or checked by this project: the numbers below are measured here.',
    training: { framework: 'unknown (user-supplied)', command: '', seed: 0, epochs: 0, recipe: {}, history: [], torchAccuracyByKappa: {}, torchTestCount: 0 },
    evaluation: { shard, count: card.evaluation.count, backend, testAccuracy: atZero, accuracyByKappa: card.evaluation.accuracyByKappa },
    kappa: USER_KAPPA_RANGE[card.dataset],
    files: card.files,
    notes: [
      ...(card.warning ? [card.warning] : []),
      ...(card.softmaxRemoved ? ['The final softmax was removed: attacks work on logits (the predicted class is unchanged).'] : []),
    ],
    user: card,
  };
}

export type { UserModelCard };

export function nearChanceWarning(accuracy: number, count: number, classes: number): string | null {
  const chance = 1 / classes;
  if (!(accuracy < NEAR_CHANCE_FACTOR * chance)) return null;
  return `clean accuracy at κ = 0 is ${(100 * accuracy).toFixed(1)} % on ${count} test images, near chance (${(100 * chance).toFixed(0)} %): is the normalisation right?`;
}
