/**
 * 部件 end to end, in headless Chromium against a real demo server with the demo city's seeded components: the
 * administrator sees them on the clustered map, filters by status (the count is the API's), opens a component's
 * detail, and imports a CSV — first refused whole with the reject report, then with rejected rows skipped, the
 * progress bar at 100 % and the new components on the map. axe on every view. Screenshots: web/e2e/screenshots/components-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { closeDrawer, expectAccessible, openConsole, useE2e } from './e2e-support.js';

const env = useE2e();
let context: BrowserContext;
let page: Page;

interface MapPoint {
  code: string;
  classCode: string;
  status: string;
  lng: number;
  lat: number;
}

const mapPoints = async (query = '') => {
  const res = await context.request.get(`${env.base}/api/v1/components/map${query}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: MapPoint[] }).items;
};

beforeAll(async () => {
  ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1440, height: 1000 } }));
}, 300_000);

afterAll(async () => {
  await context?.close();
});

describe('city components (administrator)', () => {
  let all: MapPoint[];

  it('shows the demo components on the clustered map', async () => {
    all = await mapPoints();
    expect(all.length).toBeGreaterThan(2000);
    expect(new Set(all.map((p) => p.classCode)).size).toBeGreaterThanOrEqual(8);
    await page.goto(`${env.base}/console/components`);
    const map = page.getByTestId('component-map');
    await expect.poll(() => map.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(Number(await map.getAttribute('data-count'))).toBe(all.length);
    await expect.poll(() => page.getByTestId('component-count').textContent()).toBe(`共 ${all.length} 个部件`);
    await expectAccessible(page, 'the component map');
    await screenshot(page, 'components-map');
  });

  it('filters by status with the count the API gives', async () => {
    const damaged = await mapPoints('?status=damaged');
    expect(damaged.length).toBeGreaterThan(0);
    await page.getByTestId('filter-status').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '破损' }).click();
    await expect.poll(() => page.getByTestId('component-count').textContent()).toBe(`共 ${damaged.length} 个部件`);
    await expect.poll(() => page.getByTestId('component-map').getAttribute('data-count')).toBe(String(damaged.length));
  });

  it('opens a component: code, class, grid, status and history', async () => {
    const first = page.getByTestId('component-table').locator('tbody tr.ant-table-row').first();
    const code = (await first.locator('button').textContent())!.trim();
    await first.locator('button').click();
    await expect.poll(() => page.getByTestId('component-code').textContent()).toBe(code);
    await expect.poll(() => page.getByTestId('component-status').textContent()).toBe('破损');
    await expect.poll(() => page.locator('.ant-drawer .ant-timeline-item').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'the component detail');
    await screenshot(page, 'components-detail');
    await closeDrawer(page, 'component-code');
  });

  it('imports a CSV: the reject report first, then the good rows with progress to 100 %', async () => {
    const at = all[0]!;
    const csv = ['class_code,name,lng,lat', `0118,新路灯 1,${at.lng + 0.00005},${at.lat}`, `0118,新路灯 2,${at.lng},${at.lat + 0.00005}`, `9999,未知,${at.lng},${at.lat}`, '0118,坐标错,abc,30.6'].join('\n');
    await page.getByTestId('import-open').click();
    const dialog = page.locator('.ant-modal');
    await dialog.getByTestId('import-file').setInputFiles({ name: 'lamps.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await dialog.getByTestId('import-start').click();
    const report = dialog.getByTestId('import-report');
    await report.waitFor({ timeout: 30_000 });
    await expect.poll(() => report.getByRole('alert').textContent()).toContain('未做任何更改');
    await expect.poll(() => report.locator('tbody tr.ant-table-row').count()).toBe(2);
    expect(await report.locator('tbody').textContent()).toContain('类别表中没有此小类');
    await expectAccessible(page, 'the import reject report');
    await screenshot(page, 'components-import-rejected');
    await dialog.getByTestId('import-skip').click();
    await dialog.getByTestId('import-start').click();
    await expect.poll(() => report.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('导入完成：新增 2 个部件');
    await expect.poll(() => dialog.getByTestId('import-progress').locator('.ant-progress').getAttribute('class')).toContain('ant-progress-status-success');
    await expectAccessible(page, 'the import report');
    await screenshot(page, 'components-import-done');
    expect((await mapPoints()).length).toBe(all.length + 2);
  });
});
