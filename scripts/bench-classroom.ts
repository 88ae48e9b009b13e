/**
 * Classroom rows of `npm run bench` (Node, wasm): does the live prediction keep up with a pen, and the
 * "inside the network" histogram with the κ slider? Each is timed against a baseline in the same run:
 *  - own image → prediction: preprocessing (MNIST-style digit from a 280×280 pad, or a 640×480 photo
 *    centre-cropped for CIFAR-10) plus the two predictions the app shows (κ = 0 and the card's κ), vs the
 *    same two predictions of a test image (ratio = with preprocessing / predictions alone); budget 16 ms.
 *  - κ change → histograms: every JumpReLU layer's z and statistics at a new κ, vs one prediction at that
 *    κ (ratio = histograms / prediction); budget 50 ms. Distinct κ values, so nothing is reused.
 */
import * as tf from '@tensorflow/tfjs';
import { pairedRatio, quantile } from '../src/core/bench/paired';
import { NORMALIZATION, normalizePixels } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { ownImagePixels, topClasses } from '../src/core/input/own-image';
import type { FloatImage } from '../src/core/input/resample';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { preActivationProbe, preActivationStats } from '../src/core/metrics/pre-activations';
import { loadModelNode } from '../src/core/models/load-node';
import { retrofit } from '../src/core/retrofit/retrofit';

export interface ClassroomRow {
  model: string;
  task: string;
  backend: string;
  baseline: string;
  baseMs: number;
  oursMs: number;
  p90Ms: number;
  budgetMs: number;
  ratio: number;
}

/** Test image 0 enlarged `scale`× (nearest neighbour) into a width × height canvas: a stand-in for a drawing or a photo. */
function enlarged(pixels: Uint8Array, [h, w, c]: [number, number, number], scale: number, width: number, height: number): FloatImage {
  const data = new Float32Array(width * height * c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sy = Math.min(h - 1, Math.floor(y / scale));
      const sx = Math.min(w - 1, Math.floor(x / scale));
      for (let k = 0; k < c; k++) data[(y * width + x) * c + k] = pixels[(sy * w + sx) * c + k] / 255;
    }
  }
  return { data, width, height, channels: c };
}

const CASES = [
  { model: 'mnist-lenetlike-base', task: 'drawn digit (280×280) → predictions at κ = 0 and κ', canvas: [10, 280, 280] },
  { model: 'cifar10-alexlike-base', task: 'photo (640×480) → predictions at κ = 0 and κ', canvas: [20, 640, 480] },
] as const;

export async function benchClassroom(rounds = 21): Promise<ClassroomRow[]> {
  await tf.setBackend('wasm');
  await tf.ready();
  const rows: ClassroomRow[] = [];
  for (const { model: id, task, canvas: [scale, width, height] } of CASES) {
    const { card, model } = await loadModelNode(id);
    const shard = await loadShardNode(card.dataset);
    const norm = NORMALIZATION[card.dataset];
    const net = await retrofit(model, 0);
    model.dispose();
    const kappa = card.kappa.default;
    const shape = shard.manifest.shape;
    const size = shape[0] * shape[1] * shape[2];
    const test = shard.images.slice(0, size);
    const image = enlarged(test, shape, scale, width, height);
    const [at0, atK] = [classifierFromRetrofit(net, norm, 0), classifierFromRetrofit(net, norm, kappa)];
    const predictTwice = async (pixels: Uint8Array) => {
      const x = normalizePixels(pixels, [1, ...shape], norm);
      await topClasses(at0, x);
      await topClasses(atK, x);
      x.dispose();
    };
    const timed = (f: () => Promise<unknown>) => async () => { const t0 = performance.now(); await f(); return performance.now() - t0; };
    const samples: number[] = [];
    await predictTwice(test); // warm-up: kernels, wasm pages
    const live = await pairedRatio(timed(() => predictTwice(test)), async () => {
      const ms = await timed(() => predictTwice(ownImagePixels(card.dataset, image)))();
      samples.push(ms);
      return ms;
    }, rounds);
    rows.push({ model: id, task, backend: 'wasm', baseline: 'the two predictions alone', ...live, p90Ms: quantile(samples, 0.9), budgetMs: 16 });

    const probe = preActivationProbe(net);
    const x = normalizePixels(test, [1, ...shape], norm);
    const kappas = Array.from({ length: 2 * rounds + 1 }, (_, i) => Number(((i + 1) * (card.kappa.max / (2 * rounds + 2))).toFixed(4)));
    let next = 0;
    const hist: number[] = [];
    await probe(x, kappas[next++]);
    const histogram = await pairedRatio(timed(async () => { await topClasses(classifierFromRetrofit(net, norm, kappas[next]), x); }), async () => {
      const k = kappas[next++];
      const ms = await timed(async () => (await probe(x, k)).map((l) => preActivationStats(l.layer, l.z, k)))();
      hist.push(ms);
      return ms;
    }, rounds);
    rows.push({ model: id, task: `κ change → ${net.jumpLayers.length} layer histograms`, backend: 'wasm', baseline: 'one prediction at that κ', ...histogram, p90Ms: quantile(hist, 0.9), budgetMs: 50 });
    x.dispose();
    net.model.dispose();
  }
  return rows;
}
