/**
 * The console's work-order screens, end to end in Chromium against a real demo server: an order taken by the
 * hotline is dispatched from the dispatcher board as the responsibility list suggests; the handler signs for it,
 * starts and reports with a photo from the department inbox; the dispatcher verifies and closes it on the detail
 * page (reporter revealed for a purpose on the way; the map shows its grid); the list finds it by a Chinese word,
 * with the filters in the URL; two tabs acting on the same version get a readable 409; the inbox lists the handler's
 * own unit's orders unless switched to their whole scope. On a 1366×768 screen the queues' buttons and the list's
 * columns are in view without sideways scrolling. axe on list, detail, board and inbox; screenshots in
 * web/e2e/screenshots/work-orders-*.png. The overview (辖区总览) shows the dispatcher and the handler the figures of
 * their own scope (a viewer without work-order access the map alone, no error); a figure opens the list filtered to
 * the orders it counted, as many of them; the page in English; no sideways scrolling at 1366×768.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { expectAccessible, signIn, apiCall, apiStaff, useE2e, type ApiStaff } from './e2e-support.js';
import { makePng } from './fixtures/images.js';

const env = useE2e();

type Staff = ApiStaff;
const staff = (username: string) => apiStaff(env.base, username);
const call = <T>(who: Staff, method: string, path: string, body?: unknown) => apiCall<T>(env.base, who, method, path, body);

interface Order {
  id: string;
  code: string;
  status: string;
  version: number;
  districtCode: string | null;
  gridCode: string | null;
  department: { id: string } | null;
  extension?: { state: string } | null;
  createdAt: string;
  timeline: { action: string; at: string; photos: string[] }[];
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
    await signIn(dispatcher, env.base, 'dispatcher');
    await signIn(handler, env.base, 'handler');
  }, 120_000);

  afterAll(async () => {
    await dispatcherCtx?.close();
    await handlerCtx?.close();
  });

  it('the dispatcher dispatches the new order from the board as suggested', async () => {
    // The new-orders queue asks for its page's suggestions in one request, none per order (detail, classification,
    // rule preview, duplicates).
    const requests: string[] = [];
    const watch = (r: { url: () => string }) => {
      const path = new URL(r.url()).pathname;
      if (/\/api\/v1\/(work-orders\/(dispatch-suggestions|classify|[0-9a-f-]{36}(\/duplicates)?)|responsibility-rules\/preview)$/.test(path)) requests.push(r.url());
    };
    dispatcher.on('request', watch);
    // The first suggestions request fails: the queue says so above the rows, which show a dash rather than "no
    // suggestion"; the retry asks again.
    await dispatcher.route((url) => url.pathname.endsWith('/work-orders/dispatch-suggestions'), (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'internal', message: 'unavailable' }) }), { times: 1 });
    await dispatcher.getByTestId('console-nav').getByText('派遣台').click();
    const board = dispatcher.getByTestId('board-new');
    const suggestion = board.getByTestId(`suggestion-${order.code}`);
    const failed = board.getByTestId('suggestions-error');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getAttribute('class')).toContain('ant-alert-warning');
    expect(await failed.textContent()).toContain('派遣建议加载失败');
    expect((await suggestion.textContent())?.trim()).toBe('—');
    expect(await board.getByText('无派遣建议').count()).toBe(0);
    await failed.getByTestId('suggestions-retry').click();
    await expect.poll(() => suggestion.textContent(), { timeout: 30_000 }).toContain('城市管理综合执法支队');
    expect(await failed.count()).toBe(0);
    dispatcher.off('request', watch);
    // (The returned and extension queues still read their few rows' details: the return reason, the days asked for.)
    const paths = requests.map((u) => new URL(u).pathname);
    expect(paths.filter((p) => /classify|preview|duplicates/.test(p) || p.endsWith(order.id)), 'requests for the new order alone').toEqual([]);
    const batches = requests.filter((u) => u.includes('/dispatch-suggestions'));
    expect(batches.some((u) => new URL(u).searchParams.get('ids')!.split(',').includes(order.id))).toBe(true);
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
    // The row shows its sign-for deadline (签收时限) in China time, or 签收超时 once it has passed.
    const { signDueAt, signOverdue } = (await orderNow(order.id)) as Order & { signDueAt: string; signOverdue: boolean };
    const sign = toSign.locator('tr', { has: handler.getByTestId(`actions-${order.code}`) }).getByTestId('sign-deadline');
    // Today's deadline as the clock alone, a later day's with the day (the next working morning, at night).
    const china = (at: Date, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('zh-CN', { ...o, hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(at);
    const due = new Date(signDueAt);
    const sameDay = china(due, { dateStyle: 'short' }) === china(new Date(), { dateStyle: 'short' });
    const shown = sameDay ? china(due, { hour: '2-digit', minute: '2-digit' }) : china(due, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    expect(await sign.textContent()).toBe(signOverdue || due.getTime() <= Date.now() ? '签收超时' : `签收时限 ${shown}`);
    await toSign.getByTestId(`actions-${order.code}`).getByTestId('action-sign').click();
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('signed');

    await handler.getByTestId('inbox-tab-inProgress').click();
    const inProgress = handler.getByTestId('inbox-inProgress');
    await inProgress.getByTestId(`actions-${order.code}`).getByTestId('action-start').click({ timeout: 30_000 });
    await expect.poll(async () => (await orderNow(order.id)).status, { timeout: 20_000 }).toBe('in_progress');

    await inProgress.getByTestId(`actions-${order.code}`).getByTestId('action-report').click({ timeout: 30_000 });
    const modal = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-report') });
    await modal.getByTestId('action-text').fill('已劝离摊贩并清理占道物品，人行道恢复通行。');
    await modal.locator('input[type="file"]').setInputFiles({ name: 'cleared.png', mimeType: 'image/png', buffer: makePng(120, 90) });
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
    await dispatcher.goto(`${env.base}/console/work-orders/${order.id}`);
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
    // Keyboard: the purpose field has the focus; Enter opens its list and Enter takes the first purpose (回电, call back).
    // (Page script as text: the server's type check has no DOM library.)
    await expect.poll(() => dispatcher.evaluate<boolean>("document.activeElement?.closest('[data-testid=\"reveal-purpose\"]') != null")).toBe(true);
    await dispatcher.keyboard.press('Enter');
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

  it('shows China time to a browser in New York, in both languages', async () => {
    // A staff member on a laptop set to New York (browser language English): the clock values must be those their
    // colleagues in the city see. Expected values worked out here from UTC+8 (no daylight saving), not with Intl.
    const now = await orderNow(order.id);
    const createdAt = now.createdAt;
    const createEntry = now.timeline.find((e) => e.action === 'create')!;
    const parts = (iso: string, offsetHours: number) => {
      const d = new Date(Date.parse(iso) + offsetHours * 3_600_000);
      const p2 = (n: number) => String(n).padStart(2, '0');
      return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), clock: `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}` };
    };
    const zh = (iso: string) => {
      const c = parts(iso, 8);
      return `${c.y}年${c.m + 1}月${c.d}日 ${c.clock}`;
    };
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const en = (iso: string) => {
      const c = parts(iso, 8);
      return `${MONTHS[c.m]} ${c.d}, ${c.y}, ${c.clock}`;
    };
    // New York is 12 or 13 hours behind China: its clock value never equals China's.
    const newYorkClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(createdAt));
    expect(newYorkClock).not.toBe(parts(createdAt, 8).clock);

    const ctx = await env.browser.newContext({ viewport: SCREEN, locale: 'en-US', timezoneId: 'America/New_York' });
    try {
      const page = await ctx.newPage();
      await signIn(page, env.base, 'dispatcher');
      expect(await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone')).toBe('America/New_York');
      await page.goto(`${env.base}/console/work-orders/${order.id}`);
      await page.getByTestId('work-order-detail').waitFor({ timeout: 20_000 });
      const created = page.getByTestId('detail-created');
      const createdInTimeline = page.getByTestId('timeline').locator('[data-action="create"]').getByTestId('timeline-at');
      await expect.poll(() => created.textContent(), { timeout: 20_000 }).toBe(zh(createdAt));
      expect(await createdInTimeline.textContent()).toBe(zh(createEntry.at));
      expect(await page.getByTestId('zone-note').first().textContent()).toBe('时间均为北京时间（UTC+8）');
      expect(await page.getByTestId('timeline').textContent()).not.toContain(newYorkClock);
      await page.getByTestId('order-map').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
      await screenshot(page, 'work-orders-detail-new-york');

      await page.evaluate("localStorage.setItem('cg.lang', 'en')");
      await page.reload();
      await expect.poll(() => created.textContent(), { timeout: 20_000 }).toBe(en(createdAt));
      expect(await createdInTimeline.textContent()).toBe(en(createEntry.at));
      expect(await page.getByTestId('zone-note').first().textContent()).toBe('Times are China time (UTC+8)');
      await screenshot(page, 'work-orders-detail-new-york-en');
    } finally {
      await ctx.close();
    }
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
    await shared.goto(`${env.base}/console/work-orders?q=${encodeURIComponent('占道经营')}&status=closed&sort=due`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText(order.code).count(), { timeout: 20_000 }).toBe(1);
    await shared.goto(`${env.base}/console/work-orders?q=${encodeURIComponent('占道经营')}&status=dispatched`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText('没有符合条件的工单').count(), { timeout: 20_000 }).toBe(1);
    // A word that is not in it finds nothing.
    await shared.goto(`${env.base}/console/work-orders?q=${encodeURIComponent('井盖')}&status=closed&district=510105`);
    await expect.poll(() => shared.getByTestId('work-order-table').getByText(order.code).count(), { timeout: 20_000 }).toBe(0);
    // The row opens the order.
    await shared.goto(`${env.base}/console/work-orders?q=${encodeURIComponent('占道经营')}`);
    await shared.getByTestId('work-order-table').getByText(order.code).click();
    await expect.poll(() => shared.url()).toContain(`/console/work-orders/${order.id}`);
    // An address with the ticket code opens the order too; one with no order says so, with the way back.
    await shared.goto(`${env.base}/console/work-orders/${order.code.toLowerCase()}`);
    await expect.poll(() => shared.url(), { timeout: 20_000 }).toContain(`/console/work-orders/${order.id}`);
    expect(await shared.getByTestId('detail-code').textContent()).toBe(order.code);
    for (const wrong of ['board', order.code.replace(/\d{14}$/, '19990101000001'), '00000000-0000-4000-8000-000000000000']) {
      await shared.goto(`${env.base}/console/work-orders/${wrong}`);
      await expect.poll(() => shared.getByTestId('detail-error').textContent(), { timeout: 20_000 }).toBe('没有这个工单，或您无权查看。');
    }
    await shared.close();
  });

  it('the board lists the extension requests waiting for a decision, with the days and reason; the dispatcher approves one', async () => {
    const dispatcherApi = await staff('dispatcher');
    const handlerApi = await staff('handler');
    let o = (await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title: '锦里西路占道摆摊', description: '摊点占道。', location: QINGYANG })).order;
    o = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'accept' } })).order;
    o = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'dispatch', departmentId: handlerDept } })).order;
    o = (await call<{ order: Order }>(handlerApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'sign' } })).order;
    await call(handlerApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'request_extension', days: 3, reason: '需协调市场监管部门联合执法' } });

    await dispatcher.goto(`${env.base}/console/dispatch`);
    await dispatcher.getByTestId('board-tab-extensions').click();
    const queue = dispatcher.getByTestId('board-extensions');
    const row = queue.locator(`.wo-row-${o.code}`);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('申请延期 3 个工作日：需协调市场监管部门联合执法');
    // Only orders with a request waiting are listed (the list's filter, not every open order's detail).
    await expect.poll(() => dispatcher.getByTestId('board-count-extensions').textContent()).toMatch(/\(\d+\)/);
    const listed = await queue.locator('tr[class*="wo-row-"]').count();
    const waiting = await call<{ items: unknown[] }>(dispatcherApi, 'GET', '/work-orders?extensionPending=true&limit=100');
    expect(listed).toBe(waiting.items.length);
    // Approving takes no form: one click.
    await row.getByTestId('action-approve_extension').click();
    await expect.poll(async () => (await orderNow(o.id)).extension?.state, { timeout: 20_000 }).toBe('approved');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
  });

  it('shows a 409 readably when two tabs act on the same version, and reloads the order', async () => {
    const second = (
      await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title: '宽窄巷子门口乱停放共享单车', description: '巷口堆满共享单车。', location: QINGYANG })
    ).order;
    const [a, b] = [dispatcher, await dispatcherCtx.newPage()];
    for (const p of [a, b]) {
      await p.goto(`${env.base}/console/work-orders/${second.id}`);
      await expect.poll(() => p.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('received');
    }
    await a.getByTestId('action-accept').click();
    await expect.poll(() => a.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('accepted');
    await b.getByTestId('action-accept').click();
    await expect.poll(() => b.getByTestId('action-error').textContent(), { timeout: 20_000 }).toContain('工单已被他人修改，已为你载入最新状态');
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
    await handler.goto(`${env.base}/console/inbox`);
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

  /** A new order dispatched to the handler's unit (accepted and dispatched by the dispatcher), then `then` by the handler. */
  async function dispatchedToHandler(title: string, then: ('sign' | 'start')[] = []): Promise<Order> {
    const dispatcherApi = await staff('dispatcher');
    const handlerApi = await staff('handler');
    let o = (await call<{ order: Order }>(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title, description: `${title}，请处理。`, location: QINGYANG })).order;
    o = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'accept' } })).order;
    o = (await call<{ order: Order }>(dispatcherApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'dispatch', departmentId: handlerDept } })).order;
    for (const type of then) o = (await call<{ order: Order }>(handlerApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type } })).order;
    return o;
  }

  it('a long return or extension reason stays in its column on the board: the order and its buttons stay in view', async () => {
    const handlerApi = await staff('handler');
    const long =
      '该点位位于人民公园东门外人行道，经现场核实属于园林绿化部门管理的绿地范围，且涉及占道的摊贩多为夜间经营，需要与属地街道办事处、市场监管部门联合执法，本部门无法单独处置，请重新派遣至有管辖权的部门并协调联合执法。';
    const returned = await dispatchedToHandler('人民公园东门绿地内摆摊');
    await call(handlerApi, 'POST', `/work-orders/${returned.id}/actions`, { version: returned.version, action: { type: 'return', reason: long } });
    const extended = await dispatchedToHandler('人民公园南门绿地内摆摊', ['sign']);
    await call(handlerApi, 'POST', `/work-orders/${extended.id}/actions`, { version: extended.version, action: { type: 'request_extension', days: 5, reason: long } });

    await dispatcher.goto(`${env.base}/console/dispatch`);
    for (const [tab, order, cell] of [
      ['returned', returned, `return-reason-${returned.code}`],
      ['extensions', extended, `extension-${extended.code}`],
    ] as const) {
      await dispatcher.getByTestId(`board-tab-${tab}`).click();
      const row = dispatcher.getByTestId(`board-${tab}`).locator(`.wo-row-${order.code}`);
      await row.getByTestId(cell).waitFor({ timeout: 30_000 });
      // At most three lines in a column of its own width (the whole reason in a tooltip), not one line across the table.
      const box = (await row.getByTestId(cell).boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(260);
      expect(box.height).toBeLessThan(80);
      expect(await inView(dispatcher, `actions-${order.code}`)).toBe(true);
      // The order's code is not covered by the (fixed) reason column.
      const link = (await row.getByTestId('order-link').boundingBox())!;
      expect(link.x + link.width).toBeLessThanOrEqual(box.x);
    }
    // A returned order has no department any more: the queue says which one sent it back, under the reason.
    expect(await dispatcher.getByTestId('board-returned').locator(`.wo-row-${returned.code}`).getByTestId(`returned-by-${returned.code}`).textContent()).toBe('退单部门：城市管理综合执法支队');
    await screenshot(dispatcher, 'work-orders-board-long-reason');
  });

  it("the handler's dialogs work from the keyboard, and a photo that failed to upload stops the report with its reason", async () => {
    const report = await dispatchedToHandler('人民公园北门占道堆物', ['sign', 'start']);
    const extend = await dispatchedToHandler('人民公园西门占道堆物', ['sign']);
    await handler.goto(`${env.base}/console/inbox`);
    await handler.getByTestId('inbox-tab-inProgress').click();
    const queue = handler.getByTestId('inbox-inProgress');
    const focused = () =>
      handler.evaluate<string | undefined>("document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName");

    // The dialog opens with its first field focused (before, the close button had the focus and Enter closed it).
    // (Once the queues have loaded: a row drawn again would take the focus away from its old button.)
    await expect.poll(() => handler.getByTestId('inbox-count-all').textContent(), { timeout: 30_000 }).toMatch(/\(\d+\+?\)/);
    await expect.poll(() => handler.locator('[data-testid="inbox"] .ant-spin-spinning').count(), { timeout: 30_000 }).toBe(0);
    const reportButton = queue.getByTestId(`actions-${report.code}`).getByTestId('action-report');
    // Focused again on each try: on a loaded machine a late redraw of the row can still take the focus away.
    await expect
      .poll(
        async () => {
          await reportButton.focus({ timeout: 30_000 });
          return focused();
        },
        { timeout: 30_000 },
      )
      .toBe('action-report');
    await handler.keyboard.press('Enter');
    const modal = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-report') });
    await modal.waitFor();
    await expect.poll(focused).toBe('action-text');
    // Enter starts a new line in the text box; Ctrl+Enter sends.
    await handler.keyboard.type('已清理堆物');
    await handler.keyboard.press('Enter');
    await handler.keyboard.type('人行道恢复通行');
    expect(await modal.getByTestId('action-text').inputValue()).toBe('已清理堆物\n人行道恢复通行');
    expect(await modal.textContent()).toContain('按 Ctrl+Enter 提交');
    // A file that is no photo fails to upload: the reason is shown under it, and the report is not sent without it.
    await modal.locator('input[type="file"]').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a photo at all') });
    await expect.poll(() => modal.getByTestId('photo-problem').textContent(), { timeout: 20_000 }).toContain('notes.png 上传失败：仅支持上传 JPEG、PNG、WebP 或 HEIC 格式的照片');
    // It says what to do for a wrong type — not to add the same file again — and quotes no request id (a 415 is no case for support).
    expect(await modal.getByTestId('photo-problem').textContent()).not.toMatch(/重新添加|请求编号/);
    await modal.getByTestId('action-text').focus();
    await handler.keyboard.press('Control+Enter');
    await handler.waitForTimeout(1000);
    expect(await modal.isVisible()).toBe(true);
    expect((await orderNow(report.id)).status).toBe('in_progress');
    await screenshot(handler, 'work-orders-report-photo-failed');
    // With the failed file removed and a real photo added, Ctrl+Enter sends the report and its photo.
    await modal.locator('.ant-upload-list-item-error').getByRole('button').click();
    await expect.poll(() => modal.getByTestId('photo-problem').count()).toBe(0);
    await modal.locator('input[type="file"]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: makePng(64, 48) });
    await expect.poll(() => modal.locator('.ant-upload-list-item-done').count(), { timeout: 20_000 }).toBe(1);
    await modal.getByTestId('action-text').focus();
    await handler.keyboard.press('Control+Enter');
    await expect.poll(async () => (await orderNow(report.id)).status, { timeout: 20_000 }).toBe('reported');
    const entry = (await orderNow(report.id)).timeline.at(-1)!;
    expect(entry.photos).toHaveLength(1);
    await modal.waitFor({ state: 'hidden' });

    // The extension dialog opens on the days; Enter there sends the form, and the reason it needs is asked for first.
    await queue.getByTestId(`actions-${extend.code}`).getByTestId('action-request_extension').click({ timeout: 30_000 });
    const ext = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-request_extension') });
    await ext.waitFor();
    await expect.poll(focused).toBe('延期天数（工作日）');
    await handler.keyboard.press('Enter');
    await expect.poll(() => ext.locator('.ant-form-item-explain-error').textContent()).toContain('请填写此项');
    expect((await orderNow(extend.id)).extension ?? null).toBeNull();
    await handler.keyboard.press('Control+A');
    await handler.keyboard.type('5');
    await ext.getByTestId('action-text').fill('需协调园林部门联合处置');
    await ext.getByRole('spinbutton').focus();
    await handler.keyboard.press('Enter');
    await expect.poll(async () => (await orderNow(extend.id)).extension?.state, { timeout: 20_000 }).toBe('requested');
    await ext.waitFor({ state: 'hidden' });
    // The row says the request waits for the dispatcher (why the button to ask is gone), without a reload.
    const row = queue.locator(`.wo-row-${extend.code}`);
    await expect.poll(() => row.getByTestId('extension-pending').textContent(), { timeout: 20_000 }).toBe('延期待批');
    expect(await row.getByTestId('action-request_extension').count()).toBe(0);
    await expectAccessible(handler, 'department inbox with an extension requested');
  });

  it('a suspended order shows its clock stopped in the inbox, in both languages, not "no deadline"', async () => {
    const dispatcherApi = await staff('dispatcher');
    const o = await dispatchedToHandler('人民公园东门井盖缺失待配件', ['sign']);
    await call(dispatcherApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'suspend', reason: '等待厂家供货' } });
    expect((await orderNow(o.id)) as Order & { dueAt: string | null }).toMatchObject({ status: 'suspended', dueAt: null });
    await handler.goto(`${env.base}/console/inbox`);
    await handler.getByTestId('inbox-tab-inProgress').click();
    const bar = handler.getByTestId('inbox-inProgress').locator(`.wo-row-${o.code}`).getByTestId('deadline-bar');
    await expect.poll(() => bar.getAttribute('data-tone'), { timeout: 30_000 }).toBe('paused');
    expect(await bar.textContent()).toBe('已挂起，暂停计时');
    await handler.getByTestId('language-switch').click();
    await expect.poll(() => bar.textContent()).toBe('Suspended: the clock is stopped');
    await handler.getByTestId('language-switch').click();
    await expect.poll(() => bar.textContent()).toBe('已挂起，暂停计时');
  });

  it('an order opened from a queue leads back to that queue and its tab, not to the list', async () => {
    const o = await dispatchedToHandler('人民公园东门护栏破损', ['sign']);
    await handler.goto(`${env.base}/console/inbox`);
    await handler.getByTestId('inbox-tab-inProgress').click();
    await expect.poll(() => new URL(handler.url()).search).toBe('?tab=inProgress');
    await handler.getByTestId('inbox-inProgress').locator(`.wo-row-${o.code}`).getByTestId('order-link').click({ timeout: 30_000 });
    await expect.poll(() => handler.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('signed');
    expect(await handler.getByTestId('detail-back').textContent()).toContain('返回部门待办');
    await handler.getByTestId('detail-back').click();
    await expect.poll(() => new URL(handler.url()).pathname + new URL(handler.url()).search).toBe('/console/inbox?tab=inProgress');
    await handler.getByTestId('inbox-inProgress').locator(`.wo-row-${o.code}`).waitFor({ timeout: 30_000 });
    expect(await handler.getByRole('tab', { selected: true }).textContent()).toContain('处置中');
    // Opened any other way (an address, the list), it leads to the list.
    await handler.goto(`${env.base}/console/work-orders/${o.id}`);
    await expect.poll(() => handler.getByTestId('detail-back').textContent(), { timeout: 20_000 }).toContain('返回工单列表');
  });

  it('the inbox reads its queues again on request: an order dispatched meanwhile appears without reloading the page', async () => {
    await handler.goto(`${env.base}/console/inbox`);
    await expect.poll(() => handler.getByTestId('inbox-count-toSign').textContent(), { timeout: 30_000 }).toMatch(/\(\d+\+?\)/);
    const before = Number((await handler.getByTestId('inbox-count-toSign').textContent())!.replace(/\D/g, ''));
    const o = await dispatchedToHandler('人民公园东门路灯不亮');
    const row = handler.getByTestId('inbox-toSign').locator(`.wo-row-${o.code}`);
    expect(await row.count()).toBe(0);
    await handler.getByTestId('queue-reload').click();
    await row.getByTestId('action-sign').waitFor({ timeout: 30_000 });
    expect(await handler.getByTestId('inbox-count-toSign').textContent()).toBe(`(${before + 1})`);
  });

  it('a dialog sends its action once, however often Enter is pressed while the server answers', async () => {
    const o = await dispatchedToHandler('人民公园东门树枝折断', ['sign']);
    await handler.goto(`${env.base}/console/inbox?tab=inProgress`);
    // The server answers slowly: the second and third Enter come while the first request is under way.
    const posts: string[] = [];
    await handler.route(
      (url) => url.pathname === `/api/v1/work-orders/${o.id}/actions`,
      async (route) => {
        posts.push(route.request().method());
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      },
    );
    await handler.getByTestId('inbox-inProgress').getByTestId(`actions-${o.code}`).getByTestId('action-request_extension').click({ timeout: 30_000 });
    const ext = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-request_extension') });
    await ext.getByTestId('action-text').fill('需等待园林部门修剪');
    await ext.getByRole('spinbutton').focus();
    await handler.keyboard.press('Enter');
    await handler.keyboard.press('Enter');
    await handler.keyboard.press('Enter');
    await expect.poll(async () => (await orderNow(o.id)).extension?.state, { timeout: 20_000 }).toBe('requested');
    await ext.waitFor({ state: 'hidden', timeout: 20_000 });
    await handler.unroute((url) => url.pathname === `/api/v1/work-orders/${o.id}/actions`);
    expect(posts).toEqual(['POST']);
    expect(await handler.locator('.ant-message-error').count()).toBe(0);
    expect((await orderNow(o.id)).timeline.filter((e) => e.action === 'request_extension')).toHaveLength(1);
  });

  it("the server's refusals reach the handler in words: in the open form, which keeps what was typed, and after a queue reloads", async () => {
    const dispatcherApi = await staff('dispatcher');
    const report = await dispatchedToHandler('人民公园东门占道堆放建材', ['sign', 'start']);
    const toSign = await dispatchedToHandler('人民公园东门占道晾晒');
    await handler.goto(`${env.base}/console/inbox`);
    await handler.getByTestId('inbox-tab-inProgress').click();
    const inProgress = handler.getByTestId('inbox-inProgress');

    // A refusal while the form is open is said in the form (it was said behind the dialog, where nobody saw it).
    await handler.route(
      (url) => url.pathname === `/api/v1/work-orders/${report.id}/actions`,
      (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'attachment.not_usable', message: '附件不可用：已过期', requestId: 'r-1' }) }),
      { times: 1 },
    );
    await inProgress.getByTestId(`actions-${report.code}`).getByTestId('action-report').click({ timeout: 30_000 });
    const modal = handler.locator('.ant-modal').filter({ has: handler.getByTestId('action-form-report') });
    await modal.getByTestId('action-text').fill('建材已清走');
    await modal.getByTestId('action-submit').click();
    await expect.poll(() => modal.getByTestId('action-form-error').textContent(), { timeout: 20_000 }).toContain('附件不可用：已过期');
    expect(await modal.getByTestId('action-text').inputValue()).toBe('建材已清走');
    await expectAccessible(handler, 'report form with a refusal');
    await modal.getByTestId('action-submit').click();
    await expect.poll(async () => (await orderNow(report.id)).status, { timeout: 20_000 }).toBe('reported');
    await modal.waitFor({ state: 'hidden' });

    // Someone acted first (the dispatcher suspended the order): the 409 is said in a message that stays after the queue
    // reloads and the row moves to another tab, where it now is.
    await handler.getByTestId('inbox-tab-toSign').click();
    const sign = handler.getByTestId('inbox-toSign').getByTestId(`actions-${toSign.code}`).getByTestId('action-sign');
    await sign.waitFor({ timeout: 30_000 });
    await call(dispatcherApi, 'POST', `/work-orders/${toSign.id}/actions`, { version: toSign.version, action: { type: 'suspend', reason: '等待天气好转' } });
    await sign.click();
    await expect.poll(() => handler.locator('.ant-message-error').textContent(), { timeout: 20_000 }).toContain('工单已被他人修改，已为你载入最新状态');
    await expect.poll(() => handler.getByTestId('inbox-toSign').locator(`.wo-row-${toSign.code}`).count(), { timeout: 20_000 }).toBe(0);
    await handler.getByTestId('inbox-tab-inProgress').click();
    await expect.poll(() => inProgress.locator(`.wo-row-${toSign.code}`).getByTestId('deadline-bar').getAttribute('data-tone'), { timeout: 20_000 }).toBe('paused');
    expect((await orderNow(toSign.id)).status).toBe('suspended');
  });

  it('the 派遣台 lists the reported orders to verify with the handler’s report: fail sends one back for rework, pass then 结案 closes it', async () => {
    const handlerApi = await staff('handler');
    const report = async (o: Order, note: string) => (await call<{ order: Order }>(handlerApi, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'report', note } })).order;
    let o = await report(await dispatchedToHandler('人民公园东门垃圾桶满溢', ['sign', 'start']), '已清运垃圾桶内垃圾。');

    await dispatcher.goto(`${env.base}/console/dispatch`);
    await dispatcher.getByTestId('board-tab-verify').click();
    expect(await dispatcher.getByTestId('board-tab-verify').textContent()).toContain('待核查');
    const queue = dispatcher.getByTestId('board-verify');
    const row = queue.locator(`.wo-row-${o.code}`);
    await expect.poll(() => row.getByTestId(`report-${o.code}`).textContent(), { timeout: 30_000 }).toBe('已清运垃圾桶内垃圾。');
    expect(await row.getByTestId('rework-count').count()).toBe(0);
    expect(await inView(dispatcher, `actions-${o.code}`)).toBe(true);
    await screenshot(dispatcher, 'work-orders-board-verify');
    await expectAccessible(dispatcher, 'dispatcher board, orders to verify');

    // 核查不通过: the reason is asked for first; the order goes back to the department and leaves the queue.
    await row.getByTestId('action-verify_fail').click();
    const fail = dispatcher.locator('.ant-modal').filter({ has: dispatcher.getByTestId('action-form-verify_fail') });
    await fail.getByTestId('action-submit').click();
    await expect.poll(() => fail.locator('.ant-form-item-explain-error').first().textContent()).toContain('请填写此项');
    await fail.getByTestId('action-text').fill('桶边仍有散落垃圾');
    await fail.getByTestId('action-submit').click();
    await expect.poll(async () => (await orderNow(o.id)).status, { timeout: 20_000 }).toBe('in_progress');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    // The handler's inbox says the order came back for rework (返工), as the 派遣台 does when it is reported again.
    await handler.goto(`${env.base}/console/inbox`);
    await handler.getByTestId('inbox-tab-inProgress').click();
    await expect.poll(() => handler.getByTestId('inbox-inProgress').locator(`.wo-row-${o.code}`).getByTestId('rework-count').textContent(), { timeout: 30_000 }).toBe('返工 1 次');

    // Reported again, it is back with the new report; 核查通过 keeps it here to be closed (结案) with one click.
    o = await report(await orderNow(o.id), '已清理散落垃圾并冲洗地面。');
    await dispatcher.goto(`${env.base}/console/dispatch`);
    await dispatcher.getByTestId('board-tab-verify').click();
    await expect.poll(() => row.getByTestId(`report-${o.code}`).textContent(), { timeout: 30_000 }).toBe('已清理散落垃圾并冲洗地面。');
    expect(await row.getByTestId('rework-count').textContent()).toBe('返工 1 次');
    await row.getByTestId('action-verify_pass').click();
    const pass = dispatcher.locator('.ant-modal').filter({ has: dispatcher.getByTestId('action-form-verify_pass') });
    await pass.getByTestId('action-text').fill('现场已干净。');
    await dispatcher.keyboard.press('Control+Enter');
    await expect.poll(async () => (await orderNow(o.id)).status, { timeout: 20_000 }).toBe('verified');
    await row.getByTestId('action-close').click({ timeout: 20_000 });
    await expect.poll(async () => (await orderNow(o.id)).status, { timeout: 20_000 }).toBe('closed');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    expect((await orderNow(o.id)).timeline.map((e) => e.action).slice(-5)).toEqual(['report', 'verify_fail', 'report', 'verify_pass', 'close']);
  });
});

describe("the overview: today's figures in the viewer's scope, each a link to the orders it counts", () => {
  interface OverviewBody {
    today: { day: string };
    counts: Record<string, number>;
    rates: { onTimeRate: number | null; satisfactionRate: number | null };
    districts: { code: string | null; open: number; overdue: number }[];
  }
  const FIGURES = ['receivedToday', 'open', 'awaitingDispatch', 'warning', 'overdue', 'supervised', 'closedToday'] as const;
  let ctx: BrowserContext;

  beforeAll(async () => {
    ctx = await newContext();
    // An enquiry answered at first contact: received and closed today, whatever the journeys above did.
    const hotline = await staff('agent');
    const enquiry = (await call<{ order: Order }>(hotline, 'POST', '/work-orders', { requestType: 'enquiry', title: '公园开放时间咨询', description: '人民公园几点开门？', location: QINGYANG })).order;
    await call(hotline, 'POST', `/work-orders/${enquiry.id}/actions`, { version: enquiry.version, action: { type: 'answer', note: '已告知：6:00 开园' } });
  });
  afterAll(async () => ctx?.close());

  /** The page's figures once loaded, and the API's for the same viewer read right after (again if a timer fired between). */
  async function figuresAgree(page: Page, who: Staff): Promise<OverviewBody> {
    let api: OverviewBody | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.goto(`${env.base}/console/`);
      await expect.poll(() => page.getByTestId('overview-figures').getAttribute('data-loaded'), { timeout: 30_000 }).toBe('true');
      const shown = Object.fromEntries(await Promise.all(FIGURES.map(async (f) => [f, Number(await page.getByTestId(`figure-${f}`).getAttribute('data-value'))] as const)));
      api = await call<OverviewBody>(who, 'GET', '/work-orders/overview');
      if (FIGURES.every((f) => shown[f] === api!.counts[f])) return api;
    }
    throw new Error(`the page's figures never matched the API's: ${JSON.stringify(api?.counts)}`);
  }

  /** Rows of the list after loading every page. */
  async function listedRows(page: Page): Promise<number> {
    const table = page.getByTestId('work-order-table');
    const rows = () => table.locator('tbody tr.ant-table-row').count();
    // Settled: not loading, and either a button for more, the end of the list or its empty text is shown (the button
    // appears with the page it follows: counting the rows as soon as the spinner went once read a first page as all).
    const settled = async () =>
      (await table.locator('.ant-spin-spinning').count()) === 0 &&
      (await page.getByTestId('load-more').count()) + (await page.getByTestId('list-end').count()) + (await table.locator('.wo-empty').count()) > 0;
    await expect.poll(settled, { timeout: 20_000 }).toBe(true);
    for (let i = 0; i < 30 && (await page.getByTestId('load-more').count()) > 0; i++) {
      const before = await rows();
      await page.getByTestId('load-more').click();
      await expect.poll(async () => (await rows()) > before && (await settled()), { timeout: 20_000 }).toBe(true);
    }
    return rows();
  }

  const noSidewaysScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  it('shows the dispatcher the city’s figures; 超期 opens the list of exactly those orders', async () => {
    const page = await ctx.newPage();
    await signIn(page, env.base, 'dispatcher');
    const dispatcherApi = await staff('dispatcher');
    const api = await figuresAgree(page, dispatcherApi);
    // The enquiry answered above is among today's closed ones, and among those received today.
    expect(api.counts.closedToday).toBeGreaterThan(0);
    expect(api.counts.receivedToday).toBeGreaterThan(0);
    expect(await page.getByTestId('overview-day').textContent()).toContain(`北京时间 ${api.today.day}`);
    expect(await page.getByTestId('figure-satisfactionRate').getAttribute('data-value')).toMatch(/%|—/);
    await page.getByTestId('city-map').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('overview-legend').textContent()).toContain('在办工单数');
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'overview-dispatcher');
    await expectAccessible(page, 'overview (dispatcher)');

    // 超期: open and overdue, soonest due first; the list shows as many orders as the figure counted.
    await page.getByTestId('figure-overdue').click();
    await page.getByTestId('work-order-list').waitFor();
    const params = new URL(page.url()).searchParams;
    expect([params.get('open'), params.get('overdue'), params.get('sort')]).toEqual(['true', 'true', 'due']);
    expect(await page.getByTestId('filter-overdue').textContent()).toContain('是');
    expect(await listedRows(page)).toBe(api.counts.overdue);

    // 今日办结: closed today (China days), through the list's closing-date filter.
    await page.goto(`${env.base}/console/`);
    await expect.poll(() => page.getByTestId('overview-figures').getAttribute('data-loaded'), { timeout: 30_000 }).toBe('true');
    const closedToday = Number(await page.getByTestId('figure-closedToday').getAttribute('data-value'));
    await page.getByTestId('figure-closedToday').click();
    await page.getByTestId('work-order-list').waitFor();
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ closedFrom: api.today.day, closedTo: api.today.day });
    expect(await page.getByTestId('filter-closedFrom').inputValue()).toBe(api.today.day);
    expect(await listedRows(page)).toBe(closedToday);

    // A district's count opens that district's open orders.
    const busiest = api.districts.find((d) => d.code !== null && d.open > 0)!;
    await page.goto(`${env.base}/console/`);
    await page.getByTestId(`district-open-${busiest.code}`).click();
    await page.getByTestId('work-order-list').waitFor();
    expect(new URL(page.url()).searchParams.get('district')).toBe(busiest.code);
    expect(await listedRows(page)).toBe(busiest.open);
    await page.close();
  });

  it('reads in English, with the map coloured by overdue orders on request', async () => {
    const page = await ctx.newPage();
    await page.goto(`${env.base}/console/`);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('figure-overdue').textContent()).toContain('Overdue');
    expect(await page.getByTestId('figure-awaitingDispatch').textContent()).toContain('To dispatch');
    expect(await page.getByTestId('overview-day').textContent()).toContain('Beijing time');
    await page.getByTestId('overview-metric').getByText('Overdue').click();
    await expect.poll(() => page.getByTestId('overview-legend').textContent()).toContain('Overdue orders');
    await page.getByTestId('city-map').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'overview-dispatcher-en');
    await expectAccessible(page, 'overview in English');
    // Back to Chinese for the next pages of this context.
    await page.getByTestId('language-switch').click();
    await page.close();
  });

  it('shows a failed load as an error with a retry, and a city without orders as an empty state', async () => {
    const page = await ctx.newPage();
    // The server's answers replaced in the browser: first a failure, then a new city's all-zero figures.
    let answer: 'fail' | 'empty' = 'fail';
    await page.route('**/api/v1/work-orders/overview', (route) =>
      answer === 'fail'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'unavailable', message: '服务暂时不可用', requestId: 'e2e' }) })
        : route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify({
              asOf: new Date().toISOString(),
              today: { day: '2026-11-24', from: '2026-11-23T16:00:00.000Z', to: '2026-11-24T16:00:00.000Z' },
              period: { from: '2026-10-26', to: '2026-11-24', days: 30 },
              counts: Object.fromEntries(FIGURES.map((f) => [f, 0])),
              rates: { total: 0, closed: 0, closedOnTime: 0, onTimeRate: null, rated: 0, satisfactionRate: null },
              districts: [],
            }),
          }),
    );
    await page.goto(`${env.base}/console/`);
    const error = page.getByTestId('overview-error');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain('服务暂时不可用');
    expect(await page.getByTestId('overview-figures').count()).toBe(0);
    await expectAccessible(page, 'overview, failed load');
    answer = 'empty';
    await page.getByTestId('overview-retry').click();
    await page.getByTestId('overview-empty').waitFor();
    expect(await page.getByTestId('overview-empty').textContent()).toContain('本辖区暂无工单');
    expect(await page.getByTestId('overview-error').count()).toBe(0);
    await page.getByTestId('city-map').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('overview-legend').textContent()).toContain('无');
    await screenshot(page, 'overview-empty');
    await expectAccessible(page, 'overview, new city');
    await page.close();
  });

  it("shows the handler their department's figures, and a viewer without work-order access the map without figures or error", async () => {
    const handlerCtx = await newContext();
    const page = await handlerCtx.newPage();
    await signIn(page, env.base, 'handler');
    const handlerApi = await staff('handler');
    const mine = await figuresAgree(page, handlerApi);
    const city = await call<OverviewBody>(await staff('dispatcher'), 'GET', '/work-orders/overview');
    expect(mine.counts.open!).toBeLessThan(city.counts.open!);
    expect(await page.getByTestId('overview-day').textContent()).toContain('本部门');
    await screenshot(page, 'overview-handler');
    await expectAccessible(page, 'overview (handler)');
    await handlerCtx.close();

    const stewardCtx = await newContext();
    const steward = await stewardCtx.newPage();
    await signIn(steward, env.base, 'steward');
    await steward.getByTestId('city-map').and(steward.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    await steward.waitForLoadState('networkidle');
    expect(await steward.getByTestId('overview-figures').count()).toBe(0);
    expect(await steward.locator('[role="alert"]').count()).toBe(0);
    expect(await steward.getByTestId('district-list').getByRole('button').count()).toBe(20);
    await stewardCtx.close();
  });
});
