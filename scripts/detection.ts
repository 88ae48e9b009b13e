/**
 * The paper's Table 3 for a shipped model, in Node on the wasm backend: the AUC of the LID detector
 * (src/core/detection) against IFGSM ("PGD"), DeepFool L∞, DeepFool L2 and Trust Region adversarials with
 * the paper's settings (paper-protocol.ts), crafted and measured at κ = 0 ("LID") and at the model's κ
 * ("LID + JumpReLU"); optionally the LID-aware attack (lid-aware.ts) beside them. Writes the features,
 * labels, split and AUCs as JSON, and the images each row used (clean, noisy, adversarial; normalised
 * float32) as binary files beside it, for the independent check (scripts/crosscheck_lid.py).
 *
 *   node --import tsx scripts/detection.ts --model cifar10-alexlike-base --n 260 --max 200 --out /tmp/det.json
 *   /usr/bin/python3 scripts/crosscheck_lid.py /tmp/det.json
 *
 * Options: --model <id>, --n <images attacked> (first n test images, default 260), --max <images used>
 * (default 200: two minibatches of 100; 80/20 in blocks of 100 then gives 100 train / 100 held out per
 * set), --kappa <list> (default 0 and the card's paper κ), --attacks <list of pgd, deepfool-linf,
 * deepfool-l2, trust-region> (default all), --lid-aware (adds the LID-aware attack and its λ = 0 control),
 * --aware-steps <int> (its steps, default 30, each 2ε/steps long when given), --sigma <σ | match-l2>,
 * --seed <int>, --tr-steps <int> (Trust Region step budget, paper 1000), --no-images, --out <file>.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { craftWithAttack, lidDetection, type LidDetectionResult } from '../src/core/detection/experiment';
import { lidAwareCraft, lidAwareDefaults } from '../src/core/detection/lid-aware';
import { makeEvalSet } from '../src/core/metrics/eval-set';
import { PAPER_PROTOCOL } from '../src/core/metrics/paper-protocol';
import { loadModelNode } from '../src/core/models/load-node';
import { registerKernels } from '../src/core/op/register';
import { retrofit } from '../src/core/retrofit/retrofit';
import { PAPER_TABLE3 } from '../src/features/analysis/paper-numbers';

/** The paper's Table 3 (CIFAR-10; the paper names neither the network nor κ for it): one copy, the panel's. */
export { PAPER_TABLE3 };

function fail(message: string): never {
  console.error(`detection: ${message}`);
  process.exit(2);
}

function num(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) fail(`--${name} must be a${integer ? 'n integer' : ' number'}, got "${value}"`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'cifar10-alexlike-base' },
      n: { type: 'string' },
      max: { type: 'string' },
      kappa: { type: 'string' },
      attacks: { type: 'string' },
      'lid-aware': { type: 'boolean', default: false },
      'aware-steps': { type: 'string' },
      sigma: { type: 'string' },
      seed: { type: 'string' },
      'tr-steps': { type: 'string' },
      'no-images': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const n = num('n', values.n, 260, true);
  const max = num('max', values.max, 200, true);
  const seed = num('seed', values.seed, 0, true);
  if (n < 1 || max < 1) fail('--n and --max must be ≥ 1');
  const sigma = values.sigma === undefined || values.sigma === 'match-l2' ? 'match-l2' as const : num('sigma', values.sigma, 0);
  if (typeof sigma === 'number' && sigma < 0) fail('--sigma must be ≥ 0 or match-l2');

  await tf.setBackend('wasm');
  await tf.ready();
  registerKernels();
  const { model, card } = await loadModelNode(values.model);
  const dataset = card.dataset;
  const normalization = NORMALIZATION[dataset];
  const kappas = (values.kappa ?? `0,${card.kappa.paper ?? card.kappa.default}`).split(',').map((k) => num('kappa', k.trim(), 0));
  if (kappas.some((k) => k < 0)) fail('--kappa values must be ≥ 0');
  const protocol = PAPER_PROTOCOL[dataset].map((c) =>
    c.key === 'trust-region' && values['tr-steps'] !== undefined ? { ...c, options: { ...c.options, steps: num('tr-steps', values['tr-steps'], 1000, true) } } : c);
  const keys = values.attacks ? values.attacks.split(',').map((s) => s.trim()) : protocol.map((c) => c.key);
  for (const key of keys) if (!protocol.some((c) => c.key === key)) fail(`unknown attack "${key}"; use ${protocol.map((c) => c.key).join(', ')}`);
  const columns = protocol.filter((c) => keys.includes(c.key));

  const shard = await loadShardNode(dataset);
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, n, 0);
  const r = await retrofit(model, 0);
  console.error(`detection: ${values.model}, first ${set.labels.length} ${dataset} test images, up to ${max} used, κ ∈ {${kappas.join(', ')}}, noise σ ${sigma}, backend ${tf.getBackend()}`);

  const rows: (Omit<LidDetectionResult, 'detector'> & { attack: string; title: string; options: Record<string, unknown>; seconds: number; images?: string; detector: Omit<LidDetectionResult['detector'], 'testScores' | 'testLabels'> & { testScores: number[]; testLabels: number[] } })[] = [];
  const imagesDir = values.out && !values['no-images'] ? join(dirname(values.out), `${basename(values.out, '.json')}.images`) : null;
  if (imagesDir) await mkdir(imagesDir, { recursive: true });
  const runs = kappas.flatMap((kappa) => [
    ...columns.map((c) => ({ kappa, key: c.key as string, title: c.title, options: c.options as Record<string, unknown>, craft: craftWithAttack(c.attack, c.options) })),
    // The LID-aware attack, and the same attack with λ = 0 (blind to the detector) as its control.
    ...(values['lid-aware'] ? [1, 0].map((lambda) => {
      const defaults = lidAwareDefaults(dataset);
      // Fewer steps (CPU time): steps of 2ε/steps, so half of them reach the ball's edge.
      const steps = num('aware-steps', values['aware-steps'], defaults.steps, true);
      const options = { ...defaults, lambda, ...(values['aware-steps'] !== undefined ? { steps, stepSize: (2 * defaults.epsilon) / steps } : {}) };
      return { kappa, key: lambda ? 'lid-aware' : 'lid-aware-blind', title: lambda ? 'LID-aware PGD' : 'same PGD, λ = 0', options: options as unknown as Record<string, unknown>, craft: lidAwareCraft(r, normalization, kappa, options) };
    }) : []),
  ]);
  for (const run of runs) {
    const t0 = Date.now();
    let captured: { clean: Float32Array; noisy: Float32Array; adversarial: Float32Array } | null = null;
    const result = await lidDetection(r, normalization, set, {
      kappa: run.kappa, craft: run.craft, sigma, seed, maxImages: max,
      onProgress: (p) => { if (p.stage === 'features' && p.done === p.total) console.error(`  ${run.key} κ = ${run.kappa}: features done (${((Date.now() - t0) / 1000).toFixed(0)} s)`); },
      ...(imagesDir ? { onImages: (imgs: { clean: Float32Array; noisy: Float32Array; adversarial: Float32Array }) => { captured = imgs; } } : {}),
    });
    const seconds = (Date.now() - t0) / 1000;
    let images: string | undefined;
    if (imagesDir && captured) {
      const c = captured as { clean: Float32Array; noisy: Float32Array; adversarial: Float32Array };
      images = join(imagesDir, `${run.key}-k${run.kappa}.f32`);
      const all = new Float32Array(c.clean.length * 3);
      all.set(c.clean, 0);
      all.set(c.noisy, c.clean.length);
      all.set(c.adversarial, 2 * c.clean.length);
      await writeFile(images, Buffer.from(all.buffer));
    }
    rows.push({ ...result, attack: run.key, title: run.title, options: run.options, seconds, ...(images ? { images } : {}) });
    console.error(`  ${run.key} κ = ${run.kappa}: AUC ${(100 * result.detector.auc).toFixed(2)}% on ${result.detector.testPerSet}×3 held out (${result.used} used of ${result.correct} correct, ${result.fooled} fooled; σ ${result.sigma.toPrecision(3)}, adv L2 ${result.meanAdversarialL2.toFixed(3)}, noise L2 ${result.meanNoiseL2.toFixed(3)}) ${seconds.toFixed(0)} s`);
  }

  const lines = [`LID detector AUC (%), ${values.model}: k = 20 in minibatches of 100, logistic regression (CV C), held-out 20%; paper Table 3 beside (network and κ not named there)`];
  lines.push(`${'attack'.padEnd(22)} ${kappas.map((k) => `κ = ${k}`.padStart(12)).join(' ')}   paper LID → LID+JumpReLU   used/test per set`);
  for (const key of [...columns.map((c) => c.key as string), ...(values['lid-aware'] ? ['lid-aware', 'lid-aware-blind'] : [])]) {
    const cells = kappas.map((k) => rows.find((row) => row.attack === key && row.kappa === k)!);
    // Table 3 is CIFAR-10 only.
    const paper = dataset === 'cifar10' ? (PAPER_TABLE3 as Record<string, { lid: number; jump: number }>)[key] : undefined;
    lines.push(`${cells[0].title.padEnd(22)} ${cells.map((c) => (100 * c.detector.auc).toFixed(2).padStart(12)).join(' ')}   ${paper ? `${paper.lid.toFixed(2)} → ${paper.jump.toFixed(2)}`.padEnd(24) : '—'.padEnd(24)}   ${cells.map((c) => `${c.used}/${c.detector.testPerSet}`).join(', ')}`);
  }
  console.log(lines.join('\n'));

  if (values.out) {
    const out = {
      version: 1,
      model: values.model,
      dataset,
      n: set.labels.length,
      max,
      seed,
      sigma,
      backend: tf.getBackend(),
      shard: shard.manifest.file,
      shape: shard.manifest.shape,
      paper: PAPER_TABLE3,
      rows,
    };
    await writeFile(values.out, `${JSON.stringify(out)}\n`);
    console.error(`detection: wrote ${values.out}${imagesDir ? ` and the images under ${imagesDir}` : ''}`);
  }
  set.x.dispose();
}

if (process.argv[1]?.endsWith('detection.ts')) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
