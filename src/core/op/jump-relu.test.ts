import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { jumpRelu, jumpReluReference } from './jump-relu';
import { parityCases, runGradientCheck, runGradKernelCase, runKappaProgramCheck, runKernelCase } from './parity';

describe.each(NODE_BACKENDS)('JumpRelu kernel on %s', (backend) => {
  it.each(parityCases({ large: true }).map((c) => [c.name, c] as const))('%s matches the JS reference', async (_name, c) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const r = await runKernelCase(c);
    expect(r.mismatch).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(parityCases({ large: true }).map((c) => [c.name, c] as const))('gradient kernel, %s, matches the JS reference', async (_name, c) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const r = await runGradKernelCase(c);
    expect(r.mismatch).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradient matches a finite-difference estimate', async () => {
    await useBackend(backend);
    const r = await runGradientCheck();
    expect(r.maxAbsError).toBeLessThan(2e-3);
  });

  it('κ = 0 equals tf.relu bit for bit', async () => {
    await useBackend(backend);
    const x = tf.randomNormal([1000], 0, 2, 'float32', 3);
    const a = await jumpRelu(x, 0).data();
    const b = await tf.relu(x).data();
    expect(Array.from(a).map((v) => v + 0)).toEqual(Array.from(b).map((v) => v + 0));
    tf.dispose(x);
  });

  it('gradient at exactly κ is 0 and above κ is 1', async () => {
    await useBackend(backend);
    const g = tf.grad((t: tf.Tensor) => tf.sum(jumpRelu(t, 0.5)))(tf.tensor1d([0.5, 0.50001, 0.2, 3]));
    expect(Array.from(await g.data())).toEqual([0, 1, 0, 1]);
  });

  it('the gradient runs as one JumpReluGrad kernel, not Greater/Cast/Multiply', async () => {
    await useBackend(backend);
    const x = tf.tensor1d([0.1, 0.7, -2, 3]);
    const prof = await tf.profile(() => { tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(jumpRelu(t, 0.5)))(x)); });
    const names = prof.kernels.map((k) => k.name);
    expect(names).toContain('JumpReluGrad');
    expect(names).not.toContain('Greater');
    x.dispose();
  });
});

describe('jumpRelu input checks', () => {
  it('rejects non-finite κ and non-float input with a clear message', () => {
    expect(() => jumpRelu(tf.tensor1d([1]), NaN)).toThrow(/finite/);
    expect(() => jumpRelu(tf.tensor1d([1], 'int32'), 0)).toThrow(/float32/);
  });

  it('reference compares against κ rounded to float32', () => {
    const k = 0.1; // 0.1 is not representable: fround(0.1) > 0.1
    expect(jumpReluReference([Math.fround(0.1)], k)[0]).toBe(0);
  });
});

describe.each(NODE_BACKENDS)('κ changes on %s', (backend) => {
  it('change the output, compile nothing, leak nothing', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const r = await runKappaProgramCheck();
    expect(r.outputsChanged).toBe(true);
    expect(r.programsCreated ?? 0).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
