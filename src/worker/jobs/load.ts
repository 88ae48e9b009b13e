/** load: a shipped model and its test shard; the previous model stays loaded until the new one is ready. */
import type { DatasetName } from '../../core/data/manifest';
import type { ModelCard } from '../../core/models/card';
import { job } from './contract';

export interface DatasetInfo {
  dataset: DatasetName;
  classNames: string[];
  /** Per-image [h, w, c]. */
  shape: [number, number, number];
  count: number;
}

export interface GalleryImage {
  /** Index of the image in the shard. */
  index: number;
  label: number;
  /** h·w·c uint8 pixels, HWC. */
  pixels: Uint8Array;
}

export interface LoadedModelInfo {
  card: ModelCard;
  dataset: DatasetInfo;
  gallery: GalleryImage[];
}

export const load = job<{ modelId: string }, LoadedModelInfo>()({ kind: 'load', supersedes: 'model', onModel: false });
