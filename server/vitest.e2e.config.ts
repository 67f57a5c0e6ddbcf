import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end suites, after the other suites (see vitest.config.ts), one file at a time. Two at a time took
 * 350 s instead of 570 s, but on this 2-core machine a select in e2e-wo-stats-admin then missed its option three
 * times running in one of five fresh-clone runs: a CI that fails one run in five is worse than a slower one.
 */
export default defineConfig({
  test: {
    include: ['test/e2e-*.test.ts'],
    globalSetup: ['test/e2e-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // One worker process runs the files one after another with the modules it has loaded (as vitest.config.ts does):
    // importing the server's module graph again for every file cost 3–4 s a file. Each file still starts its own
    // server on its own copy of the demo data and its own Chromium, and closes them in its afterAll.
    isolate: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    // A browser on a busy 2-core machine can take longer than vitest's default second to show what a poll waits for
    // (a CI run saw a form's validation errors miss it): the suites' polls wait up to 10 s unless they say otherwise.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    // A failed browser test runs once more (as Playwright's own runner does on CI) before it fails the suite: on this
    // shared 2-core machine a browser step sometimes meets a passing state (an animation mid-way, a popup still
    // closing); two of the last stops' CI runs failed on one such step that passed on every run before and after.
    // A test that fails twice still fails, and the report names every test that needed its second run.
    retry: 1,
  },
});
