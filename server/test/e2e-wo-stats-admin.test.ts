/**
 * The statistics page and the category / responsibility-list administration, end to end in Chromium against a real
 * demo server (a month of seeded orders): the leader's KPI cards show the server's figures for the last 30 days,
 * the charts are drawn, chosen days apply as soon as both are picked (a period too long is refused in words, the
 * figures kept), a period without orders shows zeros, and the period's orders download as CSV and XLSX; the
 * administrator adds a local category under 生态环境, sees the server's 409s (deactivating a parent with active
 * children, deleting a category in use), moves the new category up, writes a rule for it and previews which
 * department the rules suggest — then a tie with a second rule. axe on each page; screenshots in
 * web/e2e/screenshots/wo-stats-*.png and wo-admin-*.png.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { closeDropdowns, E2E_DEMO_PASSWORD, expectAccessible, pickDays, signIn, useE2e } from './e2e-support.js';

const env = useE2e();

async function token(username: string): Promise<string> {
  const r = await fetch(`${env.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: E2E_DEMO_PASSWORD }) });
  expect(r.status, `login ${username}`).toBe(200);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function call<T>(bearer: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${env.base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  expect(r.ok, `${method} ${path}: ${r.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The last 30 days in China time, as the page's default period sends them. */
function last30(): { from: string; to: string } {
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const now = Date.now();
  return { from: `${day(now - 29 * 86_400_000)}T00:00:00+08:00`, to: `${day(now + 86_400_000)}T00:00:00+08:00` };
}

async function newContext(): Promise<BrowserContext> {
  return env.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
}

const kpi = (page: Page, id: string) => page.getByTestId(`kpi-${id}`).locator('.ant-statistic-content-value');

/**
 * Opens a (tree) select, fills its search and picks the option showing `text`; checks the field shows it (under
 * load a click can land before the popup is ready: then it tries again).
 */
async function pick(page: Page, select: Locator, search: string, text: string, close: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await select.click();
    const dropdown = page.locator('.ant-select-dropdown:visible:not(.ant-slide-up-leave)');
    await dropdown.waitFor();
    // Into the select's own search input (focused and filled at once): keystrokes sent to the page could land
    // before the opening popup has focused it.
    await select.getByRole('combobox').first().fill(search);
    await dropdown.getByText(text, { exact: false }).first().click();
    await close();
    const shown = async () => (await select.textContent()) ?? '';
    try {
      await expect.poll(shown, { timeout: 3_000 }).toContain(text);
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
}

describe('statistics (leader)', () => {
  let ctx: BrowserContext;
  let page: Page;
  let summary: { total: number; closed: number; rated: number; onTimeRate: number | null; satisfactionRate: number | null; ratedRate: number | null };

  beforeAll(async () => {
    const leader = await token('leader');
    const q = last30();
    summary = (await call<{ summary: typeof summary }>(leader, 'GET', `/work-orders/stats?from=${encodeURIComponent(q.from)}&to=${encodeURIComponent(q.to)}`)).summary;
    ctx = await newContext();
    page = await ctx.newPage();
    await signIn(page, env.base, 'leader');
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('shows the server figures for the last 30 days and draws the charts', async () => {
    expect(summary.total, 'the demo city has orders in the last 30 days').toBeGreaterThan(0);
    await page.getByTestId('console-nav').getByText('统计分析').click();
    await kpi(page, 'total').waitFor({ timeout: 30_000 });
    expect(await kpi(page, 'total').textContent()).toBe(String(summary.total));
    expect(await kpi(page, 'closed').textContent()).toBe(String(summary.closed));
    const pct = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);
    expect(await kpi(page, 'onTimeRate').textContent()).toBe(pct(summary.onTimeRate));
    expect(await kpi(page, 'satisfactionRate').textContent()).toBe(pct(summary.satisfactionRate));
    for (const id of ['open', 'responseRate', 'signOnTimeRate', 'overdue', 'avgCloseHours']) expect((await kpi(page, id).textContent())?.trim()).not.toBe('');
    // 参评率 (rated ÷ closed) stands with the satisfaction it qualifies; the mean time to close says what it averages.
    expect(await page.getByTestId('kpi-satisfactionRate').textContent()).toContain(`参评 ${summary.rated}，参评率 ${pct(summary.ratedRate)}`);
    expect(await page.getByTestId('kpi-avgCloseHours').textContent()).toContain(`${summary.closed} 件办结工单的平均`);

    // echarts is loaded on demand and draws SVG.
    const drawn = (chart: string) => expect.poll(() => page.getByTestId(chart).locator('svg path').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    for (const chart of ['chart-trend', 'chart-category', 'chart-district', 'chart-status']) await drawn(chart);
    if (summary.rated > 0) await drawn('chart-satisfaction');
    expect(await page.getByTestId('chart-trend').getAttribute('aria-label')).toContain(`共 ${summary.total} 件`);
    expect(await page.getByTestId('stats-departments').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'statistics');
    await screenshot(page, 'wo-stats-leader');
  });

  it('downloads the period orders as CSV and XLSX', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split(/\r?\n/)[0]).toContain('工单编号');
    await page.locator('.ant-message').getByText(`已导出 ${summary.total} 件工单`).waitFor({ timeout: 10_000 });

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('switches the period: chosen days apply once picked (a period too long is refused in words), this month by preset, days without orders show zeros', async () => {
    const asked: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname.endsWith('/work-orders/stats') && asked.push(new URL(r.url()).searchParams.get('from') ?? ''));

    // More than 366 days: said in words, nothing asked of the server, the last 30 days' figures and URL kept.
    expect(await kpi(page, 'total').textContent()).toBe(String(summary.total));
    const before = page.url();
    const shown = await page.getByTestId('period-text').textContent();
    await pickDays(page, 'stats-to', '2020-01-01', '2021-03-01');
    await expect.poll(() => page.getByTestId('period-problem').textContent()).toBe('统计周期最长 366 天');
    expect(page.url()).toBe(before);
    expect(await page.getByTestId('period-text').textContent()).toBe(shown);
    expect(await kpi(page, 'total').textContent()).toBe(String(summary.total));
    expect(asked.filter((from) => from.startsWith('2020-01-01'))).toEqual([]);
    // (The calendar closed, for the picture: the days and the warning stay.)
    await page.getByRole('heading', { level: 1 }).click();
    await expect.poll(() => page.locator('.ant-picker-dropdown:visible').count()).toBe(0);
    expect(await page.getByTestId('period-problem').textContent()).toBe('统计周期最长 366 天');
    await screenshot(page, 'wo-stats-period-too-long');

    await page.getByText('本月', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('month');
    await expect.poll(() => page.getByTestId('period-text').textContent()).toMatch(/-01 至/);
    expect(await page.getByTestId('period-problem').count()).toBe(0);

    // Chosen days apply as soon as both are picked: the figures, the URL and the preset follow.
    await pickDays(page, 'stats-to', '2020-01-06', '2020-01-12');
    await expect.poll(() => new URL(page.url()).search, { timeout: 20_000 }).toBe('?from=2020-01-06&to=2020-01-12');
    await expect.poll(() => kpi(page, 'total').textContent(), { timeout: 20_000 }).toBe('0');
    expect(await kpi(page, 'onTimeRate').textContent()).toBe('—');
    expect(await page.getByTestId('period-text').textContent()).toBe('统计 2020-01-06 至 2020-01-12 受理的工单（北京时间）');
    expect(await page.getByTestId('period-presets').locator('.ant-radio-button-wrapper-checked').textContent()).toBe('自定义');
    expect(await page.getByTestId('period-problem').count()).toBe(0);
    await page.getByText('本期没有数据').first().waitFor();
    await expectAccessible(page, 'statistics without orders');
    await screenshot(page, 'wo-stats-custom-period');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('period-text').textContent()).toBe('Orders received from 2020-01-06 to 2020-01-12 (China time)');
    await screenshot(page, 'wo-stats-custom-period-en');
  });
});

describe('categories and the responsibility list (admin)', () => {
  let ctx: BrowserContext;
  let page: Page;
  let admin: string;
  const CODE = 'environment.lightpollution';

  beforeAll(async () => {
    admin = await token('admin');
    // 生态环境 has no children in the standard set: give the new category a sibling to move past.
    await call(admin, 'POST', '/work-order-categories', { code: 'environment.noise', nameZh: '噪声污染', nameEn: 'Noise' });
    ctx = await newContext();
    page = await ctx.newPage();
    await signIn(page, env.base, 'admin');
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('adds a local category, shows the server 409s, moves it up', async () => {
    await page.getByTestId('console-nav').getByText('分类管理').click();
    await page.getByTestId('category-tree').waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'categories');

    await page.getByTestId('category-search').fill('生态环境');
    await expect.poll(() => page.getByTestId('category-matches').textContent()).toMatch(/找到 [1-9]\d* 个分类/);
    await page.getByTestId('category-environment').click();
    expect(await page.getByTestId('category-code').textContent()).toBe('environment');

    await page.getByTestId('category-add-child').click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '添加分类' });
    await dialog.getByTestId('category-segment').fill('lightpollution');
    await dialog.getByTestId('category-new-name-zh').fill('光污染');
    await dialog.getByTestId('category-new-name-en').fill('Light pollution');
    await dialog.getByRole('button', { name: /添\s*加/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('category-code').textContent()).toBe(CODE);
    const created = (await call<{ items: { code: string; source: string; active: boolean; sortOrder: number; parentCode: string | null }[] }>(admin, 'GET', '/work-order-categories?view=flat')).items;
    expect(created.find((c) => c.code === CODE)).toMatchObject({ source: 'local', active: true, parentCode: 'environment' });

    // It was added last among its siblings: moving it up puts it before the one that preceded it.
    const siblings = () => created.filter((c) => c.parentCode === 'environment').sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code)).map((c) => c.code);
    const before = siblings();
    expect(before.at(-1)).toBe(CODE);
    await page.getByTestId('category-up').click();
    await expect
      .poll(async () => {
        const items = (await call<{ items: { code: string; parentCode: string | null; sortOrder: number }[] }>(admin, 'GET', '/work-order-categories?view=flat')).items;
        return items.filter((c) => c.parentCode === 'environment').sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code)).map((c) => c.code);
      })
      .toEqual([...before.slice(0, -2), CODE, before.at(-2)]);

    // The parent has active children: the server refuses (409) and the page offers to take them along.
    await page.getByTestId('category-search').fill('');
    await page.getByTestId('category-search').fill('environment');
    await page.getByTestId('category-environment').click();
    await page.getByTestId('category-deactivate').click();
    const confirm = page.locator('.ant-modal-confirm').filter({ hasText: '下级分类仍在启用' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(CODE);
    await screenshot(page, 'wo-admin-categories-409');
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('category-state').textContent()).toBe('启用');

    // A category the responsibility list uses cannot be deleted: the server's message is shown.
    await page.getByTestId('category-search').fill('utilities.water');
    await page.getByTestId('category-utilities.water').click();
    await page.getByTestId('category-delete').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(() => page.getByTestId('category-refusal').textContent(), { timeout: 10_000 }).toContain('已被使用');

    await page.getByTestId('category-search').fill('光污染');
    await page.getByTestId(`category-${CODE}`).click();
    await expectAccessible(page, 'categories with a category chosen');
    await screenshot(page, 'wo-admin-categories');
  });

  it('adds a rule for it and previews the suggestion, then a tie', async () => {
    await page.getByTestId('console-nav').getByText('清单化定责').click();
    await page.getByTestId('rules-table').locator('tbody tr.ant-table-row').first().waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'responsibility list');

    await page.getByTestId('rule-new').click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '新建规则' });
    const closeDialogDropdowns = () => closeDropdowns(dialog);
    await pick(page, dialog.getByTestId('rule-category'), '光污染', '光污染', closeDialogDropdowns);
    await pick(page, dialog.getByTestId('rule-district'), '青羊', '青羊区', closeDialogDropdowns);
    await pick(page, dialog.getByTestId('rule-department'), '生态环境局', '生态环境局', closeDialogDropdowns);
    await dialog.getByTestId('rule-note').fill('青羊区光污染由生态环境局处置');
    await expectAccessible(page, 'rule form');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The filter by category subtree finds it among the demo city's rules.
    const escape = async () => {
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
    };
    await pick(page, page.getByTestId('rule-filter-category'), '光污染', '光污染', escape);
    await expect.poll(() => page.getByTestId('rules-table').locator('tbody tr.ant-table-row').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('rules-table').getByText('青羊区光污染由生态环境局处置').waitFor({ timeout: 10_000 });
    await screenshot(page, 'wo-admin-rules');
    const rules = (await call<{ items: { id: string; categoryPrefix: string | null; districtCode: string | null; department: { code: string } }[] }>(admin, 'GET', `/responsibility-rules?categoryPrefix=${CODE}`)).items;
    expect(rules).toEqual([expect.objectContaining({ categoryPrefix: CODE, districtCode: '510105', department: expect.objectContaining({ code: 'cd-sthjj' }) })]);

    const preview = page.getByTestId('rule-preview');
    await pick(page, preview.getByTestId('preview-category'), '光污染', '光污染', escape);
    await pick(page, preview.getByTestId('preview-district'), '青羊', '青羊区', escape);
    await preview.getByTestId('preview-run').click();
    await expect.poll(() => preview.getByTestId('preview-department').textContent(), { timeout: 10_000 }).toBe('生态环境局');
    expect(await preview.getByTestId('preview-tie').count()).toBe(0);
    // Candidates best first: this rule, then 生态环境 → 生态环境局, then the fallback to the 12345 centre.
    const rows = preview.getByTestId('preview-candidates').locator('tbody tr.ant-table-row');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('采用');
    expect(await rows.nth(2).textContent()).toContain('兜底');

    // A second rule with the same conditions for another department: the best rules tie, a person must choose.
    await call(admin, 'POST', '/responsibility-rules', { categoryPrefix: CODE, districtCode: '510105', departmentCode: 'cd-cgj', note: '并列测试' });
    await preview.getByTestId('preview-run').click();
    await preview.getByTestId('preview-tie').waitFor({ timeout: 10_000 });
    expect(await rows.count()).toBe(4);
    expect(await preview.getByTestId('preview-candidates').getByText('并列', { exact: true }).count()).toBe(2);
    await expectAccessible(page, 'responsibility preview with a tie');
    await screenshot(page, 'wo-admin-rules-preview');
  });
});
