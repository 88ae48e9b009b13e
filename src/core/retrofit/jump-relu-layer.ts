import * as tf from '@tensorflow/tfjs';
import { jumpRelu } from '../op/jump-relu';
import { KappaControl } from './kappa-control';

export interface JumpReLULayerArgs {
  name?: string;
  kappa?: number;
  trainable?: boolean;
  dtype?: 'float32';
  inputShape?: tf.Shape;
  batchInputShape?: tf.Shape;
}

/**
 * A Keras-style layer applying JumpReLU with the κ of a (shareable) KappaControl. Serialisable: saved with
 * its current κ and restored by `tf.loadLayersModel` once this module is imported.
 */
export class JumpReLU extends tf.layers.Layer {
  static className = 'JumpReLU';
  control: KappaControl;

  constructor(args: JumpReLULayerArgs = {}) {
    super(args);
    this.control = new KappaControl(args.kappa ?? 0);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return jumpRelu(x, this.control.draw(), this.control.backward);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kappa: this.control.kappa };
  }
}

tf.serialization.registerClass(JumpReLU);
