/** evaluate: clean accuracy at one κ on a stratified prefix of the shard, progressive, with the gallery's predictions. */
import { job, type KappaChoice } from './contract';

export interface EvalRequest extends KappaChoice {
  modelId: string;
  /** Number of test images evaluated: the first `sampleSize` of the shard (clamped to its size), visited in
   * the class-stratified order of core/data/stratified-order.ts so every prefix is a fair sample. */
  sampleSize: number;
  /** Shard indices of the gallery images, predicted right after the first estimate (sent with its progress). */
  galleryIndices: number[];
  /** Size of the first batch; absent: sized from the model's measured speed. `npm run bench` sets the full
   * batch to time the sweep as it ran before it was progressive. */
  firstBatch?: number;
}

export interface GalleryPrediction {
  index: number;
  predicted: number;
  /** Softmax probability of the predicted class. */
  confidence: number;
  correct: boolean;
}

export interface EvalResult {
  request: EvalRequest;
  correct: number;
  total: number;
  accuracy: number;
  gallery: GalleryPrediction[];
  ms: number;
  /** Time to the first estimate (the first batch's progress), and how many images it rested on. */
  firstMs: number;
  firstImages: number;
}

export const evaluate = job<EvalRequest, EvalResult>()({ kind: 'evaluate', supersedes: 'own', onModel: true });
