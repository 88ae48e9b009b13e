/**
 * Where a DeepFool L2 run's time goes, by TF.js kernel (Node, wasm, one thread): the paper's settings on the
 * first n test images of a shipped model, a warm-up run, a timed run, then `tf.profile` of a third.
 * "unnamed scope" rows are custom-gradient wrappers whose kernels are also counted by name: left out of
 * the total. `npx tsx scripts/profile-deepfool.ts cifar10-resnet20-base 20` (issue 29's profile).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { deepFoolL2 } from '../src/core/attacks/deepfool';
import { runAttack } from '../src/core/attacks/run-attack';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { loadModelNode } from '../src/core/models/load-node';
import { shardBatch } from '../src/core/data/shard-batch';
import { retrofit } from '../src/core/retrofit/retrofit';
import { registerKernels } from '../src/core/op/register';

const id = process.argv[2] ?? 'cifar10-resnet20-base';
const n = Number(process.argv[3] ?? 10);
await tf.setBackend('wasm'); await tf.ready();
registerKernels();
const { model, card } = await loadModelNode(id);
const shard = await loadShardNode(card.dataset);
const norm = NORMALIZATION[card.dataset];
const r = await retrofit(model, card.kappa.default);
const clf = classifierFromRetrofit(r, norm, card.kappa.default);
const x = shardBatch(shard, 0, n, norm);
const run = async () => { const res = await runAttack(deepFoolL2, clf, x, shard.labels.subarray(0, n), { steps: 7, stepRule: 'paper', overshoot: 0.02, candidates: null }); res.adversarial.dispose(); return res.iterations.reduce((a, v) => a + v, 0); };
await run();
const t0 = performance.now(); const it = await run(); const ms = performance.now() - t0;
console.log(`${id}: ${n} images, ${it} image-iterations, ${ms.toFixed(0)} ms, ${(ms / it).toFixed(1)} ms/image-iter`);
const prof = await tf.profile(run);
const by = new Map<string, { ms: number; count: number }>();
for (const k of prof.kernels.filter((k) => k.name !== 'unnamed scope')) { const e = by.get(k.name) ?? { ms: 0, count: 0 }; e.ms += Number(k.kernelTimeMs) || 0; e.count++; by.set(k.name, e); }
const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
console.log(`kernel time ${total.toFixed(0)} ms of ${ms.toFixed(0)} ms wall (the rest: JS between kernels)`);
for (const [name, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${name.padEnd(28)} ${e.ms.toFixed(0).padStart(7)} ms ${(100 * e.ms / total).toFixed(1).padStart(5)}%  ×${e.count}`);
