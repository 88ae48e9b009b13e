import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const base = 'http://127.0.0.1:4330/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const json = JSON.parse(readFileSync('public/models/mnist-lenetlike-base/model.json', 'utf8'));
// A hostile file: a Dense of 3 million units (the freeze before).
const hostile = structuredClone(json);
const layers = hostile.modelTopology.config.layers;
const dense = layers.find((l: { class_name: string }) => l.class_name === 'Dense');
dense.config.units = 3_000_000;
dense.config.kernel_initializer = { class_name: 'Orthogonal', config: {} };
for (const [w, h, tag] of [[1280, 800, 'desktop'], [375, 740, 'phone']] as const) {
  const page = await browser.newPage({ viewport: { width: w, height: h }, hasTouch: tag === 'phone' });
  await page.goto(`${base}?backend=wasm`);
  await page.waitForFunction(() => window.__jumprelu?.getState().jobs.load.status === 'done', undefined, { timeout: 120000 });
  await page.getByLabel('Dataset').selectOption('own');
  const t0 = Date.now();
  await page.getByLabel('Model files').setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(hostile)) },
    { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync('public/models/mnist-lenetlike-base/weights.bin') }]);
  await page.getByTestId('own-error').waitFor({ timeout: 30000 });
  console.log(tag, 'refused in', Date.now() - t0, 'ms:', (await page.getByTestId('own-error').textContent())!.slice(0, 200));
  await page.getByTestId('own-model').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/own-refused-${tag}.png` });
  // The previous model keeps working: move κ.
  await page.evaluate(() => window.__jumprelu!.getState().setKappa(0.5));
  await page.waitForFunction(() => document.querySelector('[data-testid=accuracy]')?.getAttribute('data-kappa') === '0.5', undefined, { timeout: 60000 });
  // A good model with a bidi, 20,000-character name, kept, then the offer after reload.
  await page.getByTestId('own-drop').dispatchEvent('drop', { dataTransfer: await page.evaluateHandle(([j, wts]) => {
    const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array(j)], `evil\u202Egnp.${'w'.repeat(20000)}.json`)); dt.items.add(new File([new Uint8Array(wts)], 'weights.bin')); return dt;
  }, [Array.from(readFileSync('public/models/mnist-lenetlike-base/model.json')), Array.from(readFileSync('public/models/mnist-lenetlike-base/weights.bin'))] as const) });
  await page.getByTestId('model-card').filter({ hasText: 'user-supplied' }).waitFor({ timeout: 120000 });
  await page.getByRole('button', { name: 'Keep in this browser' }).click();
  await page.getByTestId('own-kept').waitFor();
  await page.reload();
  await page.waitForFunction(() => window.__jumprelu?.getState().jobs.load.status === 'done', undefined, { timeout: 120000 });
  await page.getByLabel('Dataset').selectOption('own');
  await page.getByTestId('own-kept-offer').waitFor({ timeout: 30000 });
  await page.getByTestId('own-model').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/own-kept-offer-${tag}.png` });
  console.log(tag, 'scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `/tmp/shots/top-${tag}.png` });
  await page.close();
}
await browser.close();
