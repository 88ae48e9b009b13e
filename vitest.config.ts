import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // TF.js keeps one global engine per process: isolate files, run them one at a time on 2-core machines.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    setupFiles: ['src/testing/setup-node.ts'],
  },
});
