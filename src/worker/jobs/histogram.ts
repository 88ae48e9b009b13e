/** histogram: every JumpReLU layer's pre-activation histogram on one image at one κ. */
import type { PreActivationStats } from '../../core/metrics/pre-activations';
import { job } from './contract';

export interface HistogramRequest {
  modelId: string;
  /** Fixed κ of the picture (randomized mode shows its upper bound). */
  kappa: number;
  /** A test image, or the own image's pixels. */
  image: { index: number } | { pixels: Uint8Array };
}

export interface HistogramResult {
  request: HistogramRequest;
  layers: PreActivationStats[];
  ms: number;
}

export const histogram = job<HistogramRequest, HistogramResult>()({ kind: 'histogram', supersedes: 'own', onModel: true });
