import { defineConfig } from 'vitest/config';

/**
 * Unit and integration suites (PGlite by default, PostgreSQL with TEST_DATABASE_URL). The browser suites
 * (test/e2e-*.test.ts) run afterwards on their own (vitest.e2e.config.ts): they drive Chromium against a real
 * server and need the machine's cores to themselves to be dependable.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e-*.test.ts', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
