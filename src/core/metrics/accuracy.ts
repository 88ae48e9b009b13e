/** Top-1 accuracy on clean inputs, batched so large sets fit, with progress and abort. */
import type { Classifier } from '../models/classifier';
import { yieldAndCheck } from '../attacks/abort';
import { predict } from '../attacks/run-attack';
import type { EvalSet } from './eval-set';
import { sliceSet } from './eval-set';

export interface BatchOptions {
  /** Images per forward/attack batch (memory vs. speed). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Images finished so far out of the total. */
  onProgress?: (p: { done: number; total: number }) => void;
}

export const DEFAULT_BATCH_SIZE = 250;

export interface AccuracyResult {
  accuracy: number;
  predictions: Int32Array;
  correct: Uint8Array;
}

export async function accuracy(classifier: Classifier, set: EvalSet, options: BatchOptions = {}): Promise<AccuracyResult> {
  const n = set.labels.length;
  const batch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const predictions = new Int32Array(n);
  for (let start = 0; start < n; start += batch) {
    await yieldAndCheck(options.signal);
    const end = Math.min(n, start + batch);
    const { x } = sliceSet(set, start, end);
    try {
      predictions.set(await predict(classifier, x), start);
    } finally {
      x.dispose();
    }
    options.onProgress?.({ done: end, total: n });
  }
  const correct = Uint8Array.from(predictions, (p, i) => (p === set.labels[i] ? 1 : 0));
  return { accuracy: n ? correct.reduce((a, v) => a + v, 0) / n : NaN, predictions, correct };
}
