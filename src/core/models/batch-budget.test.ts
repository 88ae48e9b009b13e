import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { activationElementsPerImage, batchWithinBudget, wasmHeapExhausted } from './batch-budget';

/** input (64) → conv 3×3 'same' (8 × 8 × 4 = 256) → flatten (256) → dense (10): 586 activation elements per image. */
function small(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10 }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('batch budget', () => {
  beforeAll(async () => { await useBackend('cpu'); });

  it('counts every layer output per image, the batch dimension excluded', () => {
    const m = small();
    expect(activationElementsPerImage(m)).toBe(64 + 256 + 256 + 10);
    m.dispose();
  });

  it('lowers the requested batch to what fits the budget, never below 1', () => {
    const m = small();
    const perImage = 586 * 8;
    expect(batchWithinBudget(m, 250, 1e9)).toBe(250);
    expect(batchWithinBudget(m, 250, 40 * perImage + 1)).toBe(40);
    expect(batchWithinBudget(m, 250, 1)).toBe(1);
    m.dispose();
  });

  it('names the wasm heap running out, and nothing else', () => {
    const e = wasmHeapExhausted(new Error('memory access out of bounds'), 'lower --batch');
    expect(e?.message).toMatch(/wasm backend ran out of memory.*2 GB.*lower --batch/);
    expect(wasmHeapExhausted(new Error('HTTP 404'), 'x')).toBeNull();
    expect(wasmHeapExhausted('memory access out of bounds', 'x')).toBeNull();
  });
});
