/**
 * The hotline console (话务台) end to end, in headless Chromium against a real demo server: the agent takes calls
 * with the keyboard only — focus starts in the phone field, the caller's history appears for a known number, keys
 * 1–5 pick the request type, the classifier's suggestion is accepted with Enter, Ctrl+Enter submits — and an
 * enquiry is answered from the knowledge base at first contact (the order ends `answered`, the article's use is
 * counted). Each order is checked through the API by its ticket code. The time from focus in the phone field to
 * the code on screen is printed (not asserted: machines are noisy). Screenshots: web/e2e/screenshots/hotline-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { expectAccessible, openConsole, signIn, useE2e } from './e2e-support.js';
import type { WorkOrderDetail, WorkOrderSummary } from '@civicgrid/contracts/work-orders';

const env = useE2e();
let context: BrowserContext;
let page: Page;

async function csrf(): Promise<string> {
  const c = (await context.cookies()).find((x) => x.name === 'cg_csrf');
  if (!c) throw new Error('no CSRF cookie');
  return c.value;
}

/** The agent's own API calls, with the browser's session. */
async function apiGet<T>(path: string, params?: Record<string, string>): Promise<T> {
  const res = await context.request.get(`${env.base}/api/v1${path}`, { params });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return (await res.json()) as T;
}

async function orderByCode(code: string): Promise<WorkOrderDetail> {
  const list = await apiGet<{ items: WorkOrderSummary[] }>('/work-orders', { q: code });
  const hit = list.items.filter((o) => o.code === code);
  expect(hit, `exactly one order ${code}`).toHaveLength(1);
  return (await apiGet<{ order: WorkOrderDetail }>(`/work-orders/${hit[0]!.id}`)).order;
}

async function activeId(): Promise<string> {
  return page.evaluate<string>("document.activeElement ? document.activeElement.id : ''");
}

async function ticketCode(): Promise<string> {
  const code = (await page.getByTestId('hotline-ticket-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[A-Z]{1,4}[0-9]{14}$/);
  return code;
}

/** Waits until the ticket code shown is a new one (the next call's). */
async function nextTicket(previous: string | null): Promise<string> {
  await expect.poll(async () => ((await page.getByTestId('hotline-ticket-code').count()) > 0 ? ((await page.getByTestId('hotline-ticket-code').textContent()) ?? '').trim() : ''), { timeout: 20_000 }).not.toBe(previous ?? '');
  return ticketCode();
}

const KNOWN_PHONE = '13900001111';
/** A number no earlier run used (E2E_BASE_URL may point at a server that keeps its data). */
const FRESH_PHONE = `137${String(Date.now()).slice(-8)}`;
let knownCode = '';

beforeAll(async () => {
  context = await env.browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  page = await context.newPage();
  await signIn(page, env.base, 'agent');
  // A caller who phoned before: one earlier order from this number.
  const res = await context.request.post(`${env.base}/api/v1/work-orders`, {
    headers: { 'X-CSRF-Token': await csrf(), 'Idempotency-Key': 'e2e-hotline-known-caller' },
    data: { requestType: 'complaint', title: '小区门口垃圾无人清运', description: '垃圾桶满了三天没人清理', reporter: { name: '王先生', phone: KNOWN_PHONE } },
  });
  expect(res.status(), await res.text()).toBe(201);
  knownCode = ((await res.json()) as { order: WorkOrderSummary }).order.code;
}, 240_000);

afterAll(async () => {
  await context?.close();
});

describe('hotline console (agent, keyboard only)', () => {
  let lastCode: string | null = null;

  it('is in the agent’s menu and starts with focus in the phone field', async () => {
    await expect.poll(async () => (await page.getByTestId('console-nav').locator('.ant-menu-title-content').allTextContents()).map((s) => s.trim())).toContain('话务台');
    await page.goto(`${env.base}/console/hotline`);
    await page.getByTestId('hotline-phone').waitFor();
    await expect.poll(activeId).toBe('hotline-phone');
    await expect.poll(() => page.getByTestId('hotline-tally').textContent()).toContain('0');
    await expectAccessible(page, 'the hotline console (empty)');
    await screenshot(page, 'hotline-empty');
  });

  it('refuses an incomplete call with the fields to fix, focusing the first', async () => {
    await page.keyboard.press('Control+Enter');
    await page.getByText('请选择诉求类型（按 1–5）。').waitFor();
    await page.getByText('请填写标题或描述。').waitFor();
    expect(await activeId()).toBe('');
    expect(await page.evaluate<string>("document.activeElement ? document.activeElement.getAttribute('type') : ''")).toBe('radio');
    await expectAccessible(page, 'the hotline console with field errors');
    await page.keyboard.press('Alt+P');
    await expect.poll(activeId).toBe('hotline-phone');
  });

  it('takes a complaint call: caller history, 1–5, the suggestion by Enter, Ctrl+Enter — and the order exists', async () => {
    const started = Date.now();
    await page.keyboard.type('139 0000 1111');
    // The caller's earlier order appears beside the form, linking to its detail page.
    const row = page.getByTestId('hotline-history-row').filter({ hasText: knownCode });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('a').getAttribute('href')).toMatch(/^\/console\/work-orders\/[0-9a-f-]{36}$/);
    await expect.poll(() => row.textContent()).toContain('小区门口垃圾无人清运');
    await page.keyboard.press('Tab');
    await page.keyboard.type('王先生');
    await page.keyboard.press('Tab');
    await page.keyboard.press('3'); // 投诉
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('hotline-title');
    await page.keyboard.type('家里停水三天');
    await page.keyboard.press('Tab');
    await page.keyboard.type('锦江区春熙路小区从周一开始停水，已经三天了，自来水公司电话打不通，家里老人做饭都没有水。');
    // The suggestion for the whole text (not one from a pause while typing).
    await page.locator('[data-testid="hotline-suggestion"][data-current="true"]').waitFor({ timeout: 15_000 });
    const suggested = await page.getByTestId('hotline-suggestion-code').getAttribute('data-code');
    expect(suggested).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)*$/);
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('hotline-category');
    await page.keyboard.press('Enter'); // accepts the suggestion
    await page.getByText('已采用分类建议').waitFor();
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('hotline-address');
    await page.keyboard.type('春熙路 8 号 3 栋');
    await page.keyboard.press('Tab'); // district: unknown, left empty
    await page.keyboard.press('Tab'); // urgency: 一般 → 紧急
    await page.keyboard.press('ArrowRight');
    await expectAccessible(page, 'the hotline console with history and suggestion');
    await screenshot(page, 'hotline-complaint-filled');
    const beforeSubmit = Date.now();
    await page.keyboard.press('Control+Enter');
    lastCode = await nextTicket(lastCode);
    const elapsed = Date.now() - started;
    process.stdout.write(`hotline: complaint call entered by keyboard in ${(elapsed / 1000).toFixed(1)} s (phone focus → code shown; submit → code ${Date.now() - beforeSubmit} ms)\n`);
    await expect.poll(() => page.getByTestId('hotline-ticket-status').getAttribute('data-status')).toBe('received');

    const order = await orderByCode(lastCode);
    expect(order).toMatchObject({ channel: 'hotline', requestType: 'complaint', title: '家里停水三天', address: '春熙路 8 号 3 栋', urgency: 'urgent', status: 'received', categoryCode: suggested });
    expect(order.description).toContain('自来水公司电话打不通');
    expect(order.reporter.anonymous).toBe(false);
    // Masked for the agent (e.g. 139****1111): the last four digits only.
    expect(order.reporter.phone).toMatch(/^[0-9]{0,3}\*+1111$/);

    // Ready for the next call: an empty form with focus in the phone field.
    await expect.poll(activeId).toBe('hotline-phone');
    expect(await page.getByTestId('hotline-phone').inputValue()).toBe('');
    expect(await page.locator('#hotline-title').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('hotline-tally').textContent()).toContain('已处理 1 通来电，其中首接答复 0 通');
    await screenshot(page, 'hotline-complaint-done');

    // The new order joins the caller's history.
    const history = await apiGet<{ items: WorkOrderSummary[] }>('/work-orders/callers', { phone: KNOWN_PHONE });
    expect(history.items.map((o) => o.code)).toEqual(expect.arrayContaining([knownCode, lastCode]));
  });

  it('answers an enquiry from the knowledge base at first contact: the order ends answered, the use is counted', async () => {
    const started = Date.now();
    await page.keyboard.type('13800002222');
    await page.keyboard.press('Tab');
    await page.keyboard.type('李女士');
    await page.keyboard.press('Tab');
    await page.keyboard.press('1'); // 咨询
    await page.keyboard.press('Tab');
    await page.keyboard.type('社保卡办理');
    await page.keyboard.press('Tab');
    await page.keyboard.type('银行说没有我的社保卡制卡信息，网上显示已经发放，社保卡应该去哪里办理？');
    await page.locator('[data-testid="hotline-knowledge"][data-current="true"]').waitFor({ timeout: 15_000 });
    const first = page.getByTestId('hotline-kb-article').first();
    await first.waitFor();
    const articleTitle = (await first.locator('h3').textContent())?.trim() ?? '';
    const articles = await apiGet<{ items: { id: string; title: string; answer: string; useCount: number }[] }>('/knowledge/articles', {
      q: '社保卡办理 银行说没有我的社保卡制卡信息，网上显示已经发放，社保卡应该去哪里办理？',
      limit: '5',
    });
    const article = articles.items.find((a) => a.title === articleTitle);
    expect(article, `article ${articleTitle} found through the API too`).toBeDefined();
    await expectAccessible(page, 'the hotline console with knowledge results');
    await screenshot(page, 'hotline-enquiry-knowledge');

    await page.keyboard.press('Alt+K');
    expect(await page.evaluate<string>("document.activeElement ? document.activeElement.getAttribute('data-testid') : ''")).toBe('hotline-kb-answer');
    await page.keyboard.press('Enter');
    lastCode = await nextTicket(lastCode);
    process.stdout.write(`hotline: enquiry answered from the knowledge base in ${((Date.now() - started) / 1000).toFixed(1)} s (phone focus → code shown)\n`);
    await expect.poll(() => page.getByTestId('hotline-ticket-status').getAttribute('data-status')).toBe('answered');
    await expect.poll(activeId).toBe('hotline-phone');
    await expect.poll(() => page.getByTestId('hotline-tally').textContent()).toContain('已处理 2 通来电，其中首接答复 1 通');

    const order = await orderByCode(lastCode);
    expect(order).toMatchObject({ requestType: 'enquiry', status: 'answered', title: '社保卡办理' });
    const answer = order.timeline.find((e) => e.action === 'answer');
    expect(answer?.note?.slice(0, 50)).toBe(article!.answer.trim().slice(0, 50));
    const after = await apiGet<{ article: { useCount: number } }>(`/knowledge/articles/${article!.id}`);
    expect(after.article.useCount).toBe(article!.useCount + 1);
    await expectAccessible(page, 'the hotline console after an answered call');
    await screenshot(page, 'hotline-enquiry-answered');
  });

  it('never creates a call twice: a lost response is retried with the same Idempotency-Key', async () => {
    let creates = 0;
    const keys: string[] = [];
    await page.route('**/api/v1/work-orders', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      creates++;
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (creates === 1) {
        await route.fetch(); // the server creates the order …
        return route.abort('connectionreset'); // … and the answer is lost on the way back
      }
      return route.continue();
    });
    try {
      await page.keyboard.type(FRESH_PHONE);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('2'); // 求助
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.type('电梯困人，请尽快派人。');
      await page.keyboard.press('Control+Enter');
      await page.getByTestId('hotline-error').waitFor({ timeout: 20_000 });
      await page.keyboard.press('Control+Enter');
      lastCode = await nextTicket(lastCode);
    } finally {
      await page.unroute('**/api/v1/work-orders');
    }
    expect(creates).toBe(2);
    expect(keys[0]).toMatch(/^hotline-/);
    expect(keys[1]).toBe(keys[0]);
    const same = await apiGet<{ items: WorkOrderSummary[] }>('/work-orders/callers', { phone: FRESH_PHONE });
    expect(same.items.map((o) => o.code)).toEqual([lastCode]);
    expect(same.items[0]).toMatchObject({ requestType: 'help', title: '电梯困人，请尽快派人' });
  });

  it('reads in English, accessibly', async () => {
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Hotline console' }).waitFor();
    // Off the header's language button: its hover colour is the shell's, not this page's (axe reads hover states).
    await page.mouse.move(700, 900);
    await page.getByText('Calls handled since sign-in: 3').waitFor();
    await page.keyboard.press('Alt+P');
    await page.keyboard.type('13900001111');
    await page.getByTestId('hotline-history-row').first().waitFor({ timeout: 15_000 });
    await expectAccessible(page, 'the hotline console in English');
    await screenshot(page, 'hotline-en');
    await page.getByTestId('language-switch').click();
  });

  it('回访: the 派遣台 lists finished, unrated orders with a phone, finished longest ago first, each with its 回访时限 (回访超期 once passed); the agent records the rating from the call', async () => {
    const queue = { status: 'closed,answered', contactable: 'true', sort: 'closed', limit: '50' };
    const expected = await apiGet<{ items: (WorkOrderSummary & { closedAt: string; followUpDueAt: string })[] }>('/work-orders', queue);
    expect(expected.items.length).toBeGreaterThan(0);
    const closedAt = expected.items.map((o) => Date.parse(o.closedAt));
    expect([...closedAt].sort((a, b) => a - b)).toEqual(closedAt);
    // The server gives each a deadline after its finish: 3 working days by default, so more than 2 calendar days
    // (finished at 09:00 on a Monday, due on Wednesday at 18:00).
    for (const o of expected.items) expect(Date.parse(o.followUpDueAt) - Date.parse(o.closedAt), o.code).toBeGreaterThan(2 * 86_400_000);
    await page.goto(`${env.base}/console/dispatch`);
    await page.getByTestId('board-tab-followUp').click();
    const rows = page.getByTestId('board-followUp').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(Math.min(expected.items.length, 50));
    const first = expected.items[0]!;
    expect(await rows.first().textContent()).toContain(first.code);
    await expect.poll(() => page.getByTestId('board-followUp-hint').textContent()).toContain('默认为办结后 3 个工作日');
    // Each row shows its deadline's clock (北京时间) and, once it has passed, 回访超期.
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const shown = expected.items.slice(0, 5);
    for (const [i, o] of shown.entries()) {
      const cell = rows.nth(i).getByTestId('follow-up-deadline');
      const late = Date.parse(o.followUpDueAt) <= Date.now();
      expect(await cell.getAttribute('data-late'), o.code).toBe(String(late));
      const text = (await cell.textContent()) ?? '';
      expect(text).toContain(clock.format(new Date(o.followUpDueAt)));
      expect(text.includes('回访超期'), o.code).toBe(late);
    }
    await expectAccessible(page, 'the 回访 queue');
    await screenshot(page, 'hotline-follow-up');

    await page.getByTestId(`actions-${first.code}`).getByTestId('action-rate').click();
    const form = page.getByTestId('action-form-rate');
    await form.getByRole('radio', { name: '满意', exact: true }).check();
    await form.getByTestId('action-text').fill('电话回访：问题已解决，表示满意');
    await page.getByTestId('action-submit').click();
    await expect.poll(async () => (await orderByCode(first.code)).status, { timeout: 20_000 }).toBe('rated');
    const rated = await orderByCode(first.code);
    expect(rated.timeline.at(-1)).toMatchObject({ action: 'rate', actorRole: 'agent' });
    // Rated: it leaves the queue.
    await expect.poll(() => page.getByTestId('board-followUp').getByText(first.code).count(), { timeout: 20_000 }).toBe(0);
  });
});

describe('the caller history on a 1366×768 screen', () => {
  it('fits its panel in English, with room for the titles', async () => {
    const en = await openConsole(env, 'agent', { viewport: { width: 1366, height: 768 }, lang: 'en' });
    try {
      await en.page.goto(`${env.base}/console/hotline`);
      await en.page.getByTestId('hotline-phone').fill(KNOWN_PHONE);
      const row = en.page.getByTestId('hotline-history-row').filter({ hasText: knownCode });
      await row.waitFor({ timeout: 15_000 });
      // The date is under the code, so the title has a column wide enough to read (it wrapped a word a line, and the
      // table was wider than its panel).
      expect(await row.textContent()).toMatch(/\d{4}, \d{2}:\d{2}/);
      const fit = (await en.page.evaluate(`(() => {
        const table = document.querySelector('.cg-hotline-history');
        const title = table.querySelector('tbody .cg-hotline-history-title');
        return { table: table.getBoundingClientRect().width, panel: table.parentElement.clientWidth, title: title.getBoundingClientRect().width };
      })()`)) as { table: number; panel: number; title: number };
      expect(fit.table).toBeLessThanOrEqual(fit.panel);
      expect(fit.title).toBeGreaterThanOrEqual(150);
      await screenshot(en.page, 'hotline-history-en-1366');
    } finally {
      await en.context.close();
    }
  });
});
