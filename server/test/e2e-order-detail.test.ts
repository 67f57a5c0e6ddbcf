/**
 * The order detail page's facts say what they mean where they used to show a bare dash or a button that did nothing:
 * a merged duplicate names (and links) the order it was merged into; a suspended order's 办理时限 says the clock is
 * paused, and its timeline's 派遣 entry names the department it went to; an order without a reporter's name or number
 * says so and offers no reveal (an audited read of nothing).
 * Orders are set up through the API; the page is read in Chromium against a real demo server, in Chinese and English.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { apiCall, apiStaff, openConsole, useE2e, type ApiStaff } from './e2e-support.js';

const env = useE2e();

interface Order {
  id: string;
  code: string;
  version: number;
}

// 青羊区 (510105), inside the demo city.
const QINGYANG = { lng: 104.061442, lat: 30.673914 };

let agent: ApiStaff;
let dispatcher: ApiStaff;
const call = <T>(who: ApiStaff, method: string, path: string, body?: unknown) => apiCall<T>(env.base, who, method, path, body);

async function create(title: string, reporter: { name: string; phone: string } | null = { name: '李女士', phone: '13700137001' }): Promise<Order> {
  return (
    await call<{ order: Order }>(agent, 'POST', '/work-orders', {
      requestType: 'complaint',
      categoryCode: 'event.05',
      title,
      description: `${title}，请尽快处理。`,
      location: QINGYANG,
      address: '青羊区人民公园东门',
      reporter,
    })
  ).order;
}

async function act(who: ApiStaff, order: Order, action: Record<string, unknown>): Promise<Order> {
  const r = await call<{ order: Order }>(who, 'POST', `/work-orders/${order.id}/actions`, { version: order.version, action });
  return r.order;
}

async function openDetail(page: Page, id: string): Promise<void> {
  await page.goto(`${env.base}/console/work-orders/${id}`);
  await page.getByTestId('work-order-detail').waitFor({ timeout: 20_000 });
}

describe('order detail facts', () => {
  let context: BrowserContext;
  let page: Page;
  let parent: Order;
  let child: Order;
  let suspended: Order;

  beforeAll(async () => {
    [agent, dispatcher] = await Promise.all([apiStaff(env.base, 'agent'), apiStaff(env.base, 'dispatcher')]);
    parent = await create('人民公园东门占道摆摊（先报）');
    child = await create('人民公园东门占道摆摊（重复）');
    child = await act(dispatcher, child, { type: 'merge', parentId: parent.id });
    suspended = await create('人民公园东门占道摆摊（挂起）');
    suspended = await act(agent, suspended, { type: 'accept' });
    const handler = await apiStaff(env.base, 'handler');
    suspended = await act(dispatcher, suspended, { type: 'dispatch', departmentId: handler.departmentId });
    suspended = await act(dispatcher, suspended, { type: 'suspend', reason: '等待商户营业执照核查结果' });
    ({ context, page } = await openConsole(env, 'dispatcher', { viewport: { width: 1366, height: 768 } }));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it('a merged duplicate names the order it was merged into, and opens it', async () => {
    await openDetail(page, child.id);
    expect(await page.getByTestId('work-order-detail').getAttribute('data-status')).toBe('merged');
    const link = page.getByTestId('detail-parent');
    await expect.poll(() => link.textContent()).toBe(parent.code);
    await screenshot(page, 'order-detail-merged');
    await link.click();
    await expect.poll(() => page.getByTestId('detail-code').textContent()).toBe(parent.code);
    expect(await page.getByTestId('detail-parent').count()).toBe(0);
  });

  it('a suspended order says its clock is paused under 办理时限, not a dash', async () => {
    await openDetail(page, suspended.id);
    expect(await page.getByTestId('work-order-detail').getAttribute('data-status')).toBe('suspended');
    expect(await page.getByTestId('detail-due').textContent()).toBe('已挂起，暂停计时');
    // The 派遣 entry of its timeline says where it was sent.
    await expect.poll(() => page.locator('[data-action="dispatch"] [data-testid="timeline-department"]').textContent()).toBe('派遣至 城市管理综合执法支队');
  });

  it('an order without the reporter\'s name or number says so, and offers nothing to reveal', async () => {
    // An inspector's own report carries no reporter (not anonymous: there is nobody).
    const row = await env.server!.ctx.db
      .selectFrom('work_orders')
      .select('id')
      .where('channel', '=', 'inspector')
      .where('anonymous', '=', false)
      .where('reporter_name_enc', 'is', null)
      .where('reporter_phone_enc', 'is', null)
      .executeTakeFirstOrThrow();
    await openDetail(page, row.id);
    expect(await page.getByTestId('reporter-masked').textContent()).toBe('未留姓名和电话');
    expect(await page.getByTestId('reveal-reporter').count()).toBe(0);
    // An order with a reporter keeps its masked name and the reveal.
    await openDetail(page, parent.id);
    expect(await page.getByTestId('reporter-masked').textContent()).toBe('李** · 137****7001');
    expect(await page.getByTestId('reveal-reporter').count()).toBe(1);
  });

  it('reads the same in English', async () => {
    const en = await openConsole(env, 'dispatcher', { viewport: { width: 1366, height: 768 }, lang: 'en' });
    try {
      await en.page.goto(`${env.base}/console/work-orders/${suspended.id}`);
      await en.page.getByTestId('work-order-detail').waitFor({ timeout: 20_000 });
      expect(await en.page.getByTestId('detail-due').textContent()).toBe('Suspended: the clock is stopped');
    } finally {
      await en.context.close();
    }
  });
});
