/**
 * A Classifier (the one interface attacks and metrics call) over the retrofitted model at a fixed κ
 * setting. Every call re-applies its own κ to the shared KappaControl, so two classifiers (κ = 0 and the
 * current κ) can use one set of weights without copying them.
 */
import type * as tf from '@tensorflow/tfjs';
import { NORMALIZATION } from '../core/data/normalization';
import type { Classifier } from '../core/models/classifier';
import type { RetrofittedModel } from '../core/retrofit/retrofit';
import type { DatasetName, KappaSetting } from './protocol';

export function kappaClassifier(net: RetrofittedModel, dataset: DatasetName, shape: [number, number, number],
  numClasses: number, setting: KappaSetting): Classifier {
  // Randomized mode: a fresh, seed-derived stream per forward pass, so passes differ from one another
  // but a given seed reproduces the whole run.
  let passes = 0;
  const apply = (): void => {
    if (setting.randomized && setting.kappa > 0) net.control.setRandomized(setting.kappa, (setting.seed + passes++) >>> 0);
    else net.control.setKappa(setting.kappa);
  };
  return {
    logits(x: tf.Tensor4D): tf.Tensor2D {
      apply();
      return net.forward(x) as tf.Tensor2D;
    },
    numClasses,
    inputShape: shape,
    normalization: NORMALIZATION[dataset],
  };
}
