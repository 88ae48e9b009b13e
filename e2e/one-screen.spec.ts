import { expect, test, type Locator, type Page } from '@playwright/test';
import { ready, tinyTexts } from './support';

/**
 * What the user just caused is where they are looking. Desktop 1280×800: the κ slider, the accuracy it drives
 * and the gallery in the first screen; picking a test image brings the attack controls with the picked image
 * into the viewport; after Run, the headline and both sides' adversarial images are inside it, the headline
 * announced (role=status). Phone 375×740 with touch: a tapped image and Run are the next section down; a
 * side's three images in one row; both sides' adversarial images and ρ within 1.5 screens; the rarer
 * parameters behind "Advanced"; every control ≥ 44 px both ways, no text under 12 px. Screenshots of each state.
 */
const SHOTS = 'artifacts/screenshots';

type Box = { x: number; y: number; width: number; height: number };

async function box(el: Locator): Promise<Box> {
  const b = await el.boundingBox();
  if (!b) throw new Error(`no box for ${el.toString()}`);
  return b;
}

async function inViewport(page: Page, el: Locator): Promise<boolean> {
  const b = await el.boundingBox();
  const vp = page.viewportSize()!;
  return b !== null && b.y >= 0 && b.y + b.height <= vp.height && b.x >= 0 && b.x + b.width <= vp.width;
}

test('desktop: κ slider, its accuracy and the gallery in the first screen', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('?backend=wasm');
  await ready(page);
  expect(await page.evaluate(() => scrollY)).toBe(0);
  for (const [name, el] of [
    ['κ slider', page.locator('#kappa-slider')],
    ['live accuracy', page.getByTestId('accuracy')],
    ['accuracy sentence', page.locator('.acc-text')],
    ['gallery section', page.locator('section[aria-labelledby=gallery-h]')],
  ] as const) {
    expect(await inViewport(page, el), `${name} at ${JSON.stringify(await el.boundingBox())}`).toBe(true);
  }
  await page.screenshot({ path: `${SHOTS}/one-screen-00-first-1280.png` });
});

test('while the model list loads, the Dataset box says so (it showed "Your own model…")', async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route('**/models/index.json', async (route) => { await held; await route.continue(); });
  await page.goto('?backend=wasm');
  const dataset = page.getByLabel('Dataset');
  await expect(dataset).toBeVisible();
  expect(await dataset.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe('loading the list…');
  release();
  await ready(page);
  expect(await dataset.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toMatch(/MNIST/);
  await expect(dataset.locator('option[disabled]')).toHaveCount(0);
});

test('CIFAR-10 at 1280×800 and 375×740: every gallery caption stays inside its thumbnail ("automobile 100.0%" was cut at both ends)', async ({ browser }) => {
  for (const [w, h] of [[1280, 800], [375, 740]] as const) {
    const context = await browser.newContext({ viewport: { width: w, height: h }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto('?backend=wasm&model=cifar10-resnet20-base');
    await ready(page);
    const outside = await page.locator('.thumb').evaluateAll((thumbs) => thumbs.flatMap((t) => {
      const r = t.getBoundingClientRect();
      return [...t.querySelectorAll('.pred, .pred *')].flatMap((e) => {
        const b = e.getBoundingClientRect();
        return b.left < r.left - 0.5 || b.right > r.right + 0.5 ? [`${e.textContent} ${Math.round(b.left)}–${Math.round(b.right)} in ${Math.round(r.left)}–${Math.round(r.right)}`] : [];
      });
    }));
    expect(outside, `${w}×${h}`).toEqual([]);
    await context.close();
  }
});

test('desktop: pick an image → the attack controls in view; Run → headline and both adversarial images in view', async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('?backend=wasm');
  await ready(page);
  await page.locator('.thumb').nth(2).click();
  const run = page.getByRole('button', { name: /^Run / });
  await expect.poll(() => inViewport(page, run)).toBe(true);
  await expect.poll(() => inViewport(page, page.locator('section[data-reveal=attack] h2'))).toBe(true);
  await page.screenshot({ path: `${SHOTS}/one-screen-01-picked-1280.png` });
  await run.click();
  const result = page.getByTestId('attack-result');
  await expect(result.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  await expect(result.locator('[role=status]')).toContainText(/./);
  await expect.poll(() => inViewport(page, result.getByTestId('attack-headline'))).toBe(true);
  for (const side of ['side-unprotected', 'side-protected']) {
    // The second of the three images of a side is the adversarial one.
    await expect.poll(() => inViewport(page, result.getByTestId(side).locator('canvas').nth(1)), { message: side }).toBe(true);
  }
  await page.screenshot({ path: `${SHOTS}/one-screen-02-result-1280.png` });
});

/** Visible controls under 44 px in either direction (a checkbox or radio counts by the label that wraps it). */
async function smallControls(page: Page): Promise<string[]> {
  return page.locator('button:visible, select:visible, input:visible, summary:visible, a[href]:visible').evaluateAll((els) => els.flatMap((e) => {
    const target = (e instanceof HTMLInputElement && (e.type === 'checkbox' || e.type === 'radio')) ? e.closest('label') ?? e.labels?.[0] ?? e : e;
    const r = target.getBoundingClientRect();
    return r.width < 44 || r.height < 44 ? [`${Math.round(r.width)}×${Math.round(r.height)} ${e.outerHTML.slice(0, 90)}`] : [];
  }));
}

test('phone 375×740 (touch): tap → picked image and Run next; Run → a row per side, both within 1.5 screens; Advanced; finger-sized', async ({ browser }) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto('?backend=wasm');
  await ready(page);
  await page.screenshot({ path: `${SHOTS}/one-screen-10-first-375.png` });
  expect(await smallControls(page), 'controls under 44 px on load').toEqual([]);
  expect(await tinyTexts(page), 'text under 12 px on load').toEqual([]);

  await page.locator('.thumb').nth(2).tap();
  const attack = page.locator('section[data-reveal=attack]');
  // The attack stage is the section right after the gallery: nothing else to scroll past.
  const order = await page.evaluate(() => Array.from(document.querySelectorAll('main section'))
    .filter((s) => !s.parentElement?.closest('section')).map((s) => s.getAttribute('aria-labelledby')));
  expect(order.indexOf('attack-h')).toBe(order.indexOf('gallery-h') + 1);
  const run = page.getByRole('button', { name: /^Run / });
  await expect.poll(() => inViewport(page, run)).toBe(true);
  await expect.poll(() => inViewport(page, attack.getByRole('img', { name: 'selected image 2' }))).toBe(true);
  // Attack, target and gradient mode in sight; the threat model and the attack's parameters behind "Advanced".
  await expect(page.getByLabel('attack', { exact: true })).toBeVisible();
  await expect(page.getByLabel('target class')).toBeVisible();
  await expect(page.getByTestId('gradient-mode').locator('input[value=exact]')).toBeVisible();
  const advanced = attack.locator('details.advanced');
  await expect(advanced.locator('summary')).toContainText('Advanced');
  await expect(advanced).not.toHaveAttribute('open', '');
  await expect(attack.locator('input[name=threat]').first()).toBeHidden();
  await expect(attack.locator('.params input').first()).toBeHidden();
  await page.screenshot({ path: `${SHOTS}/one-screen-11-picked-375.png` });
  expect(await smallControls(page), 'controls under 44 px with the attack stage').toEqual([]);

  await run.tap();
  const result = page.getByTestId('attack-result');
  await expect(result.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
  await expect.poll(() => inViewport(page, result.getByTestId('attack-headline'))).toBe(true);
  const vh = 740;
  for (const side of ['side-unprotected', 'side-protected']) {
    const canvases = result.getByTestId(side).locator('canvas');
    await expect(canvases).toHaveCount(3);
    const boxes = await Promise.all([0, 1, 2].map((i) => box(canvases.nth(i))));
    // One row: the same top, left to right, all three within the screen's width.
    expect(Math.max(...boxes.map((b) => b.y)) - Math.min(...boxes.map((b) => b.y)), `${side}: one row`).toBeLessThan(2);
    expect(boxes[0].x < boxes[1].x && boxes[1].x < boxes[2].x).toBe(true);
    expect(boxes[2].x + boxes[2].width).toBeLessThanOrEqual(375);
    // Both sides' adversarial images and ρ within 1.5 screens of where Run left the page.
    const adv = boxes[1];
    expect(adv.y, `${side} adversarial image top`).toBeGreaterThanOrEqual(0);
    expect(adv.y + adv.height, `${side} adversarial image bottom`).toBeLessThanOrEqual(1.5 * vh);
    const rho = await box(result.getByTestId(side).getByTestId('rho'));
    expect(rho.y + rho.height, `${side} ρ bottom`).toBeLessThanOrEqual(1.5 * vh);
  }
  await page.screenshot({ path: `${SHOTS}/one-screen-12-result-375.png` });
  await page.screenshot({ path: `${SHOTS}/one-screen-13-result-375-full.png`, fullPage: true });
  expect(await smallControls(page), 'controls under 44 px with a result').toEqual([]);
  expect(await tinyTexts(page), 'text under 12 px with a result').toEqual([]);
  await context.close();
});
