/**
 * Multiply-accumulates per image of a layers model's forward pass, counted from its layers' shapes: the
 * figure `npm run bench` divides by the measured time to say how far the κ slider is from the machine's peak.
 * Convolutions (dense and depthwise) and dense layers only; BN, activations, pooling and adds are a few
 * percent more element-wise work and not counted.
 */
import type * as tf from '@tensorflow/tfjs';

const prod = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a * (b ?? 1), 1);

export function macsPerImage(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const out = layer.outputShape as (number | null)[];
    const kernel = layer.weights[0]?.shape;
    if (!kernel) continue;
    // Output elements (per image) × the multiply-adds each needs.
    if (cls === 'Conv2D') macs += prod(out.slice(1)) * kernel[0]! * kernel[1]! * kernel[2]!;
    else if (cls === 'DepthwiseConv2D') macs += prod(out.slice(1)) * kernel[0]! * kernel[1]!;
    else if (cls === 'Dense') macs += kernel[0]! * kernel[1]!;
  }
  return macs;
}
