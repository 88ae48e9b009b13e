import { expect, test, type Locator, type Page } from '@playwright/test';
import { ready } from './support';

/**
 * What the user just caused is where they are looking (1280×800): picking a test image brings the attack
 * controls with the picked image into the viewport; after Run, the headline and both sides' adversarial
 * images are inside it, and the headline is announced (role=status). Screenshots of each state.
 */
const SHOTS = 'artifacts/screenshots';

async function inViewport(page: Page, el: Locator): Promise<boolean> {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

test('desktop: pick an image → the attack controls in view; Run → headline and both adversarial images in view', async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('?backend=wasm&p.steps=5');
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
