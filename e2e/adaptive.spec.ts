import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { parseCsv } from '../src/features/analysis/csv';
import { expectFigurePng, memory, ready, watchErrors } from './support';

/**
 * "Is the defence real?" in the browser (wasm): the attack view with exact and straight-through gradients
 * (raw and refined ρ on both sides, the headline with both ratios, τ ≤ 0 refused), and the adaptive panel on
 * 10 MNIST images with a small Square budget (table, red flags, both robust-accuracy charts, CSV), a zero
 * budget refused with a message, a cancel mid-way; worker tensors back at baseline after each.
 */
const SHOTS = 'artifacts/screenshots';

const RATIO = String.raw`\d+\.\d\d×`;

test('attack view: DeepFool with exact and with straight-through gradients, raw and refined ρ, both ratios in the headline', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto('?backend=wasm&img=0&attack=deepfool-l2');
  await ready(page);
  const base = await memory(page);

  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  const result = page.getByTestId('attack-result');
  await expect(result).toBeVisible({ timeout: 90_000 });
  await expect(result.getByTestId('attack-headline')).toHaveText(new RegExp(
    `^DeepFool L2 with exact gradients needed ${RATIO} the ρ \\(${RATIO} refined to the boundary\\); with straight-through gradients ${RATIO} \\(${RATIO} refined to the boundary\\)\\.$`));
  for (const side of ['side-unprotected', 'side-protected']) {
    const s = result.getByTestId(side);
    await expect(s.getByTestId('rho')).toHaveText(/\d+\.\d %.*exact gradients/);
    await expect(s.getByTestId('rho-refined')).toHaveText(/^\d+\.\d %/);
    await expect(s.getByTestId('companion')).toContainText('straight-through gradients');
    await expect(s.getByTestId('companion-rho-refined')).toHaveText(/^\d+\.\d %/);
  }
  // The numbers behind the text: refined never above raw; at κ = 0 the straight-through run is the exact one.
  const r = await page.evaluate(() => window.__jumprelu!.getState().jobs.attack.result!);
  for (const s of [r.unprotected, r.protected, r.companion!.protected]) expect(s.rhoRefined!).toBeLessThanOrEqual(s.rho * (1 + 1e-6));
  expect(r.companion!.unprotected.rho).toBe(r.unprotected.rho);
  await page.screenshot({ path: `${SHOTS}/20-adaptive-attack.png`, fullPage: true });
  expect((await memory(page)).numTensors).toBe(base.numTensors);

  // The stronger attacker first: the headline names straight-through, then exact beside it.
  await page.getByTestId('gradient-mode').getByLabel(/straight-through/).check();
  await expect.poll(() => page.url()).toMatch(/grad=st/);
  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  await expect(result.getByTestId('attack-headline')).toHaveText(new RegExp(
    `^DeepFool L2 with straight-through gradients needed ${RATIO} the ρ \\(${RATIO} refined to the boundary\\); with exact gradients ${RATIO}`), { timeout: 90_000 });
  await expect(result.getByTestId('side-protected').getByTestId('rho')).toHaveText(/straight-through gradients/);
  expect((await memory(page)).numTensors).toBe(base.numTensors);

  // τ ≤ 0 has no smoothed surrogate: the box says so and keeps the old τ.
  await page.locator('input[name=gradient-mode][value=smoothed]').check();
  await page.getByLabel('smoothing tau').fill('0');
  await expect(page.getByTestId('gradient-mode').getByRole('alert')).toHaveText(/smoothing τ must be a finite number > 0, got 0/);
  expect(await page.evaluate(() => window.__jumprelu!.getState().smoothingTau)).toBe(0.1);

  // A gradient-free attack: no gradient mode to pick, and the view says why there is no second run.
  await page.getByLabel('attack', { exact: true }).selectOption('square-linf');
  await expect(page.getByTestId('gradient-mode')).toContainText('never its gradients');
  expect(errors).toEqual([]);
});

test('"Is the defence real?" on 10 images: table, red flags, robust-accuracy charts, CSV; zero queries refused; cancel; no leak', async ({ page }) => {
  test.setTimeout(480_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto('?backend=wasm&panels=adaptive&adn=10&adq=50');
  await ready(page);
  const panel = page.getByTestId('panel-adaptive');
  await expect(panel).toBeVisible();
  const base = await memory(page);

  // Zero queries: refused with the reason, before any attack runs.
  await panel.getByLabel('Square queries per image').fill('0');
  await panel.getByLabel('Square queries per image').press('Enter');
  await panel.getByRole('button', { name: 'Run adaptive attacks' }).click();
  await expect(panel.getByRole('alert')).toContainText(/query budget of at least 1 .*got 0/, { timeout: 30_000 });
  await panel.getByLabel('Square queries per image').fill('50');
  await panel.getByLabel('Square queries per image').press('Enter');
  await expect.poll(() => page.url()).toMatch(/adq=50/);

  await panel.getByRole('button', { name: 'Run adaptive attacks' }).click();
  await expect(panel.getByRole('progressbar')).toBeVisible();
  await expect(panel.getByTestId('adaptive-table')).toBeVisible({ timeout: 420_000 });
  const res = await page.evaluate(() => window.__jumprelu!.getState().jobs.adaptive.result!);
  expect(res.count).toBe(10);
  expect(res.sections.map((s) => s.kappa)).toEqual([0, await page.evaluate(() => window.__jumprelu!.getState().kappa)]);
  for (const key of Object.keys(res.sections[0].cells)) await expect(panel.getByTestId(`adaptive-row-${key}`)).toBeVisible();
  await expect(panel.getByTestId('adaptive-row-deepfool-l2+straight-through')).toContainText('straight-through gradients');
  await expect(panel.getByTestId('adaptive-best-of')).toContainText('%');
  await expect(panel.getByTestId('adaptive-headline')).toHaveText(new RegExp(
    `DeepFool L2 with exact gradients \\(the paper's attacker\\) needed ${RATIO} the refined ρ of κ = 0; with straight-through gradients ${RATIO}; the best of all attacks per image ${RATIO}`));
  // Five flags, each with its meaning and one sentence per κ.
  const flags = panel.getByTestId('adaptive-red-flags');
  for (const f of ['unboundedNotFooled', 'beatsExact', 'notConverged', 'zeroGradients', 'silencedUnits']) {
    await expect(flags.getByTestId(`flag-${f}`).locator('li')).toHaveCount(2);
  }
  await expect(flags).toContainText('Units silenced by the jump');
  for (const norm of ['l2', 'linf']) await expect(panel.getByTestId(`adaptive-chart-${norm}`).locator('.recharts-line')).toHaveCount(2);
  // Robust accuracy at fixed ε (3 pixel ε + the paper's, exact and straight-through) with the attacks named; the indicators table.
  expect(res.sections[0].robustAccuracy!.rows).toHaveLength(8);
  // One row per ε, and under each the reference file's figure (its adaptive section holds robust accuracy since 2026-12-06).
  await expect(panel.getByTestId('adaptive-fixed-eps').locator('tbody tr:not(.ref)')).toHaveCount(4);
  await expect(panel.getByTestId('adaptive-fixed-eps').locator('tbody tr.ref')).toHaveCount(4);
  await expect(panel.getByTestId('adaptive-fixed-eps').locator('tbody tr.ref').first()).toContainText('(n = 200)');
  await expect(panel.getByTestId('adaptive-fixed-eps')).toContainText('APGD-CE');
  // Randomized κ was off: the randomized model's EOT rows are the reference file's (n = 200), with its verdict.
  await expect(panel.getByTestId('adaptive-randomized').locator('tbody tr.ref')).toHaveCount(8);
  await expect(panel.getByTestId('adaptive-randomized')).toContainText('Randomized κ was off in this run');
  await expect(panel.getByTestId('adaptive-randomized-verdict')).toHaveText(/^Reference file: Randomized κ ~ U\[0\.6, 1\] at ε = 0\.1 px: .* leave 74\.3% robust on average over 5 κ draws \(lowest draw 73\.5%\), against 69\.5% for the fixed κ = 1 and 63\.0% for ReLU \(κ = 0\)/);
  // The same sentence stands in the reference note, there before any run; the two samples are equal (n = 200), so no caveat.
  await expect(panel.getByTestId('adaptive-randomized-reference')).toContainText('first 200 images): Randomized κ ~ U[0.6, 1] at ε = 0.1 px');
  await expect(panel.getByTestId('adaptive-randomized-reference')).not.toContainText('different samples');
  await expect(panel.getByTestId('adaptive-indicators')).toContainText('Silent success');
  await expect(panel.getByTestId('adaptive-indicators')).toContainText('not measured');
  await page.screenshot({ path: `${SHOTS}/21-adaptive-panel.png`, fullPage: true });
  expect((await memory(page)).numTensors).toBe(base.numTensors);

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('jumprelu-adaptive.csv');
  const csv = parseCsv(await readFile((await download.path())!, 'utf8'));
  expect(csv[0]).toEqual(['section', 'kappa', 'attack', 'gradient_mode', 'norm', 'rho', 'rho_refined', 'fool_rate', 'mean_iterations', 'epsilon', 'robust_accuracy', 'n']);
  const cell = csv.find((row) => row[0] === 'cell' && row[2] === 'deepfool-l2' && row[3] === 'straight-through' && Number(row[1]) === res.sections[1].kappa)!;
  expect(Number(cell[6])).toBeCloseTo(res.sections[1].cells['deepfool-l2+straight-through'].rhoRefined, 12);
  expect(csv.filter((row) => row[0] === 'robust-accuracy').length).toBeGreaterThan(4);
  await expectFigurePng(page, panel, 'jumprelu-adaptive.png');

  // Cancel mid-way: the panel says so and the worker holds nothing more than before.
  await panel.getByRole('button', { name: 'Run adaptive attacks' }).click();
  await page.waitForFunction(() => (window.__jumprelu?.getState().jobs.adaptive.progress?.done ?? 0) > 0.05);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByText('Cancelled.')).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await memory(page)).numTensors, { timeout: 30_000 }).toBe(base.numTensors);
  expect(errors).toEqual([]);
});

test('the binarization test from the reference file is on screen before any run: pass rates per attack and κ, a verdict naming the weak attacks', async ({ page }) => {
  await page.goto('?backend=wasm&panels=adaptive');
  const b = page.getByTestId('binarization-reference');
  await expect(b).toBeVisible({ timeout: 90_000 });
  // public/reference/mnist-lenetlike-base.json, n = 200: 7 attacks; at κ = 1 exact-gradient PGD passes 185 of 199, straight-through all.
  await expect(b.locator('tbody tr')).toHaveCount(7);
  await expect(b.locator('tbody tr', { hasText: 'PGD L∞ (100 steps), exact gradients' })).toContainText(/100%.*\(200\/200\).*⚑ 93%.*\(185\/199\)/);
  await expect(page.getByTestId('binarization-verdict')).toHaveText(/^At κ = 1 PGD L∞ \(100 steps\), exact gradients \(93%\), DeepFool L∞ \(‖Δ‖∞ ≤ ε\), exact gradients \(79%\), APGD-CE L∞ \(100 steps\), exact gradients \(96%\) miss an adversarial example that is known to exist, which they found on every image at κ = 0 — the jump misleads them, a sign of gradient masking; PGD L∞ \(100 steps\), straight-through gradients, APGD-CE L∞ \(100 steps\), straight-through gradients still find it every time\. \(FGSM, exact gradients 53%, FGSM, straight-through gradients 67%: short of 100% at κ = 0 too\.\)$/);
});
