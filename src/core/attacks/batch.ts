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

/**
 * `full` with rows `rows` replaced by `updates` (a new tensor; `full` is not disposed). A gather from
 * [full; updates] through an index map: no arithmetic touches the values, so every row is written
 * exactly (full + scatter(updates − old) rounds in float32 and can flip a boundary-tight adversarial).
 */
export function scatterRows<T extends tf.Tensor>(full: T, rows: readonly number[], updates: tf.Tensor): T {
  const n = full.shape[0];
  const source = Int32Array.from({ length: n }, (_, i) => i);
  rows.forEach((r, j) => {
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new Error(`scatterRows: row ${r} is outside 0…${n - 1}`);
    source[r] = n + j;
  });
  return tf.tidy(() => tf.gather(tf.concat([full, updates]), tf.tensor1d(source, 'int32')) as T);
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
