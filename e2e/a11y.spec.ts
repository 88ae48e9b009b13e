import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ready } from './support';

/**
 * WCAG 2.1 A/AA (axe-core's rules) on the built app, at a desktop and a phone size, before and after an attack:
 * no violation. Each failure lists the rule, its impact and the first elements it names.
 */
async function audit(page: Page, when: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, `axe violations ${when}`).toEqual([]);
}

for (const [w, h, touch] of [[1280, 800, false], [375, 740, true]] as const) {
  test(`accessibility at ${w}×${h}: no WCAG 2.1 A/AA violation before and after an attack`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport: { width: w, height: h }, hasTouch: touch });
    const page = await context.newPage();
    await page.goto('?backend=wasm');
    await ready(page);
    await audit(page, 'on load');
    await page.locator('.thumb').first().click();
    await page.getByRole('button', { name: /^Run / }).click();
    await expect(page.getByTestId('success')).toHaveCount(2, { timeout: 90_000 });
    await audit(page, 'after an attack');
    await context.close();
  });
}

test('skip link: the first Tab stop, shown when focused, leads past the header to the test images', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('?backend=wasm');
  await ready(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the test images' });
  await expect(skip).toBeFocused();
  const b = (await skip.boundingBox())!;
  expect(b.y).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Enter');
  await expect(page.locator('#gallery-h')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('.thumb').first()).toBeFocused();
});
