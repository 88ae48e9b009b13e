/**
 * App-level benchmark for `npm run bench`: κ change → clean accuracy on the evaluation sample, in headless
 * Chromium on the wasm backend, through the real app (worker, store, UI). Each κ is moved to twice, in
 * alternating order, with the cache cleared before each move: once as the app runs (progressive: a first
 * estimate from a small class-stratified batch, then doubling batches) and once as the baseline, the
 * full-batch sweep of 250 images per batch the app ran before. Reports, per model, time to the first figure
 * on screen and to the final one (median, p95), the images the first estimate rests on, the worker's compute
 * time, wasm threads, the worker's tensor memory after the sweep, and the distribution of main-thread long
 * tasks (> 50 ms). Ratios are against the baseline's time to its (only, final) figure in the same run. No
 * timed assertion lives in the tests: the numbers live here.
 */
import type { Browser, Page } from '@playwright/test';
import { quantile } from '../src/core/bench/paired';

export interface AppBenchRow {
  model: string; backend: string; threads: string; images: number; moves: number;
  /** Progressive: time from the κ change to the first estimate on screen, and to the final figure. */
  firstMedianMs: number; firstP95Ms: number; firstImages: number; finalMedianMs: number; finalP95Ms: number;
  /** Baseline (full-batch sweep, the app before): time to its figure on screen. */
  baselineMedianMs: number; baselineP95Ms: number;
  /** first / baseline and final / baseline, medians. */
  firstRatio: number; finalRatio: number;
  workerMedianMs: number; workerP95Ms: number;
  /** The worker's tensor memory after the last sweep, MB (tf.memory().numBytes: the model and shards). */
  tensorMB: number;
  /** Main-thread long tasks during the κ moves: how many, and their median, p95 and longest duration. */
  longTasks: number; longTaskMedianMs: number; longTaskP95Ms: number; longTaskMaxMs: number;
}

const idle = (page: Page) => page.waitForFunction(() => {
  const s = window.__jumprelu?.getState();
  return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling'
    && document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false';
}, undefined, { timeout: 300_000, polling: 5 });

/** One κ move: time to the first figure of that κ on screen (interim or final), then to the final one. */
async function move(page: Page, kappa: number, firstBatch: number | null): Promise<{ first: number; final: number; worker: number; firstImages: number }> {
  // The slider snaps κ to the card's step: the figure to wait for is the store's κ, not the one asked for.
  const [t0, snapped] = await page.evaluate(([k, fb]) => {
    const store = window.__jumprelu!;
    store.benchEvaluation(fb);
    const t = performance.now();
    store.getState().setKappa(k);
    return [t, store.getState().kappa] as const;
  }, [kappa, firstBatch] as const);
  const first = await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=accuracy]');
    return el && (el.hasAttribute('data-interim') || el.getAttribute('data-stale') === 'false') ? performance.now() : null;
  }, undefined, { timeout: 300_000, polling: 2 }).then((h) => h.jsonValue() as Promise<number>);
  // The final figure of this κ (the sweep at κ = 0 for the "drop" line follows; not timed).
  const t1 = await page.waitForFunction((k) => {
    const el = document.querySelector('[data-testid=accuracy]');
    return el?.getAttribute('data-stale') === 'false' && el.getAttribute('data-kappa') === String(k) ? performance.now() : null;
  }, snapped, { timeout: 300_000, polling: 2 }).then((h) => h.jsonValue() as Promise<number>);
  await idle(page);
  const [worker, firstImages] = await page.evaluate(() => {
    const s = window.__jumprelu!.getState();
    const r = s.evalCache[Object.keys(s.evalCache).find((k) => k.startsWith(`${s.modelId}|${s.kappa}|`)) ?? ''];
    return [r?.ms ?? NaN, r?.firstImages ?? NaN] as const;
  });
  return { first: first - t0, final: t1 - t0, worker, firstImages };
}

export async function benchApp(browser: Browser, baseUrl: string, runs: { model: string; images: number; kappas: number[] }[]): Promise<AppBenchRow[]> {
  const rows: AppBenchRow[] = [];
  for (const run of runs) {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}?backend=wasm&model=${run.model}&n=${run.images}`);
    await idle(page);
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
    });
    const prog: Awaited<ReturnType<typeof move>>[] = [];
    const base: Awaited<ReturnType<typeof move>>[] = [];
    for (const [i, k] of run.kappas.entries()) {
      // Alternate which goes first, so drift (heat, other load) falls on both alike.
      if (i % 2) { base.push(await move(page, k, 250)); prog.push(await move(page, k, null)); }
      else { prog.push(await move(page, k, null)); base.push(await move(page, k, 250)); }
    }
    const info = await page.evaluate(async () => {
      const s = window.__jumprelu!.getState();
      const mem = await window.__jumprelu!.memory();
      const wasm = s.backend?.choice.wasm;
      return { images: s.sampleSize, threads: wasm ? (wasm.threads ? 'yes' : 'no') : 'n/a', bytes: mem.numBytes };
    });
    const long = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const q = (p: number) => (long.length ? quantile(long, p) : 0);
    const med = (xs: number[]) => quantile(xs, 0.5);
    const baseline = base.map((m) => m.final);
    rows.push({ model: run.model, backend: 'wasm (chromium)', threads: info.threads, images: Number(info.images) || run.images, moves: run.kappas.length,
      firstMedianMs: med(prog.map((m) => m.first)), firstP95Ms: quantile(prog.map((m) => m.first), 0.95), firstImages: med(prog.map((m) => m.firstImages)),
      finalMedianMs: med(prog.map((m) => m.final)), finalP95Ms: quantile(prog.map((m) => m.final), 0.95),
      baselineMedianMs: med(baseline), baselineP95Ms: quantile(baseline, 0.95),
      firstRatio: med(prog.map((m) => m.first)) / med(baseline), finalRatio: med(prog.map((m) => m.final)) / med(baseline),
      workerMedianMs: med(prog.map((m) => m.worker)), workerP95Ms: quantile(prog.map((m) => m.worker), 0.95),
      tensorMB: info.bytes / 2 ** 20,
      longTasks: long.length, longTaskMedianMs: q(0.5), longTaskP95Ms: q(0.95), longTaskMaxMs: long.length ? Math.max(...long) : 0 });
    await page.close();
  }
  return rows;
}
