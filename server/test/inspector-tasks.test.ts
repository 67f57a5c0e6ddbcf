/**
 * Inspectors on patrol through HTTP: tasks derived from grid responsibility (核实 for new reports, 核查 for handled
 * orders) with deadlines from the performance limits, overdue flagged and sorted; results with photos and position
 * through the lifecycle (accept / reject / verify_pass / verify_fail), idempotent under the device's key (a retry,
 * a concurrent duplicate, a stale version); problems reported from patrol registered at once, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGrids } from '../src/modules/grid/index.js';
import { JINNIU_SCHEME } from '../src/modules/performance/index.js';
import { createWorkOrder } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeDepartment, makeTestCity, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let j: string;
let cgj: MadeDepartment;
const s: Record<string, Session> = {};
const ids: Record<string, string> = {};

const HOUR = 3_600_000;
const square = (x0: number, y0: number, x1: number, y1: number) => [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];
// Grids A and B (community 001) belong to the inspector, C (community 002) to another one.
const A = '51010400100101';
const B = '51010400100102';
const C = '51010400100201';
const IN_A = { lng: 104.005, lat: 30.605 };
const IN_B = { lng: 104.015, lat: 30.605 };
const IN_C = { lng: 104.025, lat: 30.605 };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cg-inspector-'));
  t = await createTestApp({ dataDir });
  j = await makeTestCity(t.ctx);
  const features = [
    { type: 'Feature', properties: { code: A, community_code: A.slice(0, 12) }, geometry: { type: 'Polygon', coordinates: square(104.0, 30.6, 104.01, 30.61) } },
    { type: 'Feature', properties: { code: B, community_code: B.slice(0, 12) }, geometry: { type: 'Polygon', coordinates: square(104.01, 30.6, 104.02, 30.61) } },
    { type: 'Feature', properties: { code: C, community_code: C.slice(0, 12) }, geometry: { type: 'Polygon', coordinates: square(104.02, 30.6, 104.03, 30.61) } },
  ];
  expect((await importGrids(t.ctx, j, { type: 'FeatureCollection', features }, systemActor('test', j), { checks: 'validity' })).applied).toBe(true);
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  const city = { kind: 'jurisdiction' } as const;
  const users = {
    agent: { grants: [{ role: 'agent' as const, scope: city }] },
    dispatcher: { grants: [{ role: 'dispatcher' as const, scope: city }] },
    handler: { departmentId: cgj.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: cgj.id } }] },
    inspector: { grants: [{ role: 'inspector' as const, scope: { kind: 'grids' as const, gridCodes: [A, B] } }] },
    inspector2: { grants: [{ role: 'inspector' as const, scope: { kind: 'grids' as const, gridCodes: [C] } }] },
    analyst: { grants: [{ role: 'analyst' as const, scope: city }] },
  };
  for (const [name, spec] of Object.entries(users)) {
    const u = await makeUser(t.ctx.db, { jurisdictionId: j, ...spec });
    ids[name] = u.id;
    s[name] = await loginAs(t.app, u);
  }
  const grids = await t.ctx.db.selectFrom('grids').select(['id', 'code']).where('jurisdiction_id', '=', j).execute();
  const gridId = (code: string) => grids.find((g) => g.code === code)!.id;
  await t.ctx.db
    .insertInto('grid_inspectors')
    .values([
      { jurisdiction_id: j, grid_id: gridId(A), user_id: ids.inspector! },
      { jurisdiction_id: j, grid_id: gridId(B), user_id: ids.inspector! },
      { jurisdiction_id: j, grid_id: gridId(C), user_id: ids.inspector2! },
    ])
    .execute();
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const post = (who: string, url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { ...s[who]!.bearer, ...headers } });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });

let seed = 1;
async function photo(who = 'inspector'): Promise<string> {
  const n = seed++;
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { 'content-type': 'image/png', ...s[who]!.bearer }, payload: makePng(8, 8, n), remoteAddress: `10.7.0.${n % 250}` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A resident's report as the hotline takes it, created `agoMs` before now. */
async function report(title: string, location: { lng: number; lat: number }, agoMs = 0, over: object = {}) {
  const { order } = await createWorkOrder(
    t.ctx,
    { jurisdictionId: j, channel: 'hotline', requestType: 'event', categoryCode: 'event.05.04', title, description: `${title}，请核实`, location, urgency: 'normal', ...over },
    { principal: null, audit: systemActor('test', j) },
    { now: new Date(Date.now() - agoMs) },
  );
  return order;
}

interface Task {
  kind: 'verify' | 'check';
  state: 'open' | 'done';
  since: string;
  dueAt: string;
  overdue: boolean;
  order: { id: string; code: string; version: number; status: string; photos: string[] };
  result: { outcome: string; distanceM: number | null; onTime: boolean } | null;
}

async function tasks(who = 'inspector'): Promise<Task[]> {
  const res = await get(who, '/inspector/tasks');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Task[];
}
const openFor = async (id: string, who = 'inspector') => (await tasks(who)).find((x) => x.order.id === id && x.state === 'open');

async function timeline(id: string) {
  return t.ctx.db.selectFrom('work_order_timeline').selectAll().where('work_order_id', '=', id).orderBy('id').execute();
}

async function act(who: string, id: string, version: number, action: object) {
  const res = await post(who, `/work-orders/${id}/actions`, { version, action });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().order as { version: number; status: string };
}

/** Walks a report to 'reported' (handled, waiting for 核查) through the roles that do each step. */
async function handled(title: string, location = IN_A) {
  const o = await report(title, location, 3 * HOUR);
  let v = (await act('agent', o.id, o.version, { type: 'accept' })).version;
  v = (await act('dispatcher', o.id, v, { type: 'dispatch', departmentId: cgj.id })).version;
  v = (await act('handler', o.id, v, { type: 'sign' })).version;
  v = (await act('handler', o.id, v, { type: 'start' })).version;
  return { id: o.id, version: (await act('handler', o.id, v, { type: 'report', note: '已处置' })).version };
}

const key = () => `test-${crypto.randomUUID()}`;

describe('inspector tasks', () => {
  it('lists 核实 tasks in my grids only, due verifyHours after the report, overdue first', async () => {
    const fresh = await report('占道经营 新', IN_A, 10 * 60_000);
    const late = await report('占道经营 超时', IN_B, 2 * HOUR);
    const enquiry = await report('咨询', IN_A, 0, { requestType: 'enquiry', categoryCode: null });
    const theirs = await report('别人的网格', IN_C);
    const mine = await tasks();
    const open = mine.filter((x) => x.state === 'open');
    const lateTask = open.find((x) => x.order.id === late.id)!;
    const freshTask = open.find((x) => x.order.id === fresh.id)!;
    expect(lateTask).toMatchObject({ kind: 'verify', overdue: true });
    expect(freshTask).toMatchObject({ kind: 'verify', overdue: false });
    // The default scheme's verifyHours (1): the same clock the performance evaluation counts 按时核实 by.
    expect(new Date(freshTask.dueAt).getTime() - new Date(freshTask.since).getTime()).toBe(HOUR);
    expect(open.indexOf(lateTask)).toBeLessThan(open.indexOf(freshTask));
    expect(open.some((x) => x.order.id === enquiry.id || x.order.id === theirs.id)).toBe(false);
    expect((await tasks('inspector2')).map((x) => x.order.id)).toContain(theirs.id);
    expect((await get('agent', '/inspector/tasks')).statusCode).toBe(403);
  });

  it('shows my grids with their outlines', async () => {
    const res = await get('inspector', '/inspector/grids');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ code: string; geometry: { type: string } }>;
    expect(items.map((g) => g.code)).toEqual([A, B]);
    expect(items[0]!.geometry.type).toBe('MultiPolygon');
  });

  it('核实 confirmed on site: the order is registered by the inspector, with photos and where they stood; a retry applies nothing again', async () => {
    const o = await report('井盖缺失', IN_A, 20 * 60_000);
    const photos = [await photo(), await photo()];
    const body = { version: o.version, outcome: 'confirmed', note: '现场确认井盖缺失', photoIds: photos, position: { lng: 104.0051, lat: 30.605, accuracyM: 8 } };
    const k = key();
    const first = await post('inspector', `/inspector/tasks/${o.id}/result`, body, { 'idempotency-key': k });
    expect(first.statusCode, first.body).toBe(201);
    const r = first.json();
    expect(r).toMatchObject({ replayed: false, order: { status: 'accepted' }, result: { kind: 'verify', outcome: 'confirmed', onTime: true } });
    // 0.0001° east of the order's point: about 9.6 m at this latitude (geodesic, PostGIS).
    expect(r.result.distanceM).toBe(10);
    const entries = await timeline(o.id);
    expect(entries.at(-1)).toMatchObject({ action: 'accept', actor_id: ids.inspector, actor_role: 'inspector', note: '现场确认井盖缺失' });
    expect(entries.at(-1)!.photos).toEqual(photos);
    const linked = await t.ctx.db.selectFrom('attachments').select('work_order_id').where('id', 'in', photos).execute();
    expect(linked.every((a) => a.work_order_id === o.id)).toBe(true);

    const again = await post('inspector', `/inspector/tasks/${o.id}/result`, body, { 'idempotency-key': k });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, result: { id: r.result.id } });
    expect(await timeline(o.id)).toHaveLength(entries.length);
    const reused = await post('inspector', `/inspector/tasks/${o.id}/result`, { ...body, note: '别的' }, { 'idempotency-key': k });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('inspector.idempotency_key_reused');

    const list = await tasks();
    expect(list.some((x) => x.order.id === o.id && x.state === 'open')).toBe(false);
    expect(list.find((x) => x.order.id === o.id)).toMatchObject({ state: 'done', result: { outcome: 'confirmed' } });
  });

  it('核实 not real needs a reason and a photo, and rejects the report', async () => {
    const o = await report('虚假上报', IN_B);
    const p = await photo();
    const noReason = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'not_real', photoIds: [p] }, { 'idempotency-key': key() });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().code).toBe('inspector.reason_required');
    const noPhoto = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'not_real', note: '无', photoIds: [] }, { 'idempotency-key': key() });
    expect(noPhoto.statusCode).toBe(400);
    const noKey = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'not_real', note: '无', photoIds: [p] });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().code).toBe('inspector.idempotency_key_required');
    const ok = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'not_real', note: '现场未发现占道', photoIds: [p] }, { 'idempotency-key': key() });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().order.status).toBe('rejected');
    expect((await timeline(o.id)).at(-1)).toMatchObject({ action: 'reject', note: '现场未发现占道', actor_role: 'inspector' });
  });

  it('核查: a handled order is due checkHours after the report; fail sends it back (返工), pass verifies it', async () => {
    const o = await handled('垃圾堆放');
    const task = (await openFor(o.id))!;
    expect(task.kind).toBe('check');
    expect(new Date(task.dueAt).getTime() - new Date(task.since).getTime()).toBe(4 * HOUR);
    const fail = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'fail', note: '仍有垃圾', photoIds: [await photo()] }, { 'idempotency-key': key() });
    expect(fail.statusCode, fail.body).toBe(201);
    expect(fail.json().order.status).toBe('in_progress');
    expect(await openFor(o.id)).toBeUndefined();
    const row = await t.ctx.db.selectFrom('work_orders').select(['rework_count', 'version']).where('id', '=', o.id).executeTakeFirstOrThrow();
    expect(row.rework_count).toBe(1);
    await act('handler', o.id, row.version, { type: 'report', note: '返工完成' });
    const again = (await openFor(o.id))!;
    expect(again.kind).toBe('check');
    const pass = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: again.order.version, outcome: 'pass', photoIds: [await photo()], position: { lng: IN_A.lng, lat: IN_A.lat } }, { 'idempotency-key': key() });
    expect(pass.statusCode, pass.body).toBe(201);
    expect(pass.json()).toMatchObject({ order: { status: 'verified' }, result: { kind: 'check', outcome: 'pass', distanceM: 0 } });
    // The outcome must fit the task: a 核实 outcome on an order waiting for 核查 is refused.
    const h = await handled('另一个');
    const wrong = await post('inspector', `/inspector/tasks/${h.id}/result`, { version: h.version, outcome: 'confirmed', photoIds: [await photo()] }, { 'idempotency-key': key() });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().code).toBe('inspector.task_not_open');
    // The message names the status in words (not "reported"), in both languages; the details keep the code.
    const hCode = (await t.ctx.db.selectFrom('work_orders').select('code').where('id', '=', h.id).executeTakeFirstOrThrow()).code;
    expect(wrong.json()).toMatchObject({ message: `工单 ${hCode} 已没有该项待办任务（当前状态：已反馈）`, details: { status: 'reported' } });
    const wrongEn = await post('inspector', `/inspector/tasks/${h.id}/result`, { version: h.version, outcome: 'confirmed', photoIds: [await photo()] }, { 'idempotency-key': key(), 'accept-language': 'en' });
    expect(wrongEn.json()).toMatchObject({ message: `Order ${hCode} has no such task open any more (status now: Reported)`, details: { status: 'reported' } });
  });

  it('a stale version is a 409 and stores nothing under the key; the same key then works with the current version', async () => {
    const o = await report('版本', IN_A);
    const k = key();
    const p = await photo();
    const stale = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version + 5, outcome: 'confirmed', photoIds: [p] }, { 'idempotency-key': k });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('work_order.version_conflict');
    expect(await t.ctx.db.selectFrom('inspector_task_results').select('id').where('idempotency_key', '=', k).execute()).toHaveLength(0);
    const ok = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'confirmed', photoIds: [p] }, { 'idempotency-key': k });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('the same result sent twice at once is applied once', async () => {
    const o = await report('并发', IN_B);
    const body = { version: o.version, outcome: 'confirmed', photoIds: [await photo()] };
    const k = key();
    const [x, y] = await Promise.all([
      post('inspector', `/inspector/tasks/${o.id}/result`, body, { 'idempotency-key': k }),
      post('inspector', `/inspector/tasks/${o.id}/result`, body, { 'idempotency-key': k }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 201]);
    expect((await timeline(o.id)).filter((e) => e.action === 'accept')).toHaveLength(1);
  });

  it("cannot act on an order outside the grant's grids", async () => {
    const o = await report('别处', IN_C);
    const res = await post('inspector', `/inspector/tasks/${o.id}/result`, { version: o.version, outcome: 'confirmed', photoIds: [await photo()] }, { 'idempotency-key': key() });
    expect(res.statusCode).toBe(404);
  });
});

describe('task deadlines follow the default scoring scheme', () => {
  it("moves with the jurisdiction's own default scheme's 核实/核查 limits", async () => {
    const o = await report('时限', IN_A);
    const scheme = { key: 'patrol', nameZh: '巡查方案', nameEn: 'Patrol', definition: { ...JINNIU_SCHEME, limits: { verifyHours: 2, checkHours: 8 } }, isDefault: true };
    const saved = await post('analyst', '/performance/schemes', scheme);
    expect(saved.statusCode, saved.body).toBe(201);
    try {
      const res = await get('inspector', '/inspector/tasks');
      expect(res.json().limits).toEqual({ verifyHours: 2, checkHours: 8 });
      const task = (await openFor(o.id))!;
      expect(new Date(task.dueAt).getTime() - new Date(task.since).getTime()).toBe(2 * HOUR);
    } finally {
      await t.ctx.db.updateTable('performance_schemes').set({ is_default: false }).where('jurisdiction_id', '=', j).execute();
    }
  });
});

describe('problems reported on patrol', () => {
  const body = (over: object = {}) => ({ requestType: 'component', categoryCode: 'component.01.0118', description: '路灯不亮，整段路很暗', location: IN_A, ...over });

  it('registers (立案) at once in my grid, as the inspector, and only once however often it is sent', async () => {
    const k = key();
    const b = body({ photoIds: [await photo()], actedAt: new Date(Date.now() - 60_000).toISOString() });
    const first = await post('inspector', '/inspector/reports', b, { 'idempotency-key': k });
    expect(first.statusCode, first.body).toBe(201);
    const r = first.json();
    expect(r).toMatchObject({ replayed: false, registered: true, order: { status: 'accepted', gridCode: A } });
    const row = await t.ctx.db.selectFrom('work_orders').select(['channel', 'title']).where('id', '=', r.order.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'inspector', title: '路灯不亮，整段路很暗' });
    const entries = await timeline(r.order.id);
    expect(entries.map((e) => [e.action, e.actor_role])).toEqual([
      ['create', 'inspector'],
      ['accept', 'inspector'],
    ]);
    for (let i = 0; i < 3; i++) {
      const again = await post('inspector', '/inspector/reports', b, { 'idempotency-key': k });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ replayed: true, order: { id: r.order.id, status: 'accepted' } });
    }
    expect(await t.ctx.db.selectFrom('inspector_reports').select('work_order_id').where('idempotency_key', '=', k).execute()).toHaveLength(1);
    expect(await timeline(r.order.id)).toHaveLength(2);
    const reused = await post('inspector', '/inspector/reports', { ...b, description: '别的问题' }, { 'idempotency-key': k });
    expect(reused.statusCode).toBe(422);
  });

  it('outside my grids the report waits for intake; a photo and the key are required', async () => {
    const out = await post('inspector', '/inspector/reports', body({ location: IN_C, photoIds: [await photo()] }), { 'idempotency-key': key() });
    expect(out.statusCode, out.body).toBe(201);
    expect(out.json()).toMatchObject({ registered: false, order: { status: 'received', gridCode: C } });
    expect((await post('inspector', '/inspector/reports', body({ photoIds: [] }), { 'idempotency-key': key() })).statusCode).toBe(400);
    const noKey = await post('inspector', '/inspector/reports', body({ photoIds: [await photo()] }));
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().code).toBe('inspector.idempotency_key_required');
    const outside = await post('inspector', '/inspector/reports', body({ location: { lng: 105.5, lat: 31.5 }, photoIds: [await photo()] }), { 'idempotency-key': key() });
    expect(outside.statusCode).toBe(422);
  });
});
