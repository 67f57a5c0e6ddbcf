/**
 * 工单设置 (work-order settings) end to end in Chromium against a demo server, at 1366×768: the administrator opens the
 * page from the menu, sees each value with its default, changes the normal deadline and the follow-up days (a value
 * out of range is named and stops the save first), saves, reloads and sees them; the API has them as overrides. Then
 * someone else saves while the page is open: the stale save says so, the typed value stays in sight, loading the
 * current settings lists it to re-apply, and the re-applied change saves. Finally the deadlines go back to their
 * defaults; a category rule removed and added back is no change (the rules compare by category, as the server's),
 * and a save that changes no value (a share typed finer than the server keeps) says nothing changed, same version.
 * One view in English, and a refusal shown in the server's words. axe on each screen; screenshots in web/e2e/screenshots/wo-settings-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { apiCall, apiStaff, expectAccessible, openConsole, useE2e } from './e2e-support.js';

const env = useE2e();

interface Settings {
  version: number;
  slaOverrides: { byUrgency?: Record<string, unknown>; followUpDays?: number; defaultRatingDays?: number | null; warnRatio?: number } | null;
  sla: { followUpDays: number; defaultRatingDays: number | null; warnRatio: number };
  duplicateHours: number;
}

/** The settings through the API, as the administrator (the page's changes seen from the server). */
async function adminApi(method: 'GET' | 'PUT', body?: unknown): Promise<Settings> {
  return (await apiCall<{ settings: Settings }>(env.base, await apiStaff(env.base, 'admin'), method, '/work-order-settings', body)).settings;
}

const amount = (page: Page, item: string) => page.getByTestId(`amount-${item}`);
const input = (page: Page, item: string) => page.getByTestId(`input-${item}`);

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), 'no horizontal overflow at 1366 px').toBeLessThanOrEqual(0);
}

describe('work-order settings (admin)', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1366, height: 768 } }));
  }, 120_000);
  afterAll(async () => context?.close());

  it('shows every value with its default beside it', async () => {
    await page.getByTestId('console-nav').getByText('工单设置').click();
    await page.locator('h1', { hasText: '工单设置' }).waitFor();
    await page.getByTestId('settings-sla').waitFor({ timeout: 20_000 });
    expect(await amount(page, 'byUrgency.normal').inputValue()).toBe('7');
    expect(await page.getByTestId('default-byUrgency.normal').textContent()).toContain('7 个工作日');
    expect(await page.getByTestId('default-followUpDays').textContent()).toContain('3 个工作日');
    expect(await page.getByTestId('default-workingHours').textContent()).toContain('09:00–12:00、13:30–18:00');
    expect(await page.getByTestId('settings-sla').textContent()).toContain('调休');
    expect(await page.getByTestId('settings-status').textContent()).toBe('没有未保存的修改');
    await noSidewaysScroll(page);
    await expectAccessible(page, 'work-order settings');
  });

  it('changes the normal deadline and the follow-up days, saves, and sees them after a reload', async () => {
    await amount(page, 'byUrgency.normal').fill('10');
    await input(page, 'followUpDays').fill('45');
    // Out of range: named under the field, and nothing can be sent.
    await page.getByTestId('problem-followUpDays').getByText('须为 1–30 之间的整数').waitFor();
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    expect(await page.getByTestId('settings-status').textContent()).toBe('有 1 处需要改正后才能保存');
    await expectAccessible(page, 'work-order settings with a problem');
    await input(page, 'followUpDays').fill('5');
    await page.getByTestId('changed-byUrgency.normal').waitFor();
    await page.getByTestId('changed-followUpDays').waitFor();
    expect(await page.getByTestId('settings-status').textContent()).toBe('2 项修改尚未保存');
    await screenshot(page, 'wo-settings-edited');

    const before = await adminApi('GET');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message').getByText(`工单设置已保存（第 ${before.version + 1} 版）`).waitFor({ timeout: 10_000 });
    const saved = await adminApi('GET');
    expect(saved.slaOverrides).toMatchObject({ byUrgency: { normal: { kind: 'working_days', days: 10 } }, followUpDays: 5 });

    await page.reload();
    await page.getByTestId('settings-sla').waitFor({ timeout: 20_000 });
    expect(await amount(page, 'byUrgency.normal').inputValue()).toBe('10');
    expect(await input(page, 'followUpDays').inputValue()).toBe('5');
    await page.getByTestId('changed-byUrgency.normal').waitFor();
    expect(await page.getByTestId('default-byUrgency.normal').textContent()).toContain('7 个工作日');
    expect(await page.getByTestId('settings-status').textContent()).toBe('没有未保存的修改');
  });

  it('says so when someone else saved first, keeps what was typed, and re-applies it over the current values', async () => {
    await input(page, 'warnRatio').fill('70');
    // Meanwhile another administrator changes the duplicate window.
    const current = await adminApi('GET');
    await adminApi('PUT', { version: current.version, duplicateHours: 48 });

    await page.getByTestId('settings-save').click();
    const conflict = page.getByTestId('settings-conflict');
    await conflict.getByText('设置已被他人修改，你的修改没有保存').waitFor({ timeout: 10_000 });
    expect(await conflict.textContent()).toContain(`现为第 ${current.version + 1} 版`);
    expect(await input(page, 'warnRatio').inputValue()).toBe('70'); // still in sight
    await expectAccessible(page, 'work-order settings after a conflict');
    await screenshot(page, 'wo-settings-conflict');

    await page.getByTestId('settings-reload').click();
    const typed = page.getByTestId('settings-typed');
    await typed.waitFor();
    // The list of what was typed takes the focus (and comes into view).
    await expect.poll(() => page.evaluate<boolean>(`document.activeElement?.querySelector('[data-testid="settings-typed"]') !== null`)).toBe(true);
    expect(await page.getByTestId('typed-warnRatio').textContent()).toContain('你输入的：70%；现在保存的：80%');
    expect(await input(page, 'duplicateHours').inputValue()).toBe('48');
    expect(await input(page, 'warnRatio').inputValue()).toBe('80');
    expect(await page.getByTestId('row-defaultRating').locator('input[type="checkbox"]').isChecked()).toBe(false);
    await expectAccessible(page, 'work-order settings with the typed changes to re-apply');
    await page.getByTestId('typed-apply-all').click();
    expect(await input(page, 'warnRatio').inputValue()).toBe('70');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message').getByText(`工单设置已保存（第 ${current.version + 2} 版）`).waitFor({ timeout: 10_000 });
    const saved = await adminApi('GET');
    expect(saved).toMatchObject({ duplicateHours: 48, sla: { warnRatio: 0.7, followUpDays: 5 } });
  });

  it('turns on 默认满意 (the default rating): shorter than the follow-up time is refused in words; saved, the API has it', async () => {
    const row = page.getByTestId('row-defaultRating');
    expect(await page.getByTestId('default-defaultRating').textContent()).toContain('关闭');
    expect(await input(page, 'defaultRating').count()).toBe(0);
    await row.locator('input[type="checkbox"]').check();
    const followUp = Number(await input(page, 'followUpDays').inputValue());
    // Switched on: a working week, or the follow-up time if that is longer.
    expect(await input(page, 'defaultRating').inputValue()).toBe(String(Math.max(5, followUp)));
    await input(page, 'defaultRating').fill(String(followUp - 1));
    await page.getByTestId('problem-defaultRating').getByText(`须为 ${followUp}–60 之间的整数，且不短于回访时限`).waitFor();
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    await input(page, 'defaultRating').fill('10');
    await page.getByTestId('changed-defaultRating').waitFor();
    await expectAccessible(page, 'work-order settings, default rating on');
    await screenshot(page, 'wo-settings-default-rating');
    const { version } = await adminApi('GET');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message').getByText(`工单设置已保存（第 ${version + 1} 版）`).waitFor({ timeout: 10_000 });
    const saved = await adminApi('GET');
    expect(saved.sla.defaultRatingDays).toBe(10);
    expect(saved.slaOverrides?.defaultRatingDays).toBe(10);
  });

  it('resets one item, then restores all deadline defaults', async () => {
    await page.getByTestId('reset-byUrgency.normal').click();
    expect(await amount(page, 'byUrgency.normal').inputValue()).toBe('7');
    await page.getByTestId('reset-sla').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    // Waited for: under load the form can show the defaults a moment after the click (a run read 5 here).
    await expect.poll(() => input(page, 'followUpDays').inputValue()).toBe('3');
    expect(await input(page, 'warnRatio').inputValue()).toBe('80');
    expect(await input(page, 'duplicateHours').inputValue()).toBe('48'); // not a deadline
    const { version } = await adminApi('GET');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message').getByText(`工单设置已保存（第 ${version + 1} 版）`).waitFor({ timeout: 10_000 });
    expect((await adminApi('GET')).slaOverrides).toBeNull();
  });

  it('a category rule removed and added back is no change; a save that changes no value says so, same version', async () => {
    // Two category rules; the first removed and added back last: the rows are in another order, no deadline differs.
    const { version } = await adminApi('GET');
    const rules = [
      { categoryPrefix: 'housing', duration: { kind: 'working_days', days: 2 } },
      { categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 24 } },
    ];
    await adminApi('PUT', { version, sla: { byCategory: rules } });
    await page.reload();
    await page.getByTestId('settings-sla').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('category-rule-1').count()).toBe(1);
    await page.getByRole('button', { name: '删除第 1 条分类时限', exact: true }).click();
    await page.getByTestId('category-add').click();
    const prefix = page.getByTestId('category-prefix-1');
    await prefix.click();
    await prefix.getByRole('combobox').fill('housing');
    await page.locator('.ant-select-dropdown:visible').getByText(/\(housing\)$/).first().click();
    await amount(page, 'byCategory.1.duration').fill('2');
    await expect.poll(() => page.getByTestId('settings-status').textContent()).toBe('没有未保存的修改');
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    // A share finer than the server keeps (four decimals of the ratio): the form sees a change, the server none.
    await input(page, 'warnRatio').fill('80.001');
    await expect.poll(() => page.getByTestId('settings-status').textContent()).toBe('1 项修改尚未保存');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message').getByText(`设置与已保存的相同，未作更改（仍为第 ${version + 1} 版）`).waitFor({ timeout: 10_000 });
    expect((await adminApi('GET')).version).toBe(version + 1);
    expect(await page.getByTestId('settings-status').textContent()).toBe('没有未保存的修改');
    expect(await input(page, 'warnRatio').inputValue()).toBe('80');
    await screenshot(page, 'wo-settings-saved-unchanged');
    await adminApi('PUT', { version: version + 1, sla: null });
  });
});

describe('work-order settings in English', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1366, height: 768 }, lang: 'en' }));
  }, 120_000);
  afterAll(async () => context?.close());

  it('shows the settings and their defaults in English', async () => {
    await page.goto(`${env.base}/console/work-order-settings`);
    await page.locator('h1', { hasText: 'Work-order settings' }).waitFor();
    await page.getByTestId('settings-sla').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('default-byUrgency.normal').textContent()).toContain('7 working days');
    expect(await page.getByTestId('settings-sla').textContent()).toContain('make-up workdays');
    expect(await page.getByTestId('settings-auto').textContent()).toContain('dispatched by the system');
    await input(page, 'followUpDays').fill('0');
    await page.getByTestId('problem-followUpDays').getByText('Must be a whole number from 1 to 30').waitFor();
    await noSidewaysScroll(page);
    await expectAccessible(page, 'work-order settings (English)');
    await screenshot(page, 'wo-settings-en');
  });

  it("shows a refusal in the server's words, not its code", async () => {
    // Everything the server checks is checked before sending, so the refusal is staged: the answer the server gives
    // for bad office hours (error-handler.ts: { code, message, requestId }).
    await page.route('**/api/v1/work-order-settings', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'work_order.working_hours_invalid', message: 'Office hours must be ordered, non-overlapping HH:MM periods (bad period: 09:00-08:00)', requestId: 'req-1' }) })
        : route.continue(),
    );
    await input(page, 'followUpDays').fill('4');
    await page.getByTestId('settings-save').click();
    const refusal = page.getByTestId('settings-save-error');
    await refusal.getByText('Office hours must be ordered, non-overlapping HH:MM periods').waitFor();
    expect(await refusal.textContent()).not.toContain('work_order.');
    expect(await input(page, 'followUpDays').inputValue()).toBe('4'); // nothing lost
    await page.unroute('**/api/v1/work-order-settings');
  });
});
