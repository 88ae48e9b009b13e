/**
 * Model-level benchmarks for `npm run bench` on the Node backends (the browser backends run the same
 * `benchModel` from the diagnostics page): retrofitted vs original forward pass, and DeepFool (L2, paper
 * settings) batched vs one image at a time, and κ change → accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import { benchModel, type DeepFoolRow, type ForwardRow, type KappaRow } from '../src/core/bench/model-bench';
import { loadShardNode } from '../src/core/data/shard-node';
import { loadModelIndexNode, loadModelNode } from '../src/core/models/load-node';

type Node<T> = T & { where: string };

export async function benchModels(backends: string[], opts: { deepfoolImages: number }): Promise<{ forward: Node<ForwardRow>[]; kappa: Node<KappaRow>[]; deepfool: Node<DeepFoolRow>[] }> {
  const forward: Node<ForwardRow>[] = [];
  const kappa: Node<KappaRow>[] = [];
  const deepfool: Node<DeepFoolRow>[] = [];
  const index = await loadModelIndexNode();
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const entry of index.models.filter((m) => m.variant === 'base')) {
      // The cpu backend's convolutions take seconds per call on CIFAR: DeepFool there would take an hour.
      if (backend === 'cpu' && entry.dataset === 'cifar10') continue;
      const loaded = await loadModelNode(entry.id);
      const shard = await loadShardNode(entry.dataset);
      try {
        const res = await benchModel(loaded, shard, { forwardImages: 1000, repeats: 9, kappaImages: 1000, kappaMoves: 15, deepfoolImages: opts.deepfoolImages });
        if (res.forward) forward.push({ ...res.forward, where: 'node' });
        if (res.kappa) kappa.push({ ...res.kappa, where: 'node' });
        if (res.deepfool) deepfool.push({ ...res.deepfool, where: 'node' });
      } finally {
        loaded.model.dispose();
      }
    }
  }
  return { forward, kappa, deepfool };
}
