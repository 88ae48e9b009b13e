/**
 * Reproduces the paper's Tables 2 (white-box) and 1 (gray-box) for a shipped model, in Node on the wasm
 * backend, and writes them as JSON (the app's reference results).
 *
 *   npm run reproduce -- --dataset mnist --model mnist-lenetlike-base --kappa 0,1 --n 1000 --out results.json --seed 0
 *
 * Options: --dataset mnist|cifar10, --model <id>, --kappa <list>, --n <images>, --seed <int> (0 = the
 * first n test images; other seeds pick a seeded random subset), --out <file>, --batch <int>,
 * --clip paper|pixel, --randomized <b> (adds a randomized JumpReLU white-box row, κ ~ U[0.6b, b]),
 * --tr-steps <int> (override the Trust Region step budget, paper 1000), --no-gray.
 * --adaptive adds, per κ, an `adaptive` section ("Is the defence real?": DeepFool under each gradient
 * mode, FMN, Square, each with boundary refinement; best of attacks; red flags) on the first
 * --adaptive-n images (default 200) of the same set:
 *   npm run reproduce -- --model mnist-lenetlike-base --kappa 0,1 --n 1000 --adaptive --out results.json
 * The adaptive section also holds robust accuracy at fixed ε (robust-accuracy.ts: APGD-CE, APGD-T, Square
 * on the pixel ε grid and the paper's ε, exact and straight-through gradients); budgets --apgd-steps
 * (default 100; 0 skips it), --apgd-targets (9), --ensemble-queries (1000), --apgd-restarts (1: APGD-CE
 * again from another random start on the images its first run left; the non-converging-restarts indicator).
 * With a randomized κ (--randomized <b>, or a randomized white-box row in the --update file) --adaptive
 * also writes `adaptiveRandomized` (randomized-ensemble.ts): the same ensemble on κ ~ U[0.6b, b] with EOT
 * (5 κ draws per APGD gradient), each image's final point judged on 5 fresh draws.
 * --randomized-only --update <file> --randomized <b> runs only `adaptiveRandomized` and keeps the file's adaptive section.
 * --table4-only --update <file> --randomized <b> adds (or replaces) the randomized white-box row (Table 4) on the file's
 * images with the file's protocol, and keeps everything else.
 * --adaptive-only --update <file> runs only that section and writes it into an existing result file in
 * place (model, dataset, seed and clip read from the file; κ from --kappa or the file's white-box rows):
 *   npm run reproduce -- --adaptive-only --update public/reference/mnist-lenetlike-base.json
 * --detection adds a `detection` section (Table 3: the LID detector's held-out AUC against IFGSM, DF∞, DF2,
 * TR and the LID-aware attack with its λ = 0 control, per κ; core/detection/detection-table.ts) with
 * --detection-n images used per row (default 200, of the first 8 × n test images) and --aware-steps
 * (default 30; 0 skips the LID-aware rows); --detection-only --update <file> writes only that section:
 *   npm run reproduce -- --detection-only --update public/reference/cifar10-alexlike-base.json --detection-n 200
 * Deterministic for a given seed: the attacks' only randomness is seeded (randomized κ, Square's search).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DatasetName } from '../src/core/data/manifest';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { loadModelNode } from '../src/core/models/load-node';
import { registerKernels } from '../src/core/op/register';
import { retrofit } from '../src/core/retrofit/retrofit';
import type { KappaSetting } from '../src/core/metrics/classifier-from-retrofit';
import { makeEvalSet } from '../src/core/metrics/eval-set';
import { formatTable } from '../src/core/metrics/format-table';
import { PAPER_PROTOCOL } from '../src/core/metrics/paper-protocol';
import { robustnessTable } from '../src/core/metrics/robustness-table';
import { ADAPTIVE_PROTOCOL, APGD_RESTARTS, ensembleFor } from '../src/core/metrics/adaptive-protocol';
import { adaptiveSuite, type AdaptiveSection } from '../src/core/metrics/adaptive-suite';
import { randomizedEnsemble, type RandomizedEnsemble } from '../src/core/metrics/randomized-ensemble';
import type { ExperimentSubject } from '../src/core/metrics/experiment';
import type { DetectionSection, ReferenceFile } from '../src/core/metrics/reference-file';
import { detectionTable } from '../src/core/detection/detection-table';
import { LID_BATCH } from '../src/core/detection/lid';
import { batchWithinBudget, NODE_BATCH_BUDGET } from '../src/core/models/batch-budget';
import { PAPER_TABLE3 } from '../src/features/analysis/paper-numbers';
import { failer, readJsonOption, runMain, numberOption, type Fail } from './cli';

const fail: Fail = failer('reproduce');
const num = numberOption(fail);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'mnist' },
      model: { type: 'string' },
      kappa: { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      batch: { type: 'string' },
      clip: { type: 'string', default: 'paper' },
      randomized: { type: 'string' },
      'tr-steps': { type: 'string' },
      'no-gray': { type: 'boolean', default: false },
      adaptive: { type: 'boolean', default: false },
      'adaptive-only': { type: 'boolean', default: false },
      'randomized-only': { type: 'boolean', default: false },
      'table4-only': { type: 'boolean', default: false },
      'adaptive-n': { type: 'string' },
      'apgd-steps': { type: 'string' },
      'apgd-targets': { type: 'string' },
      'ensemble-queries': { type: 'string' },
      'apgd-restarts': { type: 'string' },
      detection: { type: 'boolean', default: false },
      'detection-only': { type: 'boolean', default: false },
      'detection-n': { type: 'string' },
      'aware-steps': { type: 'string' },
      update: { type: 'string' },
    },
    strict: true,
  });
  const only = (['adaptive-only', 'randomized-only', 'table4-only', 'detection-only'] as const).filter((k) => values[k]);
  if (only.length > 1) fail(`--${only.join(' and --')}: one section per --update run`);
  if ((only.length === 1) !== (values.update !== undefined)) fail('--adaptive-only, --randomized-only, --table4-only or --detection-only and --update <file> go together');
  // The file being updated decides what the section is measured on, so it matches the rest of the file.
  const existing = values.update ? await readResult(values.update) : null;
  if (existing) {
    values.model = existing.model;
    values.dataset = existing.dataset;
    values.seed = String(existing.seed);
    values.clip = existing.clip;
    values.kappa ??= existing.kappas.join(',');
    values.randomized ??= existing.randomizedB === null ? undefined : String(existing.randomizedB);
    // Table 4's row sits beside the file's Table 2 rows: the same images.
    if (values['table4-only']) values.n = String(existing.count);
  }
  const dataset = values.dataset as DatasetName;
  if (!(dataset in NORMALIZATION)) fail(`--dataset must be mnist or cifar10, got "${values.dataset}"`);
  const modelId = values.model ?? `${dataset === 'mnist' ? 'mnist-lenetlike' : 'cifar10-alexlike'}-base`;
  const kappas = (values.kappa ?? (dataset === 'mnist' ? '0,1' : '0,0.4')).split(',').map((k) => num('kappa', k.trim(), 0));
  if (kappas.some((k) => k < 0)) fail('--kappa values must be ≥ 0');
  const n = num('n', values.n, 1000, true);
  const seed = num('seed', values.seed, 0, true);
  const requestedBatch = num('batch', values.batch, 250, true);
  if (values.clip !== 'paper' && values.clip !== 'pixel') fail('--clip must be paper or pixel');
  const clip = values.clip;

  await tf.setBackend('wasm');
  await tf.ready();
  registerKernels();

  const normalization = NORMALIZATION[dataset];
  const { model, card } = await loadModelNode(modelId);
  if (card.dataset !== dataset) fail(`model ${modelId} is a ${card.dataset} model, not ${dataset}`);
  const shard = await loadShardNode(dataset);
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, n, seed);
  const retrofitted = await retrofit(model, 0);
  // The wasm heap stops at 2 GB: a large network's attack batch is capped by its activations (batch-budget.ts).
  const batchSize = batchWithinBudget(model, requestedBatch, NODE_BATCH_BUDGET);
  if (batchSize < requestedBatch) console.error(`reproduce: attack batches of ${batchSize} images (not ${requestedBatch}): ${modelId}'s activations would pass the wasm heap's budget`);

  const protocol = PAPER_PROTOCOL[dataset].map((c) =>
    c.key === 'trust-region' && values['tr-steps'] !== undefined ? { ...c, options: { ...c.options, steps: num('tr-steps', values['tr-steps'], 1000, true) } } : c,
  );
  const adaptiveN = num('adaptive-n', values['adaptive-n'], 200, true);
  if (adaptiveN < 1) fail('--adaptive-n must be ≥ 1');
  // The fixed-ε ensemble: AutoAttack's budgets by default (Square: 1000 of its 5000 queries); --apgd-steps 0 skips it.
  const ensemble = {
    steps: num('apgd-steps', values['apgd-steps'], 100, true),
    targetClasses: num('apgd-targets', values['apgd-targets'], 9, true),
    queries: num('ensemble-queries', values['ensemble-queries'], 1000, true),
    restarts: num('apgd-restarts', values['apgd-restarts'], APGD_RESTARTS, true),
  };
  if (ensemble.steps < 0 || ensemble.targetClasses < 1 || ensemble.queries < 1 || ensemble.restarts < 0) {
    fail('--apgd-steps and --apgd-restarts must be ≥ 0, --apgd-targets and --ensemble-queries ≥ 1');
  }
  const randomizedB = values.randomized === undefined ? null : num('randomized', values.randomized, 0);
  if (randomizedB !== null && !(randomizedB > 0)) fail(`--randomized must be a positive κ bound b (κ ~ U[0.6b, b]), got ${values.randomized}`);
  const adaptiveProtocol = ensemble.steps > 0 ? { ...ADAPTIVE_PROTOCOL[dataset], ensemble: ensembleFor(dataset, ensemble) } : ADAPTIVE_PROTOCOL[dataset];
  /** Per κ the adaptive section; with a randomized κ and the ensemble on, the randomized model's EOT rows too. */
  const runAdaptive = async (perKappa = true): Promise<{ sections: AdaptiveSection[]; randomized: RandomizedEnsemble | null }> => {
    const sub = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, Math.min(adaptiveN, n), seed);
    const subject: ExperimentSubject = { retrofitted, normalization, set: sub };
    const sections: AdaptiveSection[] = [];
    let randomized: RandomizedEnsemble | null = null;
    const t0 = Date.now();
    try {
      for (const kappa of perKappa ? kappas : []) {
        let stage = '';
        sections.push(await adaptiveSuite(subject, kappa, adaptiveProtocol, {
          batchSize, clip,
          onProgress: (p) => {
            if (p.stage !== stage) console.error(`  [${p.stageIndex + 1}/${p.stages}] ${(stage = p.stage)}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
          },
        }));
        console.log(formatAdaptive(sections.at(-1)!));
      }
      if (randomizedB !== null && ensemble.steps > 0) {
        const r0 = Date.now();
        randomized = await randomizedEnsemble(subject, dataset, randomizedB, seed, ensemble, {
          batchSize,
          onProgress: (p) => console.error(`  [randomized ${p.stageIndex + 1}/${p.stages}] ${p.stage}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`),
        });
        console.log(formatRandomized(randomized, (Date.now() - r0) / 1000));
      } else if (randomizedB !== null) console.error('reproduce: --apgd-steps 0, so the randomized model\'s EOT section is not run');
    } finally {
      sub.x.dispose();
    }
    return { sections, randomized };
  };
  const detectionN = num('detection-n', values['detection-n'], 200, true);
  const awareSteps = num('aware-steps', values['aware-steps'], 30, true);
  if (detectionN < 1 || awareSteps < 0) fail('--detection-n must be ≥ 1 and --aware-steps ≥ 0');
  /** Table 3 (core/detection/detection-table.ts): the first 8 × n test images are the pool the rows keep n of. */
  const runDetection = async (): Promise<DetectionSection> => {
    const pool = Math.min(shard.manifest.count, 8 * detectionN);
    const sub = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, pool, 0);
    const trSteps = Number(protocol.find((c) => c.key === 'trust-region')?.options.steps ?? 0);
    const t0 = Date.now();
    try {
      const t = await detectionTable(retrofitted, normalization, dataset, sub, kappas, {
        sample: detectionN, batch: LID_BATCH, sigma: 'match-l2', trSteps, awareSteps,
        onProgress: (p) => { if (p.fraction === 0) console.error(`  [${p.row + 1}/${p.total}] ${p.label}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`); },
      });
      const section: DetectionSection = { n: detectionN, pool, batch: LID_BATCH, k: t.k, sigma: 'match-l2', trSteps, awareSteps, taps: t.taps, rows: t.rows, seconds: (Date.now() - t0) / 1000 };
      console.log(formatDetection(section, modelId));
      return section;
    } finally {
      sub.x.dispose();
    }
  };
  /** An --update run: the new sections merged into the file (the rest kept), said on stderr, the set released. */
  const writeSections = async (sections: Record<string, unknown>, what: string): Promise<void> => {
    await writeFile(values.update!, `${JSON.stringify({ ...existing!.json, ...sections }, null, 1)}\n`);
    console.error(`reproduce: wrote ${what} into ${values.update}`);
    set.x.dispose();
  };
  if (existing && values.update && values['detection-only']) {
    console.error(`reproduce: detection section only, ${modelId}, n = ${detectionN} per row, κ ∈ {${kappas.join(', ')}}, into ${values.update}`);
    const detection = await runDetection();
    await writeSections({ detection }, 'the detection section');
    return;
  } else if (existing && values.update && values['table4-only']) {
    if (randomizedB === null) fail('--table4-only needs --randomized <b> (the paper\'s Table 4 b: MNIST 1, AlexLike 0.5, WideResNet 0.09, MobileNetV2 0.08)');
    // The file's own protocol (its Trust Region budget included), so the row is measured as its other rows were.
    const own = Array.isArray(existing.json.protocol) ? (existing.json.protocol as typeof protocol) : protocol;
    console.error(`reproduce: Table 4's randomized white-box row only, ${modelId}, κ ~ U[${0.6 * randomizedB}, ${randomizedB}] (seed ${seed}), ${set.labels.length} images, into ${values.update}`);
    const t0 = Date.now();
    let stage = '';
    const table = await robustnessTable({ retrofitted, normalization, set }, [{ randomized: { b: randomizedB, seed } }], own, {
      batchSize, clip, grayBox: false,
      onProgress: (p) => { if (p.stage !== stage) console.error(`  [${p.stageIndex + 1}/${p.stages}] ${(stage = p.stage)}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`); },
    });
    console.log(formatTable(table.whiteBox, own, `White-box, randomized JumpReLU (Table 4): ${modelId}, n = ${table.count}`));
    const rows = (existing.json.whiteBox as { kappa: unknown }[]).filter((r) => typeof r.kappa === 'number');
    await writeSections({ whiteBox: [...rows, ...table.whiteBox] }, `the randomized white-box row (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return;
  } else if (existing && values.update && values['randomized-only']) {
    if (randomizedB === null || ensemble.steps === 0) fail('--randomized-only needs --randomized <b> (or a randomized white-box row in the file) and --apgd-steps > 0');
    console.error(`reproduce: randomized model's EOT section only, ${modelId}, ${Math.min(adaptiveN, n)} images (seed ${seed}), b = ${randomizedB}, into ${values.update}`);
    const { randomized } = await runAdaptive(false);
    await writeSections({ adaptiveRandomized: randomized }, 'the randomized model\'s EOT section');
    return;
  } else if (existing && values.update) {
    console.error(`reproduce: adaptive section only, ${modelId}, ${Math.min(adaptiveN, n)} images (seed ${seed}), κ ∈ {${kappas.join(', ')}}, into ${values.update}`);
    const { sections: adaptive, randomized } = await runAdaptive();
    await writeSections({ adaptive, ...(randomized ? { adaptiveRandomized: randomized } : {}) }, `the adaptive section${randomized ? ' and the randomized model\'s EOT section' : ''}`);
    return;
  }

  const settings: KappaSetting[] = [...kappas];
  if (randomizedB !== null) settings.push({ randomized: { b: randomizedB, seed } });

  console.error(`reproduce: ${modelId} on ${set.labels.length} ${dataset} test images (seed ${seed}), κ ∈ {${kappas.join(', ')}}, clip ${clip}, backend ${tf.getBackend()}`);
  const started = Date.now();
  let lastStage = '';
  const table = await robustnessTable({ retrofitted, normalization, set }, settings, protocol, {
    batchSize,
    clip,
    grayBox: !values['no-gray'],
    onProgress: (p) => {
      if (p.stage !== lastStage) {
        lastStage = p.stage;
        console.error(`  [${p.stageIndex + 1}/${p.stages}] ${p.stage}  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    },
  });
  const seconds = (Date.now() - started) / 1000;

  console.log(formatTable(table.whiteBox, protocol, `White-box (Table 2): ${modelId}, n = ${table.count}`));
  if (table.grayBox.length) {
    console.log('');
    console.log(formatTable(table.grayBox, protocol, `Gray-box (Table 1): crafted on κ = 0, evaluated at κ; ${modelId}, n = ${table.count}`));
  }
  console.log(`\n${seconds.toFixed(0)} s on ${tf.getBackend()}`);
  const adaptiveRun = values.adaptive ? await runAdaptive() : undefined;
  const detection = values.detection ? await runDetection() : undefined;

  if (values.out) {
    const result: ReferenceFile = {
      version: 1,
      model: modelId,
      dataset,
      count: table.count,
      seed,
      clip,
      backend: tf.getBackend(),
      shard: shard.manifest.file,
      protocol,
      whiteBox: table.whiteBox,
      grayBox: table.grayBox,
      seconds,
      ...(adaptiveRun ? { adaptive: adaptiveRun.sections } : {}),
      ...(adaptiveRun?.randomized ? { adaptiveRandomized: adaptiveRun.randomized } : {}),
      ...(detection ? { detection } : {}),
    };
    await writeFile(values.out, `${JSON.stringify(result, null, 1)}\n`);
    console.error(`reproduce: wrote ${values.out}`);
  }
  set.x.dispose();
}

/** An existing result file: its JSON and what the adaptive section must be measured on. */
async function readResult(path: string) {
  const json = readJsonOption(fail, 'update', path);
  const { model, dataset, seed, clip, whiteBox } = json as { model?: unknown; dataset?: unknown; seed?: unknown; clip?: unknown; whiteBox?: { kappa: unknown }[] };
  if (typeof model !== 'string' || typeof dataset !== 'string' || !Array.isArray(whiteBox)) fail(`--update ${path}: not a reproduce result (needs model, dataset, whiteBox)`);
  // A randomized white-box row (κ ~ U[0.6b, b]) asks for the randomized model's EOT section too.
  const randomizedRow = whiteBox.map((r) => r.kappa).find((k): k is { randomized: { b: number } } =>
    typeof k === 'object' && k !== null && typeof (k as { randomized?: { b?: unknown } }).randomized?.b === 'number');
  return {
    randomizedB: randomizedRow ? randomizedRow.randomized.b : null,
    count: typeof json.count === 'number' ? json.count : 1000,
    json,
    model,
    dataset,
    seed: typeof seed === 'number' ? seed : 0,
    clip: clip === 'pixel' ? 'pixel' : 'paper',
    kappas: whiteBox.map((r) => r.kappa).filter((k): k is number => typeof k === 'number'),
  };
}

/** The detection section beside the paper's Table 3 (stdout). */
function formatDetection(s: DetectionSection, modelId: string): string {
  const lines = [`LID detector AUC (%), ${modelId}: n = ${s.n} per row (first ${s.pool} test images), k = ${s.k} in minibatches of ${s.batch}, held-out 20 %; paper Table 3 (CIFAR-10, network and κ not named)`];
  for (const r of s.rows) {
    const paper = (PAPER_TABLE3 as Record<string, { lid: number; jump: number } | undefined>)[r.attack];
    const p = paper ? ` paper ${(r.kappa === 0 ? paper.lid : paper.jump).toFixed(2)}` : '';
    lines.push(`  ${r.title.padEnd(26)} κ = ${String(r.kappa).padEnd(5)} ${r.error ? `— ${r.error}` : `${(100 * r.auc).toFixed(2)}${p}  (${r.used} used, ${r.testPerSet} held out per set)`}`);
  }
  return lines.join('\n');
}

/** The randomized model's EOT rows (stdout): mean over the κ draws and the range, with the attacks as run. */
function formatRandomized(r: RandomizedEnsemble, seconds: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines = [`Randomized κ ~ U[${+(0.6 * r.b).toFixed(4)}, ${r.b}] (seed ${r.seed}), n = ${r.rows[0]?.count ?? 0}: EOT ${r.eotSamples} κ draws per APGD gradient, final points judged on ${r.draws} fresh draws; ${seconds.toFixed(0)} s`];
  for (const row of r.rows) {
    const d = row.drawAccuracies ?? [row.robustAccuracy];
    lines.push(`  robust accuracy at ε ${row.label.padEnd(34)} ${row.gradientMode.padEnd(16)} ${pct(row.robustAccuracy).padStart(6)} mean (draws ${pct(Math.min(...d))} – ${pct(Math.max(...d))}; ${row.attacks})`);
  }
  return lines.join('\n');
}

/** The adaptive section as a small text table (stdout), beside the JSON. */
function formatAdaptive(s: AdaptiveSection): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines = [`Adaptive attacks at κ = ${s.kappa}, n = ${s.count} (ρ in each attack's norm; refined: bisection to the boundary along δ)`];
  for (const [key, c] of Object.entries(s.cells)) {
    lines.push(`  ${key.padEnd(32)} ρ ${pct(c.rho).padStart(6)}  refined ${pct(c.rhoRefined).padStart(6)}  fooled ${pct(c.foolRate).padStart(6)}  iterations ${c.meanIterations.toFixed(1)}`);
  }
  lines.push(`  ${'best of all attacks'.padEnd(32)} ρ₂ ${pct(s.bestOf.rhoL2)}  ρ∞ ${pct(s.bestOf.rhoLinf)}  fooled ${pct(s.bestOf.foolRate)}`);
  for (const r of s.robustAccuracy?.rows ?? []) {
    lines.push(`  robust accuracy at ε ${r.label.padEnd(34)} ${r.gradientMode.padEnd(16)} ${pct(r.robustAccuracy).padStart(6)}  (clean ${pct(r.cleanAccuracy)}; ${r.attacks})`);
  }
  for (const [name, f] of Object.entries(s.redFlags)) lines.push(`  ${f.flagged ? 'RED FLAG' : 'ok'.padEnd(8)} ${name}: ${f.explanation}`);
  for (const i of s.failureIndicators ?? []) if (i.triggered) lines.push(`  INDICATOR ${i.message}`);
  return lines.join('\n');
}

runMain('reproduce', main);
