/**
 * Resident portal, end to end in Chromium against a real demo server: report a problem in three steps (a photo
 * made here, a pin dropped on the city map, a description) and get a ticket code; track it; staff walk the order
 * to closed through the API; the resident rates it. Then the same flow in elder mode and English on a desktop
 * (GPS position, anonymous), and the errors a resident can meet: a photo of the wrong type or too large, a denied
 * location, a point outside the city (the server's 422), a wrong tracking code. axe on every step; screenshots
 * in web/e2e/screenshots/resident-report-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { JobWorker } from '../src/modules/events/index.js';
import { DEFAULT_RATING_TIMER } from '../src/modules/work-orders/index.js';
import { expectAccessible, apiCall, apiStaff, useE2e, type ApiStaff } from './e2e-support.js';
import { makePng } from './fixtures/images.js';

const env = useE2e();

type Staff = ApiStaff;
const staff = (username: string) => apiStaff(env.base, username);
const call = <T>(who: Staff, method: string, path: string, body?: unknown) => apiCall<T>(env.base, who, method, path, body);

async function ordersTitled(title: string): Promise<number> {
  const row = await env.server!.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<string>().as('n')).where('title', '=', title).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * How the text of each element matching `selector` is laid out: its lines, each the characters (blanks left out) whose
 * boxes share a top. A string run in the page: this file is compiled without DOM types.
 */
async function textLines(page: Page, selector: string): Promise<string[][]> {
  return (await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
    const lines = [];
    let top = null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        if (/\\s/.test(node.data[i])) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (top === null || box.top > top + box.height / 2) {
          lines.push('');
          top = box.top;
        }
        lines[lines.length - 1] += node.data[i];
      }
    }
    return lines;
  })`)) as string[][];
}

/** The result of a lookup has the focus and shows on screen, below the sticky header. */
async function resultInView(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('rr-tracking-title');
  const heading = (await page.locator('#rr-tracking-title').boundingBox())!;
  const header = (await page.locator('.r-header').boundingBox())!;
  expect(heading.y).toBeGreaterThanOrEqual(header.y + header.height);
  expect(heading.y + heading.height).toBeLessThanOrEqual(page.viewportSize()!.height);
}

/** Nothing sticks out to the right: the page does not scroll sideways. */
async function fitsTheScreen(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')) as boolean;
}

/** The one-line fields whose placeholder is wider than the field (cut off), as "testid: placeholder". */
async function placeholdersCut(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('input[placeholder]')].filter((i) => i.offsetParent).flatMap((i) => {
    const cs = getComputedStyle(i);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = cs.font;
    ctx.letterSpacing = cs.letterSpacing;
    const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return ctx.measureText(i.placeholder).width <= room ? [] : [i.getAttribute('data-testid') + ': ' + i.placeholder];
  })`)) as string[];
}

async function mapReady(page: Page): Promise<void> {
  await page.getByTestId('pin-map').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
}

const TITLE = 'E2E 人行道井盖缺失';
let ticket = '';

describe('a resident reports on a phone, tracks it and rates it', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    // A phone set to another zone (a resident abroad, or a phone that never was set): times are the city's.
    context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'America/New_York' });
    page = await context.newPage();
  });
  afterAll(async () => context?.close());

  it('reports with a photo, a pin on the map and a description, and gets a ticket code', async () => {
    await page.goto(`${env.base}/`);
    // The city map of the home page speaks Chinese too.
    await expect.poll(() => page.locator('.maplibregl-ctrl-zoom-in').getAttribute('aria-label'), { timeout: 30_000 }).toBe('放大');
    await page.getByTestId('open-report').click();
    const flow = page.getByTestId('report-flow');
    await expect.poll(() => flow.getAttribute('data-step')).toBe('1');
    expect(await page.locator('h1').textContent()).toBe('随手拍 · 上报问题');
    // The camera input opens the rear camera on phones.
    expect(await page.getByTestId('photo-input-camera').getAttribute('capture')).toBe('environment');
    expect(await page.getByTestId('photo-input-camera').getAttribute('accept')).toBe('image/*');

    // A real photo, and a file that only pretends to be one: the server's 415 message shows beside it, in Chinese.
    await page.getByTestId('photo-input').setInputFiles([
      { name: 'manhole.png', mimeType: 'image/png', buffer: makePng(96, 72) },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo at all') },
    ]);
    const items = page.getByTestId('photo-item');
    await expect.poll(() => items.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')).join(','))).toBe('done,error');
    await expect.poll(() => items.nth(1).textContent()).toContain('仅支持上传 JPEG、PNG、WebP 或 HEIC 格式的照片');
    await screenshot(page, 'resident-report-phone-1-photo');
    await expectAccessible(page, 'report step 1 (photos)');
    await items.nth(1).getByTestId('photo-remove').click();
    await expect.poll(() => items.count()).toBe(1);
    // The preview is the local file, drawn by the browser.
    expect(await page.evaluate("document.querySelector('[data-testid=photo-item] img').naturalWidth")).toBe(96);

    await page.getByTestId('step-next').click();
    await expect.poll(() => flow.getAttribute('data-step')).toBe('2');
    await mapReady(page);
    const box = (await page.getByTestId('pin-map').boundingBox())!;
    // Tap the middle of the city.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('pin-map').getAttribute('data-pin')).toMatch(/^10[34]\.\d+,3[01]\.\d+$/);
    // The point is named by its district, not by coordinates alone.
    await expect.poll(() => page.getByTestId('point-text').textContent()).toMatch(/^已选位置：\S+[区县市]（经度 10[34]\.\d{5}，纬度 3[01]\.\d{5}）$/);
    expect(await page.getByTestId('outside-warning').count()).toBe(0);
    await page.getByTestId('address').fill('天府大道北段 1 号东侧人行道');
    // The map's own words are in the page's language (MapLibre's built-in "Map" and "Zoom in" were read out on this
    // Chinese page), and follow a switch of language, the pin kept.
    const zoomIn = page.getByTestId('pin-map').locator('.maplibregl-ctrl-zoom-in');
    expect(await page.getByTestId('pin-map').locator('canvas').getAttribute('aria-label')).toBe('地图');
    expect(await zoomIn.getAttribute('aria-label')).toBe('放大');
    expect(await page.getByTestId('pin-map').locator('.maplibregl-ctrl-zoom-out').getAttribute('aria-label')).toBe('缩小');
    const pinned = await page.getByTestId('pin-map').getAttribute('data-pin');
    await page.locator('.r-tools button[lang]').click();
    await expect.poll(() => zoomIn.getAttribute('aria-label')).toBe('Zoom in');
    await page.locator('.r-tools button[lang]').click();
    await expect.poll(() => zoomIn.getAttribute('aria-label')).toBe('放大');
    await mapReady(page);
    expect(await page.getByTestId('pin-map').getAttribute('data-pin')).toBe(pinned);
    expect(await page.getByTestId('address').inputValue()).toBe('天府大道北段 1 号东侧人行道');
    await screenshot(page, 'resident-report-phone-2-location');
    await expectAccessible(page, 'report step 2 (location)');

    await page.getByTestId('step-next').click();
    await expect.poll(() => flow.getAttribute('data-step')).toBe('3');
    // Sending without a description or phone: field messages, nothing sent.
    await page.getByTestId('submit').click();
    await expect.poll(() => page.locator('#rr-err-description').textContent()).toBe('请填写问题描述');
    expect(await page.locator('#rr-err-phone').textContent()).toBe('请填写手机号，或选择匿名上报');
    await page.getByTestId('type-report').check();
    await page.getByTestId('category-search').fill('井盖');
    const hit = page.getByTestId('category-hits').locator('button').first();
    await hit.waitFor();
    await hit.click();
    await expect.poll(() => page.getByTestId('category-chosen').textContent()).toMatch(/^已选分类：.*井盖/);
    await page.getByTestId('description').fill('人行道上的井盖丢了，晚上路过很危险，已经三天了。');
    await expect.poll(() => page.getByTestId('description-count').textContent()).toBe('24 / 4000 字');
    await page.getByTestId('title').fill(TITLE);
    await page.getByTestId('phone').fill('139 0013 9123');
    await page.getByTestId('name').fill('王女士');
    await screenshot(page, 'resident-report-phone-3-details');
    await expectAccessible(page, 'report step 3 (description)');

    // A double tap files one order.
    await page.getByTestId('submit').dblclick();
    await page.getByTestId('report-success').waitFor({ timeout: 20_000 });
    ticket = (await page.getByTestId('ticket-code').textContent())!.trim();
    expect(ticket).toMatch(/^[A-Z]{1,4}\d{14}$/);
    expect(await ordersTitled(TITLE)).toBe(1);
    expect(await page.getByTestId('due-at').textContent()).toMatch(/^办理期限：/);
    // In China time (UTC+8, worked out here, not with Intl), though the phone is in New York.
    const { due_at: dueAt } = await env.server!.ctx.db.selectFrom('work_orders').select('due_at').where('title', '=', TITLE).executeTakeFirstOrThrow();
    const china = new Date(new Date(dueAt!).getTime() + 8 * 3_600_000);
    const clock = `${String(china.getUTCHours()).padStart(2, '0')}:${String(china.getUTCMinutes()).padStart(2, '0')}`;
    expect(await page.getByTestId('due-at').textContent()).toBe(`办理期限：${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日 ${clock}`);
    const fontSize = Number(await page.evaluate("parseFloat(getComputedStyle(document.querySelector('[data-testid=ticket-code]')).fontSize)"));
    expect(fontSize).toBeGreaterThanOrEqual(28);
    // Too wide for one line on a phone at that size, the code breaks between prefix, day and number only (it broke
    // as CD20261123000 / 051, which reads as another number).
    const [codeLines] = await textLines(page, '[data-testid=ticket-code]');
    expect(codeLines!.join('')).toBe(ticket);
    const prefix = /^[A-Z]+/.exec(ticket)![0].length;
    let breakAt = 0;
    for (const line of codeLines!.slice(0, -1)) {
      breakAt += line.length;
      expect([prefix, prefix + 8], `ticket code laid out as ${codeLines!.join(' / ')}`).toContain(breakAt);
    }
    // What the resident is told about text messages is what the server sends: on registering and on finishing.
    expect(await page.getByTestId('next-sms').textContent()).toBe('登记和办结时我们会短信通知您；办理中的每一步都可以在“查询进度”里看到。');
    await screenshot(page, 'resident-report-phone-4-success');
    await expectAccessible(page, 'report success');

    // What the server stored: the point, the category, the reporter (sealed), the request type.
    const row = await env.server!.ctx.db.selectFrom('work_orders').selectAll().where('code', '=', ticket).executeTakeFirstOrThrow();
    expect(row.request_type).toBe('report');
    expect(row.category_code).toMatch(/^component\./);
    expect(row.reporter_phone_last4).toBe('9123');
    expect(row.channel).toBe('web');
    expect(row.district_code).toMatch(/^5101\d\d$/);
  });

  it('tracks the report with the code and the last four digits', async () => {
    await page.getByTestId('track-link').click();
    const tracking = page.getByTestId('tracking');
    await tracking.waitFor({ timeout: 15_000 });
    // The result opens below the form: it takes the focus and comes into view (nothing seemed to happen before).
    await resultInView(page);
    expect(await tracking.getAttribute('data-status')).toBe('received');
    expect(await page.getByTestId('track-progress').getAttribute('data-current')).toBe('0');
    expect(await page.getByTestId('track-timeline').textContent()).toContain('提交诉求');
    // Being worked on: its deadline (办理期限) shows.
    expect(await page.getByTestId('tracking').locator('dt', { hasText: '办理期限' }).count()).toBe(1);
    // The four digits do not stay in the address bar.
    expect(page.url()).toContain(`code=${ticket}`);
    expect(page.url()).not.toContain('last4');
    await screenshot(page, 'resident-report-phone-5-track');
    await expectAccessible(page, 'tracking (received)');

    // A wrong last four digits reads as not found, in the resident's language and the page's words (受理编号, not the
    // staff's 工单).
    await page.getByTestId('track-last4').fill('0000');
    await page.getByTestId('track-submit').click();
    await expect.poll(() => page.getByTestId('track-error').textContent()).toBe(`没有找到受理编号为 ${ticket}、手机号后 4 位相符的诉求，请核对受理编号和手机号后 4 位`);
    expect(await page.getByTestId('tracking').count()).toBe(0);
  });

  it('is walked to closed by staff, then rated by the resident', async () => {
    const [agent, dispatcher, handler] = await Promise.all([staff('agent'), staff('dispatcher'), staff('handler')]);
    expect(handler.departmentId).toBeTruthy();
    const found = await call<{ items: Array<{ id: string; version: number }> }>(agent, 'GET', `/work-orders?q=${ticket}`);
    expect(found.items).toHaveLength(1);
    const id = found.items[0]!.id;
    let version = found.items[0]!.version;
    const act = async (who: Staff, action: Record<string, unknown>) => {
      const r = await call<{ order: { version: number; status: string } }>(who, 'POST', `/work-orders/${id}/actions`, { version, action });
      version = r.order.version;
      return r.order.status;
    };
    expect(await act(agent, { type: 'accept' })).toBe('accepted');
    expect(await act(dispatcher, { type: 'dispatch', departmentId: handler.departmentId })).toBe('dispatched');
    expect(await act(handler, { type: 'sign' })).toBe('signed');

    // Mid-way the resident sees the department and the 派遣 step.
    await page.getByTestId('track-last4').fill('9123');
    await page.getByTestId('track-submit').click();
    await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status')).toBe('signed');
    expect(await page.getByTestId('track-progress').getAttribute('data-current')).toBe('1');
    expect(await page.getByTestId('track-department').textContent()).not.toBe('尚未派遣');

    expect(await act(handler, { type: 'start' })).toBe('in_progress');
    expect(await act(handler, { type: 'report', note: '已更换新井盖并设置警示标志。' })).toBe('reported');
    expect(await act(dispatcher, { type: 'verify_pass' })).toBe('verified');
    expect(await act(dispatcher, { type: 'close', note: '井盖已补装，感谢您的反映。' })).toBe('closed');

    await page.getByTestId('track-submit').click();
    await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status')).toBe('closed');
    expect(await page.getByTestId('track-progress').getAttribute('data-current')).toBe('5');
    const timeline = await page.getByTestId('track-timeline').textContent();
    expect(timeline).toContain('井盖已补装，感谢您的反映。');
    expect(timeline).toContain('已更换新井盖并设置警示标志。');
    await page.getByTestId('rating-form').waitFor();
    // On a phone each answer is whole on its line (不满意 broke as 不满 / 意 in three narrow columns).
    expect(await textLines(page, '[data-testid=rating-form] .rr-type-name')).toEqual([['满意'], ['基本满意'], ['不满意']]);

    // The same page in English: nothing wider than the phone (the three English answers side by side pushed the page
    // to 495 px), and no step name cut mid-word (Accepte / d).
    await page.locator('.r-tools button[lang]').click();
    await expect.poll(() => page.getByTestId('rating-submit').textContent()).toBe('Send rating');
    expect(await fitsTheScreen(page)).toBe(true);
    expect(await textLines(page, '[data-testid=track-progress] .rr-progress-label')).toEqual([['Accepted'], ['Assigned'], ['Handled'], ['Checked'], ['Closed'], ['Rated']]);
    expect(await textLines(page, '[data-testid=rating-form] .rr-type-name')).toEqual([['Satisfied'], ['Mostlysatisfied'], ['Notsatisfied']]);
    await screenshot(page, 'resident-report-phone-en-6-rate');
    // The elder-mode switch is a toggle button with one name, its state in aria-pressed (its name changed to the other
    // mode's while pressed: a screen reader heard "Standard view, pressed" with easy view on).
    const toggle = page.getByTestId('elder-toggle');
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['Easy view', 'false']);
    // In elder mode the whole ticket code stays visible in its field (its last digits were cut off).
    await toggle.click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toContain('elder');
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['Easy view', 'true']);
    expect(await page.getByRole('button', { name: 'Easy view', pressed: true }).count()).toBe(1);
    expect(await fitsTheScreen(page)).toBe(true);
    expect(await page.evaluate("(() => { const i = document.querySelector('[data-testid=track-code]'); return i.scrollWidth <= i.clientWidth; })()")).toBe(true);
    expect(await textLines(page, '[data-testid=track-progress] .rr-progress-label')).toEqual([['Accepted'], ['Assigned'], ['Handled'], ['Checked'], ['Closed'], ['Rated']]);
    await screenshot(page, 'resident-report-phone-en-elder-6-rate');
    await expectAccessible(page, 'rating, English, elder mode, phone');
    await page.getByTestId('elder-toggle').click();
    await page.locator('.r-tools button[lang]').click();
    await expect.poll(() => page.getByTestId('rating-submit').textContent()).toBe('提交评价');
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['关怀模式', 'false']);

    // Sending without a choice says what is missing.
    await page.getByTestId('rating-submit').click();
    await expect.poll(() => page.getByTestId('rating-form').locator('[role="alert"]').textContent()).toBe('请选择满意、基本满意或不满意');
    await page.getByTestId('rating-satisfied').check();
    await page.getByTestId('rating-comment').fill('处理很快，谢谢！');
    await screenshot(page, 'resident-report-phone-6-rate');
    await expectAccessible(page, 'rating');
    await page.getByTestId('rating-submit').click();
    await page.getByTestId('rating-thanks').waitFor();
    expect(await page.getByTestId('tracking').getAttribute('data-status')).toBe('rated');
    expect(await page.getByTestId('track-rating').textContent()).toBe('满意');
    expect(await page.getByTestId('track-progress').getAttribute('data-current')).toBe('6');
    expect(await page.getByTestId('rating-form').count()).toBe(0);
    await screenshot(page, 'resident-report-phone-7-rated');
    await expectAccessible(page, 'tracking (rated)');
    const row = await env.server!.ctx.db.selectFrom('work_orders').select(['rating', 'status']).where('code', '=', ticket).executeTakeFirstOrThrow();
    expect(row).toEqual({ rating: 'satisfied', status: 'rated' });
  });
});

describe('a signed-in resident', () => {
  // Phone sign-in reads the SMS code from the server's outbox, so only against the server started here.
  it.skipIf(!!process.env.E2E_BASE_URL)('sees the report under my reports, and the tracking form knows the last four digits', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      // Opened from the header far down a long page, the sign-in form (at the top) is brought into view with the focus
      // in its phone field; the report under it is kept.
      await page.goto(`${env.base}/#/report`);
      await page.getByTestId('step-next').click();
      await page.getByTestId('step-next').click();
      await page.getByTestId('description').fill('草稿');
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await page.getByTestId('signin-open').click();
      await expect.poll(() => page.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')")).toBe('signin-phone');
      const field = (await page.getByTestId('signin-phone').boundingBox())!;
      const header = (await page.locator('.r-header').boundingBox())!;
      expect(field.y).toBeGreaterThanOrEqual(header.y + header.height);
      expect(field.y + field.height).toBeLessThanOrEqual(844);
      await page.locator('.r-signin').getByRole('button', { name: '取消' }).click();
      expect(await page.getByTestId('description').inputValue()).toBe('草稿');

      await page.goto(`${env.base}/`);
      await page.getByTestId('signin-open').click();
      // A number too short: said beside the field it is about.
      await page.getByTestId('signin-phone').fill('1380013');
      await page.getByTestId('signin-send').click();
      await expect.poll(() => page.getByTestId('signin-error').textContent()).toBe('请输入 11 位手机号');
      expect(await page.getByTestId('signin-phone').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('signin-phone').getAttribute('aria-describedby')).toBe('r-signin-error');
      // … and right under the button that was pressed, not 70 px below it.
      const sendBox = (await page.getByTestId('signin-send').boundingBox())!;
      const errorBox = (await page.getByTestId('signin-error').boundingBox())!;
      expect(errorBox.y - (sendBox.y + sendBox.height)).toBeLessThanOrEqual(32);
      // A mistyped number gets its code, and the minute's countdown before another …
      await page.getByTestId('signin-phone').fill('13800138465');
      await page.getByTestId('signin-send').click();
      await page.getByTestId('signin-code').waitFor();
      await expect.poll(() => page.getByTestId('signin-send').textContent()).toMatch(/^\d+ 秒后可重新获取$/);
      expect(await page.getByTestId('signin-send').isDisabled()).toBe(true);
      // … which does not hold the corrected number: its code may be asked for at once (the countdown went on).
      await page.getByTestId('signin-phone').fill('13800138456');
      await expect.poll(() => page.getByTestId('signin-send').textContent()).toBe('获取验证码');
      expect(await page.getByTestId('signin-send').isDisabled()).toBe(false);
      expect(await page.getByTestId('signin-code').count()).toBe(0);
      await screenshot(page, 'resident-report-phone-signin-corrected');
      // The mistyped number typed back is still held, with its code field.
      await page.getByTestId('signin-phone').fill('138 0013 8465');
      await expect.poll(() => page.getByTestId('signin-send').isDisabled()).toBe(true);
      expect(await page.getByTestId('signin-code').count()).toBe(1);
      // A code was asked for the corrected number elsewhere a moment ago (another tab): the server's 429 says so in its
      // words, the button counts down its wait, and the code field is there for the code already sent.
      const jurisdictions = (await (await fetch(`${env.base}/api/v1/jurisdictions`)).json()) as { items: Array<{ id: string }> };
      const elsewhere = await fetch(`${env.base}/api/v1/auth/phone/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800138456', jurisdiction: jurisdictions.items[0]!.id }) });
      expect(elsewhere.status, await elsewhere.clone().text()).toBe(200);
      await page.getByTestId('signin-phone').fill('13800138456');
      await page.getByTestId('signin-send').click();
      await expect.poll(() => page.getByTestId('signin-error').textContent()).toMatch(/^验证码已发送，请 \d+ 秒后再试$/);
      await expect.poll(() => page.getByTestId('signin-send').textContent()).toMatch(/^\d+ 秒后可重新获取$/);
      expect(await page.getByTestId('signin-send').isDisabled()).toBe(true);
      expect(await page.getByTestId('signin-phone').getAttribute('aria-invalid')).toBeNull();
      await page.getByTestId('signin-code').waitFor();
      await screenshot(page, 'resident-report-phone-signin-wait');
      // A wrong code: the server's words, tied to the code field, and no request id (it read "… (请求编号: 3f2a…)").
      await page.getByTestId('signin-code').fill('000000');
      await page.getByTestId('signin-submit').click();
      await expect.poll(() => page.getByTestId('signin-error').textContent()).toBe('验证码不正确或已失效，请重新获取');
      expect(await page.getByTestId('signin-code').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('signin-code').getAttribute('aria-describedby')).toBe('r-signin-error');
      await screenshot(page, 'resident-report-phone-signin-wrong-code');
      await expectAccessible(page, 'sign-in, wrong code');
      const sms = await env.server!.ctx.db.selectFrom('outbound_messages').select('body').where('recipient_masked', '=', '138****8456').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      await page.getByTestId('signin-code').fill(/\d{6}/.exec(sms.body)![0]);
      await page.getByTestId('signin-submit').click();
      await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toBe('已登录 ****8456');
      // Signed in, the header wraps to more rows; on a phone it scrolls away with the page instead of covering it.
      await page.evaluate('window.scrollTo(0, 600)');
      await expect.poll(async () => { const h = (await page.locator('.r-header').boundingBox())!; return h.y + h.height; }).toBeLessThanOrEqual(0);

      await page.getByTestId('open-report').click();
      await page.getByTestId('step-next').click();
      await page.getByTestId('step-next').click();
      expect(await page.locator('#rr-phone-hint').textContent()).toContain('****8456');
      await page.getByTestId('type-help').check();
      await page.getByTestId('description').fill('小区门口路灯不亮，晚上看不清路。');
      await page.getByTestId('phone').fill('13800138456');
      await page.getByTestId('submit').click();
      await page.getByTestId('report-success').waitFor({ timeout: 20_000 });
      const code = (await page.getByTestId('ticket-code').textContent())!.trim();

      await page.goto(`${env.base}/#/mine`);
      const mine = page.getByTestId('my-report');
      await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1);
      expect(await mine.first().textContent()).toContain(code);
      expect(await mine.first().getByTestId('status-label').getAttribute('data-status')).toBe('received');
      await screenshot(page, 'resident-report-phone-mine');
      await expectAccessible(page, 'my reports');
      await mine.first().locator('a').click();
      await page.getByTestId('tracking').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('track-last4').inputValue()).toBe('8456');
    } finally {
      await context.close();
    }
  });
});

describe('elder mode, English, on a desktop', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await env.browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en',
      permissions: ['geolocation'],
      // 天府广场, in the middle of the city.
      geolocation: { longitude: 104.0657, latitude: 30.6574 },
    });
    page = await context.newPage();
    await page.goto(`${env.base}/`);
    await page.evaluate("localStorage.setItem('cg.lang', 'en'); localStorage.setItem('cg.elder', '1')");
    // Both are read when the page loads.
    await page.reload();
  });
  afterAll(async () => context?.close());

  it('reports anonymously with the GPS position, with large type and big targets', async () => {
    expect(await page.getByRole('button', { name: 'Easy view', pressed: true }).count()).toBe(1);
    // On a phone the home page's two buttons each keep their name on one line (side by side they broke over two).
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByTestId('open-track').waitFor();
      expect(await textLines(page, '.rr-entry-actions a')).toEqual([['Reportaproblem'], ['Trackareport']]);
      expect(await fitsTheScreen(page)).toBe(true);
      await screenshot(page, 'resident-report-elder-en-phone-home');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await page.getByTestId('open-report').click();
    await page.getByTestId('report-flow').waitFor();
    expect(await page.locator('html').getAttribute('class')).toContain('elder');
    expect(await page.locator('h1').textContent()).toBe('Report a problem');
    const next = (await page.getByTestId('step-next').boundingBox())!;
    expect(next.height).toBeGreaterThanOrEqual(56);
    expect(await page.getByTestId('step-next').textContent()).toBe('Skip, no photo');
    await expectAccessible(page, 'elder report step 1');
    await page.getByTestId('step-next').click();

    await mapReady(page);
    // The map's zoom buttons are elder-sized targets too (MapLibre draws them 29 px).
    for (const zoom of ['.maplibregl-ctrl-zoom-in', '.maplibregl-ctrl-zoom-out']) {
      const box = (await page.getByTestId('pin-map').locator(zoom).boundingBox())!;
      expect(Math.min(box.width, box.height), zoom).toBeGreaterThanOrEqual(56);
    }
    await page.getByTestId('use-gps').click();
    await expect.poll(() => page.getByTestId('pin-map').getAttribute('data-pin')).toBe('104.06570,30.65740');
    // The address field's example stands above it, whole, on a phone too (as a placeholder it was cut off).
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await placeholdersCut(page)).toEqual([]);
      expect(await page.getByTestId('field-example').allTextContents()).toEqual(['e.g. east gate, 88 Example Road']);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await expect.poll(() => page.getByTestId('point-text').textContent()).toBe('Chosen location: Qingyang District (longitude 104.06570, latitude 30.65740)');
    await screenshot(page, 'resident-report-elder-en-2-location');
    await expectAccessible(page, 'elder report step 2');
    await page.getByTestId('step-next').click();

    await page.getByTestId('type-suggestion').check();
    await page.getByTestId('description').fill('Please add a bench at the bus stop on the square: older people have nowhere to sit while they wait.');
    await page.getByTestId('anonymous').check();
    expect(await page.getByTestId('anonymous-note').textContent()).toContain('cannot be tracked by phone number');
    expect(await page.getByTestId('phone').count()).toBe(0);
    const bodySize = Number(await page.evaluate('parseFloat(getComputedStyle(document.body).fontSize)'));
    expect(bodySize).toBeGreaterThanOrEqual(20);
    // On a phone the same step fits the screen (the request types, two large English names a row, made it 397 px wide).
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await fitsTheScreen(page)).toBe(true);
      // No example cut off in its field ("Type a word, e.g. m"): each stands whole above its field, and describes it.
      expect(await placeholdersCut(page)).toEqual([]);
      expect(await page.getByTestId('field-example').allTextContents()).toEqual(['Type a word, e.g. manhole, street light, noise', 'The problem in one line']);
      // The steps' names whole (it broke as "Descriptio / n").
      expect(await textLines(page, '.rr-progress .rr-progress-label')).toEqual([['Photo'], ['Location'], ['Description']]);
      expect(await page.getByTestId('category-search').getAttribute('aria-describedby')).toBe('rr-category-example rr-category-chosen');
      await screenshot(page, 'resident-report-elder-en-phone-3-details');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await screenshot(page, 'resident-report-elder-en-3-details');
    await expectAccessible(page, 'elder report step 3');
    await page.getByTestId('submit').click();
    await page.getByTestId('report-success').waitFor({ timeout: 20_000 });
    const code = (await page.getByTestId('ticket-code').textContent())!.trim();
    // Anonymous: no tracking link, and the page says why.
    expect(await page.getByTestId('track-link').count()).toBe(0);
    expect(await page.getByTestId('report-success').textContent()).toContain('cannot be tracked by phone number');
    // Nor is it promised text messages: there is no number to send them to.
    expect(await page.getByTestId('next-sms').count()).toBe(0);
    expect(await page.getByTestId('report-success').textContent()).not.toContain('text');
    await screenshot(page, 'resident-report-elder-en-4-success');
    await expectAccessible(page, 'elder success');
    const row = await env.server!.ctx.db.selectFrom('work_orders').select(['request_type', 'reporter_phone_last4', 'title']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.request_type).toBe('suggestion');
    expect(row.reporter_phone_last4).toBeNull();
    // The title came from the description's start.
    expect(row.title).toBe('Please add a bench at the bus…');
  });

  it('tracks in elder mode and explains a wrong code', async () => {
    await page.evaluate("window.location.hash = '#/track'");
    await page.getByTestId('track-code').fill('cd2026');
    await page.getByTestId('track-last4').fill('9123');
    await page.getByTestId('track-submit').click();
    await expect.poll(() => page.getByTestId('track-error').textContent()).toContain('A ticket code is letters and 14 digits');
    // A code that exists with digits that do not match: the server's answer, in English.
    await page.getByTestId('track-code').fill(ticket);
    await page.getByTestId('track-last4').fill('0000');
    await page.getByTestId('track-submit').click();
    await expect.poll(() => page.getByTestId('track-error').textContent()).toBe(`No report ${ticket} with those last 4 digits of the phone number; check the ticket code and the digits`);
    await page.getByTestId('track-last4').fill('9123');
    await page.getByTestId('track-code').fill(ticket.toLowerCase());
    await page.getByTestId('track-submit').click();
    await page.getByTestId('tracking').waitFor({ timeout: 15_000 });
    await resultInView(page);
    expect(await page.getByTestId('track-rating').textContent()).toBe('Satisfied');
    await screenshot(page, 'resident-report-elder-en-5-track');
    await expectAccessible(page, 'elder tracking');
  });
});

describe('what can go wrong', () => {
  it('says so when the location is denied, a point is outside the city, or a photo is too large', async () => {
    const denied = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    try {
      const page = await denied.newPage();
      await page.goto(`${env.base}/#/report`);
      // A photo over the server's limit (10 MB): its 413 message, in Chinese.
      const big = Buffer.alloc(10 * 1024 * 1024 + 16, 0);
      big.set([0xff, 0xd8, 0xff, 0xe0]);
      await page.getByTestId('photo-input').setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: big });
      await expect.poll(() => page.getByTestId('photo-item').getAttribute('data-state'), { timeout: 30_000 }).toBe('error');
      expect(await page.getByTestId('photo-item').textContent()).toContain('照片过大');
      await page.getByTestId('step-next').click();
      await mapReady(page);
      await page.getByTestId('use-gps').click();
      await expect.poll(() => page.getByTestId('gps-error').textContent()).toContain('您没有允许本网站使用位置');
      await screenshot(page, 'resident-report-phone-gps-denied');
      await expectAccessible(page, 'location denied');
    } finally {
      await denied.close();
    }

    // Beijing is not in this city: warned at once, refused by the server (422) at submit.
    const away = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', permissions: ['geolocation'], geolocation: { longitude: 116.397, latitude: 39.908 } });
    try {
      const page = await away.newPage();
      await page.goto(`${env.base}/#/report`);
      await page.getByTestId('step-next').click();
      await mapReady(page);
      await page.getByTestId('use-gps').click();
      await page.getByTestId('outside-warning').waitFor();
      await page.getByTestId('step-next').click();
      await page.getByTestId('description').fill('外地的问题');
      await page.getByTestId('phone').fill('13700137000');
      await page.getByTestId('submit').click();
      await expect.poll(() => page.getByTestId('submit-error').textContent()).toContain('不在本市辖区内');
      await screenshot(page, 'resident-report-phone-outside');
      await expectAccessible(page, 'outside the city');
      await page.getByTestId('submit-error').getByRole('button').click();
      await expect.poll(() => page.getByTestId('report-flow').getAttribute('data-step')).toBe('2');
      expect(await ordersTitled('外地的问题')).toBe(0);
    } finally {
      await away.close();
    }
  });
});

describe('reports that end without a department of their own', () => {
  it('an answered enquiry needs none, and a merged report is handled under the other one', async () => {
    const jurisdictions = (await (await fetch(`${env.base}/api/v1/jurisdictions`)).json()) as { items: Array<{ id: string }> };
    const jurisdictionId = jurisdictions.items[0]!.id;
    const file = async (body: Record<string, unknown>) => {
      const r = await fetch(`${env.base}/api/v1/public/work-orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jurisdictionId, ...body }) });
      expect(r.status, await r.clone().text()).toBe(201);
      return ((await r.json()) as { code: string }).code;
    };
    const [agent, dispatcher, handler] = await Promise.all([staff('agent'), staff('dispatcher'), staff('handler')]);
    const order = async (code: string) => (await call<{ items: Array<{ id: string; version: number }> }>(agent, 'GET', `/work-orders?q=${code}`)).items[0]!;
    const act = async (who: Staff, code: string, action: Record<string, unknown>) => {
      const o = await order(code);
      await call(who, 'POST', `/work-orders/${o.id}/actions`, { version: o.version, action });
    };

    const enquiry = await file({ requestType: 'enquiry', title: 'E2E 小学入学咨询', description: '孩子明年上小学，需要准备哪些材料？', reporter: { phone: '13500135001' } });
    await act(agent, enquiry, { type: 'answer', note: '请携带户口簿和房产证明到学区学校登记。' });
    const another = await file({ requestType: 'enquiry', title: 'E2E 医保转移咨询', description: '医保关系怎么从外地转过来？', reporter: { phone: '13500135004' } });
    await act(agent, another, { type: 'answer', note: '请到社保服务大厅办理转移接续。' });
    const parent = await file({ requestType: 'complaint', title: 'E2E 路灯不亮', description: '小区东门路灯一周不亮。', location: { lng: 104.0657, lat: 30.6574 }, reporter: { phone: '13500135002' } });
    await act(agent, parent, { type: 'accept' });
    await act(dispatcher, parent, { type: 'dispatch', departmentId: handler.departmentId });
    const child = await file({ requestType: 'complaint', title: 'E2E 东门路灯坏了', description: '东门的路灯晚上不亮。', location: { lng: 104.0658, lat: 30.6575 }, reporter: { phone: '13500135003' } });
    await act(dispatcher, child, { type: 'merge', parentId: (await order(parent)).id });

    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(`${env.base}/#/track?code=${enquiry}&last4=5001`);
      await page.getByTestId('tracking').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('tracking').getAttribute('data-status')).toBe('answered');
      // Not "尚未派遣": it is not waiting for a department.
      expect(await page.getByTestId('track-department').textContent()).toBe('无需派遣，已直接答复');
      // Its 派遣, 处置 and 核查 did not happen: skipped, not ticked as done.
      const steps = () => page.getByTestId('track-progress').locator('li').evaluateAll((els) => els.map((e) => e.className));
      expect(await steps()).toEqual(['rr-done', 'rr-skipped', 'rr-skipped', 'rr-skipped', 'rr-done', 'rr-current']);
      expect(await page.getByTestId('track-progress').textContent()).toContain('派遣（无需此步）');
      await screenshot(page, 'resident-report-phone-answered');
      await expectAccessible(page, 'tracking (answered at intake)');
      // Rated, it still reads so (the status no longer says answered).
      await page.getByTestId('rating-satisfied').check();
      await page.getByTestId('rating-submit').click();
      await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status')).toBe('rated');
      expect(await steps()).toEqual(['rr-done', 'rr-skipped', 'rr-skipped', 'rr-skipped', 'rr-done', 'rr-done']);
      expect(await page.getByTestId('track-department').textContent()).toBe('无需派遣，已直接答复');

      // Another code in the address (a link followed on this page, the back button): only the hash changes, the page
      // is not loaded again — and the new order shows (the old one stayed until a reload).
      await page.goto(`${env.base}/#/track?code=${another}&last4=5004`);
      await expect.poll(() => page.getByTestId('tracking').locator('.rr-track-code').textContent()).toContain(another);
      expect(await page.getByTestId('tracking').getAttribute('data-status')).toBe('answered');
      expect(await page.getByTestId('track-code').inputValue()).toBe(another);
      expect(await page.getByTestId('track-last4').inputValue()).toBe('5004');
      expect(page.url()).not.toContain('last4');
      // Meanwhile it is rated elsewhere (not satisfied: under review). Rating it here is refused in the resident's words
      // — the status's name, not "under_review" — and the page reads the order again.
      const elsewhere = await fetch(`${env.base}/api/v1/public/work-orders/rating`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jurisdictionId, code: another, phoneLast4: '5004', rating: 'unsatisfied' }) });
      expect(elsewhere.status, await elsewhere.clone().text()).toBe(200);
      await page.getByTestId('rating-basically').check();
      await page.getByTestId('rating-submit').click();
      await expect.poll(() => page.getByTestId('rating-not-open').textContent()).toBe('这条诉求现在不能评价，当前状态为“复核中”。');
      await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status')).toBe('under_review');
      expect(await page.getByTestId('rating-form').count()).toBe(0);
      // Under review (复核中) the order still has its deadline, but it is not what the resident waits for: none shows.
      expect(await page.getByTestId('tracking').locator('dt', { hasText: '办理期限' }).count()).toBe(0);
      expect(await page.getByTestId('track-due').count()).toBe(0);
      await screenshot(page, 'resident-report-phone-rating-not-open');
      await expectAccessible(page, 'tracking (rating refused)');
      // In English too.
      await page.locator('.r-tools button[lang]').click();
      await expect.poll(() => page.getByTestId('rating-not-open').textContent()).toBe('This report cannot be rated now (status: Under review).');
      await page.locator('.r-tools button[lang]').click();

      await page.goto(`${env.base}/#/track?code=${child}&last4=5003`);
      await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status'), { timeout: 15_000 }).toBe('merged');
      expect(await page.getByTestId('merged-note').textContent()).toContain(parent);
      // Its own empty department read 尚未派遣 beside the other report's steps, done up to 派遣.
      expect(await page.getByTestId('track-department').count()).toBe(0);
      expect(await page.getByTestId('tracking').textContent()).not.toContain('尚未派遣');
      await screenshot(page, 'resident-report-phone-merged');
      await expectAccessible(page, 'tracking (merged)');
    } finally {
      await context.close();
    }
  });
});

describe('默认满意 on the tracking page', () => {
  // The default rating is given by the job worker's timer: run here on the server's own database (last in this file,
  // since the worker also runs every other job the suites left waiting).
  it.skipIf(!!process.env.E2E_BASE_URL)('says the rating was the system default when nobody rated in time, in both languages', async () => {
    const [admin, agent] = await Promise.all([staff('admin'), staff('agent')]);
    type Settings = { version: number; slaOverrides: Record<string, unknown> | null };
    const settingsNow = async () => (await call<{ settings: Settings }>(admin, 'GET', '/work-order-settings')).settings;
    const before = await settingsNow();
    await call(admin, 'PUT', '/work-order-settings', { version: before.version, sla: { ...before.slaOverrides, followUpDays: 1, defaultRatingDays: 1 } });
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    try {
      const created = await call<{ order: { id: string; code: string; version: number } }>(agent, 'POST', '/work-orders', {
        requestType: 'enquiry',
        title: '居住证续签需要哪些材料',
        description: '来电咨询居住证到期续签需要带什么材料。',
        reporter: { name: '周七', phone: '13800135678' },
      });
      await call(agent, 'POST', `/work-orders/${created.order.id}/actions`, { version: created.order.version, action: { type: 'answer', note: '携带身份证和居住证明到社区服务中心办理。' } });
      // No working day passes here: the order is made to have been answered ten days ago (its timer says when it was
      // finished, and is made due now), then the worker runs the timer, which finds the period over.
      const ctx = env.server!.ctx;
      const finished = new Date(Date.now() - 10 * 86_400_000);
      await ctx.db.updateTable('work_orders').set({ closed_at: finished }).where('id', '=', created.order.id).execute();
      const moved = await ctx.db
        .updateTable('jobs')
        .set({ run_at: new Date(Date.now() - 1000), payload: JSON.stringify({ workOrderId: created.order.id, finishedAt: finished.toISOString() }) })
        .where('handler', '=', DEFAULT_RATING_TIMER)
        .where('dedupe_key', '=', `${created.order.id}:default-rating`)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      expect(Number(moved.numUpdatedRows)).toBe(1);
      await new JobWorker({ db: ctx.db, handlers: ctx.handlers, log: pino({ level: 'silent' }), outbox: ctx.outbox, pollIntervalMs: 50, housekeeping: false }).drain(60_000);
      expect(await ctx.db.selectFrom('work_orders').select(['status', 'rating', 'rating_default']).where('id', '=', created.order.id).executeTakeFirstOrThrow()).toEqual({ status: 'rated', rating: 'satisfied', rating_default: true });

      const page = await context.newPage();
      await page.goto(`${env.base}/#/track?code=${created.order.code}&last4=5678`);
      await expect.poll(() => page.getByTestId('tracking').getAttribute('data-status'), { timeout: 15_000 }).toBe('rated');
      expect(await page.getByTestId('track-rating').textContent()).toBe('满意（未在期限内评价，系统默认）');
      // Not "your rating": the resident gave none.
      expect(await page.getByTestId('tracking').locator('dt', { hasText: '您的评价' }).count()).toBe(0);
      expect(await page.getByTestId('rating-form').count()).toBe(0);
      // The timeline says what happened, not "rated" (it said the status, 已评价, before it had words for this step).
      expect(await page.getByTestId('track-timeline').locator('li').first().textContent()).toContain('未在期限内评价，默认满意');
      expect(await fitsTheScreen(page)).toBe(true);
      await screenshot(page, 'resident-report-phone-default-rating');
      await expectAccessible(page, 'tracking (default rating)');
      await page.locator('.r-tools button[lang]').click();
      await expect.poll(() => page.getByTestId('track-rating').textContent()).toBe('Satisfied (not rated in time, so counted by default)');
      expect(await page.getByTestId('track-timeline').locator('li').first().textContent()).toContain('Not rated in time: counted as satisfied');
      await screenshot(page, 'resident-report-phone-default-rating-en');
    } finally {
      await context.close();
      const now = await settingsNow();
      await call(admin, 'PUT', '/work-order-settings', { version: now.version, sla: before.slaOverrides });
    }
  });
});
