import type * as tf from '@tensorflow/tfjs';

/**
 * How many images an attack batch may hold for a model, from the size of its activations.
 *
 * An attack's backward pass keeps every layer's output of the batch and builds a cotangent of the same size, so
 * its memory grows with batch × (activation elements per image). tfjs-backend-wasm's heap cannot pass 2 GB: a
 * batch past that does not fail with an allocation error but reads out of bounds ("RuntimeError: memory access
 * out of bounds"). Measured in Node wasm: the MobileNetV2 (2.72 M activation elements per image, ~10.9 MB)
 * crashed IFGSM at a batch of 200 and ran at 100; the ResNet-20 (0.67 M) ran at 200.
 */

/** Bytes of float32 activations kept per image, counted twice: the forward outputs and their cotangents. */
const BYTES_PER_ELEMENT = 2 * 4;

/** The sum of every layer's output size for one image, the input layer's included (the attack keeps x and its gradient). */
export function activationElementsPerImage(model: tf.LayersModel): number {
  let elements = 0;
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    for (const s of shapes) elements += s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  return elements;
}

/**
 * The batch to use: the requested one, lowered so that the batch's activations and cotangents fit `budgetBytes`
 * (at least 1). Node's reference runs allow 1 GiB; the browser's worker, which shares its heap with the app's
 * other tensors, half of that.
 */
export function batchWithinBudget(model: tf.LayersModel, requested: number, budgetBytes: number): number {
  const perImage = activationElementsPerImage(model) * BYTES_PER_ELEMENT;
  return Math.max(1, Math.min(requested, Math.floor(budgetBytes / perImage)));
}

export const NODE_BATCH_BUDGET = 2 ** 30;
export const BROWSER_BATCH_BUDGET = 2 ** 29;

/**
 * tfjs-backend-wasm's way of running out of heap (see above), in words a user can act on; null for any other
 * error. `hint` says what the caller can lower.
 */
export function wasmHeapExhausted(e: unknown, hint: string): Error | null {
  if (!(e instanceof Error) || !/memory access out of bounds/.test(e.message)) return null;
  return new Error(`the wasm backend ran out of memory (its heap cannot pass 2 GB; TF.js reports this as "${e.message}"): ${hint}`);
}
