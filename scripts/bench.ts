/**
 * `npm run bench`: speed, always as a ratio against a baseline measured in the same run, never as a timed
 * assertion. JumpRelu kernel vs TF.js's built-in Relu on the same tensor:
 *  - Node: cpu and wasm backends, directly;
 *  - Chromium (Debian's, headless, via Playwright and a Vite dev server): wasm, webgl, webgpu through the
 *    diagnostics page's benchmark mode. Software WebGPU/WebGL (no GPU) get small tensors only.
 * Writes bench/results.json so changes are comparable across commits.
 *
 *   npm run bench [-- --no-browser] [-- --kernel-only] [-- --quick] [-- --adaptive-only] [-- --detection-only] [-- --classroom-only] [-- --torch-only] [-- --app-only]
 * --detection-only times the Table 3 panel's computation (core/bench/detection-bench.ts) on wasm in Node and Chromium.
 * --adaptive-only runs only the adaptive-suite rows (wasm, in Node and in Chromium through the diagnostics
 * page's adaptivebench mode: DeepFool straight-through, FMN, Square, and the fixed-ε ensemble's APGD-CE and
 * APGD-T L∞ on 100 MNIST images, against the paper-protocol DeepFool) and updates their key in
 * bench/results.json; with --no-browser, Node only; --images <n> runs on n images and only prints.
 *
 * Plus DeepFool L2 in TF.js wasm vs PyTorch CPU, one thread each (scripts/bench-torch.ts; `--torch-only`
 * runs that row alone and updates its key in bench/results.json, `--no-torch` skips it; `--conv-parts` times the parts
 * of a Winograd convolution built from TF.js ops against tf.conv2d (core/bench/conv-parts.ts); `--torch-only --profile`
 * adds the TF.js side's time per kernel; `--torch-only --model <id>` runs and updates only that model's row).
 * --app-only: only the app's κ-change rows with their main-thread long tasks, printed, results.json untouched.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { chromium, type Browser } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import { benchKernel, type KernelBenchRow } from '../src/core/bench/kernel-bench';
import { registerKernels } from '../src/core/op/register';
import { CHROMIUM } from '../playwright.config';
import { benchApp, type AppBenchRow } from './bench-app';
import { benchClassroom, type ClassroomRow } from './bench-classroom';
import { benchModels } from './bench-models';
import { benchConvParts } from '../src/core/bench/conv-parts';
import { benchTorch, profileDeepFool, TORCH_MODELS, type TorchRow } from './bench-torch';
import type { DeepFoolRow, ForwardRow, KappaRow } from '../src/core/bench/model-bench';
import { benchAdaptive, type AdaptiveBenchRow } from '../src/core/bench/adaptive-bench';
import { benchDetection, DETECTION_BENCH, type DetectionBenchRow } from '../src/core/bench/detection-bench';
import { loadShardNode } from '../src/core/data/shard-node';
import { loadModelNode } from '../src/core/models/load-node';

type Row = KernelBenchRow & { where: string; note?: string };

/** The models of the browser model rows (Node's rows take every base model of index.json); each only once its card exists. */
const BENCH_MODELS = ['mnist-lenetlike-base', 'cifar10-alexlike-base', 'cifar10-resnet20-base', 'cifar10-mobilenetv2-base'];
/** Not run on a software rasteriser: with ResNet-20 (21 convolutions) there the bench was still on it after 25 min. */
const NOT_ON_SOFTWARE_GPU = new Set(['cifar10-resnet20-base', 'cifar10-mobilenetv2-base']);

async function nodeRows(): Promise<Row[]> {
  registerKernels();
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const size of [1 << 16, 1 << 20]) rows.push({ ...(await benchKernel(size)), where: 'node' });
  }
  return rows;
}

type Where<T> = T & { where: string; note?: string };
interface ModelRows { forward: Where<ForwardRow>[]; kappa: Where<KappaRow>[]; deepfool: Where<DeepFoolRow>[] }

/** The model benchmarks on one browser backend, through the diagnostics page (same code as Node's). */
async function browserModelRows(browser: Browser, backend: string, software: boolean, out: ModelRows): Promise<void> {
  // A software GPU is ~100× slower than a real one: it gets small runs that still compare like with like.
  const size = software
    ? { forward: 100, repeats: 7, kappa: 200, moves: 5, deepfool: 20 }
    : { forward: 1000, repeats: 9, kappa: 1000, moves: 15, deepfool: 100 };
  const note = software ? { note: 'software rasteriser (no GPU here)' } : {};
  for (const model of BENCH_MODELS) {
    if (!existsSync(`public/models/${model}/card.json`) || (software && NOT_ON_SOFTWARE_GPU.has(model))) continue;
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=${backend}&modelbench=${model}&forward=${size.forward}&repeats=${size.repeats}`
        + `&kappa=${size.kappa}&moves=${size.moves}&deepfool=${size.deepfool}`);
      const res = (await page.waitForFunction(() => window.__modelBench, undefined, { timeout: 900_000 }).then((h) => h.jsonValue()))!;
      if ('error' in res) throw new Error(`${backend} ${model}: ${res.error}`);
      if (res.forward) out.forward.push({ ...res.forward, where: 'chromium', ...note });
      if (res.kappa) out.kappa.push({ ...res.kappa, where: 'chromium', ...note });
      if (res.deepfool) out.deepfool.push({ ...res.deepfool, where: 'chromium', ...note });
    } finally {
      await page.close();
    }
  }
}

export interface SliderRow { model: string; threads: number | null; batch: number; images: number; moves: number; medianMs: number; p95Ms: number;
  ratio: number; macsPerImage: number; gmacPerS: number; peakMB: number }

/**
 * The κ slider's compute in Chromium (wasm), per shipped model: the app's thread pool (as TF.js sizes it) against
 * one thread and two, and the forward batch of 250 against 50, each as a ratio to the app's own setting in the
 * same run, with the multiply-add rate achieved. Order: app, one thread, two threads, batch 50.
 */
async function sliderRows(browser: Browser): Promise<SliderRow[]> {
  const rows: SliderRow[] = [];
  const configs = [{ threads: null, batch: 250 }, { threads: 1, batch: 250 }, { threads: 2, batch: 250 }, { threads: null, batch: 50 }];
  for (const model of BENCH_MODELS) {
    if (!existsSync(`public/models/${model}/card.json`)) continue;
    let base = NaN;
    for (const c of configs) {
      const page = await browser.newPage();
      try {
        await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=wasm&modelbench=${model}&forward=0&deepfool=0&single=0&kappa=1000&moves=5`
          + `&kbatch=${c.batch}${c.threads ? `&threads=${c.threads}` : ''}`);
        const res = (await page.waitForFunction(() => window.__modelBench, undefined, { timeout: 900_000 }).then((h) => h.jsonValue()))!;
        if ('error' in res) throw new Error(`${model}: ${res.error}`);
        const k = res.kappa!;
        if (Number.isNaN(base)) base = k.medianMs;
        rows.push({ model, threads: res.threads, batch: k.batch, images: k.images, moves: k.kappas, medianMs: k.medianMs, p95Ms: k.p95Ms,
          ratio: k.medianMs / base, macsPerImage: k.macsPerImage, gmacPerS: k.gmacPerS, peakMB: k.peakMB });
      } finally {
        await page.close();
      }
    }
  }
  return rows;
}

/** The Vite dev server on port 5199 and Debian's headless Chromium, for `use`; both closed afterwards. */
async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const server = await createServer({ server: { port: 5199, strictPort: true }, logLevel: 'error' });
  await server.listen();
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      return await use(browser);
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

async function browserRows(quick: boolean, withModels: boolean, appOnly = false): Promise<{ kernel: Row[]; app: AppBenchRow[]; slider: SliderRow[]; models: ModelRows }> {
  const rows: Row[] = [];
  const app: AppBenchRow[] = [];
  const slider: SliderRow[] = [];
  const models: ModelRows = { forward: [], kappa: [], deepfool: [] };
  await withBrowser(async (browser) => {
    for (const backend of appOnly ? [] : ['wasm', 'webgl', 'webgpu']) {
      const page = await browser.newPage();
      // Probe the adapter first: a software GPU gets one small size (it is ~1000× slower).
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=${backend}&bench=4096`);
      const probe = (await page.waitForFunction(() => window.__bench, undefined, { timeout: 300_000 }).then((h) => h.jsonValue()))!;
      if ('error' in probe) { rows.push({ backend, where: 'chromium', size: 0, reluMs: NaN, jumpReluMs: NaN, ratio: NaN, gradReluMs: NaN, gradJumpReluMs: NaN, gradRatio: NaN, note: probe.error }); continue; }
      const adapter = probe.adapter as { isFallbackAdapter?: boolean; architecture?: string } | null;
      const software = backend !== 'wasm' && (!adapter || adapter.isFallbackAdapter || /swiftshader/i.test(adapter.architecture ?? ''));
      const sizes = software ? '65536' : '65536,1048576';
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=${backend}&bench=${sizes}`);
      const res = (await page.waitForFunction(() => window.__bench, undefined, { timeout: 600_000 }).then((h) => h.jsonValue()))!;
      if ('error' in res) throw new Error(res.error);
      for (const r of res.rows) rows.push({ ...r, where: 'chromium', ...(software ? { note: 'software rasteriser (no GPU here)' } : {}) });
      await page.close();
      // --quick skips the model rows on a software GPU (~6 minutes of the run, and no real GPU's numbers).
      if (withModels && !(quick && software)) await browserModelRows(browser, backend, software, models);
    }
    // κ moves through the real app: 15 distinct κ values (no cache hits), 1,000 images each.
    const kappas = (max: number) => Array.from({ length: 15 }, (_, i) => Number(((i + 1) * max / 16).toFixed(3)));
    app.push(...await benchApp(browser, 'http://127.0.0.1:5199/', [
      { model: 'mnist-lenetlike-base', images: 1000, kappas: kappas(1.5) },
      { model: 'cifar10-alexlike-base', images: 1000, kappas: kappas(0.8) },
      { model: 'cifar10-resnet20-base', images: 1000, kappas: kappas(0.2) },
      { model: 'cifar10-mobilenetv2-base', images: 1000, kappas: kappas(0.2) },
    ].filter((r) => existsSync(`public/models/${r.model}/card.json`))));
    slider.push(...await sliderRows(browser));
  });
  return { kernel: rows, app, slider, models };
}

function printApp(app: AppBenchRow[], slider: SliderRow[]): void {
  console.log('κ change → clean accuracy through the app (Chromium, wasm): first estimate and final figure of the progressive sweep, '
    + 'against the full-batch sweep (the app before) in the same run; worker compute; main-thread long tasks; ms:');
  console.table(app.map(fmt));
  console.log('κ change compute (Chromium, wasm, 1,000 images): wasm threads vs one thread, batch 250 vs 50 (ratio = time / the app\'s setting), '
    + 'multiply-adds per image and the rate achieved (GMAC/s):');
  console.table(slider.map(fmt));
}

const fmt = (o: object): Record<string, string | number> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v]));

interface AdaptiveResults {
  rows: (AdaptiveBenchRow & { where: 'node' | 'chromium' })[];
  node: { suiteSeconds: number; ensembleSeconds: number; cpuSeconds: number };
  /** Wall time only (the browser's CPU time is not measured); null with --no-browser. */
  chromium: { suiteSeconds: number; ensembleSeconds?: number; wasm: unknown } | null;
}

const ADAPTIVE_MODEL = 'mnist-lenetlike-base';
const ADAPTIVE_IMAGES = 100;

/** The same benchAdaptive in Chromium on wasm, through the diagnostics page's adaptivebench mode. */
async function chromiumAdaptive(images: number): Promise<{ rows: AdaptiveBenchRow[]; suiteSeconds: number; ensembleSeconds?: number; wasm: unknown }> {
  return withBrowser(async (browser) => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=wasm&adaptivebench=${ADAPTIVE_MODEL}&images=${images}`);
      // Each attack runs twice (timed, then profiled for peak memory): ~10 min on a loaded 2-core machine.
      const res = (await page.waitForFunction(() => window.__adaptiveBench, undefined, { timeout: 3_600_000, polling: 1000 }).then((h) => h.jsonValue()))!;
      if ('error' in res) throw new Error(`chromium wasm adaptivebench: ${res.error}`);
      return res;
    } finally {
      await page.close();
    }
  });
}

/**
 * The adaptive suite's attacks on wasm in Node and (unless --no-browser) in Chromium
 * (target: the three adaptive attacks ≤ 60 s on 100 MNIST images).
 */
async function adaptiveRows(withChromium: boolean, images = ADAPTIVE_IMAGES): Promise<AdaptiveResults> {
  registerKernels();
  await tf.setBackend('wasm');
  await tf.ready();
  const loaded = await loadModelNode(ADAPTIVE_MODEL);
  let node: { rows: AdaptiveBenchRow[]; suiteSeconds: number; ensembleSeconds: number };
  let cpuSeconds: number;
  try {
    // CPU time beside wall time: on a shared machine the wall clock mostly measures the other processes.
    const cpu0 = process.cpuUsage();
    node = await benchAdaptive(loaded, await loadShardNode('mnist'), images);
    const cpu = process.cpuUsage(cpu0);
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
  } finally {
    loaded.model.dispose();
  }
  const browser = withChromium ? await chromiumAdaptive(images) : null;
  const rows: AdaptiveResults['rows'] = [...node.rows.map((r) => ({ where: 'node' as const, ...r })), ...(browser?.rows ?? []).map((r) => ({ where: 'chromium' as const, ...r }))];
  console.log('Adaptive suite attacks (each with boundary refinement), wall seconds, ratio = seconds / paper-protocol DeepFool L2 seconds in the same run and place:');
  console.table(rows.map((r) => fmt({ where: r.where, backend: r.backend, attack: r.attack, images: r.images, seconds: r.seconds, ratio: r.ratio, foolRate: r.foolRate, peakMB: r.peakMB })));
  console.log(`DeepFool-ST + FMN + Square, target ≤ 60 s: Node ${node.suiteSeconds.toFixed(1)} s wall (this process used ${cpuSeconds.toFixed(1)} s of CPU for all rows, timed and profiled runs)`);
  console.log(`APGD-CE + APGD-T (one ε, one gradient mode of the fixed-ε ensemble): Node ${node.ensembleSeconds.toFixed(1)} s wall`);
  if (browser) console.log(`  Chromium ${browser.suiteSeconds.toFixed(1)} s wall time, APGD ${browser.ensembleSeconds?.toFixed(1) ?? '?'} s (the browser's CPU time is not measured; wasm ${JSON.stringify(browser.wasm)})`);
  return { rows, node: { suiteSeconds: node.suiteSeconds, ensembleSeconds: node.ensembleSeconds, cpuSeconds }, chromium: browser ? { suiteSeconds: browser.suiteSeconds, ensembleSeconds: browser.ensembleSeconds, wasm: browser.wasm } : null };
}

const DETECTION_MODEL = 'mnist-lenetlike-base';

/**
 * The Table 3 panel's computation (core/bench/detection-bench.ts, the panel's defaults) on wasm in Node and,
 * unless --no-browser, in Chromium through the diagnostics page's detectionbench mode.
 */
async function detectionRows(withChromium: boolean): Promise<{ rows: (DetectionBenchRow & { where: string })[]; node: number; chromium: number | null; leaked: number[] }> {
  registerKernels();
  await tf.setBackend('wasm');
  await tf.ready();
  const loaded = await loadModelNode(DETECTION_MODEL);
  let node: Awaited<ReturnType<typeof benchDetection>>;
  try {
    node = await benchDetection(loaded, await loadShardNode('mnist'));
  } finally {
    loaded.model.dispose();
  }
  const browser = withChromium ? await withBrowser(async (b) => {
    const page = await b.newPage();
    try {
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=wasm&detectionbench=${DETECTION_MODEL}`);
      const res = (await page.waitForFunction(() => window.__detectionBench, undefined, { timeout: 3_600_000, polling: 1000 }).then((h) => h.jsonValue()))!;
      if ('error' in res) throw new Error(`chromium wasm detectionbench: ${res.error}`);
      return res;
    } finally {
      await page.close();
    }
  }) : null;
  const rows = [...node.rows.map((r) => ({ where: 'node', ...r })), ...(browser?.rows ?? []).map((r) => ({ where: 'chromium', ...r }))];
  console.log(`Table 3 panel (LID detector, ${DETECTION_BENCH.sample} images per row in minibatches of ${DETECTION_BENCH.batch}, LID-aware ${DETECTION_BENCH.awareSteps} steps, TR off), ${DETECTION_MODEL}, wall seconds:`);
  console.table(rows.map((r) => fmt({ where: r.where, attack: r.attack, kappa: r.kappa, used: r.used, auc: r.auc, seconds: r.seconds, error: r.error ?? '' })));
  console.log(`  in all: Node ${node.totalSeconds.toFixed(1)} s${browser ? `, Chromium ${browser.totalSeconds.toFixed(1)} s` : ''}; tensors left: ${[node.leaked, ...(browser ? [browser.leaked] : [])].join(', ')}`);
  return { rows, node: node.totalSeconds, chromium: browser?.totalSeconds ?? null, leaked: [node.leaked, ...(browser ? [browser.leaked] : [])] };
}

function printClassroom(rows: ClassroomRow[]): void {
  console.log('Classroom (Node, wasm): own image → live predictions, and κ change → histograms; median and p90 ms vs budget, ratio = ours / baseline:');
  console.table(rows.map(fmt));
}

/** The shipped models of the torch row; `--model <id>` (repeatable) keeps only those. */
function shippedTorchModels(): typeof TORCH_MODELS {
  const args = process.argv.slice(2);
  const only = args.flatMap((a, i) => (a === '--model' && args[i + 1] ? [args[i + 1]] : []));
  const unknown = only.filter((id) => !TORCH_MODELS.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`bench: --model ${unknown.join(', ')} is not a torch-row model (${TORCH_MODELS.map((m) => m.id).join(', ')})`);
  return TORCH_MODELS.filter((m) => (only.length === 0 || only.includes(m.id)) && existsSync(`public/models/${m.id}/card.json`));
}

async function torchRows(): Promise<TorchRow[]> {
  registerKernels();
  const rows = await benchTorch(shippedTorchModels());
  if (typeof rows === 'string') {
    console.log(`DeepFool L2 vs PyTorch skipped: ${rows}`);
    return [];
  }
  console.log('DeepFool L2 (paper settings), TF.js wasm vs PyTorch CPU, one thread each, same images (ratio = TF.js / PyTorch time):');
  console.table(rows.map(fmt));
  return rows;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const noBrowser = args.includes('--no-browser');
  if (args.includes('--adaptive-only')) {
    // --images <n>: a quick check on fewer images; such a run is printed, never written over the default one.
    const at = args.indexOf('--images');
    const images = at >= 0 ? Number(args[at + 1]) : ADAPTIVE_IMAGES;
    if (!Number.isInteger(images) || images < 1 || images > 500) throw new Error(`bench: --images must be a whole number from 1 to 500, got ${args[at + 1]}`);
    const adaptive = await adaptiveRows(!noBrowser, images);
    if (images !== ADAPTIVE_IMAGES) {
      console.log(`bench/results.json not updated: ${images} images, not the default ${ADAPTIVE_IMAGES}`);
      return;
    }
    const previous = existsSync('bench/results.json') ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>) : {};
    mkdirSync('bench', { recursive: true });
    writeFileSync('bench/results.json', JSON.stringify({ ...previous, adaptive: { date: new Date().toISOString(), ...adaptive } }, null, 1) + '\n');
    console.log('updated the adaptive rows of bench/results.json');
    return;
  }
  if (args.includes('--detection-only')) {
    const detection = await detectionRows(!noBrowser);
    const previous = existsSync('bench/results.json') ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>) : {};
    mkdirSync('bench', { recursive: true });
    writeFileSync('bench/results.json', JSON.stringify({ ...previous, detection: { date: new Date().toISOString(), ...detection } }, null, 1) + '\n');
    console.log('updated the detection rows of bench/results.json');
    return;
  }
  if (args.includes('--classroom-only')) {
    registerKernels();
    printClassroom(await benchClassroom());
    return;
  }
  if (args.includes('--torch-only')) {
    const torch = await torchRows();
    if (args.includes('--profile')) {
      console.log('Where the TF.js DeepFool time goes (wasm, one profiled run; share of summed kernel time):');
      console.table((await profileDeepFool(shippedTorchModels())).map(fmt));
    }
    const previous = existsSync('bench/results.json') ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>) : {};
    mkdirSync('bench', { recursive: true });
    // A `--model` run replaces only its models' rows.
    const kept = ((previous.torch as { rows?: TorchRow[] } | undefined)?.rows ?? []).filter((r) => !torch.some((t) => t.model === r.model));
    const order = (r: TorchRow) => TORCH_MODELS.findIndex((m) => m.id === r.model);
    writeFileSync('bench/results.json', JSON.stringify({ ...previous, torch: { date: new Date().toISOString(), rows: [...kept, ...torch].sort((a, b) => order(a) - order(b)) } }, null, 1) + '\n');
    console.log('updated the torch rows of bench/results.json');
    return;
  }
  if (args.includes('--conv-parts')) {
    registerKernels();
    await tf.setBackend('wasm');
    console.log('Winograd F(4×4, 3×3) from TF.js ops, part by part, against tf.conv2d on the ResNet-20 stage shapes (Node wasm, one thread; ratio = part / convolution):');
    console.table((await benchConvParts()).map(fmt));
    return;
  }
  if (args.includes('--slider-only')) {
    const slider = await withBrowser((browser) => sliderRows(browser));
    console.log('κ change compute (Chromium, wasm, 1,000 images): threads and batch (ratio = time / the app\'s setting), GMAC/s:');
    console.table(slider.map(fmt));
    return;
  }
  if (args.includes('--app-only')) {
    const { app, slider } = await browserRows(false, false, true);
    printApp(app, slider);
    return;
  }
  const quick = args.includes('--quick');
  const withModels = !args.includes('--kernel-only');
  const browser = noBrowser ? { kernel: [], app: [], slider: [], models: { forward: [], kappa: [], deepfool: [] } } : await browserRows(quick, withModels);
  const rows = [...(await nodeRows()), ...browser.kernel];
  console.log('JumpRelu kernel vs tf.relu (ratio = ours / relu), forward and forward+backward (tf.grad with a cotangent):');
  console.table(rows.map((r) => fmt({ where: r.where, backend: r.backend, size: r.size, reluMs: r.reluMs,
    jumpReluMs: r.jumpReluMs, ratio: r.ratio, gradReluMs: r.gradReluMs, gradJumpReluMs: r.gradJumpReluMs, gradRatio: r.gradRatio, note: r.note ?? '' })));
  let models: ModelRows | null = null;
  if (withModels) {
    // One at a time over the same 100 images as the batched run (a prefix would be a biased sample).
    const node = await benchModels(['wasm', 'cpu'], { deepfoolImages: 100 });
    models = { forward: [...node.forward, ...browser.models.forward], kappa: [...node.kappa, ...browser.models.kappa], deepfool: [...node.deepfool, ...browser.models.deepfool] };
    console.log('Full forward pass, retrofitted (JumpReLU at the card κ) vs original ReLU model (ratio = retrofitted / original):');
    console.table(models.forward.map(fmt));
    console.log('κ change → clean accuracy, compute only (core accuracy loop = the worker\'s), distinct κ values, ms:');
    console.table(models.kappa.map(fmt));
    console.log('DeepFool L2 (paper settings) images/s on the same images, batched vs one image at a time (speedup = batched / single):');
    console.table(models.deepfool.map(fmt));
  }
  const adaptive = withModels ? await adaptiveRows(!noBrowser) : undefined;
  const classroom = withModels ? await benchClassroom() : [];
  if (classroom.length) printClassroom(classroom);
  if (browser.app.length) printApp(browser.app, browser.slider);
  const torch = args.includes('--no-torch') ? [] : await torchRows();
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, kernel: rows, ...models, app: browser.app, slider: browser.slider, classroom, ...(adaptive ? { adaptive } : {}), torch }, null, 1) + '\n');
  console.log('wrote bench/results.json');
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
