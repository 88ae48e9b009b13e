import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * "Your own model" end to end on wasm: a model built here (the shipped MNIST LeNet's weights under a
 * different topology: ReLU layers instead of Activation('relu'), a Softmax layer on top) is written to a
 * temp folder and given to the app by drag and drop; its card shows its accuracy, κ moves, DeepFool runs on
 * it; a corrupted shard (by the file picker) is refused with the file named; a URL on another site
 * names the page's connect-src (the built page allows only its own site); the worker's tensor count returns to its baseline when a shipped model replaces it. No network.
 */
const SHOTS = 'artifacts/screenshots';

interface Written { dir: string; json: Buffer; weights: Buffer }

function writeModel(): Written {
  const shipped = JSON.parse(readFileSync('public/models/mnist-lenetlike-base/model.json', 'utf8')) as {
    modelTopology: { config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] } };
  };
  const layers = shipped.modelTopology.config.layers.map((l) => (l.class_name === 'Activation' && l.config.activation === 'relu'
    ? { class_name: 'ReLU', config: { name: l.config.name, trainable: true, dtype: 'float32' } } : l));
  layers.push({ class_name: 'Softmax', config: { name: 'probs', trainable: true, dtype: 'float32', axis: -1 } });
  const json = { ...shipped, modelTopology: { ...shipped.modelTopology, config: { ...shipped.modelTopology.config, name: 'e2e_own', layers } } };
  const dir = mkdtempSync(join(tmpdir(), 'own-model-'));
  const text = Buffer.from(JSON.stringify(json));
  const weights = readFileSync('public/models/mnist-lenetlike-base/weights.bin');
  writeFileSync(join(dir, 'model.json'), text);
  writeFileSync(join(dir, 'weights.bin'), weights);
  return { dir, json: text, weights };
}

const memory = (page: Page) => page.evaluate(() => window.__jumprelu!.memory());
const userCard = (page: Page) => page.evaluate(() => window.__jumprelu!.getState().card?.user ?? null);

/** The selected model (shipped or own) is loaded and the accuracy shown is the fresh one for the current κ. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    if (!s || !s.card || s.card.id !== s.modelId) return false;
    const load = s.card.user ? s.jobs.loadOwn : s.jobs.load;
    return load.status === 'done' && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling'
      && document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false';
  }, undefined, { timeout: 120_000 });
}

/** Drops files on the drop zone as a user dragging them from a file manager would. */
async function drop(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, data: Array.from(f.bytes) }));
  const transfer = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([new Uint8Array(f.data)], f.name));
    return dt;
  }, payload);
  await page.getByTestId('own-drop').dispatchEvent('drop', { dataTransfer: transfer });
}

test('own model: dropped, measured, κ moved, DeepFool; corrupted shard named; memory back at baseline', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const model = writeModel();
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto('?backend=wasm');
  await settled(page);
  const base = await memory(page);

  await page.getByLabel('Dataset').selectOption('own');
  await expect(page.getByTestId('own-model')).toContainText('tensorflowjs_converter');

  // A truncated shard, by the file picker: refused before anything runs, the file and lengths named.
  const cut = model.weights.subarray(0, model.weights.length - 400);
  writeFileSync(join(model.dir, 'weights.bin'), cut);
  await page.getByLabel('Model files').setInputFiles([join(model.dir, 'model.json'), join(model.dir, 'weights.bin')]);
  await expect(page.getByTestId('own-error')).toContainText(
    `weights file weights.bin: ${cut.length} bytes, the manifest's weights need ${model.weights.length} (truncated or a shard missing)`);
  expect((await memory(page)).numTensors).toBe(base.numTensors);

  // Another site: the built page's connect-src allows only its own, and the message says so (not CORS).
  await page.getByLabel('Model URL').fill('http://127.0.0.1:9/model.json');
  await page.getByRole('button', { name: 'Load from URL' }).click();
  await expect(page.getByTestId('own-error')).toContainText("this page's security policy (Content-Security-Policy connect-src) does not allow");

  // The good files, dropped.
  await drop(page, [{ name: 'model.json', bytes: model.json }, { name: 'weights.bin', bytes: model.weights }]);
  await expect(page.getByTestId('model-card')).toContainText('user-supplied', { timeout: 120_000 });
  await settled(page);
  const card = (await userCard(page))!;
  expect(card.softmaxRemoved).toBe(true);
  expect(card.evaluation.accuracyByKappa[0].accuracy).toBeGreaterThan(0.95);
  expect(card.warning).toBeNull();
  await expect(page.getByTestId('own-accuracy')).toContainText('%');
  await expect(page.getByTestId('own-checksum')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('accuracy')).toHaveText(/\d+\.\d\d %/);
  await page.screenshot({ path: `${SHOTS}/own-model-card.png`, fullPage: true });

  // Wrong scaling → near chance → the warning.
  await page.getByLabel('Input scaling').selectOption('symmetric');
  await expect.poll(async () => (await userCard(page))?.scaling, { timeout: 120_000 }).toBe('symmetric');
  await settled(page);
  const wrong = (await userCard(page))!.evaluation.accuracyByKappa[0].accuracy;
  expect(wrong).toBeLessThan(card.evaluation.accuracyByKappa[0].accuracy);
  await page.getByLabel('Input scaling').selectOption('paper');
  await expect.poll(async () => (await userCard(page))?.scaling, { timeout: 120_000 }).toBe('paper');
  await settled(page);

  // κ moves and the accuracy follows.
  await page.getByRole('button', { name: /^paper κ/ }).click();
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '1');
  await settled(page);

  // DeepFool on the user's model.
  await page.locator('.thumb').first().click();
  await page.getByLabel('attack', { exact: true }).selectOption('deepfool-l2');
  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  const result = page.getByTestId('attack-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('side-protected').getByTestId('rho')).toHaveText(/\d+\.\d %/);
  await page.screenshot({ path: `${SHOTS}/own-model-deepfool.png`, fullPage: true });

  // The link says "own" with the checksum.
  await expect.poll(() => page.evaluate(() => location.search)).toContain(`sha=${card.checksum}`);
  expect(new URL(page.url()).searchParams.get('model')).toBe('own');

  // Back to a shipped model: the user's model is gone from the worker.
  await page.getByLabel('Dataset').selectOption('mnist');
  await settled(page);
  await expect.poll(async () => (await memory(page)).numTensors).toBe(base.numTensors);
  expect(errors).toEqual([]);
});

test('a link made with an own model asks for the same files and says whether they match', async ({ page }) => {
  const model = writeModel();
  const other = 'ab'.repeat(32);
  await page.goto(`?backend=wasm&model=own&sha=${other}`);
  await settled(page);
  await expect(page.getByTestId('own-linked')).toContainText(`SHA-256 ${other.slice(0, 12)}`);
  await page.getByLabel('Model files').setInputFiles([join(model.dir, 'model.json'), join(model.dir, 'weights.bin')]);
  await expect(page.getByTestId('own-linked')).toContainText('do not match', { timeout: 120_000 });
});

test('keep in this browser, offered on the next visit, forget', async ({ page }) => {
  const model = writeModel();
  await page.goto('?backend=wasm');
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
  await page.getByLabel('Model files').setInputFiles([join(model.dir, 'model.json'), join(model.dir, 'weights.bin')]);
  await expect(page.getByTestId('own-checksum')).toHaveText(/^[0-9a-f]{64}$/, { timeout: 120_000 });
  const checksum = await page.getByTestId('own-checksum').textContent();
  await page.getByRole('button', { name: 'Keep in this browser' }).click();
  await expect(page.getByTestId('own-kept')).toBeVisible();

  await page.goto('?backend=wasm');
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
  await expect(page.getByTestId('own-kept-offer')).toContainText(`Kept in this browser: model.json (${checksum!.slice(0, 12)}…)`);
  await page.getByRole('button', { name: 'Load it' }).click();
  await expect(page.getByTestId('own-checksum')).toHaveText(checksum!, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Forget the kept model' }).click();
  await expect(page.getByTestId('own-kept')).toHaveCount(0);

  await page.goto('?backend=wasm');
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
  await expect(page.getByTestId('own-model')).toContainText('tensorflowjs_converter');
  await expect(page.getByTestId('own-kept-offer')).toHaveCount(0);
});
