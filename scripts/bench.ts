/**
 * `npm run bench`: speed, always as a ratio against a baseline measured in the same run, never as a timed
 * assertion. JumpRelu kernel vs TF.js's built-in Relu on the same tensor:
 *  - Node: cpu and wasm backends, directly;
 *  - Chromium (Debian's, headless, via Playwright and a Vite dev server): wasm, webgl, webgpu through the
 *    diagnostics page's benchmark mode. Software WebGPU/WebGL (no GPU) get small tensors only.
 * Writes bench/results.json so changes are comparable across commits.
 *
 *   npm run bench [-- --no-browser] [-- --kernel-only] [-- --quick]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import { benchKernel, type KernelBenchRow } from '../src/core/op/kernel-bench';
import { registerJumpRelu } from '../src/core/op/register';
import { CHROMIUM } from '../playwright.config';
import { benchApp, type AppBenchRow } from './bench-app';
import { benchModels } from './bench-models';

type Row = KernelBenchRow & { where: string; note?: string };

async function nodeRows(): Promise<Row[]> {
  registerJumpRelu();
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const size of [1 << 16, 1 << 20]) rows.push({ ...(await benchKernel(size)), where: 'node' });
  }
  return rows;
}

async function browserRows(): Promise<{ kernel: Row[]; app: AppBenchRow[] }> {
  const server = await createServer({ server: { port: 5199, strictPort: true }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const rows: Row[] = [];
  const app: AppBenchRow[] = [];
  try {
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      const page = await browser.newPage();
      // Probe the adapter first: a software GPU gets one small size (it is ~1000× slower).
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=${backend}&bench=4096`);
      const probe = (await page.waitForFunction(() => window.__bench, undefined, { timeout: 300_000 }).then((h) => h.jsonValue()))!;
      if ('error' in probe) { rows.push({ backend, where: 'chromium', size: 0, reluMs: NaN, jumpReluMs: NaN, ratio: NaN, note: probe.error }); continue; }
      const adapter = probe.adapter as { isFallbackAdapter?: boolean; architecture?: string } | null;
      const software = backend !== 'wasm' && (!adapter || adapter.isFallbackAdapter || /swiftshader/i.test(adapter.architecture ?? ''));
      const sizes = software ? '65536' : '65536,1048576';
      await page.goto(`http://127.0.0.1:5199/diagnostics.html?backend=${backend}&bench=${sizes}`);
      const res = (await page.waitForFunction(() => window.__bench, undefined, { timeout: 600_000 }).then((h) => h.jsonValue()))!;
      if ('error' in res) throw new Error(res.error);
      for (const r of res.rows) rows.push({ ...r, where: 'chromium', ...(software ? { note: 'software rasteriser (no GPU here)' } : {}) });
      await page.close();
    }
    // κ moves through the real app: 15 distinct κ values (no cache hits), 1,000 images each.
    const kappas = (max: number) => Array.from({ length: 15 }, (_, i) => Number(((i + 1) * max / 16).toFixed(3)));
    app.push(...await benchApp(browser, 'http://127.0.0.1:5199/', [
      { model: 'mnist-lenetlike-base', images: 1000, kappas: kappas(1.5) },
      { model: 'cifar10-alexlike-base', images: 1000, kappas: kappas(0.8) },
    ].filter((r) => existsSync(`public/models/${r.model}/card.json`))));
  } finally {
    await browser.close();
    await server.close();
  }
  return { kernel: rows, app };
}

const fmt = (o: object): Record<string, string | number> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v]));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const browser = args.includes('--no-browser') ? { kernel: [], app: [] } : await browserRows();
  const rows = [...(await nodeRows()), ...browser.kernel];
  console.log('JumpRelu kernel vs tf.relu (ratio = ours / relu):');
  console.table(rows.map((r) => fmt({ where: r.where, backend: r.backend, size: r.size, reluMs: r.reluMs,
    jumpReluMs: r.jumpReluMs, ratio: r.ratio, note: r.note ?? '' })));
  const models = args.includes('--kernel-only') ? null
    : await benchModels(['wasm', 'cpu'], { deepfoolImages: 100, singleImages: args.includes('--quick') ? 5 : 20 });
  if (models) {
    console.log('Full forward pass, retrofitted (JumpReLU at the card κ) vs original ReLU model (ratio = retrofitted / original):');
    console.table(models.forward.map(fmt));
    console.log('DeepFool L2 (paper settings) images/s, batched (100) vs one image at a time:');
    console.table(models.deepfool.map(fmt));
  }
  if (browser.app.length) {
    console.log('κ change → clean accuracy through the app (Chromium, wasm): end-to-end and worker compute, ms:');
    console.table(browser.app.map(fmt));
  }
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, kernel: rows, ...models, app: browser.app }, null, 1) + '\n');
  console.log('wrote bench/results.json');
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
