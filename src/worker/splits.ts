/**
 * The evaluation/validation split of a test shard. The κ tuner chooses κ on the validation split (the
 * last images of the shard); every analysis samples its images only from the evaluation split before it,
 * so the two never overlap.
 */
import type { DatasetName } from '../core/data/manifest';
import type { SplitInfo } from './jobs';

/** MNIST: the last 2,000 of the 10,000 test images; CIFAR-10: the last 500 of the 2,000-image shard. */
export const VALIDATION_SIZE: Record<DatasetName, number> = { mnist: 2000, cifar10: 500 };

export function splitFor(dataset: DatasetName, count: number): SplitInfo {
  // A smaller shard than expected still keeps at least three quarters of it for evaluation.
  const val = Math.min(VALIDATION_SIZE[dataset], Math.floor(count / 4));
  return { evaluation: { start: 0, count: count - val }, validation: { start: count - val, count: val } };
}

/** Images and labels of [start, start + count) as views (no copy) of the shard's arrays. */
export function splitSource(images: Uint8Array, labels: Uint8Array, shape: [number, number, number],
  part: { start: number; count: number }): { images: Uint8Array; labels: Uint8Array; shape: [number, number, number] } {
  const size = shape[0] * shape[1] * shape[2];
  return {
    images: images.subarray(part.start * size, (part.start + part.count) * size),
    labels: labels.subarray(part.start, part.start + part.count),
    shape,
  };
}
