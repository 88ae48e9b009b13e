/** What the analysis specs share: waiting for a loaded, idle model, worker memory, and collected console errors. */
import type { Page } from '@playwright/test';

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
