import { expect, test, type Frame, type Page } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { encodeDrawing } from '../src/core/input/drawing-code';
import { imageHeaderSize } from '../src/lib/image-header';

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

test('models and data are served with cache headers; bundle files as immutable; every file with nosniff', async ({ page }) => {
  await page.goto('?backend=wasm');
  const headers = async (path: string) => (await page.request.get(path)).headers();
  const header = async (path: string) => (await headers(path))['cache-control'];
  expect(await header('models/index.json')).toBe('public, max-age=86400');
  expect(await header('data/mnist-test.json')).toBe('public, max-age=86400');
  const script = await page.locator('script[type=module]').getAttribute('src');
  expect(await header(script!)).toBe('public, max-age=31536000, immutable');
  expect(await header('./')).toBe('no-cache');
  // No MIME sniffing: a model, shard or reference file is never run as a script or shown as a page.
  for (const path of ['./', script!, 'models/index.json', 'models/mnist-lenetlike-base/weights.bin', 'data/mnist-test.json', 'diagnostics.html']) {
    expect((await headers(path))['x-content-type-options'], path).toBe('nosniff');
  }
});

test('a model=own link keeps model=own, its checksum and κ in the address bar through the load and a reload', async ({ page }) => {
  const sha = 'ab'.repeat(32);
  const w = await open(page, `?backend=wasm&model=own&sha=${sha}&kappa=0.5&img=3`);
  for (let visit = 0; visit < 2; visit++) {
    await settled(page);
    await expect(page.getByTestId('own-linked')).toContainText(`SHA-256 ${sha.slice(0, 12)}`);
    // The page shows a shipped model meanwhile; the address bar is written once its card is in (≤ 300 ms).
    expect((await state(page)).modelId).toBe('mnist-lenetlike-base');
    await page.waitForTimeout(800);
    const q = new URL(page.url()).searchParams;
    expect({ model: q.get('model'), sha: q.get('sha'), kappa: q.get('kappa'), img: q.get('img') }, `visit ${visit}`).toEqual({ model: 'own', sha, kappa: '0.5', img: '3' });
    if (visit === 0) await page.reload();
  }
  expect(w.errors).toEqual([]);
});

test('probe links: a drawing with a CIFAR-10 model, target=10 and img=0007 are each named in a notice', async ({ page }) => {
  const code = encodeDrawing(new Uint8Array(784).fill(255));
  const w = await open(page, `?backend=wasm&model=cifar10-alexlike-base&draw=${code}&target=10&img=0007`);
  await settled(page);
  const notices = page.getByTestId('notice');
  await expect(notices.filter({ hasText: "Set aside the link's drawing" }).locator('code')).toHaveText(`draw=${code.slice(0, 35)}…`);
  await expect(notices.filter({ hasText: 'drawings are MNIST digits' })).toHaveCount(1);
  await expect(notices.filter({ hasText: 'target=10' })).toContainText('not a valid value');
  await expect(notices.filter({ hasText: 'img=0007' })).toContainText('not a valid value');
  expect(await page.evaluate(() => { const s = window.__jumprelu!.getState(); return [s.ownImage, s.target, s.selectedImage]; })).toEqual([null, null, null]);
  expect(w.errors).toEqual([]);
});

/** CRC-32 of PNG chunks (zlib's polynomial). */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A valid 20,000 × 20,000 black PNG (1-bit grey): about 50 kB that decodes to 400 megapixels. */
function hugePng(side = 20_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale
  const raw = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // each row: filter 0, then zero bits
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

test('a 20,000 × 20,000 picture is refused from its header, before the browser decodes it; a small one is decoded', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __bitmaps: number };
    w.__bitmaps = 0;
    const decode = window.createImageBitmap.bind(window);
    window.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => { w.__bitmaps++; return decode(...args); }) as typeof createImageBitmap;
  });
  const w = await open(page, '?backend=wasm');
  await settled(page);
  const bitmaps = () => page.evaluate(() => (window as unknown as { __bitmaps: number }).__bitmaps);
  const huge = hugePng();
  expect(huge.length).toBeLessThan(200_000);
  const started = Date.now();
  await page.getByTestId('upload').setInputFiles({ name: 'bomb.png', mimeType: 'image/png', buffer: huge });
  await expect(page.getByRole('alert').filter({ hasText: 'bomb.png' })).toHaveText('bomb.png is 20000×20000 pixels; pictures up to 50 megapixels are accepted.');
  const ms = Date.now() - started;
  expect(await bitmaps()).toBe(0);
  // Control: a small picture does reach the decoder (so the count above can see one).
  const small = new PNG({ width: 28, height: 28 });
  small.data.fill(255);
  await page.getByTestId('upload').setInputFiles({ name: 'small.png', mimeType: 'image/png', buffer: PNG.sync.write(small) });
  await expect.poll(bitmaps).toBe(1);
  console.log(`bomb.png (${huge.length} bytes) refused in ${ms} ms`);
  expect(w.errors).toEqual([]);
});

test("the header reader reads the sizes Chromium's own PNG, JPEG and WebP encoders write", async ({ page }) => {
  const files = await page.evaluate(async () => {
    const out: { asked: string; type: string; bytes: number[] }[] = [];
    for (const [type, quality, alpha] of [['image/png', 1, false], ['image/jpeg', 0.9, false], ['image/webp', 0.8, false], ['image/webp', 0.8, true], ['image/webp', 1, false]] as const) {
      const canvas = new OffscreenCanvas(123, 45);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = alpha ? 'rgba(255, 0, 0, 0.5)' : '#f00';
      if (!alpha) ctx.fillRect(0, 0, 123, 45);
      ctx.fillStyle = '#00f';
      ctx.fillRect(10, 5, 60, 20);
      const blob = await canvas.convertToBlob({ type, quality });
      out.push({ asked: `${type} q=${quality}${alpha ? ' alpha' : ''}`, type: blob.type, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) });
    }
    return out;
  });
  for (const f of files) {
    expect(f.type, f.asked).toBe(f.asked.split(' ')[0]); // the encoder exists here
    expect(imageHeaderSize(Uint8Array.from(f.bytes)), f.asked).toMatchObject({ width: 123, height: 45 });
  }
  // Which WebP chunk the encoder chose, for the record (the VP8 and VP8L readers are tested on synthetic headers).
  console.log(files.filter((f) => f.type === 'image/webp').map((f) => `${f.asked}: ${String.fromCharCode(...f.bytes.slice(12, 16))}`).join('; '));
});
