/** The `own` and `histogram` job bodies on a real session holding the shipped MNIST model, loaded as `load` does. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NORMALIZATION, normalizePixels } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { loadShardNode } from '../core/data/shard-node';
import { preActivationProbe, preActivationStats, type PreActivationStats } from '../core/metrics/pre-activations';
import { loadModelNode } from '../core/models/load-node';
import { retrofit, type RetrofittedModel } from '../core/retrofit/retrofit';
import { useBackend } from '../testing/backends';
import type { HistogramRequest, OwnPredictRequest } from './jobs';
import { RUNNERS, type JobContext } from './runners';
import { ComputeSession } from './session';

// session.ts's wasm asset URLs need a page (self.location); Node's backends need none.
vi.mock('../lib/wasm-assets', () => ({ WASM_PATHS: {} }));

const ID = 'mnist-lenetlike-base';
const INDEX = 0; // a clear digit (checked below against the oracle, so a retrained model fails loudly rather than quietly)
const job = (): JobContext => ({ signal: new AbortController().signal, onProgress: () => {} });

describe('the own and histogram job bodies on the shipped MNIST model', () => {
  const session = new ComputeSession();
  let net: RetrofittedModel;
  let shard: Shard;
  beforeAll(async () => {
    await useBackend('cpu');
    const { card, model } = await loadModelNode(ID);
    shard = await loadShardNode('mnist');
    net = await retrofit(model, 0);
    model.dispose(); // as loadShipped does: the clone shares the weights
    session.setLoaded({ id: ID, card, normalization: NORMALIZATION.mnist, net, shard });
  });
  afterAll(() => session.setLoaded(null));

  const image = (i: number) => shard.images.slice(i * 784, (i + 1) * 784);
  const label = (i: number) => shard.labels[i];
  /** Every body must leave the tensor count as it found it, refused requests included. */
  async function noLeak<T>(run: () => Promise<T>): Promise<T> {
    const before = tf.memory().numTensors;
    try {
      return await run();
    } finally {
      expect(tf.memory().numTensors).toBe(before);
    }
  }
  /** Oracle: softmax of the layers' own forward pass (model.predict, not the plain-op path the session's classifier takes). */
  function oracle(pixels: Uint8Array, kappa: number): Float32Array {
    net.control.setKappa(kappa);
    return tf.tidy(() => tf.softmax(net.model.predict(normalizePixels(pixels, [1, 28, 28, 1], NORMALIZATION.mnist)) as tf.Tensor).dataSync() as Float32Array);
  }
  const argmax = (p: Float32Array) => p.indexOf(Math.max(...p));
  const own = (image: OwnPredictRequest['image'], kappa: number, modelId = ID) =>
    noLeak(() => RUNNERS.own(session, { modelId, kappa, randomized: false, seed: 1, image }, job()));
  const histogram = (image: HistogramRequest['image'], kappa: number) =>
    noLeak(() => RUNNERS.histogram(session, { modelId: ID, kappa, image }, job()));

  describe('own', () => {
    it.each([0, 1])('pixels at κ = %s: unprotected is κ = 0, protected is the requested κ, as the oracle predicts', async (kappa) => {
      // Several images, so that at κ = 1 some prediction or probability differs from κ = 0 (a swap must show).
      for (const i of [INDEX, 1, 2, 3]) {
        const r = await own({ pixels: image(i) }, kappa);
        expect(r.pixels).toEqual(image(i));
        for (const [side, k] of [[r.unprotected, 0], [r.protected, kappa]] as const) {
          const p = oracle(image(i), k);
          expect(side.predicted).toBe(argmax(p));
          expect(side.top).toHaveLength(3);
          for (const t of side.top) expect(t.p).toBeCloseTo(p[t.cls], 5);
        }
      }
    });

    it('a test image\'s own pixels read as its shard label at κ = 0', async () => {
      expect(argmax(oracle(image(INDEX), 0))).toBe(label(INDEX)); // premise: the model gets this image right
      const r = await own({ pixels: image(INDEX) }, 0);
      expect(r.unprotected.predicted).toBe(label(INDEX));
      expect(r.protected.predicted).toBe(label(INDEX));
    });

    it('a drawing (the test digit 10× larger, white on black RGBA) is made 28×28 and read as the digit', async () => {
      const src = image(INDEX);
      const side = 280;
      const rgba = new Uint8ClampedArray(side * side * 4);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = src[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
          rgba.set([v, v, v, 255], (y * side + x) * 4);
        }
      }
      const r = await own({ rgba, width: side, height: side }, 0);
      expect(r.pixels).toHaveLength(784);
      expect(r.unprotected.predicted).toBe(label(INDEX));
      expect(r.unprotected.predicted).toBe(argmax(oracle(r.pixels, 0))); // predicted on the pixels it returns
    });

    it('refuses pixels of the wrong shape, naming it, and a model that is not loaded', async () => {
      await expect(own({ pixels: new Uint8Array(100) }, 0)).rejects.toThrow('an image for this model is 28×28×1 pixels, got 100');
      await expect(own({ pixels: image(INDEX) }, 0, 'mnist-lenetlike-robust')).rejects.toThrow('model mnist-lenetlike-robust is not loaded');
    });
  });

  describe('histogram', () => {
    it('one entry per JumpReLU layer, each as the probe reads it at the requested κ', async () => {
      const r = await histogram({ index: INDEX }, 1);
      expect(r.layers.map((l) => l.layer)).toEqual(net.jumpLayers);
      expect(net.jumpLayers.length).toBeGreaterThan(1);
      // Later layers' z depend on κ (the earlier jumps feed them): read them with a probe of our own at κ = 1.
      const x = normalizePixels(image(INDEX), [1, 28, 28, 1], NORMALIZATION.mnist);
      const zs = await preActivationProbe(net)(x, 1);
      x.dispose();
      expect(r.layers).toEqual(zs.map((z) => preActivationStats(z.layer, z.z, 1)));
      for (const l of r.layers) expect(l.counts.reduce((a, b) => a + b, 0)).toBe(l.units);
    });

    it('the jump silences nothing at κ = 0 and more as κ grows; the first layer\'s ReLU share ignores κ', async () => {
      const byKappa: PreActivationStats[][] = [];
      for (const k of [0, 0.5, 1, 2]) byKappa.push((await histogram({ index: INDEX }, k)).layers); // one at a time: each checks the tensor count
      for (const l of byKappa[0]) expect(l.jump).toBe(0);
      // The first layer's z comes before any jump, so only the κ line moves over it.
      const first = byKappa.map((layers) => layers[0]);
      expect(first[1].jump).toBeGreaterThan(0);
      expect(first[2].jump).toBeGreaterThanOrEqual(first[1].jump);
      expect(first[3].jump).toBeGreaterThan(first[1].jump);
      for (const l of first) expect(l.relu).toBe(first[0].relu);
      // Deeper layers get the jumps' zeros: their ReLU share moves with κ.
      expect(byKappa[3].slice(1).some((l, i) => l.relu !== byKappa[0][i + 1].relu)).toBe(true);
    });

    it('own pixels give the same picture as the test image they copy', async () => {
      const i = 3; // not INDEX, nor 0: a body reading some fixed test image instead of the pixels must show
      const fromPixels = (await histogram({ pixels: image(i) }, 1)).layers;
      expect(fromPixels).toEqual((await histogram({ index: i }, 1)).layers);
      expect(fromPixels).not.toEqual((await histogram({ index: INDEX }, 1)).layers);
    });

    it('refuses an index outside the shard, and pixels of the wrong shape, by name', async () => {
      for (const index of [-1, 1.5, shard.manifest.count]) {
        await expect(histogram({ index }, 1)).rejects.toThrow(`image ${index} is not in the test shard`);
      }
      await expect(histogram({ pixels: new Uint8Array(10) }, 1)).rejects.toThrow('28×28×1 pixels, got 10');
    });
  });
});
