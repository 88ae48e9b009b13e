import { expect, test } from '@playwright/test';

/**
 * The ResNet's Table 3 from its reference file, on screen before any run. (Picking it, its accuracy at the paper
 * κ and an attack on it: cifar-networks.spec.ts.)
 */
const ID = 'cifar10-resnet20-base';

test('ResNet: Table 3 from its reference file is on screen before any run, with the paper column and a verdict', async ({ page }) => {
  await page.goto(`?backend=wasm&model=${ID}&panels=detection`);
  const table = page.getByTestId('detection-reference-table');
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(table.locator('tbody tr')).toHaveCount(4);
  await expect(table.locator('thead')).toContainText('reproduce, κ = 0.07');
  // Read from public/reference/cifar10-resnet20-base.json (n = 200): IFGSM 77.22 % at κ = 0, paper 72.54 %.
  await expect(table.locator('tbody tr').first()).toContainText(/PGD \(IFGSM\)\s*77\.2%\s*79\.5%\s*72\.5%\s*74\.3%/);
  await expect(page.getByTestId('detection-reference-verdict')).toContainText('κ = 0.07');
});
