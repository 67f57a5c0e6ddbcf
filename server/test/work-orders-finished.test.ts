/**
 * 办结 (finished) is one thing in the statistics, the overview's 今日办结 and the list's closed filters: an enquiry
 * answered at intake is finished when it is answered (closed_at set then), and stays finished once its reporter rates
 * it — satisfied (rated) or not (under review). So a rated enquiry is counted once as closed, every rated order is a
 * closed one and 参评率 (rated ÷ closed) stays ≤ 100 %. A cancelled or merged order ended without being finished.
 * Migration 0084 back-fills closed_at of orders answered before. The public tracking page shows the deadline only while
 * the order is worked on and its clock runs.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../src/db/migrate.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
const s: Record<string, Session> = {};
const orders: Record<string, { id: string; code: string; version: number }> = {};

const post = (who: string, url: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: s[who]!.bearer });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });

let phone = 0;
async function make(name: string, requestType: string) {
  const res = await post('agent', '/work-orders', {
    requestType,
    title: `办结 ${name}`,
    description: '办结统计测试',
    address: '测试路 1 号',
    reporter: { name: '王五', phone: `1380013${String(++phone).padStart(4, '0')}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  const o = res.json().order;
  orders[name] = { id: o.id, code: o.code, version: o.version };
}

async function act(who: string, name: string, action: object) {
  const o = orders[name]!;
  const res = await post(who, `/work-orders/${o.id}/actions`, { version: o.version, action });
  expect(res.statusCode, res.body).toBe(200);
  o.version = res.json().order.version;
}

async function rate(name: string, rating: string) {
  const o = orders[name]!;
  const last4 = (await t.ctx.db.selectFrom('work_orders').select('reporter_phone_last4').where('id', '=', o.id).executeTakeFirstOrThrow()).reporter_phone_last4;
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: o.code, phoneLast4: last4, rating }, remoteAddress: `10.8.0.${phone++}` });
  expect(res.statusCode, res.body).toBe(200);
}

const row = (name: string) => t.ctx.db.selectFrom('work_orders').select(['status', 'closed_at']).where('id', '=', orders[name]!.id).executeTakeFirstOrThrow();
const answeredAt = async (name: string) =>
  (await t.ctx.db.selectFrom('work_order_timeline').select('at').where('work_order_id', '=', orders[name]!.id).where('action', '=', 'answer').executeTakeFirstOrThrow()).at;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher'] as const) s[role] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role, scope: city }] }));

  // Three enquiries answered at first contact: one rated satisfied, one unsatisfied (under review), one not rated.
  for (const name of ['rated', 'unsatisfied', 'answered']) {
    await make(name, 'enquiry');
    await act('agent', name, { type: 'answer', note: '已电话答复' });
  }
  await rate('rated', 'satisfied');
  await rate('unsatisfied', 'unsatisfied');
  // Still waiting, withdrawn, and merged into the waiting one: none of them is finished.
  await make('open', 'complaint');
  await make('cancelled', 'complaint');
  await act('dispatcher', 'cancelled', { type: 'cancel', reason: '市民撤回' });
  await make('merged', 'complaint');
  await act('dispatcher', 'merged', { type: 'merge', parentId: orders.open!.id });
});
afterAll(async () => {
  await t?.close();
});

const FINISHED = ['answered', 'rated', 'unsatisfied'];

describe(`finished orders (${testStorageKind})`, () => {
  it('sets closed_at when an enquiry is answered, and keeps it when the reporter rates it', async () => {
    for (const name of FINISHED) {
      const r = await row(name);
      expect(r.closed_at, name).not.toBeNull();
      expect(new Date(r.closed_at!).toISOString(), name).toBe(new Date(await answeredAt(name)).toISOString());
    }
    expect((await row('rated')).status).toBe('rated');
    expect((await row('unsatisfied')).status).toBe('under_review');
    for (const name of ['open', 'cancelled', 'merged']) expect((await row(name)).closed_at, name).toBeNull();
  });

  it('counts a rated enquiry once as closed in the statistics: rated ≤ closed, 参评率 ≤ 100 %', async () => {
    const from = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    const res = await get('dispatcher', `/work-orders/stats?from=${from}&to=${to}&groupBy=requestType,status`);
    expect(res.statusCode, res.body).toBe(200);
    const { summary, groups } = res.json();
    expect(summary).toMatchObject({ total: 6, closed: 3, closedOnTime: 3, rated: 2, satisfied: 1, unsatisfied: 1, ratedRate: 0.6667 });
    expect(summary.rated).toBeLessThanOrEqual(summary.closed);
    expect(summary.avgCloseHours).not.toBeNull();
    expect(groups.requestType).toContainEqual(expect.objectContaining({ key: 'enquiry', total: 3, closed: 3 }));
    expect(groups.requestType).toContainEqual(expect.objectContaining({ key: 'complaint', total: 3, closed: 0 }));
    const closedByStatus = Object.fromEntries(groups.status.map((g: { key: string; closed: number }) => [g.key, g.closed]));
    expect(closedByStatus).toEqual({ answered: 1, rated: 1, under_review: 1, received: 0, cancelled: 0, merged: 0 });
  });

  it("counts the same orders in the overview's 今日办结 and its rates, and lists them with the closed filters", async () => {
    const res = await get('dispatcher', '/work-orders/overview');
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    expect(o.counts.closedToday).toBe(3);
    expect(o.rates).toMatchObject({ total: 6, closed: 3, rated: 2 });
    expect(o.rates.rated).toBeLessThanOrEqual(o.rates.closed);
    const list = await get('dispatcher', `/work-orders?closedFrom=${encodeURIComponent(o.today.from)}&closedTo=${encodeURIComponent(o.today.to)}&limit=50`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { code: string }) => i.code).sort()).toEqual(FINISHED.map((n) => orders[n]!.code).sort());
    // Before today: none of them.
    const yesterday = new Date(Date.parse(o.today.from) - 86_400_000).toISOString();
    expect((await get('dispatcher', `/work-orders?closedFrom=${encodeURIComponent(yesterday)}&closedTo=${encodeURIComponent(o.today.from)}`)).json().items).toEqual([]);
  });

  it('back-fills closed_at of orders answered before (migration 0084) from their answer', async () => {
    const migration = readMigrations().find((m) => m.version === '0084');
    expect(migration?.name).toBe('finished_closed_at');
    const ids = FINISHED.map((n) => orders[n]!.id);
    // As rows answered (and rated) before answers set closed_at were left.
    await t.ctx.db.updateTable('work_orders').set({ closed_at: null, updated_at: new Date(Date.now() + 3600_000) }).where('id', 'in', ids).execute();
    await sql.raw(migration!.sql).execute(t.ctx.db);
    for (const name of FINISHED) expect(new Date((await row(name)).closed_at!).toISOString(), name).toBe(new Date(await answeredAt(name)).toISOString());
    for (const name of ['open', 'cancelled', 'merged']) expect((await row(name)).closed_at, name).toBeNull();
  });
});

describe(`the public tracking page's deadline (${testStorageKind})`, () => {
  const track = async (name: string) => {
    const o = orders[name]!;
    const r = await t.ctx.db.selectFrom('work_orders').select(['reporter_phone_last4', 'due_at']).where('id', '=', o.id).executeTakeFirstOrThrow();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${o.code}&phoneLast4=${r.reporter_phone_last4}` });
    expect(res.statusCode, res.body).toBe(200);
    return { tracking: res.json() as { status: string; dueAt: string | null }, dueAt: r.due_at };
  };

  it('shows the deadline while the order is worked on', async () => {
    const { tracking, dueAt } = await track('open');
    expect(tracking.status).toBe('received');
    expect(tracking.dueAt).toBe(new Date(dueAt!).toISOString());
  });

  it('shows none under review (复核中), once finished or ended, or merged into another order — though the order keeps one', async () => {
    for (const name of ['unsatisfied', 'rated', 'answered', 'cancelled', 'merged']) {
      const { tracking, dueAt } = await track(name);
      expect([name, tracking.dueAt]).toEqual([name, null]);
      if (name === 'unsatisfied' || name === 'merged') expect(dueAt, name).not.toBeNull();
    }
    expect((await track('unsatisfied')).tracking.status).toBe('under_review');
  });
});
