/**
 * App-level benchmark for `npm run bench`: κ change → clean accuracy on the evaluation sample, in headless
 * Chromium on the wasm backend, through the real app (worker, store, UI). Reports median and p95 of the
 * end-to-end time (store update to fresh accuracy on screen) and of the worker's compute time.
 */
import type { Browser } from '@playwright/test';
import { quantile } from '../src/core/bench/paired';

export interface AppBenchRow { model: string; backend: string; images: number; moves: number; medianMs: number; p95Ms: number; workerMedianMs: number; workerP95Ms: number }

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
    rows.push({ model: run.model, backend: 'wasm (chromium)', images: Number(state) || run.images, moves: run.kappas.length,
      medianMs: quantile(total, 0.5), p95Ms: quantile(total, 0.95), workerMedianMs: quantile(worker, 0.5), workerP95Ms: quantile(worker, 0.95) });
    await page.close();
  }
  return rows;
}
