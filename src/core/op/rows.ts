/**
 * Row-wise helpers for attacks that keep a per-image active set: work on the rows still being attacked
 * (so the cost shrinks as images are fooled) and write the results back into the full batch.
 */
import * as tf from '@tensorflow/tfjs';

/** Broadcasts a per-image vector [n] against a batch of rank `rank` ([n, 1, 1, 1] for images). */
export function perImage(v: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.reshape(v, [v.shape[0], ...new Array<number>(rank - 1).fill(1)]);
}

/**
 * Backends whose tensors live in host memory (wasm, cpu): row copies there are typed-array copies, exact
 * and several times faster than wasm's GatherV2 (an element-wise loop; 15% of a DeepFool step). GPU
 * backends gather on the device (a read back would stall them).
 */
function hostRows(t: tf.Tensor): boolean {
  const b = tf.getBackend();
  return (b === 'wasm' || b === 'cpu') && (t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool');
}

function checkRows(rows: readonly number[], n: number, what: string): void {
  for (const r of rows) if (!Number.isInteger(r) || r < 0 || r >= n) throw new Error(`${what}: row ${r} is outside 0…${n - 1}`);
}

type Values = Float32Array | Int32Array | Uint8Array;

export function gatherRows<T extends tf.Tensor>(t: T, rows: readonly number[]): T {
  checkRows(rows, t.shape[0], 'gatherRows');
  if (!hostRows(t)) return tf.tidy(() => tf.gather(t, tf.tensor1d(Array.from(rows), 'int32')) as T);
  const d = t.size / Math.max(t.shape[0], 1);
  const src = t.dataSync() as Values;
  const out = new (src.constructor as new (n: number) => Values)(rows.length * d);
  rows.forEach((r, j) => out.set(src.subarray(r * d, (r + 1) * d), j * d));
  return tf.tensor(out, [rows.length, ...t.shape.slice(1)], t.dtype) as T;
}

/**
 * Rows of t at indices held in a tensor (computed on the device, e.g. an argmin): on host backends the
 * indices are read back and the rows copied (as `gatherRows`), elsewhere a gather on the device.
 */
export function pickRows<T extends tf.Tensor>(t: T, rows: tf.Tensor1D): T {
  if (!hostRows(t)) return tf.gather(t, rows) as T;
  return gatherRows(t, Array.from(rows.dataSync()));
}

/**
 * `full` with rows `rows` replaced by `updates` (a new tensor; `full` is not disposed). Rows are copied,
 * never computed: full + scatter(updates − old) rounds in float32 and can flip a boundary-tight
 * adversarial. On the device: a gather from [full; updates] through an index map.
 */
export function scatterRows<T extends tf.Tensor>(full: T, rows: readonly number[], updates: tf.Tensor): T {
  const n = full.shape[0];
  checkRows(rows, n, 'scatterRows');
  if (updates.shape[0] !== rows.length) throw new Error(`scatterRows: ${rows.length} rows but ${updates.shape[0]} updates`);
  if (hostRows(full) && updates.dtype === full.dtype) {
    const d = full.size / Math.max(n, 1);
    const out = (full.dataSync() as Values).slice();
    const u = updates.dataSync() as Values;
    rows.forEach((r, j) => out.set(u.subarray(j * d, (j + 1) * d), r * d));
    return tf.tensor(out, full.shape, full.dtype) as T;
  }
  const source = Int32Array.from({ length: n }, (_, i) => i);
  rows.forEach((r, j) => (source[r] = n + j));
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
