/**
 * The card of a user's model, generated from what is known: its layers and parameters, the input scaling
 * the user chose, and its clean accuracy per κ measured here on the test shard. κ = 0 comes first: it is
 * the quick check that the scaling is right (a model fed wrongly scaled inputs scores near chance).
 */
import type { Shard } from '../data/shard';
import type { UserModelCard } from '../models/card';
import { nearChanceWarning, USER_CARD_IMAGES, USER_KAPPA_GRID } from '../models/user-card';
import type { UserModel } from '../models/user-model';
import { INPUT_SCALING_LABELS, UserModelError, type InputScaling } from '../models/user-model-input';
import { scalingNormalization } from '../models/user-normalization';
import { accuracyOver, shardSource } from './accuracy';
import { classifierFromRetrofit } from './classifier-from-retrofit';

export interface MeasureOptions {
  count?: number;
  kappas?: number[];
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number }) => void;
}

/** Measures `user` on the first `count` images of `shard` at each κ and returns its card. */
export async function userModelCard(user: UserModel, name: string, shard: Shard, scaling: InputScaling,
  options: MeasureOptions = {}): Promise<UserModelCard> {
  if (shard.manifest.dataset !== user.dataset) {
    throw new UserModelError(`the model takes ${user.dataset} inputs, the test shard is ${shard.manifest.dataset}`, 'dataset');
  }
  const normalization = scalingNormalization(scaling, user.dataset, user.declaredScaling);
  const kappas = options.kappas ?? USER_KAPPA_GRID[user.dataset];
  const source = shardSource(shard, normalization, options.count ?? USER_CARD_IMAGES);
  const accuracyByKappa: UserModelCard['evaluation']['accuracyByKappa'] = [];
  for (const kappa of kappas) {
    const classifier = classifierFromRetrofit(user.net, normalization, kappa);
    const { accuracy } = await accuracyOver(classifier, source, { signal: options.signal });
    accuracyByKappa.push({ kappa, accuracy });
    options.onProgress?.({ done: accuracyByKappa.length, total: kappas.length });
  }
  const atZero = accuracyByKappa.find((a) => a.kappa === 0);
  const nearChance = atZero ? nearChanceWarning(atZero.accuracy, source.count, shard.manifest.classNames.length) : null;
  const warnings = [...user.warnings, ...(nearChance ? [nearChance] : [])];
  return {
    userSupplied: true, name, checksum: user.checksum, dataset: user.dataset, parameters: user.parameters,
    layers: user.layers, softmaxRemoved: user.softmaxRemoved, scaling, scalingLabel: INPUT_SCALING_LABELS[scaling],
    declaredScaling: user.declaredScaling, normalization, evaluation: { count: source.count, accuracyByKappa },
    warning: warnings.length ? warnings.join('; ') : null,
    files: user.files,
  };
}
