/**
 * The Open311 service configuration page end to end in Chromium against a demo server: the administrator sees which
 * categories are served (groups say why not), opens 暴露垃圾 (event.01.01), makes it a batch service with a notice,
 * adds an attribute with list values, moves it up, removes another, sees a problem before saving, and saves — the
 * preview is what `services/event.01.01.json` then answers. One page in English. axe on each screen; screenshots in
 * web/e2e/screenshots/open311-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { expectAccessible, openConsole, useE2e } from './e2e-support.js';

const env = useE2e();

const CODE = 'event.01.01';

async function openService(page: Page, code: string): Promise<void> {
  await page.getByTestId('service-search').locator('input').fill(code);
  await page.getByTestId(`service-edit-${code}`).click();
  await page.getByTestId('service-editor').waitFor();
}

const preview = async (page: Page) => JSON.parse((await page.getByTestId('definition-preview').textContent()) ?? '{}') as { service_code: string; attributes: Array<{ code: string; order: number; datatype: string; values?: unknown[] }> };

describe('Open311 service configuration (admin)', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1440, height: 900 } }));
  }, 120_000);
  afterAll(async () => context?.close());

  it('lists the categories served as services and those that are not', async () => {
    await page.getByTestId('console-nav').getByText('Open311 服务').click();
    await page.locator('h1', { hasText: 'Open311 服务配置' }).waitFor();
    const table = page.getByTestId('services-table');
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await table.textContent()).toContain('已开放');
    await expectAccessible(page, 'open311 services list');
    await screenshot(page, 'open311-list');
    await page.locator('.ant-radio-button-wrapper', { hasText: '未开放' }).click();
    await expect.poll(async () => (await table.textContent()) ?? '').toContain('分组');
    expect(await table.locator(`[data-testid^="service-edit-"]`).count()).toBe(0);
    await page.locator('.ant-radio-button-wrapper', { hasText: '已开放' }).click();
  });

  it('edits a service: type, notice, attributes added, reordered and removed, with the definition previewed and saved', async () => {
    await openService(page, CODE);
    expect((await preview(page)).attributes.map((a) => a.code)).toEqual(['kinds', 'volume_m3', 'safety']);
    await page.getByTestId('service-type').getByText('批量审核（batch）').click();
    await page.getByTestId('service-notice').fill('大件垃圾 24 小时内清运');

    await page.getByTestId('attribute-add').click();
    const added = page.getByTestId('attribute-3');
    await added.getByLabel('属性编码').fill('area');
    await added.getByLabel('问题描述（向用户展示）').fill('堆积面积');
    await page.getByTestId('attribute-datatype-3').click();
    await page.locator('.ant-select-item-option[title="单选 singlevaluelist"]').click();
    await added.getByLabel('第 1 个可选值的编码').fill('small');
    await added.getByLabel('第 1 个可选值的名称').fill('小于 1 平方米');
    await page.getByTestId('value-add-3').click();
    await added.getByLabel('第 2 个可选值的编码').fill('large');
    await added.getByLabel('第 2 个可选值的名称').fill('1 平方米以上');
    await page.getByTestId('attribute-up-3').click();
    await page.getByTestId('attribute-remove-3').click(); // 'safety', now last
    expect((await preview(page)).attributes.map((a) => [a.code, a.order])).toEqual([['kinds', 1], ['volume_m3', 2], ['area', 3]]);

    // A duplicate code is named before the server would refuse it; saving waits until it is fixed.
    const third = page.getByTestId('attribute-2');
    await third.getByLabel('属性编码').fill('kinds');
    await third.getByRole('alert').filter({ hasText: '属性编码 kinds 重复' }).waitFor();
    expect(await page.getByTestId('service-save').isDisabled()).toBe(true);
    await expectAccessible(page, 'open311 service editor with a problem');
    await third.getByLabel('属性编码').fill('area');
    await screenshot(page, 'open311-editor');

    const shown = await preview(page);
    expect(shown.attributes[2]).toMatchObject({ code: 'area', datatype: 'singlevaluelist', values: [{ key: 'small', name: '小于 1 平方米' }, { key: 'large', name: '1 平方米以上' }] });
    await page.getByTestId('service-save').click();
    await page.getByText(`已保存 ${CODE} 的配置`).waitFor();

    const live = (await (await fetch(`${env.base}/open311/v2/services/${CODE}.json`)).json()) as unknown;
    expect(live).toEqual(shown);
    const services = (await (await fetch(`${env.base}/open311/v2/services.json`)).json()) as Array<{ service_code: string; type: string; metadata: boolean }>;
    expect(services.find((s) => s.service_code === CODE)).toMatchObject({ type: 'batch', metadata: true });
    // The list shows the new attribute count.
    await expect.poll(async () => (await page.getByTestId('services-table').locator('tbody tr', { hasText: CODE }).textContent()) ?? '').toContain('3');
  });
});

describe('Open311 service configuration in English', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1440, height: 900 }, lang: 'en' }));
  }, 120_000);
  afterAll(async () => context?.close());

  it('shows the page and a service in English', async () => {
    await page.goto(`${env.base}/console/open311`);
    await page.locator('h1', { hasText: 'Open311 service configuration' }).waitFor();
    await openService(page, 'component.01.0102');
    expect(await page.getByTestId('service-editor').textContent()).toContain('Attributes (2)');
    expect(await page.getByTestId('definition-preview').textContent()).toContain('"code": "condition"');
    await expectAccessible(page, 'open311 service editor (English)');
    await screenshot(page, 'open311-editor-en');
  });
});
