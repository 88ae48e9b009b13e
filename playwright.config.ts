import { defineConfig } from '@playwright/test';

/**
 * Real-browser tests against the production build (vite preview), in Debian's Chromium — never a
 * downloaded browser. CHROMIUM_PATH overrides the executable.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** E2E_PORT moves the preview server (e.g. when a developer's own preview holds 4173). */
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader',
        '--use-angle=swiftshader', '--ignore-gpu-blocklist',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
