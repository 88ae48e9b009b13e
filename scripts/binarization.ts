/**
 * The binarization test (Zimmermann, Brendel, Tramèr, Carlini, NeurIPS 2022; src/core/metrics/binarization-test.ts)
 * on a shipped model, in Node on the wasm backend: per κ, the pass rate of each attack — the share of valid
 * samples on which it finds the adversarial example the construction guarantees within ε.
 *
 *   node --import tsx scripts/binarization.ts --model mnist-lenetlike-base --n 30 --kappa 0,1
 *
 * Options: --model <id>, --n <images> (the first n test images), --kappa <list> (default: 0 and the card's
 * paper κ), --eps <pixel units> (L∞ radius in [0, 1] pixel units; default 0.3 MNIST, 8/255 CIFAR-10;
 * divided by the data set's mean std into normalised units), --steps <PGD steps> (default 100),
 * --inner <random inner points> (default 49), --seed <int>, --update <reference file> (writes the pass rates into
 * it as its `binarization` section, which the adaptive panel shows; the file must be the model's):
 *   npm run binarization -- --model mnist-lenetlike-base --n 200 --update public/reference/mnist-lenetlike-base.json
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { apgdCeLinf } from '../src/core/attacks/apgd-ce';
import { passRate } from '../src/features/analysis/pass-rate';
import { deepFoolLinf } from '../src/core/attacks/deepfool';
import { fgsm } from '../src/core/attacks/fgsm';
import { pgd } from '../src/core/attacks/pgd';
import type { AttackDefinition } from '../src/core/attacks/types';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { binarizationTest, featuresFromRetrofit, type BinarizationAttack } from '../src/core/metrics/binarization-test';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { makeEvalSet } from '../src/core/metrics/eval-set';
import { loadModelNode } from '../src/core/models/load-node';
import { registerKernels } from '../src/core/op/register';
import { retrofit } from '../src/core/retrofit/retrofit';
import type { BinarizationSection } from '../src/core/metrics/reference-file';
import { failer, readJsonOption, runMain, numberOption, type Fail } from './cli';

const fail: Fail = failer('binarization');
const num = numberOption(fail);

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'mnist-lenetlike-base' },
      n: { type: 'string' },
      kappa: { type: 'string' },
      eps: { type: 'string' },
      steps: { type: 'string' },
      inner: { type: 'string' },
      seed: { type: 'string' },
      update: { type: 'string' },
    },
    strict: true,
  });
  const n = num('n', values.n, 30, true);
  const steps = num('steps', values.steps, 100, true);
  const inner = num('inner', values.inner, 49, true);
  const seed = num('seed', values.seed, 0, true);
  if (n < 1 || steps < 1 || inner < 0) fail('--n and --steps must be ≥ 1, --inner ≥ 0');
  // Read the file first, so a wrong path or another model's file fails before an hour of work.
  const existing = values.update === undefined ? null : readReference(values.update, values.model!);

  await tf.setBackend('wasm');
  await tf.ready();
  registerKernels();
  const { model, card } = await loadModelNode(values.model!);
  const dataset = card.dataset;
  const normalization = NORMALIZATION[dataset];
  const kappas = (values.kappa ?? `0,${card.kappa.paper}`).split(',').map((k) => num('kappa', k.trim(), 0));
  const epsPixel = num('eps', values.eps, dataset === 'mnist' ? 0.3 : 8 / 255);
  const meanStd = normalization.std.reduce((a, b) => a + b, 0) / normalization.std.length;
  const epsilon = epsPixel / meanStd;
  const shard = await loadShardNode(dataset);
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, n, 0);
  const r = await retrofit(model, 0);

  const stepSize = (2.5 * epsilon) / steps; // Madry's rule of thumb
  const attacks: BinarizationAttack[] = [
    { label: 'FGSM, exact gradients', attack: fgsm as AttackDefinition<object>, gradientMode: 'exact' },
    { label: 'FGSM, straight-through gradients', attack: fgsm as AttackDefinition<object>, gradientMode: 'straight-through' },
    { label: `PGD L∞ (${steps} steps), exact gradients`, attack: pgd as AttackDefinition<object>, options: { steps, stepSize, seed }, gradientMode: 'exact' },
    { label: `PGD L∞ (${steps} steps), straight-through gradients`, attack: pgd as AttackDefinition<object>, options: { steps, stepSize, seed }, gradientMode: 'straight-through' },
    { label: 'DeepFool L∞ (‖Δ‖∞ ≤ ε), exact gradients', attack: deepFoolLinf as AttackDefinition<object>, gradientMode: 'exact' },
    // AutoAttack's first attack. APGD-T is left out: its DLR loss divides by z_π1 − z_π3 and the binarized readout has 2 classes.
    { label: `APGD-CE L∞ (${steps} steps), exact gradients`, attack: apgdCeLinf as AttackDefinition<object>, options: { steps, seed }, gradientMode: 'exact' },
    { label: `APGD-CE L∞ (${steps} steps), straight-through gradients`, attack: apgdCeLinf as AttackDefinition<object>, options: { steps, seed }, gradientMode: 'straight-through' },
  ];
  console.log(`Binarization test (Zimmermann et al. 2022), ${values.model}, first ${n} test images, L∞ ε = ${epsPixel.toFixed(4)} pixel = ${epsilon.toFixed(4)} normalised, ${inner} inner points + x, 1 boundary point, seed ${seed}, wasm`);
  const rows: string[][] = [];
  const perKappa: BinarizationSection['kappas'] = [];
  const t0 = Date.now();
  for (const kappa of kappas) {
    const t = Date.now();
    const classifier = classifierFromRetrofit(r, normalization, kappa);
    const extractor = featuresFromRetrofit(r, normalization, kappa);
    // At κ = 0 the straight-through backward is the exact one bit for bit (gradient-mode.test.ts), so each
    // straight-through attack would repeat its exact twin's run: it is run once and reported for both.
    const twin = (a: BinarizationAttack) => attacks.findIndex((b) => b.gradientMode === 'exact' && b.attack === a.attack && JSON.stringify(b.options) === JSON.stringify(a.options));
    const run = attacks.filter((a) => kappa !== 0 || a.gradientMode !== 'straight-through' || twin(a) < 0);
    const res = await binarizationTest(classifier, extractor, set.x, set.labels, run, {
      norm: 'linf', epsilon, innerPoints: inner, gap: 0.05, boundaryFromCorners: false, seed,
      onProgress: ({ sample, samples }) => { if (sample % 10 === 0) console.error(`  κ = ${kappa}: sample ${sample + 1}/${samples} (${((Date.now() - t0) / 1000).toFixed(0)} s)`); },
    });
    const secs = ((Date.now() - t) / 1000).toFixed(0);
    console.log(`κ = ${kappa}: ${res.valid} valid of ${res.samples} (${res.misclassified} misclassified, ${res.invalid} readout not separable), mean readout epochs ${res.meanEpochs.toFixed(0)}, ${secs} s`);
    const results = attacks.map((a) => {
      const own = res.attacks[run.indexOf(a)];
      return own ?? { ...res.attacks[run.indexOf(attacks[twin(a)])], label: a.label };
    });
    for (const [k, a] of results.entries()) rows.push([String(kappa), a.label + (run.includes(attacks[k]) ? '' : ' (= exact at κ = 0)'), `${a.passed}/${a.valid}`, passRate(a)]);
    perKappa.push({ kappa, samples: res.samples, misclassified: res.misclassified, invalid: res.invalid, valid: res.valid, attacks: results });
  }
  const head = ['κ', 'attack', 'passed', 'pass rate'];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => `| ${cells.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((row) => console.log(line(row)));
  const seconds = (Date.now() - t0) / 1000;
  console.log(`total ${seconds.toFixed(0)} s`);
  set.x.dispose();
  if (existing && values.update) {
    const binarization: BinarizationSection = { n, epsPixel, epsilon, steps, inner, seed, kappas: perKappa, seconds };
    await writeFile(values.update, `${JSON.stringify({ ...existing, binarization }, null, 1)}\n`);
    console.error(`binarization: wrote the pass rates into ${values.update}`);
  }
}

function readReference(path: string, model: string): Record<string, unknown> {
  const json = readJsonOption(fail, 'update', path);
  if (json.model !== model) fail(`--update ${path}: a file for ${JSON.stringify(json.model)}, not ${model}`);
  return json;
}

runMain('binarization', main);
