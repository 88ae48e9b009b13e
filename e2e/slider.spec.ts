import { expect, test } from '@playwright/test';
import { memory, ready, watchErrors } from './support';

/**
 * The κ slider live: a first estimate (≈, with its interval and image count) before the exact figure, the
 * card's curve at once, no sentence pairing the new κ with another κ's count while the slider moves, no
 * queue of stale sweeps, and the worker's tensors back to their baseline after 50 moves.
 */
const SHOTS = 'artifacts/screenshots';

/** The κ panel's text never pairs the slider's κ with a count measured at another κ. */
async function honest(page: import('@playwright/test').Page): Promise<void> {
  const r = await page.evaluate(() => {
    const el = document.querySelector('[data-testid=accuracy]')!;
    const s = window.__jumprelu!.getState();
    return { stale: el.getAttribute('data-stale'), shownKappa: el.getAttribute('data-kappa'), kappa: String(s.kappa), text: el.parentElement!.textContent ?? '' };
  });
  if (r.stale === 'false') expect(r.shownKappa, r.text).toBe(r.kappa);
  else expect(r.text, 'a figure without its κ').not.toMatch(/\d+ \/ [\d,]+ correct/);
}

test('first estimate, then the exact figure; 50 moves leave no stale sentence, no queue and no tensor behind', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  // The whole MNIST shard: a sweep long enough (10,000 images) for its interim figures to be seen.
  await page.goto('?backend=wasm&model=mnist-lenetlike-base&n=full');
  await ready(page);
  await expect(page.getByTestId('card-curve')).toContainText('full test set, 10,000 images');
  const base = await memory(page);

  await page.locator('#kappa-slider').fill('1.5');
  const acc = page.getByTestId('accuracy');
  await expect(acc).toHaveAttribute('data-interim', /\d+/, { timeout: 30_000 });
  await expect(acc).toHaveText(/^≈ \d+\.\d %$/);
  await expect(page.getByTestId('interim')).toContainText(/so far [\d,]+ \/ [\d,]+ of 10,000 images; 95% interval \d+\.\d % – \d+\.\d % \(Wilson\)/);
  await page.locator('section[aria-labelledby=kappa-h]').screenshot({ path: `${SHOTS}/slider-interim-1280.png` });
  await expect(acc).toHaveAttribute('data-kappa', '1.5', { timeout: 60_000 });
  await expect(acc).toHaveText(/^\d+\.\d\d %$/);

  const slider = page.locator('#kappa-slider');
  for (let i = 0; i < 50; i++) {
    await slider.fill(String(Number((0.05 * ((i * 7) % 40)).toFixed(2))));
    await honest(page);
  }
  // No queue: the newest κ alone is swept; its figure lands, then only the κ = 0 baseline may follow.
  const last = await page.evaluate(() => String(window.__jumprelu!.getState().kappa));
  await expect(acc).toHaveAttribute('data-kappa', last, { timeout: 60_000 });
  await ready(page);
  await honest(page);
  expect((await memory(page)).numTensors).toBe(base.numTensors);
  expect(errors).toEqual([]);
});

test('on a phone: the interim figure, its interval and the card curve fit the width', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('?backend=wasm&model=mnist-lenetlike-base&n=full');
  await ready(page);
  await page.locator('#kappa-slider').fill('1.25');
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-interim', /\d+/, { timeout: 30_000 });
  await page.locator('section[aria-labelledby=kappa-h]').screenshot({ path: `${SHOTS}/slider-interim-375.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '1.25', { timeout: 60_000 });
});
