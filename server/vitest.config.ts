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
    // Each worker process runs its files one after another with the modules it has loaded: importing the server's
    // module graph again for every file cost ~2 s a file (import 125 s of a 434 s run; 293 s without). Every file
    // still opens its own database, and module-level state is either keyed by the database or fixed data.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
