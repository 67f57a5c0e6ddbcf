/**
 * 跨域转办 end to end in Chromium: the demo city (A) and a second CivicGrid app (B, its own database, jurisdiction
 * and API key) listening on 127.0.0.1. The administrator adds B as a peer on the 跨域转办 page and tests the
 * connection (B's services); a dispatcher transfers an order from its detail page; A's send job delivers it; B's
 * dispatcher accepts it; A polls; the order's detail shows the transfer (peer, state, B's request id, the mirrored
 * update). axe on each screen; screenshots in web/e2e/screenshots/federation-*.png.
 */
import pino from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { screenshot } from '../../web/e2e/browser.js';
import { JobWorker } from '../src/modules/events/index.js';
import { restartPolls } from '../src/modules/federation/index.js';
import { createApiKey } from '../src/modules/identity/index.js';
import { seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { closeDropdowns, expectAccessible, signIn, useE2e } from './e2e-support.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';
import { ensurePgliteTemplate } from './template.js';

const env = useE2e();
let B: TestApp;
let jB: string;
let keyB: string;
let peerUrl: string;
let dispatcherB: Session;
let worker: JobWorker;
const PEER = '乙市 12345';

/** B's city covers the demo city's orders (a square around Chengdu), with the standard categories. */
const square = { type: 'MultiPolygon', coordinates: [[[[103.0, 30.0], [105.0, 30.0], [105.0, 31.5], [103.0, 31.5], [103.0, 30.0]]]] };

beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) await ensurePgliteTemplate();
  B = await createTestApp();
  jB = (await makeJurisdiction(B.ctx.db, { nameZh: '乙市', nameEn: 'City B' })).id;
  await B.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, B.ctx, jB, systemActor('test', jB)));
  await B.ctx.db.insertInto('divisions').values({ jurisdiction_id: jB, code: '510100', parent_code: null, level: 'city', name_zh: '乙市', name_en: 'City B', boundary: null }).execute();
  await B.ctx.db
    .updateTable('divisions')
    .set({ boundary: (eb) => eb.fn('ST_SetSRID', [eb.fn('ST_GeomFromGeoJSON', [eb.val(JSON.stringify(square))]), eb.lit(4326)]) as never })
    .where('jurisdiction_id', '=', jB)
    .execute();
  keyB = (await createApiKey(B.ctx, { jurisdictionId: jB, name: 'city A', scopes: ['open311.*'] }, { kind: 'system', id: null, name: 'test', jurisdictionId: jB })).key;
  dispatcherB = await loginAs(B.app, await makeUser(B.ctx.db, { jurisdictionId: jB, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }));
  await B.app.listen({ host: '127.0.0.1', port: 0 });
  peerUrl = `http://127.0.0.1:${(B.app.server.address() as AddressInfo).port}/open311/v2`;
  // The demo server runs without its worker; the test runs A's jobs when it wants them.
  worker = new JobWorker({ db: env.server!.ctx.db, handlers: env.server!.ctx.handlers, log: pino({ level: 'silent' }), pollIntervalMs: 50, housekeeping: false });
}, 600_000);

afterAll(async () => {
  await B?.close();
});

async function runJobsUntil(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await worker.drain(10_000);
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

describe('cross-jurisdiction transfer', () => {
  let admin: BrowserContext;
  let dispatcher: BrowserContext;
  let order: { id: string; code: string };

  beforeAll(async () => {
    if (!env.local) throw new Error('this suite needs its own server (it runs the jobs and starts the peer)');
    order = await env.server!.ctx.db.selectFrom('work_orders').select(['id', 'code']).where('status', '=', 'accepted').where('location', 'is not', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    admin = await env.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    dispatcher = await env.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  }, 120_000);
  afterAll(async () => {
    await admin?.close();
    await dispatcher?.close();
  });

  it('an administrator adds the peer and tests the connection', async () => {
    const page = await admin.newPage();
    await signIn(page, env.base, 'admin');
    await page.getByTestId('console-nav').getByText('跨域转办').click();
    await page.getByTestId('peers-table').waitFor();
    await expectAccessible(page, 'federation peers (empty)');
    await page.getByTestId('peer-add').click();
    const form = page.getByTestId('peer-form');
    await form.getByLabel('名称').fill(PEER);
    await form.getByLabel('Open311 接口地址').fill(peerUrl);
    await form.getByLabel('对方 jurisdiction_id').fill(jB);
    await form.getByLabel('API 密钥').fill(keyB);
    await form.getByLabel('默认服务编码').fill('component.01.0102');
    await expectAccessible(page, 'add peer dialog');
    await screenshot(page, 'federation-add-peer');
    await page.getByTestId('peer-save').click();
    await expect.poll(async () => (await page.getByTestId('peers-table').textContent()) ?? '', { timeout: 20_000 }).toContain(PEER);
    await expect.poll(() => page.locator('.ant-modal:visible').count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'federation-peers');

    await page.getByTestId(`peer-test-${PEER}`).click();
    await page.getByTestId('peer-test-ok').waitFor({ timeout: 30_000 });
    // B's services, to map our categories onto.
    const services = (await page.locator('.ant-modal:visible').textContent()) ?? '';
    expect(services).toMatch(/连接成功：共 \d+ 项服务/);
    expect(services).toMatch(/(component|event)\.\d+/);
    await expectAccessible(page, 'peer connection test');
    await screenshot(page, 'federation-test');
    await page.close();
  });

  it('a dispatcher transfers an order from its detail page, and the detail shows the transfer as it progresses', async () => {
    const page: Page = await dispatcher.newPage();
    await signIn(page, env.base, 'dispatcher');
    await page.goto(`${env.base}/console/work-orders/${order.id}`);
    await page.getByTestId('work-order-detail').waitFor();
    await page.getByTestId('action-transfer').click();
    const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('action-form-transfer') });
    const chosen = async () => (await modal.getByTestId('transfer-peer').textContent()) ?? '';
    for (let i = 0; i < 3 && !(await chosen()).includes(PEER); i++) {
      await modal.getByTestId('transfer-peer').click();
      await page.locator(`.ant-select-item-option[title="${PEER}"]`).click();
      await page.waitForTimeout(300);
    }
    expect(await chosen()).toContain(PEER);
    await closeDropdowns(modal);
    await expectAccessible(page, 'transfer dialog');
    await screenshot(page, 'federation-transfer-dialog');
    await modal.getByTestId('action-submit').click();
    await expect.poll(() => page.getByTestId('work-order-detail').getAttribute('data-status'), { timeout: 20_000 }).toBe('transferred');
    const transfer = () => env.server!.ctx.db.selectFrom('federation_transfers').selectAll().where('work_order_id', '=', order.id).executeTakeFirst();
    await runJobsUntil(async () => (await transfer())?.state === 'sent');
    const remoteId = (await transfer())!.remote_id!;
    await page.getByTestId('detail-reload').click();
    await expect.poll(() => page.getByTestId('transfer-panel').getAttribute('data-state'), { timeout: 20_000 }).toBe('sent');
    expect(await page.getByTestId('transfer-remote-id').textContent()).toBe(remoteId);
    expect(await page.getByTestId('transfer-state').textContent()).toBe('对方办理中');

    // B's dispatcher accepts it with a note; A polls and mirrors that.
    const remote = await B.ctx.db.selectFrom('work_orders').select(['id', 'version']).where('code', '=', remoteId).executeTakeFirstOrThrow();
    const accepted = await B.app.inject({ method: 'POST', url: `/api/v1/work-orders/${remote.id}/actions`, headers: dispatcherB.bearer, payload: { version: remote.version, action: { type: 'accept', note: '乙市已受理，安排清运' } } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await restartPolls(env.server!.ctx);
    await runJobsUntil(async () => (await env.server!.ctx.db.selectFrom('work_order_timeline').select('id').where('work_order_id', '=', order.id).where('action', '=', 'remote_update').execute()).length > 0);
    await page.getByTestId('detail-reload').click();
    await expect.poll(async () => (await page.getByTestId('transfer-updates').textContent({ timeout: 20_000 })) ?? '', { timeout: 20_000 }).toContain('已受理');
    await expect.poll(async () => (await page.getByTestId('timeline').textContent()) ?? '').toContain('已转至对方城市');
    await page.getByTestId('transfer-panel').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'order detail with its transfer');
    await screenshot(page, 'federation-order-detail');
    await page.close();
  });
});
