/**
 * Row-wise helpers for attacks that keep a per-image active set: work on the rows still being attacked
 * (so the cost shrinks as images are fooled) and write the results back into the full batch.
 */
import * as tf from '@tensorflow/tfjs';

/** Broadcasts a per-image vector [n] against a batch of rank `rank` ([n, 1, 1, 1] for images). */
export function perImage(v: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.reshape(v, [v.shape[0], ...new Array<number>(rank - 1).fill(1)]);
}

export function gatherRows<T extends tf.Tensor>(t: T, rows: readonly number[]): T {
  return tf.tidy(() => tf.gather(t, tf.tensor1d(Array.from(rows), 'int32')) as T);
}

/** `full` with rows `rows` replaced by `updates` (a new tensor; `full` is not disposed). */
export function scatterRows<T extends tf.Tensor>(full: T, rows: readonly number[], updates: tf.Tensor): T {
  return tf.tidy(() => {
    const idx = tf.tensor2d(Array.from(rows), [rows.length, 1], 'int32');
    const old = tf.gather(full, tf.reshape(idx, [rows.length]));
    return tf.add(full, tf.scatterND(idx, tf.sub(updates, old), full.shape)) as T;
  });
}

/** Top-1 class per row, as int32. */
export function argmaxRows(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(logits, 1).toInt() as tf.Tensor1D);
}

/** Reads a tensor's values and disposes it. */
export async function take(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  try {
    return (await t.data()) as Float32Array | Int32Array | Uint8Array;
  } finally {
    t.dispose();
  }
}

/** Each row of t repeated k times in place: row i·k + r is row i (a gather: wasm's Tile is a slow loop). */
export function repeatRows<T extends tf.Tensor>(t: T, k: number): T {
  return tf.tidy(() => tf.gather(t, tf.tensor1d(Array.from({ length: t.shape[0] * k }, (_, j) => Math.floor(j / k)), 'int32')) as T);
}
