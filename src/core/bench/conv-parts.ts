/**
 * Would a Winograd convolution built from TF.js ops beat the backend's own convolution? (`npm run bench --
 * --conv-parts`, issue 29 item 6.) On the ResNet-20's three 3×3 stage shapes at a DeepFool batch (10 images × 9
 * cotangent rows), the baseline is tf.conv2d (XNNPACK on wasm); each candidate is one *part* of F(4×4, 3×3)
 * Winograd — 36 multiplies per 16 outputs where the direct convolution does 144, i.e. 4× fewer — timed alone:
 *   - input transform as a 6×6 stride-4 depthwise convolution with 36 fixed taps per channel,
 *   - the layout change from [tiles, C, 36] to [36, tiles, C] (a transpose),
 *   - the channel mixing as 36 batched products [tiles, C] × [C, C] (tf.matMul on rank 3),
 *   - the same multiply-adds as one 2D product (a lower bound: the layout a batched product avoids).
 * A part slower than the whole direct convolution rules the route out before the output transform is even
 * written. The last row is the route the project took instead: all parts fused in one SIMD kernel
 * (op/winograd-conv3x3.ts), timed as a whole. Ratios are part time / convolution time, paired in the same run (bench/paired.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { winogradConv3x3, winogradConv3x3Applies } from '../op/winograd-conv3x3';
import { pairedRatio } from './paired';

export interface ConvPartRow {
  shape: string;
  part: string;
  convMs: number;
  partMs: number;
  /** Part time / direct convolution time: ≥ 1 means this part alone costs more than the convolution it replaces. */
  ratio: number;
  /** Multiply-adds per ms ÷ 1e6 (GMAC/s) of the part, where it does multiply-adds. */
  gmacs: number | null;
}

/** ResNet-20's stages: [spatial size, channels]; batch 90 = 10 images × 9 DeepFool cotangent rows. */
export const RESNET_STAGES: [number, number][] = [[32, 16], [16, 32], [8, 64]];

async function timeOf(f: () => tf.Tensor, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = f();
    await y.data();
    y.dispose();
  }
  return (performance.now() - t0) / reps;
}

export async function benchConvParts(batch = 90, rounds = 5, reps = 3): Promise<ConvPartRow[]> {
  const rows: ConvPartRow[] = [];
  for (const [h, c] of RESNET_STAGES) {
    const tiles = batch * (h / 4) * (h / 4);
    const t = tf.tidy(() => ({
      x: tf.randomNormal([batch, h, h, c]) as tf.Tensor4D,
      w: tf.randomNormal([3, 3, c, c]) as tf.Tensor4D,
      xp: tf.randomNormal([batch, h + 2, h + 2, c]) as tf.Tensor4D,
      dw: tf.randomNormal([6, 6, c, 36]) as tf.Tensor4D,
      u: tf.randomNormal([batch, h / 4, h / 4, c * 36]) as tf.Tensor4D,
      a3: tf.randomNormal([36, tiles, c]) as tf.Tensor3D,
      b3: tf.randomNormal([36, c, c]) as tf.Tensor3D,
      a2: tf.randomNormal([36 * tiles, c]) as tf.Tensor2D,
      b2: tf.randomNormal([c, c]) as tf.Tensor2D,
    }));
    const conv = () => tf.conv2d(t.x, t.w, 1, 'same');
    const mixMacs = 36 * tiles * c * c;
    const parts: [string, () => tf.Tensor, number | null][] = [
      ['input transform (depthwise 6×6, stride 4)', () => tf.depthwiseConv2d(t.xp, t.dw, 4, 'valid'), null],
      ['layout [tiles, C, 36] → [36, tiles, C]', () => tf.transpose(tf.reshape(t.u, [tiles, c, 36]), [2, 0, 1]), null],
      ['channel mixing, batched matMul', () => tf.matMul(t.a3, t.b3), mixMacs],
      ['channel mixing as one 2D matMul (lower bound)', () => tf.matMul(t.a2, t.b2), mixMacs],
      // What the project ships instead: the whole convolution in one hand-written SIMD kernel (all parts fused).
      ...(winogradConv3x3Applies(t.x.shape, t.w.shape)
        ? [['whole convolution, hand-written wasm kernel (winograd-conv3x3.wat)', () => winogradConv3x3(t.x, t.w, [1, 1, 1, 1]), null] as [string, () => tf.Tensor, number | null]]
        : []),
    ];
    await timeOf(conv, 2);
    for (const [part, f, macs] of parts) {
      await timeOf(() => tf.tidy(f), 2);
      const r = await pairedRatio(() => timeOf(conv, reps), () => timeOf(() => tf.tidy(f), reps), rounds);
      rows.push({ shape: `${batch}×${h}×${h}×${c}`, part, convMs: r.baseMs, partMs: r.oursMs, ratio: r.ratio, gmacs: macs === null ? null : macs / r.oursMs / 1e6 });
    }
    tf.dispose(Object.values(t));
  }
  return rows;
}
