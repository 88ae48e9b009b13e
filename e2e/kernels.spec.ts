import { expect, test } from '@playwright/test';

/** The JumpRelu parity table and gradient check on the GPU backends, in a real Chromium. */
for (const backend of ['webgl', 'webgpu', 'wasm', 'cpu'] as const) {
  test(`JumpRelu kernel parity on ${backend}`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`diagnostics.html?backend=${backend}`);
    const report = await page.waitForFunction(() => window.__parity, undefined, { timeout: 150_000 }).then((h) => h.jsonValue());
    expect(report, JSON.stringify(report)).not.toHaveProperty('error');
    const r = report as import('../src/core/op/parity').ParityReport;
    expect(r.backend).toBe(backend);
    for (const c of r.cases) expect(c, c.name).toMatchObject({ ok: true });
    expect(r.gradient.maxAbsError).toBeLessThan(2e-3);
    // κ is a uniform: moving it never compiles a program (null on backends that compile none).
    expect(r.kappaPrograms.outputsChanged).toBe(true);
    if (backend === 'webgl' || backend === 'webgpu') expect(r.kappaPrograms.programsCreated).toBe(0);
    await expect(page.locator('#status')).toHaveText(/All checks pass/);
    expect(errors).toEqual([]);
  });
}
