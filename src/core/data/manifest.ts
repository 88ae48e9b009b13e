/** Shared description of the compact test shards in public/data (written by scripts/prepare-data.ts). */

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export type DatasetName = 'mnist' | 'cifar10';

/** Layout of `<file>`: `count·H·W·C` uint8 pixels (NHWC, 0–255), then `count` uint8 labels. */
export interface ShardManifest {
  version: 1;
  dataset: DatasetName;
  split: 'test';
  file: string;
  count: number;
  shape: [number, number, number];
  classNames: string[];
  /** Index of each image in the official test set, or null when the shard is the whole set in order. */
  indices: number[] | null;
  byteLength: number;
  sha256: string;
  source: { package: string; tarballSha256: string; files: string[]; note: string };
}
