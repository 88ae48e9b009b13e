/**
 * Model-level benchmarks, shared by `npm run bench` in Node (wasm, cpu) and the diagnostics page in a
 * browser (wasm, webgl, webgpu): retrofitted vs original forward pass, κ change → accuracy, and DeepFool
 * (L2, paper settings) batched vs one image at a time. Every number is a ratio against a baseline measured in the same run;
 * peak tensor memory comes from tf.profile. No DOM, no Node.
 */
import * as tf from '@tensorflow/tfjs';
import { macsPerImage } from './macs';
import { deepFoolL2 } from '../attacks/deepfool';
import { runAttack } from '../attacks/run-attack';
import { NORMALIZATION } from '../data/normalization';
import type { Shard } from '../data/shard';
import { accuracy, DEFAULT_BATCH_SIZE } from '../metrics/accuracy';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import { makeEvalSet } from '../metrics/eval-set';
import type { LoadedModel } from '../models/load';
import { shardBatch } from '../data/shard-batch';
import { retrofit } from '../retrofit/retrofit';
import { median, pairedRatio, quantile } from './paired';

export interface ForwardRow { backend: string; model: string; images: number; reluMs: number; jumpReluMs: number; ratio: number; peakMB: number }
export interface DeepFoolRow {
  backend: string; model: string;
  /** Images in the batched run, and how many of its first images were then attacked one at a time. */
  images: number; singleImages: number;
  batchedImgPerS: number; singleImgPerS: number; speedup: number;
  /** DeepFool steps per image over the first `singleImages` images, batched and single: must agree. */
  batchedSteps: number; singleSteps: number;
  peakMB: number; singlePeakMB: number;
}

/** κ change → clean accuracy, computed as the app's worker does (plain-op forward, batches of 250). */
export interface KappaRow {
  backend: string; model: string; images: number; kappas: number; medianMs: number; p95Ms: number; peakMB: number;
  /** Images per forward batch; the forward's multiply-adds per image and the rate achieved (GMAC/s, median move). */
  batch: number; macsPerImage: number; gmacPerS: number;
}

export interface ModelBenchOptions {
  /** Images re-evaluated per κ change (0 skips it), at this many distinct κ values. */
  kappaImages?: number;
  kappaMoves?: number;
  /** Images per forward batch of the κ rows (default: the core's, the full-batch sweep). */
  kappaBatch?: number;
  /** Images in the forward-pass comparison (0 skips it). */
  forwardImages: number;
  /** Images attacked in one batched DeepFool run (0 skips DeepFool). */
  deepfoolImages: number;
  /**
   * Of those, how many are also attacked one at a time (the baseline). Default and recommended: all of
   * them — images differ a lot in how many steps they need, so a prefix is a biased sample.
   */
  singleImages?: number;
  /** Repeats of the forward comparison (median reported). */
  repeats?: number;
}

const MB = 2 ** 20;

async function timeIt(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export async function benchModel(loaded: LoadedModel, shard: Shard, opts: ModelBenchOptions): Promise<{ forward: ForwardRow | null; kappa: KappaRow | null; deepfool: DeepFoolRow | null }> {
  const { card, model } = loaded;
  const backend = tf.getBackend();
  const norm = NORMALIZATION[card.dataset];
  const r = await retrofit(model, card.kappa.default);
  try {
    let forward: ForwardRow | null = null;
    if (opts.forwardImages > 0) {
      const n = Math.min(opts.forwardImages, shard.manifest.count);
      const x = shardBatch(shard, 0, n, norm);
      try {
        const run = (m: tf.LayersModel) => async () => { const y = m.predict(x, { batchSize: 500 }) as tf.Tensor; await y.data(); y.dispose(); };
        await run(model)(); await run(r.model)();
        const t = await pairedRatio(() => timeIt(run(model)), () => timeIt(run(r.model)), opts.repeats ?? 5);
        const prof = await tf.profile(run(r.model));
        forward = { backend, model: card.id, images: n, reluMs: t.baseMs, jumpReluMs: t.oursMs, ratio: t.ratio, peakMB: prof.peakBytes / MB };
      } finally {
        x.dispose();
      }
    }

    let kappa: KappaRow | null = null;
    if ((opts.kappaImages ?? 0) > 0) {
      const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, norm, opts.kappaImages ?? 0);
      try {
        const moves = Math.max(1, opts.kappaMoves ?? 15);
        // Distinct κ from 0 up to 1.5× the card's paper κ, as a student dragging the slider would.
        const values = Array.from({ length: moves }, (_, i) => ((i + 1) / moves) * 1.5 * card.kappa.default);
        const batch = opts.kappaBatch ?? DEFAULT_BATCH_SIZE;
        const evaluate = (k: number) => accuracy(classifierFromRetrofit(r, norm, k), set, { batchSize: batch });
        await evaluate(0);
        const times: number[] = [];
        for (const k of values) times.push(await timeIt(async () => { await evaluate(k); }));
        const peak = (await tf.profile(async () => { await evaluate(card.kappa.default); })).peakBytes;
        const macs = macsPerImage(model);
        kappa = { backend, model: card.id, images: set.labels.length, kappas: moves, medianMs: median(times), p95Ms: quantile(times, 0.95), peakMB: peak / MB,
          batch, macsPerImage: macs, gmacPerS: (set.labels.length * macs) / (median(times) * 1e6) };
      } finally {
        set.x.dispose();
      }
    }

    let deepfool: DeepFoolRow | null = null;
    if (opts.deepfoolImages > 0) {
      // White-box at the card's κ with the paper's settings: 40 steps on MNIST, 7 on CIFAR-10.
      const clf = classifierFromRetrofit(r, norm, card.kappa.default);
      const steps = card.dataset === 'mnist' ? 40 : 7;
      const nb = Math.min(opts.deepfoolImages, shard.manifest.count);
      const ns = Math.min(opts.singleImages ?? nb, nb);
      const attack = async (start: number, end: number): Promise<Int32Array> => {
        const x = shardBatch(shard, start, end, norm);
        try {
          const res = await runAttack(deepFoolL2, clf, x, shard.labels.subarray(start, end), { steps });
          res.adversarial.dispose();
          return res.iterations;
        } finally {
          x.dispose();
        }
      };
      await attack(0, 1); // warm-up: shader compilation and first-call costs belong to neither side
      // Timed runs are not profiled (tf.profile times every kernel, which syncs GPU backends); peak
      // memory comes from separate profiled runs.
      let batchedIters: Int32Array = new Int32Array(0);
      const batched = await timeIt(async () => { batchedIters = await attack(0, nb); });
      let singleSteps = 0;
      const single = await timeIt(async () => {
        for (let i = 0; i < ns; i++) singleSteps += (await attack(i, i + 1))[0];
      });
      const peak = (await tf.profile(async () => { await attack(0, nb); })).peakBytes;
      const singlePeak = (await tf.profile(async () => { await attack(0, 1); })).peakBytes;
      const batchedImgPerS = nb / (batched / 1000);
      const singleImgPerS = ns / (single / 1000);
      deepfool = {
        backend, model: card.id, images: nb, singleImages: ns, batchedImgPerS, singleImgPerS, speedup: batchedImgPerS / singleImgPerS,
        batchedSteps: batchedIters.subarray(0, ns).reduce((s, v) => s + v, 0) / Math.max(ns, 1), singleSteps: singleSteps / Math.max(ns, 1),
        peakMB: peak / MB, singlePeakMB: singlePeak / MB,
      };
    }
    return { forward, kappa, deepfool };
  } finally {
    r.model.dispose();
  }
}
