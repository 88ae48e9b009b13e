import { expect, test } from '@playwright/test';
import { ready, watchErrors } from './support';

/**
 * Ground truth in the app (issue 31): on the MNIST MLP the analysis section shows the exact minimal L∞
 * perturbation against the attacks with the κ verdict, and an attack on an image solved exactly shows ε*
 * and the exact adversarial image beside its own result. Image 4 is solved at κ = 0, 1 and 2 in the
 * shipped reference file. APGD-CE and APGD-T (both gradient modes) have rows of their own, marked, with the
 * note on how their ε was found (bisection on the budget: `npm run exact-verify -- --attacks` writes them).
 */
test('exact minimal perturbation: the panel, and ε* beside an attack on a solved image', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('?backend=wasm&model=mnist-mlp-base&kappa=1&attack=deepfool-linf');
  await ready(page);
  const panel = page.getByTestId('exact-panel');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('exact-verdict-1')).toHaveText(/^At κ = 1 the true minimal L∞ perturbation was larger on \d+ and smaller on \d+ of \d+ images/);
  const table = panel.getByTestId('exact-table');
  await expect(table).toContainText('best of these attacks, per image');
  for (const row of ['APGD-CE L∞, exact gradients', 'APGD-CE L∞, straight-through gradients', 'APGD-T L∞, exact gradients', 'APGD-T L∞, straight-through gradients']) {
    await expect(table.locator('tbody th', { hasText: row })).toHaveText(`${row}†`);
  }
  await expect(panel.getByTestId('exact-method')).toHaveText(/^† A fixed-budget attack \(APGD\): its ε on an image is the smallest budget at which it fools, by bisection: .* 10 halvings \(resolution u\/1024\)/);
  await page.locator('.thumb').nth(4).click();
  await page.getByRole('button', { name: /^Run / }).click();
  const beside = page.getByTestId('exact-beside');
  await expect(beside).toBeVisible({ timeout: 90_000 });
  await expect(beside.locator('figcaption')).toHaveCount(2);
  await expect(beside.locator('figcaption').nth(1)).toContainText(/retrofitted \(κ = 1\): ε\* = 0\.\d{4} pixel units; this run's ‖Δ‖∞ 0\.\d{4} \(\+\d+\.\d% above the truth\)/);
  await beside.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'artifacts/screenshots/exact-beside-1280.png' });
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'artifacts/screenshots/exact-panel-1280.png' });
  expect(errors).toEqual([]);
});
