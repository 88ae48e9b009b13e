/**
 * A Classifier view of a retrofitted model at one κ setting. Several views may share one model (the
 * gray-box and transfer experiments attack one κ and evaluate another; the app's jobs run side by side),
 * so each view owns its κ: the plain-op forward pass reads the view's own KappaControl, never the model's
 * shared one. A model whose graph the plain pass does not support is refused by name (the own-model
 * checks refuse such files before this; every shipped network is supported), so no view ever sets the
 * shared control before a pass.
 */
import * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/normalization';
import type { Classifier } from '../models/classifier';
import { EXACT_BACKWARD, type JumpReluBackward } from '../op/gradient-mode';
import type { KappaSetting } from '../retrofit/kappa';
import { KappaControl } from '../retrofit/kappa-control';
import { plainCandidatePass, plainForward } from '../retrofit/plain-forward';
import type { RetrofittedModel } from '../retrofit/retrofit';

export { kappaLabel, type KappaSetting } from '../retrofit/kappa';

export interface RetrofitClassifier extends Classifier {
  readonly kappa: KappaSetting;
}

/** `backward`: the JumpReLU gradients' rule; the view sets it before every pass, as it sets κ. */
export function classifierFromRetrofit(r: RetrofittedModel, normalization: Normalization, kappa: KappaSetting, backward: JumpReluBackward = EXACT_BACKWARD): RetrofitClassifier {
  const inShape = r.model.inputs[0].shape;
  const outShape = r.model.outputs[0].shape;
  if (inShape.length !== 4 || outShape.length !== 2 || outShape[1] == null) {
    throw new Error(`classifierFromRetrofit: expected an image classifier [n, h, w, c] → [n, classes], got ${JSON.stringify(inShape)} → ${JSON.stringify(outShape)}`);
  }
  // Each forward pass of a randomized view reseeds from its own counter: fresh draws per pass, and the
  // same sequence of draws every time the same experiment is rerun.
  let passes = 0;
  // Plain ops give ∇x without the weight gradients that fused layer ops compute eagerly (faster, and
  // the only way on wasm, which lacks Conv2DBackpropFilter).
  const control = new KappaControl();
  const forward = plainForward(r.model, control);
  if (!forward) {
    throw new Error('classifierFromRetrofit: the graph is not one the plain forward pass supports (a layer used twice, a branch merged other than by Add, or an unsupported layer)');
  }
  const setKappa = () => {
    control.setBackward(backward);
    if (typeof kappa === 'number') control.setKappa(kappa);
    else control.setRandomized(kappa.randomized.b, (kappa.randomized.seed + passes++) >>> 0);
  };
  const pass = plainCandidatePass(r.model, control);
  return {
    kappa,
    numClasses: outShape[1],
    inputShape: inShape.slice(1) as [number, number, number],
    normalization,
    logits(x) {
      setKappa();
      return forward(x) as tf.Tensor2D;
    },
    withBackward: (b: JumpReluBackward) => classifierFromRetrofit(r, normalization, kappa, b),
    ...(pass ? { candidatePass: (x: tf.Tensor4D) => { setKappa(); return pass(x); } } : {}),
  };
}
