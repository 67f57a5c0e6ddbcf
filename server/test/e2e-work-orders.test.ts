/**
 * The console's work-order screens, end to end in Chromium against a real demo server: an order taken by the
 * hotline is dispatched from the dispatcher board as the responsibility list suggests; the handler signs for it,
 * starts and reports with a photo from the department inbox; the dispatcher verifies and closes it on the detail
 * page (reporter revealed for a purpose on the way; the map shows its grid); the list finds it by a Chinese word,
 * with the filters in the URL; two tabs acting on the same version get a readable 409; the inbox lists the handler's
 * own unit's orders unless switched to their whole scope. On a 1366×768 screen the queues' buttons and the list's
 * columns are in view without sideways scrolling. axe on list, detail, board and inbox; screenshots in
 * web/e2e/screenshots/work-orders-*.png.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { E2E_DEMO_PASSWORD, expectAccessible, signIn, startE2e, type E2eEnv } from './e2e-support.js';

let env: E2eEnv;
let base = '';

beforeAll(async () => {
  env = await startE2e();
  base = env.base;
}, 600_000);

afterAll(async () => {
  await env?.close();
});

/** A real PNG (w×h, a checked pattern) so the server's byte sniffing sees a genuine image. */
function png(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set((Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? [40, 120, 40] : [250, 250, 250], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

interface Staff {
  token: string;
  departmentId: string | null;
}

async function staff(username: string): Promise<Staff> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: E2E_DEMO_PASSWORD }) });
  expect(r.status, `login ${username}`).toBe(200);
  const body = (await r.json()) as { accessToken: string; user: { department: { id: string } | null } };
  return { token: body.accessToken, departmentId: body.user.department?.id ?? null };
}

async function call<T>(who: Staff, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  expect(r.ok, `${method} ${path}: ${r.status} ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

interface Order {
  id: string;
  code: string;
  status: string;
  version: number;
  districtCode: string | null;
  gridCode: string | null;
  department: { id: string } | null;
  timeline: { action: string; photos: string[] }[];
}

const TITLE = '人民公园东门占道经营摆摊';
// 青羊区 (510105): the responsibility list sends 街面秩序 there to the enforcement brigade, the demo handler's unit.
const QINGYANG = { lng: 104.061442, lat: 30.673914 };

let agent: Staff;
let handlerDept: string | null;
let order: Order;

async function orderNow(id: string): Promise<Order> {
  return (await call<{ order: Order }>(agent, 'GET', `/work-orders/${id}`)).order;
}

/** A common office screen: the queues' buttons must be reachable on it without scrolling the table sideways. */
const SCREEN = { width: 1366, height: 768 };

async function newContext(): Promise<BrowserContext> {
  return env.browser.newContext({ viewport: SCREEN, locale: 'zh-CN' });
}

/** Whether the element lies within the screen's width as the page is shown (no sideways scrolling of its table). */
async function inView(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).first().boundingBox();
  return box !== null && box.x >= 0 && box.x + box.width <= SCREEN.width;
}

describe('an order through the console: board → inbox → detail → list', () => {
  let dispatcherCtx: BrowserContext;
  let handlerCtx: BrowserContext;
  let dispatcher: Page;
  let handler: Page;

  beforeAll(async () => {
    agent = await staff('agent');
    handlerDept = (await staff('handler')).departmentId;
    order = (
      await call<{ order: Order }>(agent, 'POST', '/work-orders', {
        requestType: 'complaint',
        categoryCode: 'event.05',
        title: TITLE,
        description: '每天傍晚有多个摊贩在人民公园东门人行道上占道经营，行人只能走机动车道，请尽快处理。',
        location: QINGYANG,
        address: '青羊区人民公园东门',
        urgency: 'urgent',
        reporter: { name: '王小明', phone: '13800138123' },
      })
    ).order;
    expect(order.districtCode).toBe('510105');
    dispatcherCtx = await newContext();
    handlerCtx = await newContext();
    dispatcher = await dispatcherCtx.newPage();
    handler = await handlerCtx.newPage();
    await signIn(dispatcher, base, 'dispatcher');
    await signIn(handler, base, 'handler');
  }, 120_000);

  afterAll(async () => {
    await dispatcherCtx?.close();
    await handlerCtx?.close();
  });

  it('the dispatcher dispatches the new order from the board as suggested', async () => {
    await dispatcher.getByTestId('console-nav').getByText('派遣台').click();
    const board = dispatcher.getByTestId('board-new');
    const suggestion = board.getByTestId(`suggestion-${order.code}`);
    await expect.poll(() => suggestion.textContent(), { timeout: 30_000 }).toContain('城市管理综合执法支队');
    await expect.poll(() => dispatcher.getByTestId('board-count-new').textContent(), { timeout: 30_000 }).toMatch(/\(\d+\+?\)/);
    expect(await dispatcher.getByTestId('board-tab-new').textContent()).toContain('新工单');
    await screenshot(dispatcher, 'work-orders-board');
    await expectAccessible(dispatcher, 'dispatcher board');
    // The suggestion and the row's actions stay at the right edge of the screen, however wide the other columns.
    expect(await inView(dispatcher, `dispatch-suggested-${order.code}`)).toBe(true);
    expect(await inView(dispatcher, `actions-${order.code}`)).toBe(true);

    await board.getByTestId(`dispatch-suggested-${order.code}`).click();
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('dispatched');
    const now = await orderNow(order.id);
    expect(now.department?.id).toBe(handlerDept);
    expect(now.timeline.map((e) => e.action)).toEqual(['create', 'accept', 'dispatch']);
    // The board reloads: the order has left the "new" queue.
    await expect.poll(() => board.getByTestId(`suggestion-${order.code}`).count(), { timeout: 20_000 }).toBe(0);
  });

  it('the handler signs, starts and reports with a photo from the inbox', async () => {
    await handler.getByTestId('console-nav').getByText('部门待办').click();
    const toSign = handler.getByTestId('inbox-toSign');
    await toSign.getByTestId(`actions-${order.code}`).getByTestId('action-sign').waitFor({ timeout: 30_000 });
    expect(await inView(handler, `actions-${order.code}`)).toBe(true);
    await toSign.getByTestId(`actions-${order.code}`).getByTestId('action-sign').click();
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('signed');

    await handler.getByTestId('inbox-tab-inProgress').click();
    const inProgress = handler.getByTestId('inbox-inProgress');
    await inProgress.getByTestId(`actions-${order.code}`).getByTestId('action-start').click({ timeout: 30_000 });
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('in_progress');

    await inProgress.getByTestId(`actions-${order.code}`).getByTestId('action-report').click({ timeout: 30_000 });
    const modal = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-report') });
    await modal.getByTestId('action-text').fill('已劝离摊贩并清理占道物品，人行道恢复通行。');
    await modal.locator('input[type="file"]').setInputFiles({ name: 'cleared.png', mimeType: 'image/png', buffer: png(120, 90) });
    await expect.poll(() => modal.locator('.ant-upload-list-item-done, .ant-upload-list-item-error').count(), { timeout: 20_000 }).toBe(1);
    expect(await modal.locator('.ant-upload-list-item-error').count()).toBe(0);
    await screenshot(handler, 'work-orders-inbox-report');
    await modal.getByTestId('action-submit').click();
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('reported');
    const reported = await orderNow(order.id);
    expect(reported.timeline.at(-1)!.photos).toHaveLength(1);

    await handler.getByTestId('inbox-tab-reported').click();
    await handler.getByTestId('inbox-reported').getByTestId(`actions-${order.code}`).waitFor({ timeout: 20_000 });
    await screenshot(handler, 'work-orders-inbox');
    await expectAccessible(handler, 'department inbox');
  });

  it('the dispatcher reveals the reporter, verifies and closes on the detail page', async () => {
    await dispatcher.goto(`${base}/console/work-orders/${order.id}`);
    const detail = dispatcher.getByTestId('work-order-detail');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 20_000 }).toBe('reported');
    const masked = await dispatcher.getByTestId('reporter-masked').textContent();
    expect(masked).toMatch(/^王\*+ · .*8123$/);
    expect(masked).not.toContain('13800138123');
    await dispatcher.getByTestId('timeline').locator('[data-action="report"] img').first().waitFor();
    await dispatcher.getByTestId('order-map').and(dispatcher.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    // Staff see the unit grids around the point, the order's own named under the map.
    expect(Number(await dispatcher.getByTestId('order-map').getAttribute('data-grids'))).toBeGreaterThan(1);
    expect(await dispatcher.getByTestId('order-map-grid').textContent()).toBe(`所在网格 ${(await orderNow(order.id)).gridCode}`);

    await dispatcher.getByTestId('reveal-reporter').click();
    const reveal = dispatcher.locator('.ant-modal').filter({ hasText: '查看反映人信息' });
    await reveal.getByText('会记入审计日志').waitFor();
    // Keyboard: open the purpose list and take the first purpose (回电, call back).
    await reveal.getByTestId('reveal-purpose').click();
    await dispatcher.locator('.ant-select-dropdown:visible').waitFor();
    await dispatcher.keyboard.press('Enter');
    await expect.poll(() => reveal.getByTestId('reveal-purpose').textContent()).toContain('回电');
    await reveal.getByTestId('reveal-confirm').click();
    await expect.poll(() => reveal.getByTestId('reveal-result').textContent(), { timeout: 10_000 }).toContain('13800138123');
    await screenshot(dispatcher, 'work-orders-reveal');
    await reveal.getByTestId('reveal-confirm').click();
    await reveal.waitFor({ state: 'hidden' });

    await dispatcher.getByTestId('action-verify_pass').click();
    const verify = dispatcher.locator('.ant-modal').filter({ has: dispatcher.getByTestId('action-form-verify_pass') });
    await verify.getByTestId('action-text').fill('现场核查：人行道已畅通。');
    await verify.getByTestId('action-submit').click();
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 20_000 }).toBe('verified');
    await dispatcher.getByTestId('action-close').click();
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 20_000 }).toBe('closed');
    expect((await orderNow(order.id)).timeline.map((e) => e.action)).toEqual(['create', 'accept', 'dispatch', 'sign', 'start', 'report', 'verify_pass', 'close']);
    expect(await dispatcher.getByTestId('timeline').locator('[data-action]').count()).toBe(8);
    expect(await dispatcher.getByTestId('deadline-bar').first().getAttribute('data-tone')).toBe('done');
    await screenshot(dispatcher, 'work-orders-detail');
    await expectAccessible(dispatcher, 'order detail');
  });

  it('the list finds it by a Chinese word, with the filters in a shareable URL', async () => {
    await dispatcher.getByTestId('console-nav').getByText('工单', { exact: true }).click();
    await dispatcher.getByTestId('list-search').fill('占道经营');
    await dispatcher.getByTestId('list-search-submit').click();
    await expect.poll(() => new URL(dispatcher.url()).searchParams.get('q')).toBe('占道经营');
    const table = dispatcher.getByTestId('work-order-table');
    await expect.poll(() => table.getByText(order.code).count(), { timeout: 20_000 }).toBe(1);
    // The searched page replaces the unfiltered one (the demo's other orders do not mention 占道经营).
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: 20_000 }).toBeLessThan(5);
    // Every column fits the screen: the table does not scroll sideways.
    expect(await table.locator('.ant-table-content').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(dispatcher, 'work-orders-list');
    await expectAccessible(dispatcher, 'work-order list');

    // The same link in a fresh tab gives the same result; a status filter that excludes it empties the table.
    const shared = await dispatcherCtx.newPage();
    await shared.goto(`${base}/console/work-orders?q=${encodeURIComponent('占道经营')}&status=closed&sort=due`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText(order.code).count(), { timeout: 20_000 }).toBe(1);
    await shared.goto(`${base}/console/work-orders?q=${encodeURIComponent('占道经营')}&status=dispatched`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText('没有符合条件的工单').count(), { timeout: 20_000 }).toBe(1);
    // A word that is not in it finds nothing.
    await shared.goto(`${base}/console/work-orders?q=${encodeURIComponent('井盖')}&status=closed&district=510105`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText(order.code).count(), { timeout: 20_000 }).toBe(0);
    // The row opens the order.
    await shared.goto(`${base}/console/work-orders?q=${encodeURIComponent('占道经营')}`);
    await shared.getByTestId('work-order-table').getByText(order.code).click();
    await expect.poll(() => shared.url()).toContain(`/console/work-orders/${order.id}`);
    await shared.close();
  });

  it('shows a 409 readably when two tabs act on the same version, and reloads the order', async () => {
    const second = (
      await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title: '宽窄巷子门口乱停放共享单车', description: '巷口堆满共享单车。', location: QINGYANG })
    ).order;
    const [a, b] = [dispatcher, await dispatcherCtx.newPage()];
    for (const p of [a, b]) {
      await p.goto(`${base}/console/work-orders/${second.id}`);
      await expect.poll(() => p.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('received');
    }
    await a.getByTestId('action-accept').click();
    await expect.poll(() => a.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('accepted');
    await b.getByTestId('action-accept').click();
    await expect.poll(() => b.getByTestId('action-error').textContent(), { timeout: 20_000 }).toContain('工单已被他人修改');
    // The stale tab now shows the order as it is, with the actions allowed now.
    await expect.poll(() => b.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('accepted');
    await b.getByTestId('action-dispatch').waitFor();
    expect(await b.getByTestId('action-accept').count()).toBe(0);
    await screenshot(b, 'work-orders-409');
    await expectAccessible(b, 'order detail after a 409');
    expect((await orderNow(second.id)).timeline.map((e) => e.action)).toEqual(['create', 'accept']);
    await b.close();
  });

  it("the inbox shows the handler's own department's orders; the switch shows the rest of their scope", async () => {
    const dispatcherApi = await staff('dispatcher');
    const { items: departments } = await call<{ items: { id: string; parentId: string | null; path: string }[] }>(dispatcherApi, 'GET', '/departments');
    const own = departments.find((d) => d.id === handlerDept)!;
    // A sibling unit under the same bureau: inside the handler's data scope (the bureau's subtree), not their own unit.
    const sibling = departments.find((d) => d.parentId === own.parentId && d.id !== own.id)!;
    expect(sibling, 'the demo bureau has a second unit').toBeDefined();
    let other = (await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title: '玉林路夜市油烟扰民', description: '夜市摊点油烟很大。', location: QINGYANG })).order;
    other = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${other.id}/actions`, { version: other.version, action: { type: 'accept' } })).order;
    await call(dispatcherApi, 'POST', `/work-orders/${other.id}/actions`, { version: other.version, action: { type: 'dispatch', departmentId: sibling.id } });
    // And one for the handler's own unit, so that its 待签收 is not empty whatever the demo data.
    let mine = (await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title: '玉林路夜市占道', description: '夜市摊点占道。', location: QINGYANG })).order;
    mine = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${mine.id}/actions`, { version: mine.version, action: { type: 'accept' } })).order;
    await call(dispatcherApi, 'POST', `/work-orders/${mine.id}/actions`, { version: mine.version, action: { type: 'dispatch', departmentId: handlerDept } });

    // The inbox acts on its list rows: one list request per tab, no request per order.
    const perOrder: string[] = [];
    const watch = (r: { url: () => string }) => /\/api\/v1\/work-orders\/[0-9a-f-]{36}$/.test(new URL(r.url()).pathname) && perOrder.push(r.url());
    handler.on('request', watch);
    await handler.goto(`${base}/console/inbox`);
    const toSign = handler.getByTestId('inbox-toSign');
    await expect.poll(() => handler.getByTestId('inbox-count-toSign').textContent(), { timeout: 30_000 }).toMatch(/\(\d+\+?\)/);
    await toSign.getByTestId(`actions-${mine.code}`).getByTestId('action-sign').waitFor();
    handler.off('request', watch);
    expect(perOrder).toEqual([]);
    expect(await toSign.locator(`.wo-row-${other.code}`).count()).toBe(0);

    await handler.getByTestId('inbox-only-mine').click();
    await expect.poll(() => handler.getByTestId('inbox-scope').textContent()).toContain('管辖范围内各部门');
    const row = toSign.locator(`.wo-row-${other.code}`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    // Only the unit it is dispatched to may sign it: here it is followed, not worked on.
    await expect.poll(() => row.getByTestId(`actions-${other.code}`).textContent(), { timeout: 20_000 }).toContain('当前没有可执行的操作');
    await screenshot(handler, 'work-orders-inbox-scope');
    await expectAccessible(handler, 'department inbox, whole scope');
  });
});
