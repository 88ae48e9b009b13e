/**
 * Model-level benchmarks for `npm run bench` (Node backends): retrofitted vs original forward pass, and
 * DeepFool (L2, paper settings) batched vs one image at a time. Ratios against a baseline in the same run;
 * peak tensor memory from tf.profile.
 */
import * as tf from '@tensorflow/tfjs';
import { deepFoolL2 } from '../src/core/attacks/deepfool';
import { runAttack } from '../src/core/attacks/run-attack';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { loadModelIndexNode, loadModelNode } from '../src/core/models/load-node';
import { shardBatch } from '../src/core/models/predict';
import { retrofit } from '../src/core/retrofit/retrofit';

export interface ForwardRow { backend: string; model: string; images: number; reluMs: number; jumpReluMs: number; ratio: number; peakMB: number }
export interface DeepFoolRow { backend: string; model: string; images: number; batchedImgPerS: number; singleImgPerS: number; speedup: number; peakMB: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export async function benchModels(backends: string[], opts: { deepfoolImages: number; singleImages: number }): Promise<{ forward: ForwardRow[]; deepfool: DeepFoolRow[] }> {
  const forward: ForwardRow[] = [];
  const deepfool: DeepFoolRow[] = [];
  const index = await loadModelIndexNode();
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const entry of index.models.filter((m) => m.variant === 'base')) {
      // The cpu backend's conv gradients take seconds per call on CIFAR: DeepFool there would take an hour.
      if (backend === 'cpu' && entry.dataset === 'cifar10') continue;
      const { card, model } = await loadModelNode(entry.id);
      const shard = await loadShardNode(card.dataset);
      const norm = NORMALIZATION[card.dataset];
      const r = await retrofit(model, card.kappa.default);
      const n = Math.min(1000, shard.manifest.count);
      const x = shardBatch(shard, 0, n, norm);
      const run = (m: tf.LayersModel) => async () => { const y = m.predict(x, { batchSize: 500 }) as tf.Tensor; await y.data(); y.dispose(); };
      await run(model)(); await run(r.model)();
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 5; i++) { a.push(await timeIt(run(model))); b.push(await timeIt(run(r.model))); }
      const prof = await tf.profile(run(r.model));
      forward.push({ backend, model: entry.id, images: n, reluMs: median(a), jumpReluMs: median(b), ratio: median(b) / median(a), peakMB: prof.peakBytes / 2 ** 20 });
      x.dispose();

      // DeepFool L2, paper settings (40 steps MNIST, 7 CIFAR), white-box at the card's κ.
      const clf = classifierFromRetrofit(r, norm, card.kappa.default);
      const steps = card.dataset === 'mnist' ? 40 : 7;
      const labels = shard.labels;
      const nb = opts.deepfoolImages;
      const xb = shardBatch(shard, 0, nb, norm);
      let peak = 0;
      const batched = await timeIt(async () => {
        const p = await tf.profile(async () => { const res = await runAttack(deepFoolL2, clf, xb, labels.subarray(0, nb), { steps }); res.adversarial.dispose(); });
        peak = p.peakBytes;
      });
      const ns = opts.singleImages;
      const single = await timeIt(async () => {
        for (let i = 0; i < ns; i++) {
          const xi = shardBatch(shard, i, i + 1, norm);
          const res = await runAttack(deepFoolL2, clf, xi, labels.subarray(i, i + 1), { steps });
          res.adversarial.dispose();
          xi.dispose();
        }
      });
      xb.dispose();
      const batchedImgPerS = nb / (batched / 1000);
      const singleImgPerS = ns / (single / 1000);
      deepfool.push({ backend, model: entry.id, images: nb, batchedImgPerS, singleImgPerS, speedup: batchedImgPerS / singleImgPerS, peakMB: peak / 2 ** 20 });
      model.dispose();
      r.model.dispose();
    }
  }
  return { forward, deepfool };
}
