/**
 * The dispatcher board (派遣台) and the department inbox (部门待办) on a 1366×768 office screen beside the navigation,
 * in Chinese and in English: in every tab the columns a dispatcher or handler decides by — the order (code and
 * title), its status and its deadline — lie left of the columns fixed at the right (suggestion, reason, report,
 * actions), not scrolled under them, and no table needs sideways scrolling; long text is cut short with the whole of
 * it in a tooltip. The inbox rows say why an order came back (the 核查不通过 reason) and what a 督办 asks. Screenshots in web/e2e/screenshots/queues-1366-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { apiCall, apiStaff, signIn, useE2e, type ApiStaff } from './e2e-support.js';

const env = useE2e();

const SCREEN = { width: 1366, height: 768 };

interface Order {
  id: string;
  code: string;
  version: number;
}

const staff = (username: string) => apiStaff(env.base, username);
const call = async (who: ApiStaff, method: string, path: string, body?: unknown) => (await apiCall<{ order: Order }>(env.base, who, method, path, body)).order;

// 青羊区: the responsibility list sends 街面秩序 there to the enforcement brigade, the demo handler's unit.
const QINGYANG = { lng: 104.061442, lat: 30.673914 };
/** Longer than any column: cut short in the row, whole in its tooltip. */
const LONG_TITLE = '人民公园东门外人行道及非机动车道夜间占道经营摆摊设点严重影响行人和非机动车通行';
const LONG_TEXT =
  '该点位位于人民公园东门外人行道，经现场核实属于园林绿化部门管理的绿地范围，且涉及占道的摊贩多为夜间经营，需要与属地街道办事处、市场监管部门联合执法，本部门无法单独处置。';

/** One order in each queue that the demo city may not have (a long title, so every row is cut short somewhere). */
async function seedQueues(): Promise<Record<string, Order>> {
  const [agent, dispatcher, handler] = await Promise.all([staff('agent'), staff('dispatcher'), staff('handler')]);
  const act = (who: ApiStaff, o: Order, action: Record<string, unknown>) => call(who, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action });
  const create = (title: string) =>
    call(agent, 'POST', '/work-orders', { requestType: 'complaint', categoryCode: 'event.05', title, description: `${title}，请处理。`, location: QINGYANG, reporter: { name: '王小明', phone: '13800138123' } });
  const dispatched = async (title: string) => {
    let o = await act(dispatcher, await create(title), { type: 'accept' });
    o = await act(dispatcher, o, { type: 'dispatch', departmentId: handler.departmentId });
    return o;
  };
  const reported = async (title: string) => {
    let o = await act(handler, await dispatched(title), { type: 'sign' });
    o = await act(handler, o, { type: 'start' });
    return act(handler, o, { type: 'report', note: LONG_TEXT });
  };
  const closed = async (title: string) => {
    return act(dispatcher, await act(dispatcher, await reported(title), { type: 'verify_pass' }), { type: 'close' });
  };
  const fresh = await create(`新 ${LONG_TITLE}`);
  const toSign = await dispatched(`签 ${LONG_TITLE}`);
  const returned = await act(handler, await dispatched(`退 ${LONG_TITLE}`), { type: 'return', reason: LONG_TEXT });
  const verify = await reported(`核 ${LONG_TITLE}`);
  const signed = await act(handler, await dispatched(`延 ${LONG_TITLE}`), { type: 'sign' });
  const extension = await act(handler, signed, { type: 'request_extension', days: 5, reason: LONG_TEXT });
  const supervised = await act(dispatcher, await dispatched(`督 ${LONG_TITLE}`), { type: 'supervise', note: '请加快处置' });
  const review = await act(agent, await closed(`评 ${LONG_TITLE}`), { type: 'rate', rating: 'unsatisfied', comment: '摊贩第二天又回来了' });
  const followUp = await closed(`访 ${LONG_TITLE}`);
  // Sent back after a failed verification (返工), with a reason longer than its cell; then pressed with a 督办 notice.
  const reworked = await act(dispatcher, await act(dispatcher, await reported(`返 ${LONG_TITLE}`), { type: 'verify_fail', reason: LONG_TEXT }), { type: 'supervise', note: '请三日内整改到位' });
  return { fresh, toSign, returned, verify, extension, supervised, review, followUp, reworked };
}

/**
 * The geometry of the rows of the table in the element `testId` (its tab open): the table's scroller, and per row the
 * right edges of the order code, the status and deadline cells (and of what they show), and the left edge of the
 * first cell fixed at the right.
 */
interface RowBoxes {
  code: string;
  link: number;
  /** Right edges; fixed: the cell is itself one of the columns fixed at the right (the 回访 deadline). */
  status: { cell: number; content: number; fixed: boolean } | null;
  deadline: { cell: number; content: number; fixed: boolean } | null;
  fixedLeft: number | null;
  fixedRight: number | null;
}
interface QueueBoxes {
  scrollWidth: number;
  clientWidth: number;
  pageScrollWidth: number;
  rows: RowBoxes[];
}

function measure(page: Page, testId: string): Promise<QueueBoxes> {
  return page
    .evaluate<string>(
      `(() => {
        const panel = document.querySelector('[data-testid="${testId}"]');
        const scroller = panel.querySelector('.ant-table-content, .ant-table-body');
        const right = (el) => el.getBoundingClientRect().right;
        const cellOf = (tr, sel) => {
          const el = tr.querySelector(sel);
          return el ? { cell: right(el.closest('td')), content: right(el), fixed: el.closest('td').classList.contains('ant-table-cell-fix-end') } : null;
        };
        const rows = [...panel.querySelectorAll('tbody tr.ant-table-row')].map((tr) => {
          const fixed = [...tr.querySelectorAll('td.ant-table-cell-fix-end')];
          return {
            code: tr.querySelector('[data-testid="order-link"]').textContent,
            link: right(tr.querySelector('[data-testid="order-link"]')),
            status: cellOf(tr, '[data-status]'),
            deadline: cellOf(tr, '[data-testid="deadline-bar"], [data-testid="follow-up-deadline"]'),
            fixedLeft: fixed.length ? fixed[0].getBoundingClientRect().left : null,
            fixedRight: fixed.length ? right(fixed[fixed.length - 1]) : null,
          };
        });
        return JSON.stringify({ scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth, pageScrollWidth: document.documentElement.scrollWidth, rows });
      })()`,
    )
    .then((s) => JSON.parse(s) as QueueBoxes);
}

/** Sub-pixel rounding of the boxes. */
const SLACK = 0.5;

/** `deadline: false` for a queue without a deadline column (复核中: the order is finished; the resident's comment shows). */
function expectReadable(boxes: QueueBoxes, what: string, { deadline = true }: { deadline?: boolean } = {}): void {
  expect(boxes.rows.length, `${what}: rows`).toBeGreaterThan(0);
  expect(boxes.scrollWidth, `${what}: the table scrolls sideways (${boxes.scrollWidth} > ${boxes.clientWidth})`).toBeLessThanOrEqual(boxes.clientWidth);
  expect(boxes.pageScrollWidth, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(SCREEN.width);
  for (const r of boxes.rows) {
    const at = `${what}, ${r.code}`;
    expect(r.status, `${at}: status`).not.toBeNull();
    if (deadline) expect(r.deadline, `${at}: deadline`).not.toBeNull();
    else expect(r.deadline, `${at}: a deadline bar`).toBeNull();
    expect(r.fixedLeft, `${at}: fixed right columns`).not.toBeNull();
    for (const [name, c] of [
      ['status', r.status!],
      ...(deadline ? ([['deadline', r.deadline!]] as const) : []),
    ] as const) {
      if (c.fixed) expect(c.cell, `${at}: the ${name} cell is off the screen`).toBeLessThanOrEqual(SCREEN.width + SLACK);
      else expect(c.cell, `${at}: the ${name} cell runs under the fixed right columns`).toBeLessThanOrEqual(r.fixedLeft! + SLACK);
      expect(c.content, `${at}: the ${name} overflows its cell`).toBeLessThanOrEqual(c.cell + SLACK);
    }
    expect(r.link, `${at}: the code runs under the fixed right columns`).toBeLessThanOrEqual(r.fixedLeft! + SLACK);
    expect(r.fixedRight, `${at}: the actions are off the screen`).toBeLessThanOrEqual(SCREEN.width + SLACK);
  }
}

/** Opens a tab and waits until its rows show their actions (the queues that read each row's detail show them last). */
async function openTab(page: Page, tab: string, panel: string, code: string | null): Promise<void> {
  await page.getByTestId(tab).click();
  const rows = page.getByTestId(panel).locator('tbody tr.ant-table-row');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
  if (code) await page.getByTestId(panel).getByTestId(`actions-${code}`).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId(panel).getByText(/^(正在加载|正在生成建议|Loading|Working out a suggestion)/).count(), { timeout: 30_000 }).toBe(0);
}

describe.each([
  { lang: 'zh-CN', locale: 'zh-CN' },
  { lang: 'en', locale: 'en-US' },
])('the queues at 1366×768 ($lang): status and deadline in view, left of the fixed columns, no sideways scrolling', ({ lang, locale }) => {
  let seeded: Record<string, Order>;
  const contexts: BrowserContext[] = [];
  /** A page of its own (each test signs in as someone else). */
  const newPage = async (): Promise<Page> => {
    const ctx = await env.browser.newContext({ viewport: SCREEN, locale });
    // The console's language is the one chosen last (stored), not the browser's.
    await ctx.addInitScript(`localStorage.setItem('cg.lang', '${lang}')`);
    contexts.push(ctx);
    return ctx.newPage();
  };

  beforeAll(async () => {
    seeded = await seedQueues();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  it('every tab of the dispatcher board', async () => {
    const page = await newPage();
    await signIn(page, env.base, 'dispatcher');
    await page.goto(`${env.base}/console/dispatch`);
    await expect.poll(() => page.getByTestId('board-tab-new').textContent()).toContain(lang === 'en' ? 'New' : '新工单');
    const tabs: [string, Order | null][] = [
      ['new', seeded.fresh!],
      ['returned', seeded.returned!],
      ['verify', seeded.verify!],
      ['overdue', null],
      ['supervised', seeded.supervised!],
      ['extensions', seeded.extension!],
      ['review', seeded.review!],
    ];
    for (const [key, order] of tabs) {
      await openTab(page, `board-tab-${key}`, `board-${key}`, order?.code ?? null);
      expectReadable(await measure(page, `board-${key}`), `派遣台 ${key}`, { deadline: key !== 'review' });
      // Under review, the resident's comment with the 不满意 rating is in the row.
      if (key === 'review') expect(await page.getByTestId(`rating-comment-${seeded.review!.code}`).textContent()).toBe('摊贩第二天又回来了');
      await screenshot(page, `queues-1366-board-${key}-${lang}`);
    }
    // A long title is cut short in its cell, and shown whole in a tooltip.
    await page.getByTestId('board-tab-new').click();
    const title = page.getByTestId('board-new').locator(`.wo-row-${seeded.fresh!.code} .wo-queue-order .ant-typography-ellipsis`).first();
    await title.hover();
    await expect.poll(() => page.locator('.ant-tooltip:visible').last().textContent()).toBe(`新 ${LONG_TITLE}`);
  });

  it('the 回访 tab of the hotline agent', async () => {
    const page = await newPage();
    await signIn(page, env.base, 'agent');
    await page.goto(`${env.base}/console/dispatch?tab=followUp`);
    await openTab(page, 'board-tab-followUp', 'board-followUp', seeded.followUp!.code);
    expectReadable(await measure(page, 'board-followUp'), '派遣台 followUp');
    await screenshot(page, `queues-1366-board-followUp-${lang}`);
  });

  it('every tab of the department inbox, with the department column when showing the whole scope', async () => {
    const page = await newPage();
    await signIn(page, env.base, 'handler');
    await page.goto(`${env.base}/console/inbox`);
    for (const [key, order] of [
      ['toSign', seeded.toSign!],
      ['inProgress', seeded.reworked!],
      ['reported', seeded.verify!],
      ['all', seeded.supervised!],
    ] as const) {
      await openTab(page, `inbox-tab-${key}`, `inbox-${key}`, order.code);
      expectReadable(await measure(page, `inbox-${key}`), `部门待办 ${key}`);
      await screenshot(page, `queues-1366-inbox-${key}-${lang}`);
    }
    // The reworked order says why it came back (cut short, whole on hover) and what the 督办 asks, without opening it.
    await openTab(page, 'inbox-tab-inProgress', 'inbox-inProgress', seeded.reworked!.code);
    const panel = page.getByTestId('inbox-inProgress');
    const reason = panel.getByTestId(`rework-reason-${seeded.reworked!.code}`);
    expect(await reason.getAttribute('title')).toBe(lang === 'en' ? `Verifier: ${LONG_TEXT}` : `核查意见：${LONG_TEXT}`);
    expect(await panel.getByTestId(`supervision-note-${seeded.reworked!.code}`).textContent()).toBe(lang === 'en' ? 'Notice: 请三日内整改到位' : '督办意见：请三日内整改到位');
    // The reason is cut short to two lines in its cell: its box is no taller than two lines of 12-pixel text.
    expect(await reason.evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(48);
    await reason.hover();
    await expect.poll(() => page.locator('.ant-tooltip:visible').last().textContent()).toContain(LONG_TEXT);
    await page.getByTestId('inbox-only-mine').click();
    await expect.poll(() => page.getByTestId('inbox-all').locator('thead th').filter({ hasText: /^(责任部门|Department)$/ }).count(), { timeout: 30_000 }).toBe(1);
    await openTab(page, 'inbox-tab-all', 'inbox-all', seeded.supervised!.code);
    expectReadable(await measure(page, 'inbox-all'), '部门待办 all, whole scope');
    await screenshot(page, `queues-1366-inbox-scope-${lang}`);
  });
});
