/**
 * JumpRelu kernel vs TF.js's Relu on the same tensor, on the active backend, forward and forward+backward. Shared by `npm run bench`
 * (Node backends directly; browser backends through the diagnostics page). Baseline and candidate are
 * interleaved in blocks so drift hits both alike; GPU work is synchronised once per block.
 */
import * as tf from '@tensorflow/tfjs';
import { jumpRelu } from '../op/jump-relu';
import { pairedRatio } from './paired';

export interface KernelBenchRow {
  backend: string;
  size: number;
  reluMs: number;
  jumpReluMs: number;
  ratio: number;
  /** Forward + backward (tf.grad with a cotangent): TF.js's Relu and its gradient vs JumpRelu + JumpReluGrad. */
  gradReluMs: number;
  gradJumpReluMs: number;
  gradRatio: number;
}

async function block(f: () => tf.Tensor, perBlock: number): Promise<number> {
  const t0 = performance.now();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < perBlock; i++) {
    last?.dispose();
    last = f();
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - t0) / perBlock;
}

async function interleaved(base: () => tf.Tensor, ours: () => tf.Tensor, blocks: number, perBlock: number): Promise<{ baseMs: number; oursMs: number; ratio: number }> {
  await block(base, 3);
  await block(ours, 3);
  return pairedRatio(() => block(base, perBlock), () => block(ours, perBlock), blocks);
}

export async function benchKernel(size: number, blocks = 21, perBlock = 10): Promise<KernelBenchRow> {
  const x = tf.randomNormal([size], 0, 1, 'float32', 1);
  const dy = tf.randomNormal([size], 0, 1, 'float32', 2);
  const fwd = await interleaved(() => tf.relu(x), () => jumpRelu(x, 0.5), blocks, perBlock);
  const vjp = (f: (t: tf.Tensor) => tf.Tensor) => () => tf.grad(f)(x, dy);
  const bwd = await interleaved(vjp((t) => tf.relu(t)), vjp((t) => jumpRelu(t, 0.5)), blocks, perBlock);
  tf.dispose([x, dy]);
  return {
    backend: tf.getBackend(), size, reluMs: fwd.baseMs, jumpReluMs: fwd.oursMs, ratio: fwd.ratio,
    gradReluMs: bwd.baseMs, gradJumpReluMs: bwd.oursMs, gradRatio: bwd.ratio,
  };
}
