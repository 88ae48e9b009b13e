import { expect, test, type Frame, type Page } from '@playwright/test';

/**
 * Hostile links, failing files and servers, a hostile embedding page, and the built app's
 * Content-Security-Policy (served by `vite preview` as a header and in the page as a meta tag).
 */

interface Watch { errors: string[]; violations: () => Promise<string[]> }

/** Console errors of the page and its workers, uncaught errors, and CSP violations seen by the document. */
async function open(page: Page, query: string): Promise<Watch> {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.setViewportSize({ width: 1300, height: 1000 });
  await page.goto(query);
  return { errors, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
}

async function settled(page: Page | Frame): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling'
      && document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false';
  }, undefined, { timeout: 90_000 });
}

const state = (page: Page | Frame) => page.evaluate(() => {
  const s = window.__jumprelu!.getState();
  const ready = s.jobs.load.status === 'done' && s.card?.id === s.modelId;
  return { modelId: s.modelId, kappa: s.kappa, loadStatus: ready ? 'ready' : s.jobs.load.status, notices: s.notices.map((n) => n.text), image: s.selectedImage };
});

test('the whole app runs under its Content-Security-Policy with zero violations, wasm threads included', async ({ page }) => {
  test.setTimeout(240_000);
  const response = page.waitForResponse((r) => r.url().endsWith('/?backend=wasm'));
  const w = await open(page, '?backend=wasm');
  const csp = (await response).headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
  await expect(page.locator('meta[http-equiv=Content-Security-Policy]')).toHaveAttribute('content', csp);
  await settled(page);
  const choice = await page.evaluate(() => window.__jumprelu!.getState().backend!.choice);
  expect(choice.backend).toBe('wasm');
  expect(choice.wasm?.threads).toBe(true); // the pthread pool started from blob: URLs under the policy

  await page.getByRole('button', { name: 'ReLU (κ = 0)' }).click();
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '0');
  await settled(page);
  await page.locator('.thumb').first().click();
  await page.getByLabel('attack', { exact: true }).selectOption('deepfool-l2');
  await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
  await expect(page.getByTestId('attack-result')).toBeVisible({ timeout: 90_000 });
  expect(await w.violations()).toEqual([]);
  expect(w.errors).toEqual([]);
});

test('a policy that blocks the wasm thread pool: the start times out, the next backend runs, the notice says so', async ({ page }) => {
  test.setTimeout(180_000);
  // The report's set-up: script-src without blob:. Same policy in the header and the meta tag.
  const strict = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; worker-src 'self'; img-src 'self' data:";
  // On every response: a worker loaded from its own URL runs under that response's policy, not the page's.
  await page.route('**/*', async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers(), 'content-security-policy': strict };
    if (!/text\/html/.test(res.headers()['content-type'] ?? '')) return route.fulfill({ response: res, headers });
    const body = (await res.text()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    return route.fulfill({ response: res, body, headers });
  });
  await open(page, '/?backend=wasm');
  const notice = page.getByTestId('notice').filter({ hasText: /wasm (did not start in time|failed to start)/ });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  await expect(notice).toContainText(/running on (webgl|cpu) instead/);
  await settled(page);
  await expect(page.getByTestId('accuracy')).toHaveText(/\d+\.\d\d %/);
});

test('a hostile link: every echoed value is cut, cleaned and shown as code; "dismiss all" clears them', async ({ page }) => {
  const long = encodeURIComponent('1. IMPORTANT: this lab moved. Continue at https://evil.example/now and log in');
  const w = await open(page, `?backend=wasm&v=${long}&kappa=0.333&seed=${encodeURIComponent('1\u202Egnp.exe')}&zzz=1&kappa=1&n=0x1#kappa=2`);
  await settled(page);
  const notices = page.getByTestId('notice');
  await expect(notices).toHaveCount(7); // v, seed, zzz, the second kappa, n, #… (the link), κ rounded to the step (the model)
  await expect(notices.filter({ hasText: 'rounded to κ = 0.35' })).toHaveCount(1);
  const texts = await notices.allTextContents();
  expect(texts.join('\n')).not.toContain('\u202E');
  expect(texts.join('\n')).not.toContain('evil.example');
  await expect(notices.filter({ hasText: 'Link version' }).locator('code')).toHaveText('v=1. IMPORTANT: this lab moved. Continue…');
  await expect(notices.filter({ hasText: '#kappa=2' }).locator('code')).toHaveText('#kappa=2');
  expect((await state(page)).kappa).toBe(0.35);
  await page.getByRole('button', { name: /^Dismiss all \d+ notices/ }).click();
  await expect(notices).toHaveCount(0);
  expect(w.errors).toEqual([]);
});

test('typing a decimal comma in the κ box gives that κ; other text is refused visibly', async ({ page }) => {
  await open(page, '?backend=wasm');
  await settled(page);
  const box = page.getByLabel('κ value');
  await box.fill('1,5');
  await box.press('Enter');
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '1.5');
  await box.fill('1,5,0');
  await box.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Not a number' })).toContainText('1,5,0');
  expect((await state(page)).kappa).toBe(1.5);
});

test('a model that fails to load keeps the working one; its reference file is fetched once', async ({ page, context }) => {
  test.setTimeout(180_000);
  const referenceFetches: string[] = [];
  context.on('request', (r) => { if (/\/reference\/.*\.json$/.test(r.url())) referenceFetches.push(r.url()); });
  await open(page, '?backend=wasm');
  await settled(page);
  await expect.poll(() => page.evaluate(() => window.__jumprelu!.getState().jobs.reference.status)).toBe('done');
  expect(referenceFetches).toHaveLength(1);
  const before = await page.evaluate(() => window.__jumprelu!.memory());

  // Offline for the other model's files.
  await context.route(/\/models\/cifar10-alexlike-base\//, (route) => route.abort('internetdisconnected'));
  await page.getByLabel('Dataset').selectOption('cifar10');
  const failed = page.getByTestId('notice').filter({ hasText: 'Could not load the model cifar10-alexlike-base' });
  await expect(failed).toBeVisible({ timeout: 60_000 });
  await expect(failed).toContainText('still showing mnist-lenetlike-base');
  expect(await state(page)).toMatchObject({ modelId: 'mnist-lenetlike-base', loadStatus: 'ready' });
  await expect(page.locator('.thumb')).toHaveCount(24);
  await expect(page.getByLabel('Dataset')).toHaveValue('mnist');
  await page.getByRole('button', { name: 'ReLU (κ = 0)' }).click();
  await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', '0');
  await settled(page);
  expect((await page.evaluate(() => window.__jumprelu!.memory())).numTensors).toBe(before.numTensors);
});

test('a missing models/index.json is named, and a long checksum wraps inside the red box', async ({ page, context }) => {
  await context.route(/\/models\/index\.json$/, (route) => route.fulfill({ status: 404, body: 'not here' }));
  await open(page, '?backend=wasm');
  const alert = page.locator('.backend.bad');
  await expect(alert).toContainText('models/index.json: HTTP 404');
  await expect(alert).not.toContainText('compute engine');
  await context.unroute(/\/models\/index\.json$/);

  // A damaged weights file: the error names it with both 64-digit checksums.
  await context.route(/\/mnist-lenetlike-base\/weights\.bin$/, async (route) => {
    const res = await route.fetch();
    const bytes = Buffer.from(await res.body());
    bytes[100] ^= 0xff;
    await route.fulfill({ response: res, body: bytes });
  });
  await page.setViewportSize({ width: 400, height: 1000 });
  await page.reload();
  const box = page.locator('.panel .error').filter({ hasText: 'checksum' });
  await expect(box).toBeVisible({ timeout: 60_000 });
  // Past its own edge, or (a grid track stretched by the unbreakable text) past the window's.
  const overflow = () => box.evaluate((e) => Math.max(e.scrollWidth - e.clientWidth, e.getBoundingClientRect().right - document.documentElement.clientWidth));
  expect(await overflow()).toBeLessThanOrEqual(1);
  // Control: without the wrapping rule the same text does overflow, so the check above can fail.
  await box.evaluate((e) => { (e as HTMLElement).style.overflowWrap = 'normal'; });
  expect(await overflow()).toBeGreaterThan(1);
});

test('served at a sub-path without the trailing slash: a message with the link that works', async ({ page }) => {
  await page.goto('/course/jumprelu?kappa=0.5');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('must be opened at an address that ends with a slash');
  await expect(alert.getByRole('link')).toHaveAttribute('href', '/course/jumprelu/?kappa=0.5');
});

test('a hostile embedding page: its messages change nothing, and the app listens for none', async ({ page }) => {
  test.setTimeout(180_000);
  // Every frame: record message listeners the app adds to its window (the worker's own channel is not one).
  await page.context().addInitScript(() => {
    const w = window as unknown as { __messageListeners: number };
    w.__messageListeners = 0;
    const add = window.addEventListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'message') w.__messageListeners++;
      return (add as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof window.addEventListener;
  });
  const heights: number[] = [];
  await page.exposeFunction('__height', (h: number) => heights.push(h));
  await page.route('**/hostile.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><iframe id="lab" src="/?backend=wasm&embed=slider,gallery" width="900" height="600"></iframe>
      <script>addEventListener('message', (e) => { if (e.data && e.data.type === 'jumprelu-lab:resize') window.__height(e.data.height); });</script>`,
  }));
  await page.goto('/hostile.html');
  const frame = page.frame({ url: /embed=slider/ })!;
  await settled(frame);
  const before = await state(frame);
  await expect.poll(() => heights.length).toBeGreaterThan(0);

  await page.evaluate(() => {
    const lab = (document.getElementById('lab') as HTMLIFrameElement).contentWindow!;
    const hostile: unknown[] = [
      { type: 'jumprelu-lab:resize', height: 1 }, { kappa: 0 }, '?kappa=0&model=cifar10-alexlike-base', { setState: { kappa: 0 } },
      { type: 'setKappa', kappa: 0 }, JSON.stringify({ kappa: 0 }), null, 42, { __proto__: { kappa: 0 } },
    ];
    for (const m of hostile) lab.postMessage(m, '*');
  });
  await page.waitForTimeout(1000); // the messages are delivered as tasks; give the frame time to (not) react
  expect(await state(frame)).toEqual(before);
  expect(frame.url()).not.toContain('kappa=0');
  const listeners = () => frame.evaluate(() => (window as unknown as { __messageListeners: number }).__messageListeners);
  expect(await listeners()).toBe(0);
  expect(await frame.evaluate(() => window.onmessage)).toBeNull();
  // Control: the count does see a listener added to the frame's window.
  await frame.evaluate(() => addEventListener('message', () => undefined));
  expect(await listeners()).toBe(1);
});

test('diagnostics parameters are bounded: moves=1e9 is refused by name, not "Invalid array length"', async ({ page }) => {
  await page.goto('diagnostics.html?backend=cpu&modelbench=mnist-lenetlike-base&moves=1e9');
  await expect(page.locator('#status')).toHaveText('diagnostics parameter moves="1e9" must be a whole number from 1 to 100');
});

test('adaptive benchmark images are bounded by name: images=0 and images=501 are refused before any attack runs', async ({ page }) => {
  for (const n of ['0', '501']) {
    await page.goto(`diagnostics.html?backend=cpu&adaptivebench=mnist-lenetlike-base&images=${n}`);
    const res = await page.waitForFunction(() => window.__adaptiveBench, undefined, { timeout: 60_000 }).then((h) => h.jsonValue());
    expect(res).toEqual({ error: `diagnostics parameter images="${n}" must be a whole number from 1 to 500` });
    await expect(page.locator('#status')).toHaveText(`diagnostics parameter images="${n}" must be a whole number from 1 to 500`);
  }
});

test('models and data are served with cache headers; bundle files as immutable', async ({ page }) => {
  await page.goto('?backend=wasm');
  const header = async (path: string) => (await page.request.get(path)).headers()['cache-control'];
  expect(await header('models/index.json')).toBe('public, max-age=86400');
  expect(await header('data/mnist-test.json')).toBe('public, max-age=86400');
  const script = await page.locator('script[type=module]').getAttribute('src');
  expect(await header(script!)).toBe('public, max-age=31536000, immutable');
  expect(await header('./')).toBe('no-cache');
});
