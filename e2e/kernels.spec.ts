import { expect, test } from '@playwright/test';

/** The JumpRelu parity table and gradient check on the GPU backends, in a real Chromium. */
for (const backend of ['webgl', 'webgpu', 'wasm', 'cpu'] as const) {
  test(`JumpRelu kernel parity on ${backend}`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`diagnostics.html?backend=${backend}`);
    const report = await page.waitForFunction(() => window.__parity, undefined, { timeout: 150_000 }).then((h) => h.jsonValue());
    expect(report, JSON.stringify(report)).not.toHaveProperty('error');
    type Vjp = import('../src/core/bench/vjp-parity').VjpParityResult;
    const r = report as import('../src/core/op/parity').ParityReport & { convInputGrad: { maxAbsError: number; winograd: boolean; threads: number | null }; candidateVjp: Vjp; candidateVjpModes: Record<string, Vjp>; residualVjp: Vjp; invertedVjp: Vjp };
    expect(r.backend).toBe(backend);
    for (const c of r.cases) expect(c, c.name).toMatchObject({ ok: true });
    // The forward kernel and the gradient kernel under each of the three gradient modes ran the whole table.
    for (const mode of [':', ' (straight-through):', ' (smoothed):']) {
      expect(r.cases.filter((c) => c.name.startsWith(`gradient kernel${mode}`)).length, mode).toBe(r.cases.length / 4);
    }
    expect(r.gradient.maxAbsError).toBeLessThan(2e-3);
    // Each gradient mode against finite differences of its surrogate (J, ReLU, z·σ((z − κ)/τ)).
    for (const [mode, g] of Object.entries(r.gradientModes)) expect(g.maxAbsError, mode).toBeLessThan(2e-3);
    for (const [mode, v] of Object.entries(r.candidateVjpModes)) expect(v.gradientError, mode).toBeLessThan(1e-4);
    // The attacks' convolution input gradient (a forward convolution) equals TF.js's own on this backend.
    expect(r.convInputGrad.maxAbsError).toBeLessThan(1e-3);
    // On wasm with ≤ 2 threads the 8 → 16-channel case went through the Winograd kernel (its shared-memory
    // build under cross-origin isolation); with more threads XNNPACK keeps the convolutions.
    if (backend === 'wasm') expect(r.convInputGrad.winograd).toBe(r.convInputGrad.threads! <= 2);
    if (backend !== 'wasm') expect(r.convInputGrad.winograd).toBe(false);
    // DeepFool's hand-written many-cotangent backward equals tf.grad over the tiled batch on this backend.
    expect(r.candidateVjp.gradientError).toBeLessThan(1e-4);
    expect(r.candidateVjp.logitsError).toBeLessThan(1e-5);
    expect(r.candidateVjp.leaked).toBe(0);
    // The same on a residual network (BN, strided conv, Add, global pooling: the ResNet's ops).
    expect(r.residualVjp.gradientError).toBeLessThan(1e-4);
    expect(r.residualVjp.logitsError).toBeLessThan(1e-5);
    expect(r.residualVjp.modelError).toBeLessThan(1e-4);
    expect(r.residualVjp.leaked).toBe(0);
    // MobileNetV2 blocks: depthwise convolutions at stride 1 and 2, linear bottlenecks, a residual Add.
    expect(r.invertedVjp.gradientError).toBeLessThan(1e-4);
    expect(r.invertedVjp.logitsError).toBeLessThan(1e-5);
    expect(r.invertedVjp.modelError).toBeLessThan(1e-4);
    expect(r.invertedVjp.leaked).toBe(0);
    // κ is a uniform: moving it never compiles a program (null on backends that compile none).
    expect(r.kappaPrograms.outputsChanged).toBe(true);
    if (backend === 'webgl' || backend === 'webgpu') expect(r.kappaPrograms.programsCreated).toBe(0);
    await expect(page.locator('#status')).toHaveText(/All checks pass/);
    expect(errors).toEqual([]);
  });
}

/** The model benchmarks of `npm run bench` run in the browser (tiny sizes: this checks the harness, not speed). */
test('model benchmark page on wasm: forward, κ → accuracy, DeepFool batched and single agree', async ({ page }) => {
  await page.goto('diagnostics.html?backend=wasm&modelbench=mnist-lenetlike-base&forward=20&repeats=1&kappa=20&moves=2&deepfool=4&single=4');
  const res = await page.waitForFunction(() => window.__modelBench, undefined, { timeout: 120_000 }).then((h) => h.jsonValue());
  expect(res, JSON.stringify(res)).not.toHaveProperty('error');
  const r = res as Exclude<typeof res, { error: string } | undefined>;
  expect(r.forward?.ratio).toBeGreaterThan(0);
  expect(r.forward?.peakMB).toBeGreaterThan(0);
  expect(r.kappa).toMatchObject({ images: 20, kappas: 2 });
  expect(r.deepfool).toMatchObject({ images: 4, singleImages: 4 });
  // The same four images, batched and one at a time: the same number of DeepFool steps each.
  expect(r.deepfool?.batchedSteps).toBe(r.deepfool?.singleSteps);
  expect(r.deepfool?.batchedImgPerS).toBeGreaterThan(0);
});

test('model benchmark page names the shipped models when asked for an unknown one', async ({ page }) => {
  await page.goto('diagnostics.html?backend=wasm&modelbench=no-such-model');
  const res = await page.waitForFunction(() => window.__modelBench, undefined, { timeout: 60_000 }).then((h) => h.jsonValue());
  expect(res).toMatchObject({ error: expect.stringMatching(/unknown model "no-such-model".*mnist-lenetlike-base/) });
  await expect(page.locator('#status')).toHaveText(/unknown model/);
});
