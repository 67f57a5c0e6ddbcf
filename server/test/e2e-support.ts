/**
 * Shared setup of the browser suites (test/e2e-*.test.ts): a fresh build of the web app when a source is newer (under
 * a file lock, so suites started side by side never build into the same web/dist at once), a real demo server on a
 * temporary data directory (or E2E_BASE_URL), Chromium, axe, and signing in to the console.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { launchChromium, seriousA11yViolations } from '../../web/e2e/browser.js';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const E2E_DEMO_PASSWORD = process.env.E2E_DEMO_PASSWORD ?? 'E2e-demo-Pass-2026';

/** Newest modification time under `dir` (bounded walk of the web sources). */
function newestMtime(dir: string, depth = 0): number {
  if (!existsSync(dir) || depth > 8) return 0;
  const st = statSync(dir);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(dir).map((name) => newestMtime(path.join(dir, name), depth + 1)));
}

function buildIsFresh(): boolean {
  const built = [path.join(ROOT, 'web/dist/index.html'), path.join(ROOT, 'web/dist/console/index.html'), path.join(ROOT, 'web/dist/inspector/index.html')];
  if (!built.every((f) => existsSync(f))) return false;
  const builtAt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  const sources = ['web/src', 'contracts/src', 'web/public', 'web/index.html', 'web/console/index.html', 'web/inspector/index.html', 'web/vite.config.ts'];
  return Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s)))) <= builtAt;
}

/** Builds the web app when there is no build or a source changed after it, so the browser never tests stale pages. */
export function ensureWebBuild(): void {
  if (buildIsFresh()) return;
  // flock(1) serialises builds across processes (a suite that waited builds again: slower, never corrupt).
  // NODE_ENV=production: vitest sets NODE_ENV=test, which the build inherited — the browser tests then ran React's
  // development build (≈ 15 % larger, slower, with development-only behaviour) instead of what a city deploys.
  execFileSync('flock', [path.join(tmpdir(), 'civicgrid-web-build.lock'), 'npm', 'run', 'build', '-w', 'web'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface E2eEnv {
  base: string;
  browser: Browser;
  /** True when the suite started its own server (tests that read the database or the outbox need that). */
  local: boolean;
  server: RunningServer | undefined;
  close(): Promise<void>;
}

/** Starts (or points at) a demo server and launches Chromium; `useE2e()` calls it for a suite. */
export async function startE2e(): Promise<E2eEnv> {
  ensureWebBuild();
  let server: RunningServer | undefined;
  let dataDir: string | undefined;
  let base: string;
  if (process.env.E2E_BASE_URL) {
    base = process.env.E2E_BASE_URL.replace(/\/$/, '');
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cg-e2e-'));
    // The demo city seeded once by the global setup (e2e-global-setup.ts): a copy starts in seconds.
    const template = inject('e2eTemplateDir');
    if (template) cpSync(template, dataDir, { recursive: true });
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_PASSWORD: E2E_DEMO_PASSWORD, WORKER: 'off' });
    server = await startServer(config, { demo: true });
    base = server.url;
  }
  const browser = await launchChromium();
  return {
    base,
    browser,
    local: server !== undefined,
    server,
    async close() {
      await browser.close();
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The suite's server and Chromium as `useE2e()` hands them out: read them in hooks and tests, once they have started. */
export type E2eSuite = Readonly<Pick<E2eEnv, 'base' | 'browser' | 'local' | 'server'>>;

/**
 * Starts the suite's server and Chromium before its tests (beforeAll, up to 10 minutes: the first suite may build the
 * web app) and closes them after. Call it at the top of a browser suite, before the suite's own beforeAll: vitest runs
 * beforeAll hooks in the order they were registered and afterAll hooks in reverse, so the suite's own set-up finds the
 * server started and its own clean-up (closing its browser contexts) runs before the browser is closed.
 */
export function useE2e(): E2eSuite {
  let env: E2eEnv | undefined;
  beforeAll(async () => {
    env = await startE2e();
  }, 600_000);
  afterAll(async () => {
    await env?.close();
  });
  const started = (): E2eEnv => {
    if (!env) throw new Error('useE2e: the server is read before beforeAll started it (or it failed to start)');
    return env;
  };
  return {
    get base() {
      return started().base;
    },
    get browser() {
      return started().browser;
    },
    get local() {
      return started().local;
    },
    get server() {
      return started().server;
    },
  };
}

/**
 * A tree select stays open after a choice, and under load its popup can still cover the field below it: click the
 * dialog's title (outside every select; Escape would close the dialog itself) and wait until no popup is shown.
 */
export async function closeDropdowns(dialog: Locator): Promise<void> {
  await dialog.locator('.ant-modal-title').click();
  await expect.poll(() => dialog.page().locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
}

/**
 * Closes the drawer showing `testId` by its close button and waits until `testId` is gone. The click is retried: one
 * made during the drawer's opening animation can be lost under load.
 */
export async function closeDrawer(page: Page, testId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        if ((await page.getByTestId(testId).count()) > 0) await page.locator('.ant-drawer-close').first().click({ timeout: 2_000 }).catch(() => undefined);
        return page.getByTestId(testId).count();
      },
      { timeout: 20_000 },
    )
    .toBe(0);
}

/**
 * Types two days into a period picker (DayRangePicker, inputs labelled 开始日期 / 结束日期), each confirmed with Enter
 * and no other click — as a person picks a period; `endId` is the end input's id (focus moves there after the first).
 */
export async function pickDays(page: Page, endId: string, from: string, to: string): Promise<void> {
  const first = page.getByLabel('开始日期', { exact: true });
  const last = page.getByLabel('结束日期', { exact: true });
  await first.click();
  await first.fill(from);
  await first.press('Enter');
  await expect.poll(() => page.evaluate<string>('document.activeElement?.id')).toBe(endId);
  await last.fill(to);
  await last.press('Enter');
  await expect.poll(async () => [await first.inputValue(), await last.inputValue()]).toEqual([from, to]);
}

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const found = await seriousA11yViolations(page);
  expect(found, `axe: serious/critical findings on ${what}: ${JSON.stringify(found)}`).toEqual([]);
}

export async function signIn(page: Page, base: string, username: string, password = E2E_DEMO_PASSWORD): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.getByTestId('console-nav').waitFor();
}

/**
 * A console page in a browser context of its own (the caller closes it), signed in as `username`. `lang: 'en'` picks
 * English before signing in, the way a person's earlier choice does (localStorage `cg.lang`); otherwise Chinese.
 */
export async function openConsole(
  env: E2eSuite,
  username: string,
  options: { viewport: { width: number; height: number }; lang?: 'en' },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({ viewport: options.viewport, locale: options.lang ?? 'zh-CN' });
  const page = await context.newPage();
  if (options.lang === 'en') {
    await page.goto(`${env.base}/console/login`);
    await page.evaluate("localStorage.setItem('cg.lang', 'en')");
  }
  await signIn(page, env.base, username);
  return { context, page };
}

/** A member of staff signed in through the API, to set up orders beside the browser. */
export interface ApiStaff {
  token: string;
  departmentId: string | null;
}

export async function apiStaff(base: string, username: string, password = E2E_DEMO_PASSWORD): Promise<ApiStaff> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(r.status, `login ${username}`).toBe(200);
  const body = (await r.json()) as { accessToken: string; user: { department: { id: string } | null } };
  return { token: body.accessToken, departmentId: body.user.department?.id ?? null };
}

/** An API call as `who` that must succeed; its JSON body. */
export async function apiCall<T>(base: string, who: ApiStaff, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  expect(r.ok, `${method} ${path}: ${r.status} ${text}`).toBe(true);
  return JSON.parse(text) as T;
}
