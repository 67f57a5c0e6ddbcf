/**
 * 单元网格管理 end to end, in headless Chromium against a real demo server with the demo city's generated grids:
 * the administrator sees the grid layer on the map, the hierarchy and the list, finds a grid by code, opens it
 * (place, area) and assigns an inspector (saved through PUT /grids/:code/responsible); checks a small GeoJSON with
 * one self-intersecting polygon (the dry run's report names it and nothing changes), then imports the rest with
 * the progress bar at 100 %. One page in English. axe on every view. Screenshots: web/e2e/screenshots/grids-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { closeDrawer, expectAccessible, openConsole, useE2e } from './e2e-support.js';
import { dbf, shpPolygons, squareRing, storedZip } from './shapefile-fixtures.js';

const env = useE2e();
let context: BrowserContext;
let page: Page;

interface GridDetail {
  code: string;
  inspectors: { id: string; name: string }[];
}

const getJson = async <T,>(url: string): Promise<T> => {
  const res = await context.request.get(`${env.base}/api/v1${url}`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as T;
};

const D = 0.005;
const square = (x0: number, y0: number) => squareRing(x0, y0, D);
const props = { community_code: '510104001001', district_name: '锦江区', street_name: '测试街道', community_name: '测试社区' };
/** Three adjacent cells in central Chengdu and, fourth, a bow-tie (self-intersecting) polygon. */
const smallLayer = {
  type: 'FeatureCollection',
  features: [
    ...[0, 1, 2].map((i) => ({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [square(104.06 + i * D, 30.65)] } })),
    {
      type: 'Feature',
      properties: props,
      geometry: { type: 'Polygon', coordinates: [[[104.06, 30.66], [104.065, 30.665], [104.065, 30.66], [104.06, 30.665], [104.06, 30.66]]] },
    },
  ],
};

beforeAll(async () => {
  ({ context, page } = await openConsole(env, 'admin', { viewport: { width: 1440, height: 1000 } }));
}, 300_000);

afterAll(async () => {
  await context?.close();
});

describe('unit grids (administrator)', () => {
  let first: { code: string; name: string };

  it('shows the grid layer on the map, the hierarchy and the list', async () => {
    first = (await getJson<{ items: { code: string; name: string }[] }>('/grids?limit=1')).items[0]!;
    expect(first.code).toMatch(/^[0-9]{14}$/);
    await page.goto(`${env.base}/console/grids`);
    const map = page.getByTestId('grid-map');
    await expect.poll(() => map.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(Number(await map.getAttribute('data-count'))).toBeGreaterThan(50);
    // The hierarchy starts at the districts; the list at the first grids by code.
    const tree = page.getByTestId('grid-tree');
    await expect.poll(() => tree.locator('.ant-tree-treenode').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('grid-table').locator('tbody tr.ant-table-row').first().locator('button').textContent()).toBe(first.code);
    await expectAccessible(page, 'the grid map and list');
    await screenshot(page, 'grids-map');
  });

  it('walks the hierarchy: a district, its streets, the grids under it', async () => {
    const tree = page.getByTestId('grid-tree');
    const district = tree.locator('.ant-tree-treenode').first();
    await district.locator('.ant-tree-switcher').click();
    // Its streets load under it.
    await expect.poll(() => tree.locator('.ant-tree-treenode').count(), { timeout: 20_000 }).toBeGreaterThan(4);
    await district.locator('.ant-tree-title').click();
    const rows = page.getByTestId('grid-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const districtCode = (await rows.first().locator('button').textContent())!.slice(0, 6);
    for (const code of await rows.locator('button').allTextContents()) expect(code.slice(0, 6)).toBe(districtCode);
  });

  it('finds a grid by code, opens it and assigns an inspector', async () => {
    // A grid with nobody responsible yet: the first of the second district (the demo inspector's are in the first).
    const districts = (await getJson<{ items: { code: string }[] }>('/grids/units')).items;
    const target = (await getJson<{ items: { code: string; name: string }[] }>(`/grids?prefix=${districts[1]!.code}&limit=1`)).items[0]!;
    const before = (await getJson<{ grid: GridDetail }>(`/grids/${target.code}`)).grid;
    expect(before.inspectors).toEqual([]);
    await page.getByTestId('grid-search').locator('input').fill(target.code);
    await page.getByTestId('grid-search').locator('input').press('Enter');
    const rows = page.getByTestId('grid-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().locator('button').click();
    await expect.poll(() => page.getByTestId('grid-code').textContent()).toBe(target.code);
    const drawer = page.locator('.ant-drawer-body');
    expect(await drawer.textContent()).toContain(`(${districts[1]!.code})`);
    expect(await page.getByTestId('grid-area').textContent()).toMatch(/(km²|m²)$/);
    expect(await page.getByTestId('grid-inspector-names').textContent()).toBe('无');
    // Pick the demo inspector (label "display name (username)").
    await page.getByTestId('grid-inspectors').click();
    await page.getByTestId('grid-inspectors').locator('input').fill('inspector');
    const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '(inspector)' });
    await option.first().waitFor({ timeout: 15_000 });
    await option.first().click();
    // Close the picker's list (axe reads an open list box) by clicking outside it, in the drawer.
    await expect
      .poll(
        async () => {
          await page.locator('.ant-drawer-title').click();
          return page.locator('.ant-select-dropdown:visible').count();
        },
        { timeout: 15_000 },
      )
      .toBe(0);
    await page.getByTestId('grid-save').click();
    await expect.poll(async () => (await getJson<{ grid: GridDetail }>(`/grids/${target.code}`)).grid.inspectors.length, { timeout: 15_000 }).toBe(1);
    const after = (await getJson<{ grid: GridDetail }>(`/grids/${target.code}`)).grid;
    // The one responsible now is the demo inspector.
    const inspectors = await getJson<{ items: { id: string; username: string }[] }>('/users?role=inspector&q=inspector');
    expect(after.inspectors.map((p) => p.id)).toEqual([inspectors.items.find((u) => u.username === 'inspector')!.id]);
    await expect.poll(() => page.getByTestId('grid-inspector-names').textContent()).toBe(after.inspectors[0]!.name);
    await expectAccessible(page, 'the grid detail');
    await screenshot(page, 'grids-detail');
    await closeDrawer(page, 'grid-code');
  });

  it('checks a small GeoJSON first (the invalid polygon in the report, nothing changed), then imports the rest with progress', async () => {
    const total = async () => {
      let n = 0;
      let after: string | null = null;
      for (let i = 0; i < 100; i++) {
        const r: { items: unknown[]; next: string | null } = await getJson(`/grids?limit=500${after ? `&after=${after}` : ''}`);
        n += r.items.length;
        after = r.next;
        if (!after) break;
      }
      return n;
    };
    const gridsBefore = await total();
    await page.getByTestId('grid-import-open').click();
    const dialog = page.locator('.ant-modal');
    await expect.poll(() => dialog.getByTestId('grid-import-start').isDisabled()).toBe(true);
    // A zipped Shapefile first (its community field named in the dialog): read and checked like GeoJSON.
    const ring = (x: number) => [[x, 30.655], [x + D, 30.655], [x + D, 30.65], [x, 30.65], [x, 30.655]];
    const zip = storedZip({
      'grids.shp': shpPolygons([[ring(104.06)], [ring(104.065)]]),
      'grids.dbf': dbf(['SQBM', 'SQMC'], [['510104001001', '测试社区'], ['510104001001', '测试社区']]),
      'grids.cpg': Buffer.from('UTF-8'),
    });
    await dialog.getByTestId('grid-import-file').setInputFiles({ name: 'grids.zip', mimeType: 'application/zip', buffer: zip });
    await dialog.getByTestId('grid-import-community-field').fill('SQBM');
    await dialog.getByTestId('grid-import-check').click();
    const zipReport = dialog.getByTestId('grid-import-report');
    await zipReport.waitFor({ timeout: 60_000 });
    await expect.poll(() => zipReport.textContent()).toContain('保留 0，新分配 2');
    expect(await dialog.getByTestId('grid-import-rejected').textContent()).toBe('0');
    await dialog.getByTestId('grid-import-community-field').fill('community_code');
    await dialog.getByTestId('grid-import-file').setInputFiles({ name: 'grids.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(smallLayer), 'utf8') });
    await dialog.getByTestId('grid-import-check').click();
    const report = dialog.getByTestId('grid-import-report');
    await report.waitFor({ timeout: 60_000 });
    await expect.poll(() => report.getByRole('alert').first().textContent()).toContain('检查完成');
    expect(await dialog.getByTestId('grid-import-rejected').textContent()).toBe('1');
    const rejected = dialog.getByTestId('grid-import-rejected-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rejected.count()).toBe(1);
    expect(await rejected.first().textContent()).toContain('几何无效：Self-intersection');
    expect(await report.textContent()).toContain('保留 0，新分配 3');
    // The file keeps none of the demo layer: the dry run says how many stored grids the import would remove.
    expect(await dialog.getByTestId('grid-import-would-remove').textContent()).toContain(`将删除现有图层中文件里没有的 ${gridsBefore.toLocaleString('zh-CN')} 个网格`);
    expect(await total()).toBe(gridsBefore);
    await expectAccessible(page, 'the import dry-run report');
    await screenshot(page, 'grids-import-report');

    await dialog.getByTestId('grid-import-skip').click();
    await dialog.getByTestId('grid-import-start').click();
    await expect.poll(() => report.getByRole('alert').first().textContent(), { timeout: 120_000 }).toContain('导入完成：新增 3');
    await expect.poll(() => dialog.getByTestId('grid-import-progress').getAttribute('data-percent')).toBe('100');
    await expect.poll(() => dialog.getByTestId('grid-import-progress').locator('.ant-progress').getAttribute('class')).toContain('ant-progress-status-success');
    await expectAccessible(page, 'the import result');
    await screenshot(page, 'grids-import-done');
    // The layer is replaced by the file's three grids.
    expect(await total()).toBe(3);
  });
});

describe('unit grids in English', () => {
  let en: BrowserContext;
  let enPage: Page;
  beforeAll(async () => {
    ({ context: en, page: enPage } = await openConsole(env, 'admin', { viewport: { width: 1440, height: 1000 }, lang: 'en' }));
  }, 120_000);
  afterAll(async () => en?.close());

  it('shows the page in English', async () => {
    await enPage.goto(`${env.base}/console/grids`);
    await enPage.getByText('District → street → community → grid').waitFor({ timeout: 20_000 });
    await expect.poll(() => enPage.getByTestId('grid-map').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => enPage.getByTestId('grid-table').locator('tbody tr.ant-table-row').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await enPage.getByTestId('grid-table').locator('tbody tr.ant-table-row').first().locator('button').click();
    await enPage.getByText('Responsible inspectors').first().waitFor();
    await expectAccessible(enPage, 'the grid page (English)');
    await screenshot(enPage, 'grids-en');
  });
});
