import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/**
 * "Your own model" against a hostile or unlucky user, in the built app: a damaged record in IndexedDB, two
 * tabs keeping and forgetting, a URL on another site under the page's connect-src, and names made to
 * reorder or widen the page. No network: the models are the shipped LeNet's files, renamed.
 */
const JSON_BYTES = readFileSync('public/models/mnist-lenetlike-base/model.json');
const WEIGHTS = readFileSync('public/models/mnist-lenetlike-base/weights.bin');
/** The same network with another model.json (so another checksum). */
const renamed = (name: string) => Buffer.from(JSON_BYTES.toString('utf8').replace(/"name":\s*"[^"]*"/, `"name": "${name}"`));

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    if (!s || !s.card || s.card.id !== s.modelId) return false;
    const load = s.card.user ? s.jobs.loadOwn : s.jobs.load;
    return load.status === 'done' && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling';
  }, undefined, { timeout: 120_000 });
}

async function openOwn(page: Page): Promise<void> {
  await page.goto('?backend=cpu');
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
}

/** Gives the panel model.json and its weights by the file input. */
async function give(page: Page, json: Buffer): Promise<void> {
  await page.getByLabel('Model files').setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: json }, { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: WEIGHTS },
  ]);
}

const checksumShown = (page: Page) => page.getByTestId('own-checksum').textContent();

test('a damaged kept record is ignored with a notice and can be cleared from the panel', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('?backend=cpu');
  await settled(page);
  await page.evaluate(() => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open('jumprelu-lab', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('own-model');
    req.onsuccess = () => {
      const tx = req.result.transaction('own-model', 'readwrite');
      tx.objectStore('own-model').put({ name: 7, files: 'nope', checksum: 12, scaling: 'paper', savedAt: 'x' }, 'current');
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  await page.reload();
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
  await expect(page.getByTestId('own-model')).toContainText('tensorflowjs_converter');
  await expect(page.getByTestId('notice').filter({ hasText: 'could not be read' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear the kept model' }).click();
  await expect(page.getByRole('button', { name: 'Clear the kept model' })).toHaveCount(0);
  await page.reload();
  await settled(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'could not be read' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('two tabs: "Load it" loads the model it names, "Forget" forgets only the model shown, both stay in step', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openOwn(a);
  await give(a, renamed('tab_a_model'));
  await expect(a.getByTestId('own-checksum')).toHaveText(/^[0-9a-f]{64}$/, { timeout: 120_000 });
  const x = (await checksumShown(a))!;
  await a.getByRole('button', { name: 'Keep in this browser' }).click();
  await expect(a.getByTestId('own-kept')).toBeVisible();

  await openOwn(b);
  await expect(b.getByTestId('own-model')).toContainText(`(${x.slice(0, 12)}…)`);

  // A keeps another model: B's offer follows, and "Load it" in B loads what it now names.
  await give(a, renamed('tab_a_second'));
  await expect(a.getByTestId('own-checksum')).not.toHaveText(x, { timeout: 120_000 });
  const y = (await checksumShown(a))!;
  await a.getByRole('button', { name: 'Keep in this browser' }).click();
  await expect(b.getByTestId('own-model')).toContainText(`(${y.slice(0, 12)}…)`);
  await b.getByRole('button', { name: 'Load it' }).click();
  await expect(b.getByTestId('own-checksum')).toHaveText(y, { timeout: 120_000 });
  await expect(b.getByTestId('own-kept')).toBeVisible();

  // B forgets: A no longer says "Kept".
  await b.getByRole('button', { name: 'Forget the kept model' }).click();
  await expect(b.getByTestId('own-kept')).toHaveCount(0);
  await expect(a.getByTestId('own-kept')).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'Keep in this browser' })).toBeVisible();
});

test('a URL on another site: the page\'s connect-src is named, not CORS; the URL is echoed shortened', async ({ page }) => {
  await openOwn(page);
  const url = `http://127.0.0.1:9/${'x'.repeat(5_000)}/model.json`;
  await page.getByLabel('Model URL').fill(url);
  await page.getByRole('button', { name: 'Load from URL' }).click();
  const error = page.getByTestId('own-error');
  await expect(error).toContainText('security policy');
  await expect(error).toContainText('JUMPRELU_CONNECT_SRC');
  await expect(error).not.toContainText('CORS');
  expect((await error.textContent())!.length).toBeLessThan(1_000);
});

test('names that reorder text or run 20,000 characters are shown cleaned, shortened, within the page', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 900 });
  await openOwn(page);
  const long = `deep${'w'.repeat(20_000)}`;
  // A file name carrying a right-to-left override and 20,000 characters (the only .json given is the model).
  await page.getByTestId('own-drop').dispatchEvent('drop', {
    dataTransfer: await page.evaluateHandle(([j, w, name]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(j)], name));
      dt.items.add(new File([new Uint8Array(w)], 'weights.bin'));
      return dt;
    }, [Array.from(JSON_BYTES), Array.from(WEIGHTS), `evil\u202Egnp.${long}.json`] as const),
  });
  const card = page.getByTestId('model-card');
  await expect(card).toContainText('user-supplied', { timeout: 120_000 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1000);
  const title = (await card.locator('summary strong').first().textContent())!;
  expect(title).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  expect(title.length).toBeLessThan(100);
  await page.getByRole('button', { name: 'Keep in this browser' }).click();
  // The record is written asynchronously: reload once the panel says it is kept.
  await expect(page.getByTestId('own-kept')).toBeVisible();
  await page.reload();
  await settled(page);
  await page.getByLabel('Dataset').selectOption('own');
  await expect(page.getByTestId('own-kept-offer')).toContainText('Kept in this browser: ');
  expect(await page.getByTestId('own-model').textContent()).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1000);
});
