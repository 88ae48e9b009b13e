/**
 * Diagnostics page: the kernel parity table on one backend of this browser. Used by the e2e tests for
 * webgl/webgpu (which cannot run in Node) and by users who want to check their own GPU.
 */
import * as tf from '@tensorflow/tfjs';
import './diagnostics.css';
import { BACKENDS, selectBackend, type BackendName } from '../core/backend/select';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requestWasmThreads } from '../core/backend/wasm-threads';
import { wasmKernelUsesSimd } from '../core/op/kernels/jump-relu.wasm';
import { registerKernels } from '../core/op/register';
import { benchKernel, type KernelBenchRow } from '../core/bench/kernel-bench';
import { runParity, type ParityReport } from '../core/op/parity';
import { WASM_PATHS } from '../lib/wasm-assets';
import { conv2dInputGrad, depthwiseConv2dInputGrad } from '../core/retrofit/conv2d-input-grad';
import { winogradConv3x3Applies } from '../core/op/winograd-conv3x3';
import { runVjpParity, type VjpParityResult } from '../core/bench/vjp-parity';
import { benchModel, type DeepFoolRow, type ForwardRow, type KappaRow } from '../core/bench/model-bench';
import { benchAdaptive, type AdaptiveBenchRow } from '../core/bench/adaptive-bench';
import { benchDetection, type DetectionBenchRow } from '../core/bench/detection-bench';
import { fetchSource } from '../core/data/fetch-source';
import { loadShard, SHARD_NAMES } from '../core/data/shard';
import { loadModel, loadModelIndex, type LoadedModel } from '../core/models/load';
import { attackParityCases, compareAttackRuns, runAttackCases, type AttackParityRow } from '../core/attacks/attack-parity';
import { classifierFromRetrofit } from '../core/metrics/classifier-from-retrofit';
import { shardBatch } from '../core/data/shard-batch';
import { NORMALIZATION } from '../core/data/normalization';
import { retrofit } from '../core/retrofit/retrofit';
import { ADAPTIVE_BENCH_IMAGES, readBenchSizes, readCount, type DiagnosticsCount } from './params';

declare global {
  interface Window {
    __parity?: (ParityReport & { convInputGrad: { maxAbsError: number; winograd: boolean; threads: number | null }; candidateVjp: VjpParityResult; residualVjp: VjpParityResult; invertedVjp: VjpParityResult; candidateVjpModes: Record<'straight-through' | 'smoothed', VjpParityResult> }) | { error: string };
    __bench?: { rows: KernelBenchRow[]; adapter: unknown; wasm: unknown } | { error: string };
    __attackParity?: { backend: string; model: string; kappa: number; images: number; budget: string; rows: AttackParityRow[]; leaked: number } | { error: string };
    __modelBench?: { forward: ForwardRow | null; kappa: KappaRow | null; deepfool: DeepFoolRow | null; adapter: unknown; wasm: unknown; threads: number | null } | { error: string };
    __adaptiveBench?: { rows: AdaptiveBenchRow[]; suiteSeconds: number; ensembleSeconds: number; wasm: unknown } | { error: string };
    __detectionBench?: { rows: DetectionBenchRow[]; totalSeconds: number; leaked: number; wasm: unknown } | { error: string };
  }
}

/**
 * ∇x through the attacks' convolution (conv2d-input-grad.ts: a forward convolution with explicit padding)
 * against TF.js's own Conv2DBackpropInput on this backend, 'valid' and 'same'; with 8 → 16 channels too, the
 * shapes that take the Winograd kernel on wasm (`winograd`: whether they did here).
 */
function convInputGradError(): { maxAbsError: number; winograd: boolean; threads: number | null } {
  const winograd = winogradConv3x3Applies([2, 9, 8, 8], [3, 3, 8, 16]);
  const threads = tf.getBackend() === 'wasm' ? getThreadsCount() : null;
  const worst = tf.tidy(() => {
    let worst = 0;
    const shapes: [number, number, number, number][][] = [[[2, 9, 8, 3], [5, 3, 3, 4]], [[2, 9, 8, 8], [3, 3, 8, 16]]];
    for (const pad of ['valid', 'same'] as const) {
      for (const [xShape, kShape] of shapes) {
        const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
        const k = tf.randomNormal(kShape, 0, 1, 'float32', 2) as tf.Tensor4D;
        const r = tf.randomNormal(tf.conv2d(x, k, 1, pad).shape, 0, 1, 'float32', 3);
        const g = (f: (t: tf.Tensor4D) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), r)))(x);
        const ours = g((t) => conv2dInputGrad(t, k, [1, 1], pad, [1, 1]));
        const theirs = g((t) => tf.conv2d(t, k, 1, pad));
        worst = Math.max(worst, tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
      }
      const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      // The depthwise convolution's (MobileNetV2), stride 2, against TF.js's own gradient of the dense convolution
      // with the block-diagonal kernel it equals (wasm has no DepthwiseConv2dNativeBackpropInput).
      const kd = tf.randomNormal([3, 3, 3, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
      const blockDiagonal = tf.mul(tf.reshape(kd, [3, 3, 1, 3]), tf.reshape(tf.eye(3), [1, 1, 3, 3])) as tf.Tensor4D;
      const rd = tf.randomNormal(tf.depthwiseConv2d(x, kd, 2, pad).shape, 0, 1, 'float32', 5);
      const gd = (f: (t: tf.Tensor4D) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), rd)))(x);
      const oursD = gd((t) => depthwiseConv2dInputGrad(t, kd, [2, 2], pad));
      const theirsD = gd((t) => tf.conv2d(t, blockDiagonal, 2, pad));
      worst = Math.max(worst, tf.max(tf.abs(tf.sub(oursD, theirsD))).dataSync()[0]);
    }
    return worst;
  });
  return { maxAbsError: worst, winograd, threads };
}

/** A shipped model by id, refused with the list of shipped ones when unknown. */
async function loadShipped(id: string): Promise<LoadedModel> {
  const base = new URL('./', location.href).href;
  const known = (await loadModelIndex(fetchSource, `${base}models`)).models.map((m) => m.id);
  if (!known.includes(id)) throw new Error(`unknown model "${id}"; the shipped models are ${known.join(', ')}`);
  return loadModel(fetchSource, `${base}models`, id);
}

/** The model's test shard (the one its card names). */
function loadTestShard(loaded: LoadedModel) {
  return loadShard(fetchSource, `${new URL('./', location.href).href}data`, SHARD_NAMES[loaded.card.dataset]);
}

/** Loads shipped model `id` and its test shard, runs `run` on them, and frees the model whatever happens. */
async function withShippedModel<T>(id: string, run: (loaded: LoadedModel, shard: Awaited<ReturnType<typeof loadTestShard>>) => Promise<T>): Promise<T> {
  const loaded = await loadShipped(id);
  try {
    return await run(loaded, await loadTestShard(loaded));
  } finally {
    loaded.model.dispose();
  }
}

/**
 * Attack parity mode: the whole attacks (core/attacks/attack-parity.ts) on the first `images` test images
 * of a shipped model at κ (default: the card's), on cpu and then on this backend in the same page,
 * compared image by image. `&budget=small`: a few steps per attack (software GPUs).
 */
async function attackParity(id: string, params: URLSearchParams, backend: string) {
  // The cpu reference runs first, on weights loaded there: reading webgpu tensors back on cpu after a
  // backend switch returned zeros ('A valid external Instance reference no longer exists'); cpu data
  // moves to the GPU backend on first use.
  await tf.setBackend('cpu');
  return withShippedModel(id, async (loaded, shard) => {
    const images = readCount(params, 'images');
    const kappa = Number(params.get('kappa') ?? loaded.card.kappa.default);
    if (!Number.isFinite(kappa) || kappa < 0) throw new Error(`kappa must be a number ≥ 0, got "${params.get('kappa')}"`);
    const r = await retrofit(loaded.model, kappa);
    try {
      const clf = classifierFromRetrofit(r, NORMALIZATION[loaded.card.dataset], kappa);
      const labels = shard.labels.subarray(0, images);
      const budget = params.get('budget') === 'small' ? 'small' : 'paper';
      const cases = attackParityCases(budget);
      const before = tf.memory().numTensors;
      const run = async () => {
        const x = shardBatch(shard, 0, images, NORMALIZATION[loaded.card.dataset]);
        try {
          return await runAttackCases(clf, x, labels, cases);
        } finally {
          x.dispose();
        }
      };
      const cpu = await run();
      await tf.setBackend(backend);
      const ours = await run();
      const leaked = tf.memory().numTensors - before;
      return { backend, model: id, kappa, images, budget, rows: compareAttackRuns(cpu, ours), leaked };
    } finally {
      r.model.dispose();
    }
  });
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const asked = params.get('backend') ?? 'wasm';
  const status = document.getElementById('status')!;
  const out = document.getElementById('report')!;
  if (!(BACKENDS as readonly string[]).includes(asked)) throw new Error(`unknown backend "${asked}"; use one of ${BACKENDS.join(', ')}`);
  registerKernels();
  // Before the wasm backend starts: its thread pool is sized once (npm run bench compares 1 thread with 2;
  // wasm-threads.ts says why a 2-core machine otherwise gets 1 whatever is asked).
  if (params.has('threads')) requestWasmThreads(readCount(params, 'threads'));
  const choice = await selectBackend({ prefer: asked as BackendName, wasmPaths: WASM_PATHS, allowSoftwareWebGPU: true });
  if (choice.backend !== asked) throw new Error(`backend ${asked} could not start:\n${choice.reasons.join('\n')}`);
  if (params.has('bench')) {
    // Benchmark mode (npm run bench): kernel vs Relu at the sizes asked for.
    const sizes = readBenchSizes(params.get('bench'));
    const rows = [];
    for (const size of sizes) rows.push(await benchKernel(size));
    window.__bench = { rows, adapter: choice.adapter, wasm: choice.wasm };
    status.textContent = 'Benchmark done.';
    out.textContent = JSON.stringify(window.__bench, null, 2);
    return;
  }
  if (params.has('modelbench')) {
    // Model benchmark mode (npm run bench): the same benchModel as Node, on this browser's backend.
    const num = (k: DiagnosticsCount) => readCount(params, k);
    const sizes = { forwardImages: num('forward'), kappaImages: num('kappa'), kappaMoves: num('moves'),
      deepfoolImages: num('deepfool'), singleImages: num('single'), repeats: num('repeats'), kappaBatch: num('kbatch') };
    const res = await withShippedModel(params.get('modelbench') ?? '', (loaded, shard) => {
      status.textContent = `Benchmarking ${loaded.card.id} on ${choice.backend}…`;
      return benchModel(loaded, shard, sizes);
    });
    window.__modelBench = { ...res, adapter: choice.adapter, wasm: choice.wasm, threads: choice.backend === 'wasm' ? getThreadsCount() : null };
    status.textContent = 'Benchmark done.';
    out.textContent = JSON.stringify(window.__modelBench, null, 2);
    return;
  }
  if (params.has('adaptivebench')) {
    // Adaptive-suite benchmark (npm run bench): the same benchAdaptive as Node, on this browser's backend.
    const images = readCount(params, 'images', ADAPTIVE_BENCH_IMAGES);
    const res = await withShippedModel(params.get('adaptivebench') ?? '', (loaded, shard) => {
      status.textContent = `Benchmarking the adaptive suite's attacks on ${loaded.card.id}, ${images} images, on ${choice.backend}…`;
      return benchAdaptive(loaded, shard, images);
    });
    window.__adaptiveBench = { ...res, wasm: choice.wasm };
    status.textContent = 'Benchmark done.';
    out.textContent = JSON.stringify(window.__adaptiveBench, null, 2);
    return;
  }
  if (params.has('detectionbench')) {
    // The Table 3 panel's computation (npm run bench -- --detection-only), with the panel's defaults.
    const res = await withShippedModel(params.get('detectionbench') ?? '', (loaded, shard) => {
      status.textContent = `Benchmarking the LID detector's table on ${loaded.card.id} on ${choice.backend}…`;
      return benchDetection(loaded, shard);
    });
    window.__detectionBench = { ...res, wasm: choice.wasm };
    status.textContent = 'Benchmark done.';
    out.textContent = JSON.stringify(window.__detectionBench, null, 2);
    return;
  }
  if (params.has('attackparity')) {
    window.__attackParity = await attackParity(params.get('attackparity') || 'mnist-lenetlike-base', params, choice.backend);
    const ok = window.__attackParity.rows.every((r) => r.ok) && window.__attackParity.leaked === 0;
    status.textContent = ok ? `Attacks agree with cpu on ${choice.backend}.` : `Attack parity FAILED on ${choice.backend}.`;
    status.className = ok ? 'ok' : 'bad';
    out.textContent = JSON.stringify(window.__attackParity, null, 2);
    return;
  }
  // Small tensors only: software WebGPU/WebGL here are orders of magnitude slower than wasm.
  const large = params.get('large') === '1';
  const before = tf.memory().numTensors;
  const report = await runParity({ large });
  const convInputGrad = convInputGradError();
  const candidateVjp = await runVjpParity();
  const residualVjp = await runVjpParity(0.05, 'exact', 'residual');
  const invertedVjp = await runVjpParity(0.05, 'exact', 'inverted');
  const candidateVjpModes = { 'straight-through': await runVjpParity(0.05, 'straight-through'), smoothed: await runVjpParity(0.05, 'smoothed') };
  const leaked = tf.memory().numTensors - before;
  window.__parity = { ...report, convInputGrad, candidateVjp, residualVjp, invertedVjp, candidateVjpModes };
  status.textContent = report.ok && leaked === 0 ? `All checks pass on ${report.backend}.` : `Checks FAILED on ${report.backend}.`;
  status.className = report.ok && leaked === 0 ? 'ok' : 'bad';
  const wasmSimdKernel = report.backend === 'wasm' ? wasmKernelUsesSimd(tf.backend() as BackendWasm) : null;
  out.textContent = JSON.stringify({ ...report, convInputGrad, candidateVjp, residualVjp, invertedVjp, candidateVjpModes, adapter: choice.adapter, reasons: choice.reasons, wasm: choice.wasm,
    wasmSimdKernel, crossOriginIsolated: self.crossOriginIsolated, leakedTensors: leaked }, null, 2);
}

main().catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  window.__parity = { error: msg };
  window.__bench = { error: msg };
  window.__modelBench = { error: msg };
  window.__adaptiveBench = { error: msg };
  window.__detectionBench = { error: msg };
  window.__attackParity = { error: msg };
  const s = document.getElementById('status')!;
  s.textContent = msg;
  s.className = 'bad';
});
