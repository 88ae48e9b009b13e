/**
 * App-level benchmark for `npm run bench`: κ change → clean accuracy on the evaluation sample, in headless
 * Chromium on the wasm backend, through the real app (worker, store, UI). Reports median and p95 of the
 * end-to-end time (store update to fresh accuracy on screen) and of the worker's compute time, and the
 * distribution of main-thread long tasks (> 50 ms) meanwhile: the e2e tests only bound the app's own
 * script time loosely (a timed assertion on a loaded machine is a flaky test); the numbers live here.
 */
import type { Browser } from '@playwright/test';
import { quantile } from '../src/core/bench/paired';

export interface AppBenchRow {
  model: string; backend: string; images: number; moves: number; medianMs: number; p95Ms: number; workerMedianMs: number; workerP95Ms: number;
  /** Main-thread long tasks during the κ moves: how many, and their median, p95 and longest duration. */
  longTasks: number; longTaskMedianMs: number; longTaskP95Ms: number; longTaskMaxMs: number;
}

export async function benchApp(browser: Browser, baseUrl: string, runs: { model: string; images: number; kappas: number[] }[]): Promise<AppBenchRow[]> {
  const rows: AppBenchRow[] = [];
  for (const run of runs) {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}?backend=wasm&model=${run.model}&n=${run.images}`);
    const settled = () => page.waitForFunction(() => {
      const s = window.__jumprelu?.getState();
      return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling'
        && document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false';
    }, undefined, { timeout: 300_000, polling: 5 });
    await settled();
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
    });
    const total: number[] = [];
    const worker: number[] = [];
    for (const k of run.kappas) {
      const t0 = await page.evaluate((kappa) => { const t = performance.now(); window.__jumprelu!.getState().setKappa(kappa); return t; }, k);
      await settled();
      // The panel prints the worker's own compute time: "computed in N ms".
      const [t1, ms] = await page.evaluate(() => {
        const m = /computed in (\d+) ms/.exec(document.body.innerText);
        return [performance.now(), m ? Number(m[1]) : NaN] as const;
      });
      total.push(t1 - t0);
      worker.push(ms);
    }
    const state = await page.evaluate(() => window.__jumprelu!.getState().sampleSize);
    const long = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const q = (p: number) => (long.length ? quantile(long, p) : 0);
    rows.push({ model: run.model, backend: 'wasm (chromium)', images: Number(state) || run.images, moves: run.kappas.length,
      medianMs: quantile(total, 0.5), p95Ms: quantile(total, 0.95), workerMedianMs: quantile(worker, 0.5), workerP95Ms: quantile(worker, 0.95),
      longTasks: long.length, longTaskMedianMs: q(0.5), longTaskP95Ms: q(0.95), longTaskMaxMs: long.length ? Math.max(...long) : 0 });
    await page.close();
  }
  return rows;
}
