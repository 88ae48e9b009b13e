import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

/**
 * In front of a class, on the wasm backend: a digit drawn with pointer events is predicted, attacked
 * towards a chosen class and shared by link; an uploaded PNG is predicted and a non-image refused; the
 * layer histograms move with κ; a phone-width page does not overflow; the attack flow works from the
 * keyboard alone. Worker tensors return to their baseline after each interaction.
 */
const SHOTS = 'artifacts/screenshots';

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running'
      && s.jobs.own.status !== 'running' && s.jobs.histogram.status !== 'running';
  }, undefined, { timeout: 90_000 });
}

const memory = async (page: Page) => (await page.evaluate(() => window.__jumprelu!.memory())).numTensors;

/** A "1": one vertical stroke down the middle of the pad, with intermediate pointer moves. */
async function drawOne(page: Page): Promise<void> {
  // The mouse draws at screen coordinates: the pad (below the attack stage) must be on screen first.
  await page.getByTestId('drawing-pad').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('drawing-pad').boundingBox())!;
  const x = box.x + box.width * 0.5;
  await page.mouse.move(x, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(x + i * 0.6, box.y + box.height * (0.15 + 0.06 * i));
  await page.mouse.up();
}

/** A 7 drawn as dark ink on white paper, 120×120, as a phone photo of a page would be (inverted by the app). */
function sevenPng(): Buffer {
  const png = new PNG({ width: 120, height: 120 });
  for (let y = 0; y < 120; y++) {
    for (let x = 0; x < 120; x++) {
      const bar = y >= 20 && y < 32 && x >= 25 && x < 95;
      const diagonal = y >= 32 && y < 105 && Math.abs(x - (95 - (y - 32) * 0.45)) < 6;
      const v = bar || diagonal ? 20 : 235;
      png.data.set([v, v, v, 255], 4 * (y * 120 + x));
    }
  }
  return PNG.sync.write(png);
}

test('draw a digit: live prediction, targeted DeepFool reaches its target, the link restores the drawing', async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto('?backend=wasm');
  await settled(page);
  const before = await memory(page);

  await drawOne(page);
  await expect(page.getByTestId('own-prediction')).toHaveText(['1', '1'], { timeout: 30_000 });
  await settled(page);
  expect(await memory(page)).toBe(before);
  await page.screenshot({ path: `${SHOTS}/classroom-01-drawn.png`, fullPage: true });

  await page.getByRole('button', { name: 'Attack this image' }).click();
  await expect(page.getByRole('heading', { name: /Attack your image/ })).toBeVisible();
  await page.getByLabel('attack', { exact: true }).selectOption('deepfool-l2');
  await page.getByLabel('target class').selectOption('7');
  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  // The unprotected net is turned into a 7; the retrofitted one may resist, and the result must say which.
  await expect(page.getByTestId('side-unprotected').getByTestId('success')).toHaveText('target reached: 1 → 7', { timeout: 90_000 });
  await expect(page.getByTestId('side-protected').getByTestId('success')).toHaveText(/^target (reached: 1 → 7|7 not reached \(now \d\))$/);
  const result = await page.evaluate(() => {
    const r = window.__jumprelu!.getState().jobs.attack.result!;
    return { target: r.request.target, un: r.unprotected.adversarial.predicted, reached: r.protected.success, prot: r.protected.adversarial.predicted };
  });
  expect(result).toMatchObject({ target: 7, un: 7 });
  expect(result.reached).toBe(result.prot === 7);
  await expect(page.getByTestId('side-protected').getByTestId('success')).toHaveText(result.reached ? 'target reached: 1 → 7' : `target 7 not reached (now ${result.prot})`);
  expect(await memory(page)).toBe(before);
  await page.screenshot({ path: `${SHOTS}/classroom-02-targeted.png`, fullPage: true });

  // The link carries the drawing (and the target): a new tab shows the same image and reading.
  await page.waitForFunction(() => location.search.includes('draw='));
  const drawn = await page.evaluate(() => Array.from(window.__jumprelu!.getState().ownImage!));
  const shared = await context.newPage();
  await shared.goto(page.url());
  await settled(shared);
  await expect(shared.getByTestId('own-prediction')).toHaveText(['1', '1'], { timeout: 30_000 });
  expect(await shared.evaluate(() => Array.from(window.__jumprelu!.getState().ownImage!))).toEqual(drawn);
  await expect(shared.getByLabel('target class')).toHaveValue('7');
  // A damaged drawing code is refused with a notice, not drawn.
  await shared.goto(page.url().replace(/draw=([^&]{5})/, 'draw=$1$1'));
  await settled(shared);
  await expect(shared.getByText(/Ignored draw=/).first()).toBeVisible();
  expect(await shared.evaluate(() => window.__jumprelu!.getState().ownImage)).toBeNull();
  expect(errors).toEqual([]);
});

test('upload a PNG; a file that is not an image is refused with a message', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('?backend=wasm');
  await settled(page);
  const before = await memory(page);
  await page.getByTestId('upload').setInputFiles({ name: 'seven.png', mimeType: 'image/png', buffer: sevenPng() });
  await expect(page.getByTestId('own-prediction').first()).toHaveText('7', { timeout: 30_000 });
  await settled(page);
  expect(await memory(page)).toBe(before);
  await page.getByTestId('upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByTestId('own-error')).toHaveText(/notes\.txt is not an image/);
  await page.getByTestId('upload').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
  await expect(page.getByTestId('own-error')).toHaveText(/fake\.png could not be read as an image/);
  expect(errors).toEqual([]);
});

test('inside the network: the jump\'s share of silenced units is 0 at κ = 0 and grows with κ', async ({ page }) => {
  await page.goto('?backend=wasm&kappa=0');
  await settled(page);
  const before = await memory(page);
  await page.getByText(/show each layer's values z/).click();
  await expect(page.getByTestId('inside-kappa')).toHaveAttribute('data-kappa', '0', { timeout: 30_000 });
  const shares = (p: Page) => p.getByTestId('layer-histogram').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-jump'))));
  const at0 = await shares(page);
  expect(at0.length).toBeGreaterThan(1);
  expect(at0.every((v) => v === 0)).toBe(true);
  await page.getByRole('button', { name: /^paper κ/ }).click();
  await expect(page.getByTestId('inside-kappa')).toHaveAttribute('data-kappa', '1', { timeout: 30_000 });
  const at1 = await shares(page);
  expect(at1.every((v) => v > 0)).toBe(true);
  await settled(page);
  expect(await memory(page)).toBe(before);
  await page.screenshot({ path: `${SHOTS}/classroom-03-inside.png`, fullPage: true });
});

test('375 px wide: nothing overflows, with an attack result and the drawing pad on screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('?backend=wasm&img=3&p.steps=5');
  await settled(page);
  await page.getByRole('button', { name: /^Run / }).click();
  await expect(page.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  const small = await page.locator('button:visible').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.textContent));
  expect(small).toEqual([]);
  // Text boxes (κ, URL), file inputs and disclosure toggles are finger-sized too; no text under 12 px in the gallery.
  const smallFields = await page.locator('input[type=text]:visible, input[type=url]:visible, input[type=file]:visible, summary:visible')
    .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80)));
  expect(smallFields).toEqual([]);
  const tiny = await page.locator('.thumb .pred, .thumb .pred small').evaluateAll((els) => els.filter((e) => parseFloat(getComputedStyle(e).fontSize) < 12).length);
  expect(tiny).toBe(0);
  await page.screenshot({ path: `${SHOTS}/classroom-04-375px.png`, fullPage: true });
});

test('keyboard only: one Tab stop for the gallery, arrows inside, Enter picks, Run keeps the focus', async ({ page }) => {
  await page.goto('?backend=wasm&p.steps=5');
  await settled(page);
  await page.locator('.thumb').first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.thumb').nth(2)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Attack test image #2' })).toBeVisible();
  // One Tab leaves the gallery (24 images, one stop) for the next control.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('.gallery'))).toBeNull();
  // Tab on to Run, counting the stops.
  let tabs = 1;
  while (!(await page.evaluate(() => document.activeElement?.textContent?.startsWith('Run ')))) {
    await page.keyboard.press('Tab');
    if (++tabs > 40) throw new Error('Run is not reachable by Tab');
  }
  expect(tabs).toBeLessThan(30);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toMatch(/^Run /);
  await expect(page.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});

test('guided tour: drives the app, advances, resumes from its link, can be skipped', async ({ page, context }) => {
  await page.goto('?backend=wasm&p.steps=5');
  await settled(page);
  await page.getByRole('button', { name: 'Take the tour' }).click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', '0');
  await page.getByRole('button', { name: 'Next' }).click();
  // Step 2 attacks the first test image by itself.
  await expect(page.getByRole('heading', { name: 'Attack test image #0' })).toBeVisible();
  await expect(page.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', '2');
  const paper = await page.evaluate(() => window.__jumprelu!.getState().card!.kappa.paper);
  await expect.poll(() => page.evaluate(() => window.__jumprelu!.getState().kappa)).toBe(paper);
  await page.waitForFunction(() => location.search.includes('tour=2'));

  // The link resumes the tour at that step, and the step acts once the model is loaded.
  const resumed = await context.newPage();
  await resumed.goto(page.url().replace('tour=2', 'tour=4'));
  await expect(resumed.getByTestId('tour')).toHaveAttribute('data-step', '4', { timeout: 90_000 });
  await expect(resumed.getByTestId('layer-histogram').first()).toBeVisible({ timeout: 60_000 });
  // The "is it real?" step attacks again with straight-through gradients and shows the refined ρ.
  await resumed.getByRole('button', { name: 'Next' }).click();
  await expect(resumed.getByTestId('tour')).toHaveAttribute('data-step', '5');
  await expect.poll(() => resumed.evaluate(() => window.__jumprelu!.getState().gradientMode)).toBe('straight-through');
  await expect(resumed.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  await expect(resumed.getByTestId('rho-refined')).toHaveCount(2);
  await resumed.getByRole('button', { name: 'Skip the tour' }).click();
  await expect(resumed.getByTestId('tour')).toHaveCount(0);
  await resumed.waitForFunction(() => !location.search.includes('tour='));
  // An embed carries the tour too.
  await resumed.goto('?backend=wasm&embed=slider,gallery&tour=0');
  await expect(resumed.getByTestId('embed').getByTestId('tour')).toBeVisible({ timeout: 90_000 });
});
