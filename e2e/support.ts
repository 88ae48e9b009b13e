/** What the analysis specs share: waiting for a loaded, idle model, worker memory, and collected console errors. */
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    return s?.jobs.load.status === 'done' && s.card?.id === s.modelId && s.jobs.evaluate.status !== 'running' && s.jobs.evaluate.status !== 'cancelling';
  }, undefined, { timeout: 90_000 });
}

export const memory = (page: Page) => page.evaluate(() => window.__jumprelu!.memory());

export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * Clicks a panel's "Download PNG" and checks the figure a slide needs: a PNG larger than 400×250 CSS pixels
 * at 2× (so > 800×500 stored), and not blank (some share of its pixels neither white nor one flat colour).
 * A legend marker (28×28) or a silent no-op fails it. Returns the stored size.
 */
export async function expectFigurePng(page: Page, panel: Locator, name: string): Promise<{ width: number; height: number }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), panel.getByRole('button', { name: 'Download PNG' }).click()]);
  expect(download.suggestedFilename()).toBe(name);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  expect(width, `${name} width`).toBeGreaterThan(800);
  expect(height, `${name} height`).toBeGreaterThan(500);
  const inked = await page.evaluate(async (data) => {
    // A Blob from the bytes (fetching a data: URL is refused by the page's connect-src).
    const blob = new Blob([new Uint8Array(data)], { type: 'image/png' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    return ink / (d.length / 4);
  }, Array.from(bytes));
  expect(inked, `${name}: share of drawn pixels`).toBeGreaterThan(0.005);
  expect(inked).toBeLessThan(0.9);
  return { width, height };
}
