/**
 * The valid input range of a run, fixed once per `runAttack` call (see `ClipMode`). Kept as plain
 * numbers so it costs no tensors between steps; broadcast over the channel axis (NHWC).
 */
import * as tf from '@tensorflow/tfjs';
import { pixelRange } from '../data/normalization';
import type { Normalization } from '../data/normalization';
import type { ClipMode } from './types';

export interface ClipRange {
  /** One value (global) or one per channel. */
  lo: number[];
  hi: number[];
}

export async function clipRange(mode: ClipMode, x: tf.Tensor4D, normalization: Normalization): Promise<ClipRange> {
  if (mode === 'pixel') return pixelRange(normalization);
  if (mode !== 'paper') throw new Error(`unknown clip mode "${String(mode)}" (expected 'paper' or 'pixel')`);
  const both = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
  const [lo, hi] = await both.data();
  both.dispose();
  return { lo: [lo], hi: [hi] };
}

export function applyClip(x: tf.Tensor4D, range: ClipRange): tf.Tensor4D {
  return tf.tidy(() => tf.minimum(tf.maximum(x, tf.tensor1d(range.lo)), tf.tensor1d(range.hi)) as tf.Tensor4D);
}
