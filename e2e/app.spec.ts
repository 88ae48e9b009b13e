import { expect, test, type Page } from '@playwright/test';

/**
 * The interactive app on the wasm backend (fast and deterministic here): load, κ slider, attack, cancel,
 * worker memory, main-thread long tasks and console errors. Screenshots go to artifacts/screenshots/.
 */
const SHOTS = 'artifacts/screenshots';

interface Watch { errors: string[]; appScripts: () => Promise<number[]>; resetAppScripts: () => Promise<void> }

/**
 * The main thread must never compute: TF.js lives in the worker. Checked twice, without a tight timed
 * bound (on a loaded 2-core machine an ordinary React commit can pass 50 ms): no script of the page
 * carries TF.js (noTfjsOnMainThread), and no run of the app's own scripts — attributed through Long
 * Animation Frame script timings, so Playwright's and the browser's work do not count — lasts longer than
 * APP_SCRIPT_BOUND_MS, which a κ evaluation or an attack on the main thread would (seconds). The long-task
 * distribution itself is reported by `npm run bench` (scripts/bench-app.ts).
 */
const APP_SCRIPT_BOUND_MS = 250;

async function open(page: Page, query = '?backend=wasm'): Promise<Watch> {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __appScripts: number[] };
    w.__appScripts = [];
    new PerformanceObserver((list) => {
      for (const frame of list.getEntries() as unknown as { scripts: { sourceURL: string; duration: number }[] }[]) {
        for (const script of frame.scripts) if (script.sourceURL.startsWith(`${location.origin}/`)) w.__appScripts.push(script.duration);
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto(query);
  return {
    errors,
    appScripts: () => page.evaluate(() => (window as unknown as { __appScripts: number[] }).__appScripts),
    resetAppScripts: () => page.evaluate(() => { (window as unknown as { __appScripts: number[] }).__appScripts = []; }),
  };
}

async function expectNoMainThreadCompute(w: Watch, what: string): Promise<void> {
  const runs = await w.appScripts();
  expect(runs.filter((ms) => ms > APP_SCRIPT_BOUND_MS), `app script runs in long frames ${what} (ms): ${runs.map(Math.round).join(', ')}`).toEqual([]);
}

/** No script the page itself loads contains TF.js (its environment flags are string literals that survive minification). */
async function noTfjsOnMainThread(page: Page): Promise<void> {
  const urls = await page.evaluate(() => [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((s) => s.src)
    .concat([...document.querySelectorAll<HTMLLinkElement>('link[rel=modulepreload]')].map((l) => l.href)));
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) expect(await (await page.request.get(url)).text(), url).not.toContain('WASM_HAS_SIMD_SUPPORT');
}

/** Waits until the accuracy shown is the fresh one for the current κ and nothing is being evaluated. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling'
      && document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false';
  }, undefined, { timeout: 90_000 });
}

const memory = (page: Page) => page.evaluate(() => window.__jumprelu!.memory());
const predictions = (page: Page) => page.locator('[data-testid=prediction]').allTextContents();

test('fresh load, κ slider changes accuracy and predictions, no compute on the main thread', async ({ page }) => {
  const w = await open(page);
  await expect(page.getByTestId('backend')).toContainText('wasm');
  await expect(page.getByTestId('backend')).toContainText('self-check passed');
  await expect(page.getByTestId('model-card')).toBeVisible();
  await expect(page.locator('.thumb')).toHaveCount(24);
  await settled(page);
  await expect(page.getByTestId('accuracy')).toHaveText(/\d+\.\d\d %/);
  await page.screenshot({ path: `${SHOTS}/01-fresh-load.png`, fullPage: true });

  await noTfjsOnMainThread(page);
  await w.resetAppScripts();
  await page.getByRole('button', { name: 'ReLU (κ = 0)' }).click();
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '0');
  await settled(page);
  const acc0 = await page.getByTestId('accuracy').textContent();
  const preds0 = await predictions(page);

  const paper = await page.evaluate(() => window.__jumprelu!.getState().card!.kappa.paper);
  await page.getByRole('button', { name: /^paper κ/ }).click();
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', String(paper));
  await settled(page);
  const accPaper = await page.getByTestId('accuracy').textContent();
  const predsPaper = await predictions(page);
  // Accuracy or the gallery's confidences must move: the network is different at κ > 0.
  expect(`${acc0}|${preds0.join()}`).not.toBe(`${accPaper}|${predsPaper.join()}`);
  await expect(page.getByTestId('drop')).toContainText('percentage points vs κ = 0');

  // Keyboard: arrow keys step κ by the card's step.
  const step = await page.evaluate(() => window.__jumprelu!.getState().card!.kappa.step);
  await page.locator('#kappa-slider').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', String(Number((paper + step).toFixed(6))));
  await settled(page);
  // Revisiting a κ comes from the cache: instant, no evaluation.
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', String(paper));
  await expect(page.getByTestId('accuracy')).toHaveText(accPaper!);
  await expectNoMainThreadCompute(w, 'while κ moved');
  await page.screenshot({ path: `${SHOTS}/02-paper-kappa.png`, fullPage: true });

  // The whole shard: the interim estimate (≈, with its interval) shows while it runs.
  const partialSeen = page.waitForFunction(() => /^≈ \d+\.\d %$/.test(document.querySelector('[data-testid=accuracy]')?.textContent ?? '')
    && /95% interval/.test(document.querySelector('[data-testid=interim]')?.textContent ?? ''), undefined, { polling: 'raf' });
  await page.getByLabel('evaluation sample size').selectOption({ index: 2 });
  await partialSeen;
  await settled(page);
  expect(w.errors).toEqual([]);
});

test('control: the main-thread check catches a long run of a script of the app', async ({ page }) => {
  const w = await open(page);
  await settled(page);
  await w.resetAppScripts();
  // A same-origin script (allowed by the CSP like the app's own) that computes for 400 ms on the main thread.
  await page.route('**/assets/busy-control.js', (route) => route.fulfill({
    contentType: 'text/javascript', body: 'const t = performance.now(); while (performance.now() - t < 400) { /* compute */ }',
  }));
  await page.evaluate(() => new Promise((resolve) => {
    const s = document.createElement('script');
    s.src = './assets/busy-control.js';
    s.onload = resolve;
    document.head.append(s);
  }));
  await expect.poll(async () => (await w.appScripts()).some((ms) => ms > APP_SCRIPT_BOUND_MS)).toBe(true);
});

test('attack an image, cancel an attack, worker memory stays flat', async ({ page }) => {
  test.setTimeout(240_000);
  const w = await open(page);
  await settled(page);
  const base = await memory(page);

  // 20 slider moves, fired faster than evaluations finish: each new κ cancels the one in flight.
  const slider = page.locator('#kappa-slider');
  for (let i = 0; i < 20; i++) await slider.fill(String([0.1, 0.35, 0.6, 0.85, 1.2][i % 5] + 0.05 * Math.floor(i / 5)));
  await settled(page);
  expect((await memory(page)).numTensors).toBe(base.numTensors);

  await w.resetAppScripts();
  await page.locator('.thumb').first().click();
  await page.getByLabel('attack', { exact: true }).selectOption('deepfool-l2');
  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  const result = page.getByTestId('attack-result');
  await expect(result).toBeVisible({ timeout: 90_000 });
  for (const side of ['side-unprotected', 'side-protected']) {
    await expect(result.getByTestId(side).locator('canvas')).toHaveCount(3);
    await expect(result.getByTestId(side).getByTestId('rho')).toHaveText(/\d+\.\d %/);
    await expect(result.getByTestId(side).getByTestId('success')).not.toBeEmpty();
  }
  await expect(result).toContainText('pixel units');
  // Read before the screenshot: a full-page capture itself can block the main thread.
  await expectNoMainThreadCompute(w, 'during the attack');
  await page.screenshot({ path: `${SHOTS}/03-deepfool.png`, fullPage: true });

  // Cancel: Trust Region with the paper's 1000 steps is long enough to stop midway.
  await page.getByLabel('attack', { exact: true }).selectOption('trust-region-l2');
  await page.getByRole('button', { name: /^Run Trust Region L2/ }).click();
  await expect(page.getByRole('progressbar').last()).toBeVisible();
  await page.waitForFunction(() => (window.__jumprelu?.getState().jobs.attack.progress?.done ?? 0) > 2);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('attack-status')).toHaveText('Attack cancelled.', { timeout: 10_000 });
  expect(Date.now() - t0).toBeLessThan(5_000);
  await page.screenshot({ path: `${SHOTS}/04-cancelled.png`, fullPage: true });

  // Five more attacks (DeepFool, fewer steps) on different images.
  await page.getByLabel('attack', { exact: true }).selectOption('deepfool-linf');
  for (let i = 1; i <= 5; i++) {
    await page.locator('.thumb').nth(i).click();
    await page.getByRole('button', { name: /^Run DeepFool/ }).click();
    await expect(page.getByTestId('attack-result')).toBeVisible({ timeout: 90_000 });
  }
  await page.getByRole('button', { name: 'paper κ', exact: false }).click();
  await settled(page);
  expect((await memory(page)).numTensors).toBe(base.numTensors);
  expect(w.errors).toEqual([]);
});

test('permalink round trip, and a malformed link still opens a working page', async ({ page, context }) => {
  const w = await open(page);
  await settled(page);
  const input = page.getByLabel('κ value');
  await input.fill('0.5');
  await input.press('Enter');
  await page.locator('.thumb').nth(3).click();
  await page.getByLabel('attack', { exact: true }).selectOption('ifgsm');
  await page.locator('input[name=threat][value=gray-box]').check();
  await expect.poll(() => page.url()).toMatch(/kappa=0\.5.*img=3.*attack=ifgsm.*threat=gray/);
  const link = page.url();

  const second = await context.newPage();
  const w2 = await open(second, link);
  await settled(second);
  await expect(second.getByLabel('κ value')).toHaveValue('0.5');
  await expect(second.getByRole('heading', { name: /Attack test image #3/ })).toBeVisible();
  await expect(second.getByLabel('attack', { exact: true })).toHaveValue('ifgsm');
  await expect(second.locator('input[name=threat][value=gray-box]')).toBeChecked();
  expect(second.url()).toBe(link);
  await second.close();

  const bad = await context.newPage();
  const w3 = await open(bad, '?backend=wasm&kappa=abc&model=no-such-model&attack=zzz&img=99999999&v=7&%%%=1');
  await settled(bad);
  await expect(bad.getByTestId('notice').first()).toBeVisible();
  await expect(bad.getByTestId('notice')).toHaveCount(6); // v, kappa, img, %%% (decode); model, attack (bridge)
  await expect(bad.getByTestId('accuracy')).toHaveText(/\d+\.\d\d %/);
  await bad.screenshot({ path: `${SHOTS}/05-malformed-link.png`, fullPage: true });

  // A link's attack parameters go through the one range rule; a number box refuses what the rule would change.
  const params = await context.newPage();
  const w4 = await open(params, '?backend=wasm&img=2&attack=ifgsm&p.steps=1000000000&p.epsilon=1e300&p.clip=evil&p.toString=1');
  await settled(params);
  await expect(params.getByTestId('notice')).toHaveCount(4);
  await expect(params.getByTestId('notice').filter({ hasText: 'steps = 1000000000 is outside 0–2000; using 2000' })).toHaveCount(1);
  await expect(params.getByTestId('notice').filter({ hasText: 'clip = "evil" is not one of paper, pixel' })).toHaveCount(1);
  await expect(params.locator('#param-steps')).toHaveValue('2000');
  await expect.poll(() => params.url()).toContain('p.steps=2000');
  expect(params.url()).not.toMatch(/toString|evil|1e%2B300/);
  await params.locator('#param-steps').fill('5000');
  await expect(params.getByRole('alert').filter({ hasText: 'steps = 5000 is outside 0–2000' })).toBeVisible();
  expect(await params.evaluate(() => window.__jumprelu!.getState().attackParams.ifgsm?.steps)).toBe(2000);
  expect([...w.errors, ...w2.errors, ...w3.errors, ...w4.errors]).toEqual([]);
});

test('switch backend and variant, randomized κ, gray-box attack', async ({ page }) => {
  const w = await open(page);
  await settled(page);
  await page.getByLabel('TF.js backend').selectOption('cpu');
  await expect(page.getByTestId('backend')).toContainText('self-check passed');
  await expect.poll(() => page.evaluate(() => window.__jumprelu!.getState().backend?.choice.backend)).toBe('cpu');
  await settled(page);
  await page.getByLabel('TF.js backend').selectOption('wasm');
  await expect.poll(() => page.evaluate(() => window.__jumprelu!.getState().backend?.choice.backend)).toBe('wasm');
  await settled(page);

  const variants = await page.getByLabel('Variant').locator('option').allTextContents();
  if (variants.length > 1) {
    await page.getByLabel('Variant').selectOption('robust');
    await expect(page.getByTestId('model-card')).toContainText('robust');
    await settled(page);
  }
  await page.getByLabel(/randomized/).check();
  await settled(page);
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-stale', 'false');

  await page.locator('.thumb').nth(2).click();
  await page.locator('input[name=threat][value=gray-box]').check();
  await page.getByRole('button', { name: /^Run/ }).click();
  await expect(page.getByTestId('attack-result')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('side-protected')).toContainText('crafted on κ = 0');
  await page.screenshot({ path: `${SHOTS}/06-gray-box-randomized.png`, fullPage: true });
  expect(w.errors).toEqual([]);
});

test('smoke: the app starts on webgpu when asked (software adapter here: gallery only)', async ({ page }) => {
  const w = await open(page, '?backend=webgpu&n=500');
  await expect(page.getByTestId('backend')).toContainText('self-check passed', { timeout: 90_000 });
  const backend = await page.evaluate(() => window.__jumprelu!.getState().backend!.choice);
  // No adapter at all (e.g. no Vulkan): the loud fallback notice is the expected behaviour.
  if (backend.backend !== 'webgpu') {
    expect(backend.requestedFailed).toBe(true);
    await expect(page.getByTestId('notice').first()).toContainText('could not start');
    return;
  }
  // A software adapter is said out loud, with its cost, in the notice bar (not only under "details").
  const a = backend.adapter;
  if (a && (a.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(`${a.architecture} ${a.description} ${a.vendor}`))) {
    await expect(page.getByTestId('notice').filter({ hasText: 'software adapter' })).toContainText('400× slower than wasm');
  }
  await expect(page.locator('[data-testid=prediction]').first()).toHaveText(/[✓✗]/, { timeout: 90_000 });
  expect(w.errors).toEqual([]);
});
