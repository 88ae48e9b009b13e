import { expect, test } from '@playwright/test';

/**
 * Whole attacks (IFGSM, DeepFool L2/L∞, Madry PGD, Trust Region) on the GPU backends give the same
 * per-image iterations and success, and mean ρ within 1e-5, as cpu in the same page (cpu and wasm are
 * compared in Vitest, 20 images at the paper's budgets). Four images, a few steps per attack: the GPUs here
 * are software rasterisers (20 images at the paper's budgets took 5 min on WebGL, over 10 on WebGPU).
 */
for (const backend of ['webgl', 'webgpu'] as const) {
  test(`whole-attack parity with cpu on ${backend}`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto(`diagnostics.html?backend=${backend}&attackparity=mnist-lenetlike-base&images=4&budget=small`);
    const res = await page.waitForFunction(() => window.__attackParity, undefined, { timeout: 290_000 }).then((h) => h.jsonValue());
    expect(res, JSON.stringify(res)).not.toHaveProperty('error');
    const r = res as Exclude<typeof res, { error: string } | undefined>;
    expect(r).toMatchObject({ backend, images: 4, budget: 'small', leaked: 0 });
    expect(r.rows.map((row) => row.key)).toEqual(['ifgsm', 'deepfool-l2', 'deepfool-linf', 'pgd', 'trust-region-l2']);
    for (const row of r.rows) {
      expect(row, JSON.stringify(row)).toMatchObject({ ok: true, iterationsDiffer: [], successDiffer: [] });
      expect(row.fooled, `${row.key} fools some of the four images`).toBeGreaterThan(0);
    }
    await expect(page.locator('#status')).toHaveText(/Attacks agree with cpu/);
  });
}
