/**
 * The inspectors' patrol app end to end, in Chromium on a phone viewport against the demo city: sign in as the demo
 * inspector, see the open 核实/核查 tasks with deadlines, complete a 核查 on site with a photo (GPS from the
 * browser), see my grids on the map; then go offline, report a problem (photo, class by search), see it waiting to
 * send, come back online and find the order exactly once, registered; and a report whose answer is lost on the way
 * back (the server did it, the phone never heard) is sent again and still makes one order. axe on each screen;
 * screenshots in web/e2e/screenshots/inspector-*.png.
 */
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { E2E_DEMO_PASSWORD, expectAccessible, useE2e } from './e2e-support.js';
import { makePng } from './fixtures/images.js';

const env = useE2e();
let context: BrowserContext;
let page: Page;

let seed = 1;
/** A real PNG (the server sniffs the bytes), different each time. */
const photo = (name: string) => ({ name, mimeType: 'image/png', buffer: makePng(64, 48, seed++) });

async function ordersWith(description: string) {
  return env.server!.ctx.db.selectFrom('work_orders').select(['id', 'code', 'status', 'channel', 'grid_code']).where('description', '=', description).execute();
}

beforeAll(async () => {
  expect(env.local, 'this suite reads the database: run it against its own server').toBe(true);
  // Stand in the demo inspector's first grid.
  const { rows } = await sql<{ lng: number; lat: number }>`SELECT ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat FROM grids WHERE code = '51010400100101'`.execute(env.server!.ctx.db);
  const here = rows[0]!;
  context = await env.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 12 },
    permissions: ['geolocation'],
  });
  page = await context.newPage();
}, 600_000);

afterAll(async () => {
  await context?.close();
});

describe('inspector on patrol (phone)', () => {
  it('signs in and sees the open tasks with deadlines, overdue ones first', async () => {
    await page.goto(`${env.base}/inspector/`);
    await page.locator('#username').waitFor();
    await expectAccessible(page, 'inspector sign-in');
    await screenshot(page, 'inspector-1-signin');
    await page.locator('#username').fill('inspector');
    await page.locator('#password').fill(E2E_DEMO_PASSWORD);
    await page.getByTestId('signin-submit').click();
    const items = page.getByTestId('task-item');
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-testid="task-item"][data-kind="verify"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid="task-item"][data-kind="check"]').count()).toBeGreaterThanOrEqual(2);
    // The overdue ones lead the list.
    expect(await items.first().getByTestId('task-due').getAttribute('data-overdue')).toBe('true');
    await expect.poll(() => page.getByTestId('task-due').filter({ hasText: '已超时' }).count()).toBeGreaterThanOrEqual(1);
    await expectAccessible(page, 'inspector task list');
    await screenshot(page, 'inspector-2-tasks');
  });

  it('completes a 核查 on site with a photo and the GPS position', async () => {
    const task = page.locator('[data-testid="task-item"][data-kind="check"]').first();
    const code = (await task.getAttribute('data-code'))!;
    await task.click();
    await page.getByTestId('outcome-pass').waitFor();
    await expect.poll(() => page.getByTestId('position').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    await page.getByTestId('outcome-pass').click();
    await page.getByTestId('photo-input-camera').setInputFiles(photo('check.png'));
    await expect.poll(() => page.getByTestId('photo-item').count()).toBe(1);
    await page.getByTestId('task-note').fill('现场路灯已恢复照明');
    await expectAccessible(page, 'inspector task detail');
    await screenshot(page, 'inspector-3-task');
    await page.getByTestId('task-submit').click();
    // Back on the list: the task moves to "done today" once the server has it.
    await expect.poll(() => page.getByTestId('done-item').filter({ hasText: code }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator(`[data-testid="task-item"][data-code="${code}"]`).count()).toBe(0);
    const db = env.server!.ctx.db;
    const order = await db.selectFrom('work_orders').select(['id', 'status']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(order.status).toBe('verified');
    const entry = await db.selectFrom('work_order_timeline').selectAll().where('work_order_id', '=', order.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ action: 'verify_pass', actor_role: 'inspector', note: '现场路灯已恢复照明' });
    expect(entry.photos).toHaveLength(1);
    const result = await db.selectFrom('inspector_task_results').select(['outcome', 'distance_m']).where('work_order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(result.outcome).toBe('pass');
    expect(result.distance_m).not.toBeNull();
    await screenshot(page, 'inspector-4-done');
  });

  it('shows my grids on the map with my position', async () => {
    await page.getByTestId('tab-map').click();
    await expect.poll(() => page.getByTestId('patrol-map').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('grid-list').locator('li').count()).toBe(3);
    await page.waitForTimeout(500); // the fitted view settles before the picture
    await expectAccessible(page, 'inspector map');
    await screenshot(page, 'inspector-5-map');
  });

  it('verifies a report and reports a problem offline; both wait on the phone and arrive once when back online', async () => {
    const description = `人行道井盖破损下陷，行人易绊倒 ${Date.now()}`;
    // 核实 without network: the result is queued and the task shows it is waiting to be sent.
    await page.getByTestId('tab-tasks').click();
    const verify = page.locator('[data-testid="task-item"][data-kind="verify"]').first();
    const verifyCode = (await verify.getAttribute('data-code'))!;
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('net-state').textContent()).toBe('离线');
    await verify.click();
    await page.getByTestId('outcome-confirmed').click();
    await page.getByTestId('photo-input-camera').setInputFiles(photo('verify.png'));
    await expect.poll(() => page.getByTestId('position').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    await page.getByTestId('task-submit').click();
    await expect.poll(() => page.locator(`[data-testid="task-item"][data-code="${verifyCode}"]`).getByTestId('task-waiting').count()).toBe(1);
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('net-state').textContent()).toBe('在线');
    await expect.poll(() => page.getByTestId('queue-banner').count(), { timeout: 30_000 }).toBe(0);
    await page.getByTestId('tab-report').click();
    // The category list came with the app's start and is kept on the phone for offline use.
    await expect.poll(async () => Number(await page.getByTestId('report-form').getAttribute('data-categories')), { timeout: 20_000 }).toBeGreaterThan(0);
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('net-state').textContent()).toBe('离线');
    await page.getByTestId('photo-input-camera').setInputFiles(photo('report.png'));
    await page.getByTestId('report-description').fill(description);
    await page.getByTestId('report-category-search').fill('井盖');
    await page.getByTestId('report-category-option').first().click();
    await page.getByTestId('report-category').waitFor();
    await expect.poll(() => page.getByTestId('position').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    await expectAccessible(page, 'inspector report form');
    await screenshot(page, 'inspector-6-report-offline');
    await page.getByTestId('report-submit').click();
    const queued = page.getByTestId('queue-item');
    await expect.poll(() => queued.count()).toBe(1);
    expect(await queued.first().getAttribute('data-state')).toBe('waiting');
    // The 核实 went out while online; nothing of the report has.
    const db = env.server!.ctx.db;
    const verified = await db.selectFrom('work_orders').select(['id', 'status']).where('code', '=', verifyCode).executeTakeFirstOrThrow();
    expect(verified.status).toBe('accepted');
    const accepts = await db.selectFrom('work_order_timeline').select(['actor_role', 'photos']).where('work_order_id', '=', verified.id).where('action', '=', 'accept').execute();
    expect(accepts).toHaveLength(1);
    expect(accepts[0]!.actor_role).toBe('inspector');
    await page.getByTestId('queue-banner').waitFor();
    await expectAccessible(page, 'inspector outbox (offline)');
    await screenshot(page, 'inspector-7-queue-offline');
    expect(await ordersWith(description)).toHaveLength(0);

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('queue-empty').count(), { timeout: 30_000 }).toBe(1);
    const orders = await ordersWith(description);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'accepted', channel: 'inspector', grid_code: '51010400100101' });
    await expect.poll(() => page.locator(`[data-testid="sent-item"][data-code="${orders[0]!.code}"]`).count()).toBe(1);
    await screenshot(page, 'inspector-8-sent');
  });

  it('sends a report again when its answer was lost, and the server keeps one order', async () => {
    const description = `绿化带内堆放建筑垃圾 ${Date.now()}`;
    await page.getByTestId('tab-report').click();
    await page.getByTestId('photo-input-camera').setInputFiles(photo('lost.png'));
    await page.getByTestId('report-description').fill(description);
    // Online, the classifier suggests a class for the sentence; take it.
    await page.getByTestId('report-suggestion').click({ timeout: 20_000 });
    await page.getByTestId('report-category').waitFor();
    await expect.poll(() => page.getByTestId('position').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    // The server creates the order, but the phone never hears back (the connection drops with the answer).
    let lost = 0;
    await page.route('**/api/v1/inspector/reports', async (route) => {
      if (lost > 0) return route.continue();
      lost += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('report-submit').click();
    await expect.poll(() => ordersWith(description).then((r) => r.length), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(1);
    expect(await page.getByTestId('queue-item').first().getAttribute('data-state')).toBe('waiting');
    // Sending again (the same key): the server answers with the order it already made.
    await page.getByTestId('queue-send').click();
    await expect.poll(() => page.getByTestId('queue-empty').count(), { timeout: 30_000 }).toBe(1);
    await page.unroute('**/api/v1/inspector/reports');
    const orders = await ordersWith(description);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.status).toBe('accepted');
    expect(lost).toBe(1);
  });

  it('reads in English too', async () => {
    await page.getByTestId('tab-tasks').click();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await expectAccessible(page, 'inspector task list (English)');
    await screenshot(page, 'inspector-9-tasks-en');
  });
});
