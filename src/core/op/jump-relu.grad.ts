import * as tf from '@tensorflow/tfjs-core';
import { JUMP_RELU, kappaF32, type JumpReluAttrs } from './jump-relu';

/** dJ/dz = 1[z > κ]: the jump itself contributes nothing (paper §3). κ is an attribute: no gradient. */
export const jumpReluGradConfig: tf.GradConfig = {
  kernelName: JUMP_RELU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { kappa } = attrs as unknown as JumpReluAttrs;
    return {
      x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, tf.scalar(kappaF32(kappa))), 'float32')),
    };
  },
};
