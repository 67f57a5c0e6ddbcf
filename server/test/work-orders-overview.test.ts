/**
 * GET /work-orders/overview (the console's 辖区总览): orders made in known states give known figures; each figure
 * equals the count of GET /work-orders with the filters the console links it to; a handler sees their department's
 * orders only and a handler of another department none of them; a role without work_order.read is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeTestCity, makeUser, walkOrder, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let cgj: MadeDepartment; // 城管局
let water: MadeDepartment; // 水务局
const s: Record<string, Session> = {};
const ids: Record<string, { id: string; version: number; code: string }> = {};

const WEST = { lng: 104.05, lat: 30.7 }; // 510104
const EAST = { lng: 104.15, lat: 30.7 }; // 510105

const post = (who: string, url: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: s[who]!.bearer });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });

async function make(name: string, over: object = {}) {
  const res = await post('agent', '/work-orders', {
    requestType: 'complaint',
    categoryCode: 'component.01.0102',
    title: `总览 ${name}`,
    description: '总览测试工单',
    location: WEST,
    reporter: { name: '张三', phone: '13800138000' },
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  const o = res.json().order;
  ids[name] = { id: o.id, version: o.version, code: o.code };
}

const walk = (name: string, steps: [string, object][]) => walkOrder(t.app, s, ids[name]!, steps);

const setRow = (name: string, values: Record<string, unknown>) => t.ctx.db.updateTable('work_orders').set(values as never).where('id', '=', ids[name]!.id).execute();
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  j = await makeTestCity(t.ctx, { east: true });
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  water = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '水务局' });
  const city = { kind: 'jurisdiction' } as const;
  const users = {
    agent: { grants: [{ role: 'agent' as const, scope: city }] },
    dispatcher: { grants: [{ role: 'dispatcher' as const, scope: city }] },
    inspector: { grants: [{ role: 'inspector' as const, scope: city }] },
    leader: { grants: [{ role: 'leader' as const, scope: city }] },
    handler: { departmentId: cgj.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: cgj.id } }] },
    waterHandler: { departmentId: water.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: water.id } }] },
    steward: { grants: [{ role: 'steward' as const, scope: city }] },
  };
  for (const [name, spec] of Object.entries(users)) s[name] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, ...spec }));

  const dispatch: [string, object][] = [['agent', { type: 'accept' }], ['dispatcher', { type: 'dispatch', departmentId: cgj.id }]];
  const signed: [string, object][] = [...dispatch, ['handler', { type: 'sign' }]];
  await make('received'); // 510104
  await make('accepted', { location: EAST });
  await walk('accepted', [['agent', { type: 'accept' }]]);
  await make('returned');
  await walk('returned', [...dispatch, ['handler', { type: 'return', reason: '不属于本部门' }]]);
  await make('overdue', { location: EAST });
  await walk('overdue', [...signed, ['leader', { type: 'supervise', note: '请加快处置' }]]);
  await setRow('overdue', { overdue: true, warned: true });
  await make('warned');
  await walk('warned', signed);
  await setRow('warned', { warned: true });
  await make('in-progress', { location: EAST });
  await walk('in-progress', [...signed, ['handler', { type: 'start' }]]);
  // Closed today after its deadline had passed, rated 满意 by the reporter.
  await make('closed-late');
  await walk('closed-late', [...signed, ['handler', { type: 'start' }], ['handler', { type: 'report', note: '已处理' }], ['inspector', { type: 'verify_pass' }], ['dispatcher', { type: 'close' }]]);
  const rated = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: ids['closed-late']!.code, phoneLast4: '8000', rating: 'satisfied' } });
  expect(rated.statusCode, rated.body).toBe(200);
  await setRow('closed-late', { due_at: new Date(Date.now() - 3600_000) });
  // Answered at first contact (首接办结) today: closed on time, no department.
  await make('answered', { requestType: 'enquiry', categoryCode: null });
  await walk('answered', [['agent', { type: 'answer', note: '已电话答复' }]]);
  // Received three days ago and still waiting; closed two days ago (created 40 days ago: outside the 30-day rates).
  await make('old-received');
  await setRow('old-received', { created_at: new Date(Date.now() - 3 * DAY) });
  await make('old-closed');
  await walk('old-closed', [...signed, ['handler', { type: 'start' }], ['handler', { type: 'report', note: '已处理' }], ['inspector', { type: 'verify_pass' }], ['dispatcher', { type: 'close' }]]);
  await setRow('old-closed', { created_at: new Date(Date.now() - 40 * DAY), closed_at: new Date(Date.now() - 2 * DAY) });
});
afterAll(async () => {
  await t?.close();
});

/** The list query each figure links to (what the console's overview builds; see web/src/console/overview/model.ts). */
function listQueries(today: { from: string; to: string }): Record<string, string> {
  const at = (iso: string) => encodeURIComponent(iso);
  return {
    receivedToday: `from=${at(today.from)}&to=${at(today.to)}`,
    open: 'open=true',
    awaitingDispatch: 'status=received,accepted,returned',
    overdue: 'open=true&overdue=true',
    supervised: 'open=true&supervised=true',
    warning: 'open=true&warned=true&overdue=false',
    closedToday: `closedFrom=${at(today.from)}&closedTo=${at(today.to)}`,
  };
}

async function listCount(who: string, query: string): Promise<number> {
  const res = await get(who, `/work-orders?${query}&limit=200`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.length;
}

describe(`work-order overview (${testStorageKind})`, () => {
  it("counts today's figures for the city, in China days, each equal to the list it links to", async () => {
    const res = await get('dispatcher', '/work-orders/overview');
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(o.today).toEqual({ day, from: new Date(`${day}T00:00:00+08:00`).toISOString(), to: new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY).toISOString() });
    expect(o.period).toMatchObject({ to: day, days: 30 });
    expect(o.counts).toEqual({
      receivedToday: 8, // all but the two made earlier
      open: 7, // received, accepted, returned, overdue, warned, in-progress, old-received
      awaitingDispatch: 4, // received, accepted, returned, old-received
      overdue: 1,
      supervised: 1,
      warning: 1,
      closedToday: 2, // closed-late, answered
    });
    // Created in the last 30 days: all but old-closed. Closed: closed-late (late) and answered (no deadline: on time).
    expect(o.rates).toEqual({ total: 9, closed: 2, closedOnTime: 1, onTimeRate: 0.5, rated: 1, satisfactionRate: 1 });
    expect(o.districts).toEqual([
      { code: '510104', open: 4, overdue: 0 },
      { code: '510105', open: 3, overdue: 1 },
    ]);
    const queries = listQueries(o.today);
    for (const [figure, query] of Object.entries(queries)) expect([figure, await listCount('dispatcher', query)]).toEqual([figure, o.counts[figure]]);
    for (const d of o.districts) {
      expect(await listCount('dispatcher', `district=${d.code}&open=true`)).toBe(d.open);
      expect(await listCount('dispatcher', `district=${d.code}&open=true&overdue=true`)).toBe(d.overdue);
    }
  });

  it("gives a handler their department's orders only, and a handler of another department none", async () => {
    const mine = (await get('handler', '/work-orders/overview')).json();
    // Dispatched to 城管局 and still open: overdue, warned, in-progress (the returned order went back to the dispatcher).
    expect(mine.counts).toMatchObject({ open: 3, overdue: 1, supervised: 1, warning: 1, closedToday: 1 });
    for (const [figure, query] of Object.entries(listQueries(mine.today))) expect([figure, await listCount('handler', query)]).toEqual([figure, mine.counts[figure]]);
    expect(mine.rates).toMatchObject({ closed: 1, closedOnTime: 0, onTimeRate: 0, rated: 1, satisfactionRate: 1 });

    const other = (await get('waterHandler', '/work-orders/overview')).json();
    expect(Object.values(other.counts).every((n) => n === 0)).toBe(true);
    expect(other.rates).toEqual({ total: 0, closed: 0, closedOnTime: 0, onTimeRate: null, rated: 0, satisfactionRate: null });
    expect(other.districts).toEqual([]);
  });

  it('is refused to a role without work_order.read, and to nobody signed in', async () => {
    const steward = await get('steward', '/work-orders/overview');
    expect(steward.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/work-orders/overview' });
    expect(anonymous.statusCode).toBe(401);
  });
});
