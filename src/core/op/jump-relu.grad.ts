import * as tf from '@tensorflow/tfjs-core';
import { JUMP_RELU, jumpReluGrad, type JumpReluAttrs } from './jump-relu';

/**
 * dJ/dz = 1[z > κ]: the jump itself contributes nothing (paper §3). One JumpReluGrad kernel (dy where
 * z > κ, else 0) instead of Greater, Cast and Multiply. κ is an attribute: no gradient.
 */
export const jumpReluGradConfig: tf.GradConfig = {
  kernelName: JUMP_RELU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { kappa } = attrs as unknown as JumpReluAttrs;
    return { x: () => jumpReluGrad(dy as tf.Tensor, x, kappa) };
  },
};
