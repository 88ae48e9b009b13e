import * as tf from '@tensorflow/tfjs-core';
import { JUMP_RELU, jumpReluGrad, type JumpReluAttrs } from './jump-relu';

/**
 * The backward rule the forward pass recorded (attrs `gradient`, `tau`; gradient-mode.ts decides what it
 * means): by default 'exact', dJ/dz = 1[z > κ] — the jump itself contributes nothing (paper §3). One
 * JumpReluGrad kernel instead of Greater, Cast and Multiply. κ is an attribute: no gradient.
 */
export const jumpReluGradConfig: tf.GradConfig = {
  kernelName: JUMP_RELU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { kappa, gradient, tau } = attrs as unknown as JumpReluAttrs;
    return { x: () => jumpReluGrad(dy as tf.Tensor, x, kappa, { mode: gradient, tau }) };
  },
};
