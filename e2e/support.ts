/** What the analysis specs share: waiting for a loaded, idle model, worker memory, and collected console errors. */
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The model is loaded and no job is running: a link may start more than the evaluation (img=…&attack=… runs
 * the attack), and a memory baseline read while such a job holds tensors is wrong (CI saw 15, then 10).
 */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__jumprelu?.getState();
    return s?.jobs.load.status === 'done' && s.card?.id === s.modelId
      && Object.values(s.jobs).every((j) => j.status !== 'running' && j.status !== 'cancelling');
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
 * at 2× (so > 800×500 stored), not blank, and below its title lines a drawing over 300×80 CSS px (the chart or
 * the table). A legend marker (28×28) or a silent no-op fails it. With `tableRows`, the figure must draw that many
 * table rows (the panel's own, header rows included). Returns the stored size.
 */
export async function expectFigurePng(page: Page, panel: Locator, name: string, tableRows?: number): Promise<{ width: number; height: number }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), panel.getByRole('button', { name: 'Download PNG' }).click()]);
  expect(download.suggestedFilename()).toBe(name);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  await download.saveAs(`artifacts/screenshots/figure-${name}`);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  expect(width, `${name} width`).toBeGreaterThan(800);
  expect(height, `${name} height`).toBeGreaterThan(500);
  // Ink below the title lines (70 CSS px, 140 stored): the chart or table itself, not a legend marker's 28×28.
  const ink = await page.evaluate(async (data) => {
    // A Blob from the bytes (fetching a data: URL is refused by the page's connect-src).
    const bmp = await createImageBitmap(new Blob([new Uint8Array(data)], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let n = 0;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
    for (let y = 140; y < bmp.height; y++) {
      for (let x = 0; x < bmp.width; x++) {
        const i = 4 * (y * bmp.width + x);
        if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) { n++; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      }
    }
    // The table rule under each row (#d5dae3, 2 stored px), counted down a column near the left edge.
    let rules = 0;
    for (let y = 140, on = false; y < bmp.height; y++) {
      const i = 4 * (y * bmp.width + 40);
      const rule = Math.abs(d[i] - 213) < 4 && Math.abs(d[i + 1] - 218) < 4 && Math.abs(d[i + 2] - 227) < 4;
      if (rule && !on) rules++;
      on = rule;
    }
    return { share: n / (bmp.width * (bmp.height - 140)), boxWidth: x1 - x0, boxHeight: y1 - y0, rules };
  }, Array.from(bytes));
  // A table figure draws every row the panel shows (ours, reference, paper), not the CSV's rows.
  if (tableRows !== undefined) expect(ink.rules, `${name}: table rows drawn`).toBe(tableRows);
  expect(ink.share, `${name}: share of drawn pixels`).toBeGreaterThan(0.005);
  expect(ink.share).toBeLessThan(0.9);
  expect(ink.boxWidth, `${name}: width of what is drawn below the title`).toBeGreaterThan(600);
  expect(ink.boxHeight, `${name}: height of what is drawn below the title`).toBeGreaterThan(160);
  return { width, height };
}

/** Visible text under 12 px: HTML text by its computed size, SVG text by its size on screen. */
export async function tinyTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim()) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('[hidden], .visually-hidden, details:not([open]) > :not(summary)')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let size = parseFloat(style.fontSize);
      if (el instanceof SVGElement) size *= (el as unknown as SVGGraphicsElement).getScreenCTM?.()?.a ?? 1;
      if (size < 11.95) out.push(`${size.toFixed(1)} px: ${n.textContent.trim().slice(0, 40)}`);
    }
    return out;
  });
}
