/**
 * `npm run bench` row against PyTorch: DeepFool L2 at the paper's settings (40 steps MNIST / 7 CIFAR-10,
 * all candidates, card κ) on the first 200 MNIST / 100 CIFAR-10 test images, TF.js wasm in Node (one
 * thread: Node's wasm backend has no threads) vs PyTorch CPU (`torch.set_num_threads(1)`, the
 * independent implementation of `npm run crosscheck`), same weights and images, timed in alternating
 * pairs in the same run. Each side times only the attack (no start-up, after a warm-up on two images).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { deepFoolL2 } from '../src/core/attacks/deepfool';
import { runAttack } from '../src/core/attacks/run-attack';
import { pairedRatio } from '../src/core/bench/paired';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { loadModelNode } from '../src/core/models/load-node';
import { shardBatch } from '../src/core/data/shard-batch';
import { retrofit } from '../src/core/retrofit/retrofit';
import { winogradConv3x3Applies } from '../src/core/op/winograd-conv3x3';
import { runTorch, torchAvailable, TORCH_HINT } from './crosscheck';

export interface TorchRow {
  model: string;
  images: number;
  tfjsMs: number;
  torchMs: number;
  /** TF.js time / PyTorch time (median of per-pair ratios): 1.0 = as fast as PyTorch. */
  ratio: number;
  tfjsMsPerImageIter: number;
  torchMsPerImageIter: number;
  tfjsImageIters: number;
  torchImageIters: number;
  /**
   * TF.js time with the Winograd 3×3 convolution / without it (XNNPACK's direct convolution), paired in the
   * same run; null where no convolution of the model takes the Winograd route.
   */
  winogradRatio: number | null;
}

/** The TF.js side of the row: DeepFool L2 at the paper's settings on the first `images` test images of `id`. */
async function deepFoolSubject(id: string, images: number) {
  const { model, card } = await loadModelNode(id);
  const shard = await loadShardNode(card.dataset);
  const norm = NORMALIZATION[card.dataset];
  const r = await retrofit(model, card.kappa.default);
  const clf = classifierFromRetrofit(r, norm, card.kappa.default);
  const steps = card.dataset === 'mnist' ? 40 : 7;
  const x = shardBatch(shard, 0, images, norm);
  /** Attacks the first n rows of t; returns the image-iterations it took. */
  const attack = async (t: tf.Tensor4D, n: number) => {
    const res = await runAttack(deepFoolL2, clf, t, shard.labels.subarray(0, n), { steps, stepRule: 'paper', overshoot: 0.02, candidates: null });
    res.adversarial.dispose();
    return res.iterations.reduce((a, v) => a + v, 0);
  };
  const warm = tf.slice(x, 0, 2);
  await attack(warm, 2);
  warm.dispose();
  return { x, attack, winograd: usesWinograd(model), dispose: () => { x.dispose(); model.dispose(); r.model.dispose(); } };
}

/** Whether some convolution of the model takes the Winograd route (a 3×3, stride-1 Conv2D it handles). */
function usesWinograd(model: tf.LayersModel): boolean {
  return model.layers.some((l) => {
    if (l.getClassName() !== 'Conv2D') return false;
    const cfg = l.getConfig() as { strides: number[] };
    const [, h, w, c] = (l.input as tf.SymbolicTensor).shape as number[];
    return cfg.strides.every((v) => v === 1) && winogradConv3x3Applies([1, h, w, c], l.getWeights()[0].shape);
  });
}

export async function benchTorch(models: { id: string; images: number }[], rounds = 3): Promise<TorchRow[] | string> {
  if (!torchAvailable()) return TORCH_HINT;
  await tf.setBackend('wasm');
  await tf.ready();
  if (getThreadsCount() !== 1) return `the wasm backend runs ${getThreadsCount()} threads here; this row compares one thread each`;
  const rows: TorchRow[] = [];
  for (const { id, images } of models) {
    const { x, attack, winograd, dispose } = await deepFoolSubject(id, images);
    try {
      let tfjsIters = 0;
      let torchIters = 0;
      const timed = await pairedRatio(
        async () => {
          const out = runTorch(['--model', id, '--n', String(images), '--threads', '1', '--time-deepfool']) as { ms: number; imageIterations: number; threads: number };
          if (out.threads !== 1) throw new Error(`PyTorch ran ${out.threads} threads`);
          torchIters = out.imageIterations;
          return out.ms;
        },
        async () => {
          const t0 = performance.now();
          tfjsIters = await attack(x, images);
          return performance.now() - t0;
        },
        rounds,
      );
      // Before/after for the Winograd route, in the same run (the flag is read per convolution call).
      let winogradRatio: number | null = null;
      if (winograd) {
        const withFlag = (on: boolean) => async () => {
          tf.env().set('JUMPRELU_WINOGRAD', on);
          try {
            const t0 = performance.now();
            await attack(x, images);
            return performance.now() - t0;
          } finally {
            tf.env().set('JUMPRELU_WINOGRAD', true);
          }
        };
        winogradRatio = (await pairedRatio(withFlag(false), withFlag(true), rounds)).ratio;
      }
      rows.push({ model: id, images, tfjsMs: timed.oursMs, torchMs: timed.baseMs, ratio: timed.ratio,
        tfjsMsPerImageIter: timed.oursMs / tfjsIters, torchMsPerImageIter: timed.baseMs / torchIters, tfjsImageIters: tfjsIters, torchImageIters: torchIters, winogradRatio });
    } finally {
      dispose();
    }
  }
  return rows;
}

export interface KernelShare { model: string; kernel: string; ms: number; calls: number; share: number }

/**
 * Where the TF.js side's time goes (`--torch-only --profile`): one profiled DeepFool run per model, kernel
 * time summed per kernel name, largest first. tf.profile times every kernel synchronously, so the total
 * exceeds the untimed run's wall time; custom-gradient scopes ('unnamed scope') count their kernels again.
 */
export async function profileDeepFool(models: { id: string; images: number }[], top = 12): Promise<KernelShare[]> {
  await tf.setBackend('wasm');
  await tf.ready();
  const out: KernelShare[] = [];
  for (const { id, images } of models) {
    const { x, attack, dispose } = await deepFoolSubject(id, images);
    try {
      const info = await tf.profile(async () => { await attack(x, images); });
      const by = new Map<string, { ms: number; calls: number }>();
      for (const k of info.kernels) {
        const e = by.get(k.name) ?? { ms: 0, calls: 0 };
        e.ms += k.kernelTimeMs as number;
        e.calls++;
        by.set(k.name, e);
      }
      const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
      for (const [kernel, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) out.push({ model: id, kernel, ...e, share: e.ms / total });
    } finally {
      dispose();
    }
  }
  return out;
}

export const TORCH_MODELS = [
  { id: 'mnist-lenetlike-base', images: 200 },
  { id: 'cifar10-alexlike-base', images: 100 },
  { id: 'cifar10-resnet20-base', images: 100 },
  { id: 'cifar10-mobilenetv2-base', images: 100 },
];
