/** own: a drawn or uploaded image made into the model's input, with its predictions at κ = 0 and at κ. */
import { job, type KappaChoice } from './contract';

/** A drawn or uploaded image as the browser decoded it (ImageData's RGBA bytes). */
export interface OwnImage {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Prediction {
  predicted: number;
  top: { cls: number; p: number }[];
}

export interface OwnPredictRequest extends KappaChoice {
  modelId: string;
  /** A raw image to preprocess, or pixels already made (a drawing restored from a link). */
  image: OwnImage | { pixels: Uint8Array };
}

export interface OwnPredictResult {
  /** The image as the model sees it: uint8 HWC of the data set's shape. */
  pixels: Uint8Array;
  unprotected: Prediction;
  protected: Prediction;
  ms: number;
}

export const own = job<OwnPredictRequest, OwnPredictResult>()({ kind: 'own', supersedes: 'own', onModel: true });
