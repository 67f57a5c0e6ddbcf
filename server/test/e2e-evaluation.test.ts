/**
 * The evaluation console in Chromium against the demo server (e2e-support.ts): an analyst (zh-CN) runs synthetic
 * cities with Monte-Carlo sensitivity, reads the sensitivity view and the drill-down, finds the run again in the
 * runs list, exports it (XLSX, PDF), reruns an imported dataset from the datasets list, then edits a draft indicator system (AHP matrix:
 * an inconsistent judgement is flagged with its cell, then fixed; a node added and removed) and publishes it. A
 * leader reads the runs list and a run's sensitivity in English. Screenshots of each screen, axe on each.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { DEFAULT_TEMPLATE, datasetToCsv, demoCities } from '../src/modules/evaluation/index.js';
import { expectAccessible, openConsole, useE2e } from './e2e-support.js';

const env = useE2e();
const LEAF_CODES = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);
const DATASET = 'synthetic-150.csv';

const rows = (page: Page, testId: string) => page.getByTestId(testId).locator('tbody tr.ant-table-row');

async function pick(page: Page, label: string, option: string | RegExp) {
  await page.getByRole('combobox', { name: label }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
}

describe('evaluation console (analyst, zh-CN)', () => {
  let context: BrowserContext;
  let page: Page;
  let runLink = '';
  beforeAll(async () => {
    ({ context, page } = await openConsole(env, 'analyst', { viewport: { width: 1440, height: 900 } }));
  });
  afterAll(async () => context?.close());

  it('runs an uploaded CSV with sensitivity and shows rank intervals, tier stability and influential indicators', async () => {
    await page.goto(`${env.base}/console/evaluation`);
    await page.locator('h1', { hasText: '治理现代化评估' }).waitFor();
    const create = page.getByTestId('create-system');
    if (await create.isVisible({ timeout: 5_000 }).catch(() => false)) await create.click();
    await pick(page, '体系版本', /v\d+/);
    await page.locator('input[type="file"]').setInputFiles({ name: DATASET, mimeType: 'text/csv', buffer: Buffer.from(datasetToCsv(LEAF_CODES, demoCities(11, 150))) });
    await page.getByTestId('with-sensitivity').click();
    await page.getByRole('spinbutton', { name: '抽样次数' }).fill('300');
    await page.getByRole('button', { name: '导入并评估' }).click();
    await page.waitForURL(/[?&]run=/, { timeout: 60_000 });
    runLink = page.url();
    await expect.poll(() => rows(page, 'ranking-table').count(), { timeout: 30_000 }).toBe(20);

    await page.getByRole('tab', { name: '敏感性' }).click();
    const view = page.getByTestId('sensitivity-view');
    await view.waitFor();
    await expect.poll(() => view.getByTestId('influence-list').locator('li').count()).toBe(10);
    expect(await view.textContent()).toContain('300');
    await expect.poll(() => rows(page, 'sensitivity-table').count()).toBe(20);
    // The first row is rank 1; its interval starts at rank 1 and is a real interval "a – b".
    const first = rows(page, 'sensitivity-table').first();
    expect((await first.locator('td').first().textContent())?.trim()).toBe('1');
    expect(await first.locator('td').nth(3).textContent()).toMatch(/^1 – \d+(\.\d)?$/);
    expect(await first.locator('td').nth(5).textContent()).toMatch(/^\d+%$/);
    // Only the unstable ones: every stability shown is below 80%.
    await page.getByTestId('unstable-only').click();
    const stabilities = await rows(page, 'sensitivity-table').locator('td:nth-child(6)').allTextContents();
    expect(stabilities.every((s) => Number.parseInt(s, 10) < 80)).toBe(true);
    await page.getByTestId('unstable-only').click();
    await screenshot(page, 'console-evaluation-sensitivity');
    await expectAccessible(page, 'evaluation sensitivity');
  }, 180_000);

  it('drills into a city: indicator tree with scores and weights (values and contributions when the server has them)', async () => {
    await page.getByRole('tab', { name: '排名' }).click();
    await page.getByTestId('ranking-table').getByTestId('entity-link').first().click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('radar-chart').locator('svg').waitFor({ timeout: 30_000 });
    await expect.poll(() => drawer.getByTestId('entity-tree').locator('tbody tr.ant-table-row').count()).toBe(42);
    const headers = await drawer.getByTestId('entity-tree').locator('thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['标准化得分', '权重（占上级比例）']));
    await page.waitForTimeout(500);
    await screenshot(page, 'console-evaluation-drilldown');
    await expectAccessible(page, 'evaluation drill-down');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('exports the run as XLSX and PDF', async () => {
    for (const [testId, ext, magic] of [
      ['export-xlsx', 'xlsx', 'PK'],
      ['export-pdf', 'pdf', '%PDF'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${ext}$`));
      const file = await download.path();
      expect(readFileSync(file).subarray(0, magic.length).toString('latin1')).toBe(magic);
    }
  }, 120_000);

  it('finds the run in the runs list, reruns the imported dataset from the datasets list, filters by system', async () => {
    await page.getByTestId('back-to-runs').click();
    const runId = new URL(runLink).searchParams.get('run')!;
    await expect.poll(() => rows(page, 'runs-table').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const newest = rows(page, 'runs-table').first();
    expect(await newest.textContent()).toContain(DATASET);
    expect(await newest.textContent()).toContain('300 次抽样');
    const before = Number((await page.locator('.ant-pagination-total-text').first().textContent())!.match(/\d+/)![0]);

    await page.getByRole('tab', { name: '数据集' }).click();
    const ds = rows(page, 'datasets-table').filter({ hasText: DATASET }).first();
    await ds.waitFor();
    expect(await ds.locator('td').nth(1).textContent()).toBe('150');
    expect(await ds.locator('td').nth(2).textContent()).toBe('27');
    await screenshot(page, 'console-evaluation-datasets');
    await expectAccessible(page, 'evaluation datasets');

    await ds.getByTestId('pick-dataset').click();
    await pick(page, '体系版本', /v\d+/);
    // The sensitivity choice is kept from the first run: this one goes without.
    await page.getByTestId('with-sensitivity').click();
    await page.getByRole('button', { name: '开始评估' }).click();
    await page.waitForURL((u) => !!u.searchParams.get('run') && u.searchParams.get('run') !== runId, { timeout: 60_000 });
    await expect.poll(() => rows(page, 'ranking-table').count(), { timeout: 30_000 }).toBe(20);
    await page.getByRole('tab', { name: '敏感性' }).click();
    await page.getByText('本批次未做敏感性分析').waitFor();

    await page.getByTestId('back-to-runs').click();
    await expect.poll(async () => (await page.locator('.ant-pagination-total-text').first().textContent()) ?? '').toContain(String(before + 1));
    await page.getByRole('combobox', { name: '按指标体系筛选' }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await expect.poll(() => rows(page, 'runs-table').count()).toBeGreaterThan(0);
    await page.locator('h1').click();
    // The picker's list leaves with an animation: axe must not meet it half-closed.
    await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'console-evaluation-runs');
    await expectAccessible(page, 'evaluation runs list');
  }, 120_000);

  it('edits a draft system: AHP matrix with CR and the worst judgement, a node added and removed, then publishes', async () => {
    await page.goto(`${env.base}/console/evaluation?view=systems`);
    await page.getByTestId('new-draft-system').click();
    await expect.poll(() => page.getByTestId('editor-status').textContent(), { timeout: 20_000 }).toBe('正在编辑草稿 v1');
    const tree = page.getByTestId('editor-tree');
    await tree.getByText('G 精准治理', { exact: true }).click();
    await page.getByTestId('node-weighting').getByText('AHP 判断矩阵').click();
    const matrix = page.getByTestId('ahp-matrix');
    await matrix.waitFor();
    const judge = async (a: string, b: string, value: string) => {
      await page.getByRole('combobox', { name: `${a} 相对 ${b} 的重要性` }).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: new RegExp(`^${value.replace('/', '\\/')}$`) }).click();
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    };
    // G1 ≫ G2 ≫ G3 but G3 ≫ G1: inconsistent.
    await judge('G1', 'G2', '5');
    await judge('G2', 'G3', '5');
    await judge('G1', 'G3', '1/5');
    expect(await matrix.getByTestId('ahp-cell-2-0').textContent()).toBe('5');
    await page.getByTestId('save-draft').click();
    const cr = matrix.getByTestId('ahp-cr');
    await expect.poll(() => cr.textContent(), { timeout: 20_000 }).toMatch(/CR = \d\.\d{3} ≥ 0\.1/);
    expect(await cr.textContent()).toContain('最不一致的判断');
    expect(await matrix.locator('[data-worst="true"]').count()).toBe(1);
    await page.getByTestId('inconsistent-alert').waitFor();
    await screenshot(page, 'console-evaluation-editor-ahp');
    await expectAccessible(page, 'evaluation draft editor (AHP inconsistent)');

    // Consistent: G1 = 3·G2, G2 = 3·G3, G1 = 9·G3.
    await judge('G1', 'G2', '3');
    await judge('G2', 'G3', '3');
    await judge('G1', 'G3', '9');
    await page.getByTestId('save-draft').click();
    await expect.poll(() => cr.textContent(), { timeout: 20_000 }).toMatch(/CR = 0\.000 < 0\.1/);

    // Add a leaf under D3, rename it, make it a cost indicator; then remove another leaf.
    await tree.getByText('D3 政务服务效能', { exact: true }).click();
    await page.getByTestId('add-child').click();
    await page.getByTestId('node-name-zh').fill('办件平均时长');
    await page.getByTestId('node-name-en').fill('Average case duration');
    await page.getByTestId('node-code').fill('D39');
    await page.getByTestId('node-code').blur();
    await pick(page, '方向', '越低越好');
    await tree.getByText('D39 办件平均时长', { exact: true }).waitFor();
    await tree.getByText(/^C22 /).click();
    await page.getByTestId('remove-node').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    await expect.poll(() => tree.getByText(/^C22 /).count()).toBe(0);
    // This save's own answer (an earlier save's "已保存" may still be on screen: its text alone could be either).
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/draft'), { timeout: 20_000 });
    await page.getByTestId('save-draft').click();
    expect((await saved).status()).toBe(200);
    await page.getByText('草稿 v1 已保存').last().waitFor({ timeout: 20_000 });
    await screenshot(page, 'console-evaluation-editor');
    await expectAccessible(page, 'evaluation draft editor');

    await page.getByTestId('publish-draft').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    await page.getByText('v1 已发布', { exact: true }).first().waitFor({ timeout: 20_000 });

    // What was published: the API's view of the version.
    const systemId = await page.evaluate(async () => {
      const r = await fetch('/api/v1/evaluation/systems');
      const body = (await r.json()) as { items: { id: string; code: string }[] };
      return body.items.filter((s) => s.code.startsWith('draft-')).at(-1)!.id;
    });
    const version = await page.evaluate(async (id) => (await (await fetch(`/api/v1/evaluation/systems/${id}/versions/1`)).json()) as { version: { status: string; definition: { nodes: { code: string; direction?: string; pairwise?: number[][] }[] }; ahp: { node: string; consistent: boolean }[] } }, systemId);
    expect(version.version.status).toBe('published');
    const nodes = version.version.definition.nodes;
    expect(nodes.find((n) => n.code === 'D39')?.direction).toBe('cost');
    expect(nodes.some((n) => n.code === 'C22')).toBe(false);
    expect(nodes.find((n) => n.code === 'G')?.pairwise).toEqual([
      [1, 3, 9],
      [1 / 3, 1, 3],
      [1 / 9, 1 / 3, 1],
    ]);
    expect(version.version.ahp).toMatchObject([{ node: 'G', consistent: true }]);
  }, 180_000);

  describe('leader, in English', () => {
    let en: BrowserContext;
    let p: Page;
    beforeAll(async () => {
      ({ context: en, page: p } = await openConsole(env, 'leader', { viewport: { width: 1440, height: 900 }, lang: 'en' }));
    });
    afterAll(async () => en?.close());

    it('reads the runs list and a run\'s sensitivity, without the analyst\'s controls', async () => {
      await p.goto(`${env.base}/console/evaluation`);
      await p.locator('h1', { hasText: 'Governance evaluation' }).waitFor();
      await expect.poll(() => rows(p, 'runs-table').count(), { timeout: 20_000 }).toBeGreaterThan(1);
      expect(await p.getByRole('button', { name: 'Import and run' }).count()).toBe(0);
      await screenshot(p, 'console-evaluation-runs-en');
      await expectAccessible(p, 'evaluation runs list (English)');
      await p.goto(runLink);
      await p.getByRole('tab', { name: 'Sensitivity' }).click();
      await expect.poll(() => rows(p, 'sensitivity-table').count(), { timeout: 30_000 }).toBe(20);
      expect(await p.getByTestId('sensitivity-view').textContent()).toContain('Most influential indicators');
      await screenshot(p, 'console-evaluation-sensitivity-en');
      await expectAccessible(p, 'evaluation sensitivity (English)');
    });
  });
});
