/**
 * Work orders about components: the created-event subscriber links an order to the nearest component of its
 * category's subclass within the jurisdiction's link distance (or records one at the order's point), fills the
 * order's component_code, and the component's status follows its orders (missing/damaged → under repair → normal,
 * unless another order stays open), each change in the history with the order; re-running the jobs changes nothing.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { problemFromText, statusFromOrders } from '../src/modules/grid/index.js';
import { seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let cgj: MadeDepartment;
let worker: JobWorker;
const s: Record<string, Session> = {};

const COMMUNITY = '510104001001';
const sq = (x: number, y: number) => [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]];
const square = (x0: number, y0: number, x1: number, y1: number) => JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]] });
/** About 11 m east of COVER. */
const COVER = { lng: 104.005, lat: 30.605 };
const NEAR = { lng: 104.005115, lat: 30.605 };
/** About 480 m away: nothing of the subclass within 30 m. */
const FAR = { lng: 104.01, lat: 30.605 };

const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...s[who]!.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

async function order(title: string, location: { lng: number; lat: number }, categoryCode = 'component.01.0102') {
  const res = await api('agent', 'POST', '/work-orders', { requestType: 'component', categoryCode, title, description: `${title}，请尽快处理`, location, address: '人民路' });
  expect(res.statusCode, res.body).toBe(201);
  await worker.drain(10_000);
  return res.json().order as { id: string; code: string; version: number };
}

async function walk(o: { id: string; version: number }, steps: [string, object][]) {
  let v = o.version;
  for (const [who, action] of steps) {
    const res = await api(who, 'POST', `/work-orders/${o.id}/actions`, { version: v, action });
    expect(res.statusCode, res.body).toBe(200);
    v = res.json().order.version;
  }
  o.version = v;
  await worker.drain(10_000);
}

const componentOf = async (orderId: string) => (await t.ctx.db.selectFrom('work_orders').select('component_code').where('id', '=', orderId).executeTakeFirstOrThrow()).component_code;
const detail = async (code: string) => (await api('admin', 'GET', `/components/${code}`)).json().component as {
  status: string;
  orders: { code: string; how: string; problem: string; distanceM: number | null }[];
  history: { action: string; toStatus: string; workOrderCode: string | null }[];
};

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, systemActor('test', j)));
  await sql`INSERT INTO divisions (jurisdiction_id, code, parent_code, level, name_zh, boundary) VALUES
    (${j}, '510100', NULL, 'city', '测试市', ST_SetSRID(ST_GeomFromGeoJSON(${square(104.0, 30.6, 104.2, 30.8)}), 4326)),
    (${j}, '510104', '510100', 'district', '锦江区', ST_SetSRID(ST_GeomFromGeoJSON(${square(104.0, 30.6, 104.1, 30.8)}), 4326))`.execute(t.ctx.db);
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  const city = { kind: 'jurisdiction' } as const;
  for (const [name, spec] of Object.entries({
    admin: { grants: [{ role: 'admin' as const, scope: city }] },
    agent: { grants: [{ role: 'agent' as const, scope: city }] },
    dispatcher: { grants: [{ role: 'dispatcher' as const, scope: city }] },
    handler: { departmentId: cgj.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: cgj.id } }] },
    inspector: { grants: [{ role: 'inspector' as const, scope: city }] },
  })) {
    s[name] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, ...spec }));
  }
  const features = [0, 1].map((col) => ({ type: 'Feature', properties: { community_code: COMMUNITY }, geometry: { type: 'Polygon', coordinates: [sq(104 + col * 0.01, 30.6)] } }));
  expect((await api('admin', 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features }, checks: 'validity' })).statusCode).toBe(200);
  expect((await api('admin', 'POST', '/component-classes/standard')).statusCode).toBe(200);
  worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
});
afterAll(async () => {
  await t?.close();
});

describe('pure rules', () => {
  it('reads missing from the words, and derives the status from the orders', () => {
    expect(problemFromText('污水井盖丢失')).toBe('missing');
    expect(problemFromText('井盖被盗，路口很危险')).toBe('missing');
    expect(problemFromText('井盖破损下沉')).toBe('damaged');
    expect(statusFromOrders([{ problem: 'missing', orderStatus: 'received' }])).toBe('missing');
    expect(statusFromOrders([{ problem: 'damaged', orderStatus: 'accepted' }, { problem: 'missing', orderStatus: 'closed' }])).toBe('damaged');
    expect(statusFromOrders([{ problem: 'damaged', orderStatus: 'received' }, { problem: 'missing', orderStatus: 'signed' }])).toBe('under_repair');
    expect(statusFromOrders([{ problem: 'missing', orderStatus: 'closed' }, { problem: 'damaged', orderStatus: 'rejected' }])).toBe('normal');
  });
});

describe(`work orders about components (${testStorageKind})`, () => {
  let cover: string;
  let first: { id: string; code: string; version: number };

  it('links an order to the nearest component of its subclass within the distance; the component goes missing', async () => {
    const made = await api('admin', 'POST', '/components', { classCode: '0102', ...COVER });
    cover = made.json().component.code;
    // Another subclass right at the point is not a match.
    await api('admin', 'POST', '/components', { classCode: '0103', ...NEAR });
    first = await order('污水井盖丢失', NEAR);
    expect(await componentOf(first.id)).toBe(cover);
    const c = await detail(cover);
    expect(c.status).toBe('missing');
    expect(c.orders).toEqual([expect.objectContaining({ code: first.code, how: 'nearest', problem: 'missing' })]);
    expect(c.orders[0]!.distanceM).toBeGreaterThan(5);
    expect(c.orders[0]!.distanceM).toBeLessThan(20);
    expect(c.history[0]).toMatchObject({ action: 'status', toStatus: 'missing', workOrderCode: first.code });
  });

  it('follows the order: dispatched → under repair; a second open order keeps it under repair until both are done', async () => {
    await walk(first, [['agent', { type: 'accept' }], ['dispatcher', { type: 'dispatch', departmentId: cgj.id }]]);
    expect((await detail(cover)).status).toBe('under_repair');
    const second = await order('井盖破损松动', NEAR);
    expect(await componentOf(second.id)).toBe(cover);
    expect((await detail(cover)).status).toBe('under_repair');
    await walk(first, [
      ['handler', { type: 'sign' }],
      ['handler', { type: 'start' }],
      ['handler', { type: 'report', note: '已安装新井盖' }],
      ['inspector', { type: 'verify_pass', note: '核查通过' }],
      ['dispatcher', { type: 'close' }],
    ]);
    // The second order is still waiting: the component is damaged, not normal.
    expect((await detail(cover)).status).toBe('damaged');
    await walk(second, [['dispatcher', { type: 'reject', reason: '重复上报' }]]);
    const c = await detail(cover);
    expect(c.status).toBe('normal');
    expect(c.history.filter((h) => h.action === 'status').map((h) => [h.toStatus, h.workOrderCode])).toEqual([
      ['normal', second.code],
      ['damaged', first.code],
      ['under_repair', first.code],
      ['missing', first.code],
    ]);
    const audits = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'component.status').where('jurisdiction_id', '=', j).execute();
    expect(audits).toHaveLength(4);
  });

  it('records a new component at the order point when none of the subclass is near, with the status from the order', async () => {
    const far = await order('路边雨水井盖破损', FAR, 'component.01.0103');
    const code = await componentOf(far.id);
    expect(code).toMatch(/^5101040103\d{6}$/);
    const c = await detail(code!);
    expect(c).toMatchObject({ status: 'damaged', orders: [expect.objectContaining({ how: 'recorded', distanceM: null })] });
    expect(c.history.at(-1)).toMatchObject({ action: 'create', workOrderCode: far.code });
  });

  it('uses the jurisdiction link distance, and leaves orders of other categories alone', async () => {
    expect((await api('admin', 'PUT', '/component-settings', { linkDistanceM: 1000 })).statusCode).toBe(200);
    const wide = await order('污水井盖缺失', { lng: 104.008, lat: 30.605 });
    expect(await componentOf(wide.id)).toBe(cover);
    const plain = await order('占道经营', NEAR, 'event.01');
    expect(await componentOf(plain.id)).toBeNull();
    const before = await t.ctx.db.selectFrom('component_orders').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    // Running the subscribers again (at least once delivery) adds nothing.
    await sql`UPDATE jobs SET status = 'pending', run_at = now() WHERE handler IN ('work_orders.link-component', 'work_orders.component-follows')`.execute(t.ctx.db);
    await worker.drain(10_000);
    const after = await t.ctx.db.selectFrom('component_orders').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
