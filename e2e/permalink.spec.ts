import { expect, test, type Locator } from '@playwright/test';
import { ready } from './support';

/**
 * A permalink reproduces the result: run an attack, copy the link, open it in a fresh context (nobody presses
 * Run there) — the same headline, ρ and predictions are shown, in view. Analysis panels in the link show
 * their settings and say they are not computed yet. At 1280×800 and at 375×740 with touch.
 */
const SHOTS = 'artifacts/screenshots';

async function shown(result: Locator) {
  return {
    headline: await result.getByTestId('attack-headline').textContent(),
    rho: await result.getByTestId('rho').allTextContents(),
    refined: await result.getByTestId('rho-refined').allTextContents(),
    outcome: await result.getByTestId('success').allTextContents(),
    predictions: await result.locator('figcaption strong').allTextContents(),
  };
}

async function top(el: Locator): Promise<{ top: number; bottom: number }> {
  const b = (await el.boundingBox())!;
  return { top: b.y, bottom: b.y + b.height };
}

for (const [w, h, touch] of [[1280, 800, false], [375, 740, true]] as const) {
  test(`a copied link opens with the same attack result on screen at ${w}×${h}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const options = { viewport: { width: w, height: h }, hasTouch: touch, isMobile: touch, reducedMotion: 'reduce' as const };
    const sender = await browser.newContext(options);
    await sender.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await sender.newPage();
    await page.goto('?backend=wasm');
    await ready(page);
    await page.getByLabel('κ value').fill('0.5');
    await page.getByLabel('κ value').press('Enter');
    await ready(page);
    // An analysis panel with a setting of its own travels in the link too.
    await page.locator('.analysis-section .panel-toggles label').filter({ hasText: 'Robustness table' }).locator('input').check();
    await page.getByTestId('panel-table').getByLabel('images', { exact: true }).fill('30');
    await page.getByTestId('panel-table').getByLabel('images', { exact: true }).press('Enter');
    await page.locator('.thumb').nth(4).click();
    await page.getByRole('button', { name: /^Run / }).click();
    const result = page.getByTestId('attack-result');
    await expect(result.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
    const sent = await shown(result);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.locator('.copy-link [role=status]')).toHaveText(/copied/);
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());
    expect(link).toMatch(/img=4/);
    await sender.close();

    const reader = await browser.newContext(options);
    const opened = await reader.newPage();
    await opened.goto(link);
    const again = opened.getByTestId('attack-result');
    // Nobody presses Run: the link reruns its attack once the model is loaded at the link's κ.
    await expect(again.getByTestId('success')).toHaveCount(2, { timeout: 120_000 });
    expect(await shown(again)).toEqual(sent);
    await expect(opened.getByLabel('κ value')).toHaveValue('0.5');
    // In view: the headline, and both sides' adversarial images and ρ (on a phone within 1.5 screens).
    const limit = touch ? 1.5 * h : h;
    await expect.poll(async () => (await top(again.getByTestId('attack-headline'))).top).toBeGreaterThanOrEqual(0);
    expect((await top(again.getByTestId('attack-headline'))).bottom).toBeLessThanOrEqual(h);
    for (const side of ['side-unprotected', 'side-protected']) {
      const adv = await top(again.getByTestId(side).locator('canvas').nth(1));
      const rho = await top(again.getByTestId(side).getByTestId('rho'));
      expect(adv.top, side).toBeGreaterThanOrEqual(0);
      expect(adv.bottom, side).toBeLessThanOrEqual(limit);
      expect(rho.bottom, side).toBeLessThanOrEqual(limit);
    }
    await opened.screenshot({ path: `${SHOTS}/permalink-opened-${w}.png` });
    // The analysis panel shows the sender's setting and says it is not computed (it is not rerun on open).
    const table = opened.getByTestId('panel-table');
    await expect(table.getByLabel('images', { exact: true })).toHaveValue('30');
    await expect(table.getByTestId('not-computed')).toBeVisible();
    expect(await opened.evaluate(() => window.__jumprelu!.getState().jobs.table.status)).toBe('idle');
    await reader.close();
  });
}
