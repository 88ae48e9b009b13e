import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { JumpReLU } from './jump-relu-layer';
import { retrofit, UnsupportedActivationError } from './retrofit';

/** A small CNN using all three ReLU forms: fused activation, Activation layer and ReLU layer. */
function mixedReluModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, name: 'c2', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
      tf.layers.activation({ activation: 'relu', name: 'a2' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: 7, name: 'd1', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }), biasInitializer: tf.initializers.randomNormal({ seed: 6 }) }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }),
    ],
  });
}

/** The same network written with plain ops, JumpReLU as x·1[x > κ]. */
function referenceForward(m: tf.LayersModel, x: tf.Tensor4D, kappa: number): tf.Tensor {
  return tf.tidy(() => {
    const k = Math.fround(kappa);
    const j = (t: tf.Tensor) => tf.where(tf.greater(t, k), t, tf.zerosLike(t));
    const w = (name: string) => m.getLayer(name).getWeights();
    const [k1, b1] = w('c1');
    let h = j(tf.add(tf.conv2d(x, k1 as tf.Tensor4D, 1, 'valid'), b1));
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
    const [k2, b2] = w('c2');
    h = j(tf.add(tf.conv2d(h as tf.Tensor4D, k2 as tf.Tensor4D, 1, 'valid'), b2));
    h = tf.reshape(h, [x.shape[0], -1]);
    const [w1, bd1] = w('d1');
    h = j(tf.add(tf.matMul(h as tf.Tensor2D, w1 as tf.Tensor2D), bd1));
    const [w2, bd2] = w('out');
    return tf.softmax(tf.add(tf.matMul(h as tf.Tensor2D, w2 as tf.Tensor2D), bd2));
  });
}

describe.each(['cpu', 'wasm'])('retrofit on %s', (backend) => {
  let model: tf.Sequential;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await useBackend(backend);
    model = mixedReluModel();
    x = tf.randomNormal([6, 8, 8, 2], 0, 1, 'float32', 42) as tf.Tensor4D;
  });
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it('replaces every ReLU form and leaves the output softmax', async () => {
    const r = await retrofit(model, 0);
    expect(r.jumpLayers).toEqual(['c1_jump', 'a2', 'r1']);
    expect(r.model.layers.filter((l) => l instanceof JumpReLU)).toHaveLength(3);
    expect((r.model.getLayer('out').getConfig() as { activation: string }).activation).toBe('softmax');
    expect((r.model.getLayer('c1').getConfig() as { activation: string }).activation).toBe('linear');
    r.model.dispose();
  });

  it('κ = 0 reproduces the original outputs exactly, weights untouched', async () => {
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const r = await retrofit(model, 0);
    const a = model.predict(x) as tf.Tensor;
    const b = r.model.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    tf.dispose([a, b]);
    r.model.dispose();
  });

  it('κ > 0 equals a plain-ops reference forward pass, and κ changes in place', async () => {
    const r = await retrofit(model, 0);
    for (const k of [0.05, 0.3, 0.8]) {
      r.control.setKappa(k);
      const got = r.model.predict(x) as tf.Tensor;
      const want = referenceForward(model, x, k);
      const diff = tf.max(tf.abs(tf.sub(got, want)));
      expect((await diff.data())[0]).toBeLessThan(1e-6);
      tf.dispose([got, want, diff]);
    }
    r.model.dispose();
  });

  it('no tensor leaks after 1,000 κ changes', async () => {
    const r = await retrofit(model, 0);
    const warm = r.model.predict(x) as tf.Tensor;
    warm.dispose();
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      r.control.setKappa((i % 50) / 50);
      const y = r.model.predict(x) as tf.Tensor;
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
    r.model.dispose();
  });

  it('randomized JumpReLU is seedable and draws within [0.6b, b]', async () => {
    const r = await retrofit(model, 0);
    r.control.setRandomized(0.5, 9);
    const a = await (r.model.predict(x) as tf.Tensor).data();
    r.control.setRandomized(0.5, 9);
    const b = await (r.model.predict(x) as tf.Tensor).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    const draws = Array.from({ length: 200 }, () => r.control.draw());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.3);
    expect(Math.max(...draws)).toBeLessThanOrEqual(0.5);
    r.model.dispose();
  });

  it('saves and loads a retrofitted model with its κ', async () => {
    const r = await retrofit(model, 0.25);
    let saved: tf.io.ModelArtifacts | undefined;
    await r.model.save(tf.io.withSaveHandler(async (art) => { saved = art; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const a = await (r.model.predict(x) as tf.Tensor).data();
    const b = await (loaded.predict(x) as tf.Tensor).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect((loaded.getLayer('a2') as JumpReLU).control.kappa).toBe(0.25);
    r.model.dispose();
    loaded.dispose();
  });
});

describe('retrofit refuses non-ReLU networks', () => {
  it.each([
    ['tanh dense', () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh', name: 'hidden_tanh' }), tf.layers.dense({ units: 2 })] }), /hidden_tanh.*"tanh"/],
    ['leaky relu layer', () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.leakyReLU({ name: 'lr' }), tf.layers.dense({ units: 2 })] }), /LeakyReLU/],
    ['capped relu', () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.reLU({ maxValue: 6, name: 'relu6' }), tf.layers.dense({ units: 2 })] }), /relu6.*max_value/],
    ['hidden softmax', () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax', name: 'sm' }), tf.layers.dense({ units: 2 })] }), /sm.*softmax/],
  ])('%s', async (_n, make, message) => {
    await useBackend('cpu');
    const m = make();
    await expect(retrofit(m)).rejects.toThrow(UnsupportedActivationError);
    await expect(retrofit(m)).rejects.toThrow(message);
    m.dispose();
  });

  it('handles functional models, rewiring consumers of fused ReLUs', async () => {
    await useBackend('cpu');
    const input = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 5, activation: 'relu', name: 'h', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 8 }) }).apply(input) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 2, name: 'o', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: o });
    const r = await retrofit(m, 0);
    const xs = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    expect(Array.from((r.model.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(xs) as tf.Tensor).dataSync()));
    r.control.setKappa(0.5);
    const hk = tf.tidy(() => {
      const [w, b] = m.getLayer('h').getWeights();
      const z = tf.add(tf.matMul(xs as tf.Tensor2D, w as tf.Tensor2D), b);
      const jz = tf.where(tf.greater(z, 0.5), z, tf.zerosLike(z));
      const [w2, b2] = m.getLayer('o').getWeights();
      return tf.add(tf.matMul(jz, w2 as tf.Tensor2D), b2);
    });
    const got = r.model.predict(xs) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(got, hk))).dataSync()[0]).toBeLessThan(1e-6);
  });
});

describe.each(['cpu', 'wasm'])('plain-op forward on %s', (backend) => {
  it('equals the layers model at several κ, and ∇x needs no weight gradients', async () => {
    await useBackend(backend);
    const model = mixedReluModel();
    const r = await retrofit(model, 0);
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    for (const k of [0, 0.2, 0.6]) {
      r.control.setKappa(k);
      const a = r.model.predict(x) as tf.Tensor;
      const b = r.forward(x);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([a, b]);
    }
    // On wasm this would throw (no Conv2DBackpropFilter kernel) if the weight gradient were computed.
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(r.forward(t)))(x);
    expect(g.shape).toEqual(x.shape);
    expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]))).toBe(true);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    r.model.dispose();
    model.dispose();
  });
});
