import { defineConfig } from 'vitest/config';

/** Browser end-to-end suites: one file at a time, after the other suites (see vitest.config.ts). */
export default defineConfig({
  test: {
    include: ['test/e2e-*.test.ts'],
    globalSetup: ['test/e2e-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
  },
});
