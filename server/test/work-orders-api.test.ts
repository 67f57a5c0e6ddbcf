/**
 * Work orders through HTTP: intake (placement, 422 outside the city, field errors, Idempotency-Key), masking and the
 * audited reveal, the whole closed loop by the roles that do it, scopes, lists (filters, Chinese full-text search,
 * keyset paging), duplicates and merge, caller history, public report/track/rate, and deadline timers firing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { phoneLookup, sealPersonal } from '../src/modules/identity/index.js';
import { createWorkOrder, SLA_TIMER } from '../src/modules/work-orders/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeDepartment, makeTestCity, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let j: string;
let cgj: MadeDepartment; // 城管局
let other: MadeDepartment;
const s: Record<string, Session> = {};

// The city is the square 104.0–104.2 × 30.6–30.8; district 510104 its western half, 510105 the eastern half.
const INSIDE_WEST = { lng: 104.05, lat: 30.7 };
const INSIDE_EAST = { lng: 104.15, lat: 30.7 };
const OUTSIDE = { lng: 105.5, lat: 31.5 };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cg-wo-api-'));
  t = await createTestApp({ dataDir });
  j = await makeTestCity(t.ctx, { east: true });
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  other = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '水务局' });
  const city = { kind: 'jurisdiction' } as const;
  const users = {
    agent: { grants: [{ role: 'agent' as const, scope: city }] },
    dispatcher: { grants: [{ role: 'dispatcher' as const, scope: city }] },
    handler: { departmentId: cgj.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: cgj.id } }] },
    otherHandler: { departmentId: other.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: other.id } }] },
    inspector: { grants: [{ role: 'inspector' as const, scope: city }] },
    leader: { grants: [{ role: 'leader' as const, scope: city }] },
    resident: { grants: [{ role: 'resident' as const, scope: { kind: 'self' as const } }] },
    admin: { grants: [{ role: 'admin' as const, scope: city }] },
  };
  for (const [name, spec] of Object.entries(users)) {
    const u = await makeUser(t.ctx.db, { jurisdictionId: j, ...spec });
    s[name] = await loginAs(t.app, u);
  }
});
afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function uploadPng(who: string | null, seed: number): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'image/png', ...(who ? s[who]!.bearer : {}) };
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers, payload: makePng(8, 8, seed), remoteAddress: `10.9.0.${seed % 250}` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const post = (who: string, url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { ...s[who]!.bearer, ...headers } });
const get = (who: string, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...s[who]!.bearer, ...headers } });

const complaint = (over: object = {}) => ({
  requestType: 'complaint',
  categoryCode: 'component.01.0102',
  title: '污水井盖丢失',
  description: '人民路 12 号门前的污水井盖丢失，晚上很危险',
  location: INSIDE_WEST,
  address: '人民路 12 号',
  reporter: { name: '张三', phone: '138 0013 8000' },
  ...over,
});

async function created(over: object = {}, who = 'agent') {
  const res = await post(who, '/work-orders', complaint(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().order as { id: string; code: string; version: number; status: string; districtCode: string | null };
}

async function act(who: string, order: { id: string }, version: number, action: object) {
  return post(who, `/work-orders/${order.id}/actions`, { version, action });
}

describe(`work orders over HTTP (${testStorageKind})`, () => {
  it('creates an order placed in its district, with the hotline channel for agents and the reporter masked', async () => {
    const order = (await post('agent', '/work-orders', complaint())).json().order;
    expect(order).toMatchObject({ status: 'received', channel: 'hotline', districtCode: '510104', gridCode: null, reporter: { anonymous: false, name: '张*', phone: '138****8000', self: false } });
    expect(JSON.stringify(order)).not.toContain('13800138000');
    expect(JSON.stringify(order)).not.toContain('张三');
    expect(order.timeline.map((e: { action: string }) => e.action)).toEqual(['create']);
    expect((await created({ location: INSIDE_EAST })).districtCode).toBe('510105');
  });

  it('refuses a point outside the city with 422, and bad fields with 400 field errors, in zh-CN and en', async () => {
    const outside = await post('agent', '/work-orders', complaint({ location: OUTSIDE }));
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'work_order.outside_jurisdiction' });
    expect(outside.json().message).toContain('不在本市辖区内');
    const en = await post('agent', '/work-orders', complaint({ location: OUTSIDE }), { 'accept-language': 'en' });
    expect(en.json().message).toContain('outside this city');
    const long = await post('agent', '/work-orders', complaint({ description: '字'.repeat(4001) }));
    expect(long.statusCode).toBe(400);
    expect(JSON.stringify(long.json())).toContain('description');
    const missing = await post('agent', '/work-orders', { requestType: 'complaint', description: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().details)).toContain('title');
    const badType = await post('agent', '/work-orders', complaint({ requestType: 'gossip' }));
    expect(badType.statusCode).toBe(400);
    const badCategory = await post('agent', '/work-orders', complaint({ categoryCode: 'component.99.9999' }));
    expect(badCategory.json()).toMatchObject({ code: 'work_order.category_unknown' });
    const noPlace = await post('inspector', '/work-orders', complaint({ requestType: 'event', location: null, address: null }));
    expect(noPlace.json()).toMatchObject({ code: 'work_order.location_required' });
    const count = await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).where('description', 'like', '字字字%').executeTakeFirst();
    expect(Number(count!.n)).toBe(0);
  });

  it('makes creates with an Idempotency-Key safe to retry, also concurrently, and refuses a reused key with another body', async () => {
    const key = { 'idempotency-key': 'retry-test-0001' };
    const first = await post('agent', '/work-orders', complaint({ title: '幂等测试' }), key);
    const again = await post('agent', '/work-orders', complaint({ title: '幂等测试' }), key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().order.id).toBe(first.json().order.id);
    const different = await post('agent', '/work-orders', complaint({ title: '另一个工单' }), key);
    expect(different.statusCode).toBe(422);
    expect(different.json().code).toBe('work_order.idempotency_key_reused');

    const burst = await Promise.all(Array.from({ length: 5 }, () => post('agent', '/work-orders', complaint({ title: '并发幂等' }), { 'idempotency-key': 'retry-test-0002' })));
    expect(burst.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(burst.map((r) => r.json().order.id)).size).toBe(1);
    const rows = await t.ctx.db.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', j).where('title', 'in', ['幂等测试', '并发幂等']).execute();
    expect(rows).toHaveLength(2);
    // Another caller's identical key is their own.
    const otherCaller = await post('dispatcher', '/work-orders', complaint({ title: '幂等测试' }), key);
    expect(otherCaller.json().order.id).not.toBe(first.json().order.id);
  });

  it('reveals the reporter only for a purpose, to roles allowed, and audits every reveal', async () => {
    const order = await created();
    const noPurpose = await get('agent', `/work-orders/${order.id}/reporter`);
    expect(noPurpose.statusCode).toBe(400);
    const revealed = await get('agent', `/work-orders/${order.id}/reporter?purpose=callback`);
    expect(revealed.json()).toEqual({ name: '张三', phone: '13800138000' });
    const leader = await get('leader', `/work-orders/${order.id}/reporter?purpose=callback`);
    expect(leader.statusCode).toBe(403);
    const audits = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', order.id).where('action', '=', 'work_order.reveal_reporter').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ purpose: 'callback', fields: ['name', 'phone'] });
  });

  it('runs the closed loop: accept → dispatch → sign → start → report → verify (rework once) → close → rated by the resident', async () => {
    const order = await created({ reporter: { name: '李四', phone: '13900001234' } });
    let v = order.version;
    const step = async (who: string, action: object, status: string) => {
      const res = await act(who, order, v, action);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().order.status).toBe(status);
      v = res.json().order.version;
      return res.json().order;
    };
    await step('agent', { type: 'accept' }, 'accepted');
    // A handler of another department cannot see it before it is theirs.
    expect((await get('otherHandler', `/work-orders/${order.id}`)).statusCode).toBe(404);
    const dispatched = await step('dispatcher', { type: 'dispatch', departmentId: cgj.id }, 'dispatched');
    expect(dispatched.signDueAt).not.toBeNull();
    expect(dispatched.department).toMatchObject({ id: cgj.id, nameZh: '城市管理局' });
    const seen = (await get('handler', `/work-orders/${order.id}`)).json().order;
    expect(seen.allowedActions).toEqual(['sign', 'return']);
    await step('handler', { type: 'sign' }, 'signed');
    await step('handler', { type: 'start' }, 'in_progress');
    await step('handler', { type: 'report', note: '已安装新井盖' }, 'reported');
    const rework = await step('inspector', { type: 'verify_fail', reason: '井盖尺寸不符，仍有缝隙' }, 'in_progress');
    expect(rework.reworkCount).toBe(1);
    // The handler's queue row says so too (返工), as does the board's.
    const inbox = (await get('handler', `/work-orders?status=in_progress&limit=200`)).json().items as { id: string; reworkCount: number; returnCount: number }[];
    expect(inbox.find((o) => o.id === order.id)).toMatchObject({ reworkCount: 1, returnCount: 0 });
    await step('handler', { type: 'report', note: '已更换合适尺寸井盖' }, 'reported');
    await step('inspector', { type: 'verify_pass', note: '现场核查通过' }, 'verified');
    const closed = await step('dispatcher', { type: 'close' }, 'closed');
    expect(closed.closedAt).not.toBeNull();

    const track = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${order.code}&phoneLast4=1234` });
    expect(track.statusCode).toBe(200);
    expect(track.json()).toMatchObject({ status: 'closed', canRate: true });
    const notes = track.json().timeline.map((e: { action: string; note: string | null }) => [e.action, e.note]);
    expect(notes).toContainEqual(['report', '已更换合适尺寸井盖']);
    // Internal reasons stay internal.
    expect(notes).toContainEqual(['verify_fail', null]);
    expect(JSON.stringify(track.json())).not.toMatch(/李|13900001234/);
    const rated = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: order.code, phoneLast4: '1234', rating: 'satisfied', comment: '处理很快' } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'rated', rating: 'satisfied', canRate: false });
    const twice = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: order.code, phoneLast4: '1234', rating: 'unsatisfied' } });
    expect(twice.statusCode).toBe(409);
    const wrong = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${order.code}&phoneLast4=9999` });
    expect(wrong.statusCode).toBe(404);

    const timeline = (await get('dispatcher', `/work-orders/${order.id}`)).json().order.timeline.map((e: { action: string }) => e.action);
    expect(timeline).toEqual(['create', 'accept', 'dispatch', 'sign', 'start', 'report', 'verify_fail', 'report', 'verify_pass', 'close', 'rate']);
    const audited = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', order.id).orderBy('id').execute();
    expect(audited.map((a) => a.action)).toEqual(timeline.map((a: string) => `work_order.${a}`));
  });

  it('answers a refused action with 409 listing what this viewer may do, and a stale version with 409 and the current order', async () => {
    const order = await created();
    const refused = await act('agent', order, order.version, { type: 'close' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'work_order.transition_not_allowed', details: { allowed: ['accept', 'reject'] } });
    expect((await act('agent', order, order.version, { type: 'accept' })).statusCode).toBe(200);
    const stale = await act('dispatcher', order, order.version, { type: 'reject', reason: '重复' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'work_order.version_conflict', details: { current: { status: 'accepted', version: order.version + 1 } } });
    const badDept = await act('dispatcher', order, order.version + 1, { type: 'dispatch', departmentId: '00000000-0000-4000-8000-000000000000' });
    expect(badDept.statusCode).toBe(400);
    expect(badDept.json().code).toBe('work_order.department_invalid');
    const missingReason = await act('dispatcher', order, order.version + 1, { type: 'cancel' });
    expect(missingReason.statusCode).toBe(400);
  });

  it('lists within scope with filters, Chinese full-text search and keyset paging', async () => {
    const tag = `分页${Date.now()}`;
    for (let i = 0; i < 7; i++) await created({ title: `${tag} 路灯不亮 ${i}`, categoryCode: 'component.02.0201', description: '夜间路灯损坏' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get('dispatcher', `/work-orders?q=${encodeURIComponent(tag)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items.map((o: { title: string }) => o.title));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `${tag} 路灯不亮 ${i}`));
    const words = await get('dispatcher', `/work-orders?q=${encodeURIComponent('井盖丢失')}&category=component.01`);
    expect(words.json().items.length).toBeGreaterThan(0);
    expect(words.json().items.every((o: { categoryCode: string }) => o.categoryCode.startsWith('component.01'))).toBe(true);
    // The other department's handler sees none of these (nothing dispatched to them).
    expect((await get('otherHandler', `/work-orders?q=${encodeURIComponent(tag)}`)).json().items).toEqual([]);
    const bad = await get('dispatcher', '/work-orders?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    const byStatus = await get('dispatcher', '/work-orders?status=received,accepted&district=510104&limit=200');
    expect(byStatus.json().items.every((o: { status: string; districtCode: string }) => ['received', 'accepted'].includes(o.status) && o.districtCode === '510104')).toBe(true);
  });

  it('finds duplicates nearby, merges one, and closing the parent tells the child', async () => {
    const parent = await created({ title: '重复检测 主', location: { lng: 104.03, lat: 30.65 } });
    const child = await created({ title: '重复检测 子', location: { lng: 104.0302, lat: 30.6501 } });
    const far = await created({ title: '重复检测 远', location: { lng: 104.04, lat: 30.66 } });
    const dups = (await get('dispatcher', `/work-orders/${child.id}/duplicates`)).json().items;
    expect(dups.map((d: { id: string }) => d.id)).toContain(parent.id);
    expect(dups.map((d: { id: string }) => d.id)).not.toContain(far.id);
    expect(dups.find((d: { id: string }) => d.id === parent.id).distanceM).toBeLessThan(50);
    const merged = await act('dispatcher', child, child.version, { type: 'merge', parentId: parent.id });
    expect(merged.json().order).toMatchObject({ status: 'merged', parentId: parent.id });
    // Walk the parent to closed.
    let v = parent.version;
    for (const [who, action] of [
      ['agent', { type: 'accept' }],
      ['dispatcher', { type: 'dispatch', departmentId: cgj.id }],
      ['handler', { type: 'sign' }],
      ['handler', { type: 'start' }],
      ['handler', { type: 'report', note: '已处理' }],
      ['inspector', { type: 'verify_pass' }],
      ['dispatcher', { type: 'close' }],
    ] as const) {
      const res = await act(who, parent, v, action);
      expect(res.statusCode, res.body).toBe(200);
      v = res.json().order.version;
    }
    const childNow = (await get('dispatcher', `/work-orders/${child.id}`)).json().order;
    expect(childNow.timeline.at(-1)).toMatchObject({ action: 'parent_closed', data: { parentCode: parent.code } });
    const track = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${child.code}&phoneLast4=8000` });
    expect(track.json().parent).toEqual({ code: parent.code, status: 'closed' });
  });

  it("finds a caller's earlier orders by phone, in any spelling, and audits the look-up", async () => {
    await created({ reporter: { name: '王五', phone: '+86 137-0000-5555' } });
    await created({ reporter: { name: '王五', phone: '13700005555' } });
    const res = await get('agent', `/work-orders/callers?phone=${encodeURIComponent('137 0000 5555')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
    expect((await get('handler', '/work-orders/callers?phone=13700005555')).statusCode).toBe(403);
    const audits = await t.ctx.db.selectFrom('audit_log').select('object_id').where('action', '=', 'work_order.caller_history').execute();
    expect(audits.map((a) => a.object_id)).toContain('137****5555');
  });

  it('takes anonymous public reports and signed-in residents, who see only their own', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', payload: { jurisdictionId: j, requestType: 'report', title: '小区门口垃圾堆积', description: '三天没人清理', location: INSIDE_WEST } });
    expect(anon.statusCode, anon.body).toBe(201);
    expect(anon.json().code).toMatch(/^[A-Z]{1,4}\d{14}$/);
    const row = await t.ctx.db.selectFrom('work_orders').select(['anonymous', 'channel', 'reporter_user_id']).where('code', '=', anon.json().code).executeTakeFirstOrThrow();
    expect(row).toEqual({ anonymous: true, channel: 'web', reporter_user_id: null });
    const outside = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', payload: { jurisdictionId: j, requestType: 'report', title: 'x', description: 'y', location: OUTSIDE } });
    expect(outside.statusCode).toBe(422);

    const mine = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', headers: s.resident!.bearer, payload: { jurisdictionId: j, requestType: 'suggestion', title: '建议增设公交站', description: '社区到地铁站距离远', reporter: { phone: '13600006666' } } });
    expect(mine.statusCode, mine.body).toBe(201);
    const list = (await get('resident', '/work-orders?mine=true')).json().items;
    expect(list.map((o: { code: string }) => o.code)).toEqual([mine.json().code]);
    const all = (await get('resident', '/work-orders?limit=200')).json().items;
    expect(all.map((o: { code: string }) => o.code)).toEqual([mine.json().code]);
  });

  it('links photos: uploaded by the reporter at intake, by the handler with the result; others cannot use them', async () => {
    const mine = await uploadPng('agent', 11);
    const order = await created({ attachmentIds: [mine] });
    const detail = (await get('dispatcher', `/work-orders/${order.id}`)).json().order;
    expect(detail.timeline[0].photos).toEqual([mine]);
    expect((await get('dispatcher', `/attachments/${mine}`)).statusCode).toBe(200);
    // Someone else's upload cannot be attached.
    const theirs = await uploadPng('dispatcher', 12);
    const stolen = await post('agent', '/work-orders', complaint({ attachmentIds: [theirs] }));
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().code).toBe('attachment.not_usable');
    let v = order.version;
    for (const [who, action] of [['agent', { type: 'accept' }], ['dispatcher', { type: 'dispatch', departmentId: cgj.id }], ['handler', { type: 'sign' }], ['handler', { type: 'start' }]] as const) {
      v = (await act(who, order, v, action)).json().order.version;
    }
    const result = await uploadPng('handler', 13);
    const reported = await act('handler', order, v, { type: 'report', note: '已修复', photos: [result] });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json().order.timeline.at(-1)).toMatchObject({ action: 'report', photos: [result] });
    const linked = await t.ctx.db.selectFrom('attachments').select(['id', 'work_order_id']).where('id', 'in', [mine, result, theirs]).orderBy('id').execute();
    expect(Object.fromEntries(linked.map((a) => [a.id, a.work_order_id]))).toEqual({ [mine]: order.id, [result]: order.id, [theirs]: null });
    // An anonymous resident's photo goes with their anonymous report.
    const anonPhoto = await uploadPng(null, 14);
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', payload: { jurisdictionId: j, requestType: 'report', title: '路面坑洼', description: '有照片', location: INSIDE_EAST, attachmentIds: [anonPhoto] }, remoteAddress: '10.9.1.1' });
    expect(anon.statusCode, anon.body).toBe(201);
  });

  it('tells the reporter by SMS on intake, answer and close — once per event, however often the worker runs', async () => {
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    const enquiry = await created({ requestType: 'enquiry', categoryCode: 'government', title: '居住证办理咨询', location: null, address: null, reporter: { name: '赵六', phone: '13512345678' } });
    const landline = await created({ reporter: { name: '钱七', phone: '028-86001234' } });
    expect((await act('agent', enquiry, enquiry.version, { type: 'answer', note: '携带身份证和居住证明到社区办理' })).statusCode).toBe(200);
    await worker.drain(10_000);
    await worker.drain(10_000);
    const messages = async () => {
      const rows = await t.ctx.db.selectFrom('outbound_messages').select(['recipient_masked', 'body', 'purpose']).where('jurisdiction_id', '=', j).where('purpose', '=', 'work_order_update').execute();
      return rows.filter((m) => m.body.includes(enquiry.code) || m.body.includes(landline.code));
    };
    const sent = await messages();
    expect(sent.map((m) => m.recipient_masked)).toEqual(['135****5678', '135****5678']);
    expect(sent.filter((m) => m.body.includes('已登记'))).toHaveLength(1);
    expect(sent.filter((m) => m.body.includes('已答复：携带身份证和居住证明到社区办理'))).toHaveLength(1);
    // The body is sealed nowhere: it names the code, never the reporter's name or number.
    expect(sent.every((m) => !m.body.includes('赵六') && !m.body.includes('13512345678'))).toBe(true);
  });

  it('counts by status, category, district and day with on-time and satisfaction rates, within scope', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    // One enquiry answered at first contact and rated satisfied, whatever else this file did before.
    const q = await created({ requestType: 'enquiry', categoryCode: 'government', title: '统计用咨询', location: null, address: null, reporter: { name: '周九', phone: '13733334444' } });
    expect((await act('agent', q, q.version, { type: 'answer', note: '已答复' })).statusCode).toBe(200);
    const rated = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: q.code, phoneLast4: '4444', rating: 'satisfied' }, remoteAddress: '10.9.2.1' });
    expect(rated.statusCode, rated.body).toBe(200);
    const res = await get('leader', `/work-orders/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=status,category,district,day`);
    expect(res.statusCode, res.body).toBe(200);
    const { summary, groups } = res.json();
    const total = await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).executeTakeFirstOrThrow();
    expect(summary.total).toBe(Number(total.n));
    expect(summary.closed).toBeGreaterThanOrEqual(1);
    expect(summary.closedOnTime).toBeGreaterThanOrEqual(1);
    // Every rating given in this file is satisfied.
    expect(summary.satisfied).toBeGreaterThanOrEqual(1);
    expect(summary.satisfactionRate).toBe(1);
    expect(groups.status.reduce((n: number, g: { total: number }) => n + g.total, 0)).toBe(summary.total);
    expect(groups.district.map((g: { key: string }) => g.key)).toContain('510104');
    expect(groups.category.find((g: { key: string }) => g.key === 'component')?.label).toBe('部件');
    expect((await get('handler', `/work-orders/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).statusCode).toBe(403);
    expect((await get('leader', `/work-orders/stats?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)).json().code).toBe('work_order.stats_range_invalid');
  });

  it('exports exactly the visible orders as CSV and XLSX, masked, with localised headings, and audits it', async () => {
    const tag = `导出${Date.now()}`;
    // The test city's districts are named by their codes: name this one, as a real city's is.
    await t.ctx.db.updateTable('divisions').set({ name_zh: '锦江区', name_en: 'Jinjiang District' }).where('jurisdiction_id', '=', j).where('code', '=', '510104').execute();
    await created({ title: `${tag} 井盖`, reporter: { name: '孙八', phone: '13811112222' } });
    await created({ title: `${tag} 路灯`, reporter: null });
    const csv = await get('dispatcher', `/work-orders/export?format=csv&q=${encodeURIComponent(tag)}`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['x-export-rows']).toBe('2');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^工单编号,标题,诉求类型/);
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain('孙*');
    expect(csv.body).toContain('138****2222');
    expect(csv.body).toContain('匿名');
    expect(csv.body).not.toMatch(/孙八|13811112222/);
    // Category and district by name, not by code (component.01.0102, 510104).
    const row = lines.find((l) => l.includes(`${tag} 井盖`))!.split(',');
    expect([row[3], row[7]]).toEqual(['公用设施 / 污水井盖', '锦江区']);
    const xlsx = await get('dispatcher', `/work-orders/export?format=xlsx&q=${encodeURIComponent(tag)}`, { 'accept-language': 'en' });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Ticket');
    expect(sheet.rowCount).toBe(3);
    expect(String(sheet.getRow(2).getCell(7).value)).toBe('Received');
    expect([String(sheet.getRow(2).getCell(4).value), String(sheet.getRow(2).getCell(8).value)]).toEqual(['Public utilities / Sewer manhole cover', 'Jinjiang District']);
    expect((await get('handler', '/work-orders/export?format=csv')).statusCode).toBe(403);
    const audits = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.export').execute();
    expect(audits.some((a) => (a.details as { rows: number; format: string }).rows === 2)).toBe(true);
  });

  it('lets an administrator change deadlines and turn on auto-dispatch (versioned, audited); unique rules then dispatch by themselves', async () => {
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    await worker.drain(10_000); // whatever earlier tests left
    const before = (await get('admin', '/work-order-settings')).json().settings;
    expect(before).toMatchObject({ autoDispatch: false, duplicateRadiusM: 50, sla: { byUrgency: { normal: { kind: 'working_days', days: 7 } } } });
    // The defaults come with the answer, for the console to show beside each value.
    expect((await get('admin', '/work-order-settings')).json().defaults).toEqual({
      ticketPrefix: before.ticketPrefix,
      sla: { ...before.sla, byCategory: [{ categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 24 } }] },
      autoDispatch: false,
      autoDispatchConfidence: 0.8,
      duplicateRadiusM: 50,
      duplicateHours: 72,
    });
    expect((await get('dispatcher', '/work-order-settings')).statusCode).toBe(403);
    const put = (body: object) => t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: s.admin!.bearer, payload: body });
    const bad = await put({ version: before.version, sla: { workingHours: { periods: [{ start: '14:00', end: '09:00' }] } } });
    expect(bad.statusCode).toBe(400);
    // A time that is not one says so in words, with the form it wants.
    const badClock = await put({ version: before.version, sla: { workingHours: { periods: [{ start: '25:00', end: '18:00' }] } } });
    expect(badClock.statusCode).toBe(400);
    expect(badClock.json().details.issues).toEqual([{ path: 'body.sla.workingHours.periods.0.start', issue: 'invalid_format', message: '应为时间 HH:MM（00:00 至 24:00）' }]);
    const changed = await put({ version: before.version, autoDispatch: true, sla: { byUrgency: { normal: { kind: 'working_days', days: 3 } } } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().settings).toMatchObject({ autoDispatch: true, version: before.version + 1, sla: { byUrgency: { normal: { days: 3 }, emergency: { hours: 2 } } } });
    const stale = await put({ version: before.version, autoDispatch: false });
    expect(stale.statusCode).toBe(409);
    // The current version comes in the details too, for the console to say which version it is up against.
    expect(stale.json()).toMatchObject({ code: 'work_order.settings_version_conflict', details: { version: before.version + 1 } });

    const rule = await t.app.inject({ method: 'POST', url: '/api/v1/responsibility-rules', headers: s.admin!.bearer, payload: { categoryPrefix: 'component.01', departmentId: cgj.id } });
    expect(rule.statusCode, rule.body).toBe(201);
    const order = await created({ title: '自动派遣 井盖' });
    const detail = (await get('dispatcher', `/work-orders/${order.id}`)).json().order;
    // 3 working days instead of 7: due well within a week.
    expect(new Date(detail.dueAt).getTime() - new Date(detail.createdAt).getTime()).toBeLessThan(6 * 86_400_000);
    await worker.drain(10_000);
    const after = (await get('dispatcher', `/work-orders/${order.id}`)).json().order;
    expect(after).toMatchObject({ status: 'dispatched', department: { id: cgj.id } });
    expect(after.timeline.slice(1).map((e: { action: string; actorRole: string }) => [e.action, e.actorRole])).toEqual([['accept', 'system'], ['dispatch', 'system']]);
    // A category without a unique rule waits for a dispatcher.
    const other = await created({ title: '自动派遣 物业', categoryCode: 'housing', requestType: 'complaint' });
    await worker.drain(10_000);
    expect((await get('dispatcher', `/work-orders/${other.id}`)).json().order.status).toBe('received');
    expect((await put({ version: before.version + 1, autoDispatch: false, sla: null })).statusCode).toBe(200);
    const audits = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.settings_update').orderBy('id').execute();
    // Each entry holds what changed, from → to (effective values): the second save restored the defaults.
    expect(audits.map((a) => a.details)).toEqual([
      { version: before.version + 1, changes: { autoDispatch: { from: false, to: true }, 'sla.byUrgency.normal': { from: { kind: 'working_days', days: 7 }, to: { kind: 'working_days', days: 3 } } } },
      { version: before.version + 2, changes: { autoDispatch: { from: true, to: false }, 'sla.byUrgency.normal': { from: { kind: 'working_days', days: 3 }, to: { kind: 'working_days', days: 7 } } } },
    ]);
  });

  it('audits only the settings a save changed, though the form sends every override again; refuses two limits for one category', async () => {
    const put = (body: object, lang = 'zh-CN') =>
      t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: { ...s.admin!.bearer, 'accept-language': lang }, payload: body });
    const start = (await get('admin', '/work-order-settings')).json().settings.version;
    const sla = {
      byUrgency: { urgent: { kind: 'working_hours', hours: 16 } },
      byCategory: [
        { categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 12 } },
        { categoryPrefix: 'component.01', duration: { kind: 'working_days', days: 2 } },
      ],
      followUpDays: 5,
    };
    expect((await put({ version: start, sla })).statusCode).toBe(200);
    // The console's next save: every override again, one of them changed, one added.
    const next = await put({ version: start + 1, sla: { ...sla, warnRatio: 0.75, followUpDays: 4 } });
    expect(next.statusCode, next.body).toBe(200);
    // A category rule changed and another dropped (the list is replaced); the rest is the same as before.
    expect((await put({ version: start + 2, sla: { ...sla, byCategory: [{ categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 8 } }], warnRatio: 0.75, followUpDays: 4 } })).statusCode).toBe(200);
    const audits = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.settings_update').orderBy('id', 'desc').limit(3).execute();
    const [first, second, third] = audits.reverse().map((a) => a.details);
    expect(first).toEqual({
      version: start + 1,
      changes: {
        'sla.byUrgency.urgent': { from: { kind: 'calendar_hours', hours: 24 }, to: { kind: 'working_hours', hours: 16 } },
        'sla.byCategory.utilities': { from: { kind: 'calendar_hours', hours: 24 }, to: { kind: 'calendar_hours', hours: 12 } },
        'sla.byCategory.component.01': { from: null, to: { kind: 'working_days', days: 2 } },
        'sla.followUpDays': { from: 3, to: 5 },
      },
    });
    expect(second).toEqual({ version: start + 2, changes: { 'sla.warnRatio': { from: 0.8, to: 0.75 }, 'sla.followUpDays': { from: 5, to: 4 } } });
    expect(third).toEqual({
      version: start + 3,
      changes: {
        'sla.byCategory.utilities': { from: { kind: 'calendar_hours', hours: 12 }, to: { kind: 'calendar_hours', hours: 8 } },
        'sla.byCategory.component.01': { from: { kind: 'working_days', days: 2 }, to: null },
      },
    });

    // Two limits for one category: which would apply? Refused, naming the category and the field, in both languages.
    const twice = { version: start + 3, sla: { byCategory: [...sla.byCategory, { categoryPrefix: 'utilities', duration: { kind: 'working_days', days: 1 } }] } };
    const zh = await put(twice);
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({ code: 'work_order.settings.duplicate_category', message: '分类 utilities 有不止一条时限，请只保留一条', details: { field: 'sla.byCategory.2.categoryPrefix', categoryPrefix: 'utilities' } });
    expect((await put(twice, 'en')).json()).toMatchObject({ code: 'work_order.settings.duplicate_category', message: 'Category utilities has more than one time limit; keep one' });
    expect((await get('admin', '/work-order-settings')).json().settings.version).toBe(start + 3);
    expect((await put({ version: start + 3, sla: null })).statusCode).toBe(200);
  });

  it('answers a save that changes nothing with the settings as they are: no new version, audit entry or event; still checks the version and the input', async () => {
    const put = (body: object) => t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: s.admin!.bearer, payload: body });
    const before = (await get('admin', '/work-order-settings')).json().settings;
    const audits = async () => (await t.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'work_order.settings_update').execute()).length;
    const events = async () => (await t.ctx.db.selectFrom('events').select('id').where('name', '=', 'work_order.settings_changed').execute()).length;
    const [auditsBefore, eventsBefore] = [await audits(), await events()];
    // Every value sent again as it is, and an override written with the default's value: no effective value changes.
    const same = { version: before.version, ticketPrefix: before.ticketPrefix, autoDispatch: before.autoDispatch, duplicateRadiusM: before.duplicateRadiusM, sla: { ...before.slaOverrides, followUpDays: before.sla.followUpDays } };
    const unchanged = await put(same);
    expect(unchanged.statusCode, unchanged.body).toBe(200);
    expect(unchanged.json().settings).toEqual(before);
    expect([await audits(), await events()]).toEqual([auditsBefore, eventsBefore]);
    expect((await get('admin', '/work-order-settings')).json().settings).toEqual(before);
    // Nothing changed, yet a stale version is still a 409 and a bad value still a 400.
    const stale = await put({ ...same, version: before.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'work_order.settings_version_conflict', details: { version: before.version } });
    expect((await put({ ...same, sla: { ...same.sla, followUpDays: 0 } })).json()).toMatchObject({ code: 'work_order.follow_up_days_invalid' });
    expect((await put({ ...same, duplicateHours: 0 })).statusCode).toBe(400);
    // A save that does change something still makes a version, an audit entry and an event.
    const changed = await put({ ...same, duplicateHours: before.duplicateHours + 1 });
    expect(changed.json().settings).toMatchObject({ version: before.version + 1, duplicateHours: before.duplicateHours + 1 });
    expect([await audits(), await events()]).toEqual([auditsBefore + 1, eventsBefore + 1]);
    expect((await put({ version: before.version + 1, duplicateHours: before.duplicateHours })).statusCode).toBe(200);
  });

  it('sets the follow-up call time (回访时限) per jurisdiction: whole working days 1–30, else a 400 that says so; list rows follow it', async () => {
    const before = (await get('admin', '/work-order-settings')).json().settings;
    expect(before.sla.followUpDays).toBe(3);
    const put = (body: object, lang = 'zh-CN') =>
      t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: { ...s.admin!.bearer, 'accept-language': lang }, payload: { version: before.version, ...body } });
    for (const days of [0, 31, 2.5, -3]) {
      const bad = await put({ sla: { followUpDays: days } });
      expect(bad.statusCode, `${days}`).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'work_order.follow_up_days_invalid', message: `回访时限须为 1 至 30 之间的整数个工作日（收到 ${days}）` });
    }
    const en = await put({ sla: { followUpDays: 45 } }, 'en');
    expect(en.json()).toMatchObject({ code: 'work_order.follow_up_days_invalid', message: 'The follow-up call time must be a whole number of working days from 1 to 30 (got 45)' });
    expect((await put({ sla: { followUpDays: '3' } })).json().code).toBe('request.invalid');
    // Nothing was stored by the refusals.
    expect((await get('admin', '/work-order-settings')).json().settings.version).toBe(before.version);

    // An enquiry answered at intake on a Friday at 16:00 (北京时间).
    const order = await created({ requestType: 'enquiry', categoryCode: null, title: '回访时限 咨询', reporter: { name: '李四', phone: '13900002222' } });
    expect((await act('agent', order, order.version, { type: 'answer', note: '已答复' })).statusCode).toBe(200);
    await t.ctx.db.updateTable('work_orders').set({ closed_at: new Date('2026-11-27T08:00:00Z') }).where('id', '=', order.id).execute();
    const row = async () => (await get('agent', `/work-orders?q=${order.code}`)).json().items[0];
    expect(await row()).toMatchObject({ status: 'answered', followUpDueAt: '2026-12-02T08:00:00.000Z' }); // Wednesday: 3 working days
    const five = await put({ sla: { followUpDays: 5 } });
    expect(five.statusCode, five.body).toBe(200);
    expect(five.json().settings).toMatchObject({ version: before.version + 1, slaOverrides: { followUpDays: 5 }, sla: { followUpDays: 5, byUrgency: { normal: { days: 7 } } } });
    expect((await row()).followUpDueAt).toBe('2026-12-04T08:00:00.000Z'); // the next Friday: 5 working days
    // Other lists' rows carry it too, and orders still being worked on have none.
    const open = (await get('agent', '/work-orders?open=true&limit=5')).json().items;
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((o: { followUpDueAt: string | null }) => o.followUpDueAt === null)).toBe(true);
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: s.admin!.bearer, payload: { version: before.version + 1, sla: null } })).statusCode).toBe(200);
    expect((await row()).followUpDueAt).toBe('2026-12-02T08:00:00.000Z');
  });

  it("uses a signed-in resident's own phone when they name themselves but leave the phone empty", async () => {
    const me = await t.ctx.db.selectFrom('users').select('id').where('username', '=', s.resident!.user.username).executeTakeFirstOrThrow();
    const key = t.ctx.config.secretKey;
    await t.ctx.db
      .insertInto('user_phones')
      .values({ user_id: me.id, jurisdiction_id: j, phone_hmac: phoneLookup(key, '13900007777'), phone_enc: sealPersonal(key, '13900007777'), phone_last4: '7777' })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', headers: s.resident!.bearer, payload: { jurisdictionId: j, requestType: 'help', title: '楼道灯坏了', description: '三楼楼道灯不亮', reporter: { name: '吴十' } } });
    expect(res.statusCode, res.body).toBe(201);
    const track = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${res.json().code}&phoneLast4=7777` });
    expect(track.statusCode).toBe(200);
  });

  it('fires deadline timers: a warning at 80%, then overdue with automatic 督办; a suspended order waits', async () => {
    const past = new Date(Date.now() - 3 * 3600_000); // an emergency (2 hours) created 3 hours ago is overdue now
    const agent = { principal: null, audit: { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j } };
    const { order } = await createWorkOrder(t.ctx, { jurisdictionId: j, channel: 'hotline', requestType: 'help', title: '燃气泄漏', description: '楼道有燃气味', location: INSIDE_WEST, urgency: 'emergency', reporter: null }, agent, { now: past });
    const timers = await t.ctx.db.selectFrom('jobs').select(['dedupe_key as key', 'run_at']).where('handler', '=', SLA_TIMER).where('dedupe_key', 'like', `${order.id}%`).where('status', '=', 'pending').execute();
    // One timer an order: the warning first, which arms the deadline when it fires.
    expect(timers.map((x) => x.key)).toEqual([`${order.id}:warn`]);
    // A second one, equally late, is suspended (挂起) before the timers run: its clock stands still.
    const paused = (await createWorkOrder(t.ctx, { jurisdictionId: j, channel: 'hotline', requestType: 'help', title: '燃气泄漏 2', description: '楼道有燃气味', location: INSIDE_WEST, urgency: 'emergency', reporter: null }, agent, { now: past })).order;
    let v = paused.version;
    for (const [who, action] of [['agent', { type: 'accept' }], ['dispatcher', { type: 'dispatch', departmentId: cgj.id }], ['dispatcher', { type: 'suspend', reason: '等待燃气公司到场' }]] as const) {
      const res = await act(who, paused, v, action);
      expect(res.statusCode, res.body).toBe(200);
      v = res.json().order.version;
    }
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    expect((await worker.drain(10_000)).complete).toBe(true);
    const waiting = (await get('dispatcher', `/work-orders/${paused.id}`)).json().order;
    expect(waiting).toMatchObject({ status: 'suspended', overdue: false, supervised: false });
    // Resumed, its deadline (already past when it was suspended) counts again: overdue on the next run.
    const resumed = await act('dispatcher', paused, v, { type: 'resume' });
    expect(resumed.json().order.dueAt).not.toBeNull();
    await worker.drain(10_000);
    expect((await get('dispatcher', `/work-orders/${paused.id}`)).json().order).toMatchObject({ status: 'dispatched', overdue: true, supervised: true });
    const after = (await get('dispatcher', `/work-orders/${order.id}`)).json().order;
    expect(after).toMatchObject({ warned: true, overdue: true, supervised: true });
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'sla_warning', 'overdue', 'supervise']);
    const overdueList = (await get('dispatcher', '/work-orders?overdue=true&limit=200')).json().items.map((o: { id: string }) => o.id);
    expect(overdueList).toContain(order.id);
    // Running the worker again changes nothing (the timers are done).
    await worker.drain(5_000);
    expect((await get('dispatcher', `/work-orders/${order.id}`)).json().order.timeline).toHaveLength(4);
  });

  it("keeps the deadline timers' reminders to staff off the resident's tracking page; the automatic 督办 shows", async () => {
    const past = new Date(Date.now() - 3 * 3600_000);
    const system = { principal: null, audit: { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j } };
    const { order } = await createWorkOrder(t.ctx, { jurisdictionId: j, channel: 'hotline', requestType: 'help', title: '燃气味 追踪', description: '楼道有燃气味', location: INSIDE_WEST, urgency: 'emergency', reporter: { name: '周九', phone: '13900004321' } }, system, { now: past });
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    expect((await worker.drain(10_000)).complete).toBe(true);
    const staffView = (await get('dispatcher', `/work-orders/${order.id}`)).json().order;
    expect(staffView.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'sla_warning', 'overdue', 'supervise']);
    const track = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${j}&code=${order.code}&phoneLast4=4321` });
    expect(track.statusCode, track.body).toBe(200);
    expect(track.json().timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'supervise']);
  });

  it('arms no deadline timer while an order is under review (复核中): its clock stands; a reopen arms the new one', async () => {
    const order = await created({ reporter: { name: '李四', phone: '13900005678' } });
    let v = order.version;
    const step = async (who: string, action: object) => {
      const res = await act(who, order, v, action);
      expect(res.statusCode, res.body).toBe(200);
      v = res.json().order.version;
      return res.json().order;
    };
    await step('agent', { type: 'accept' });
    await step('dispatcher', { type: 'dispatch', departmentId: cgj.id });
    await step('handler', { type: 'sign' });
    await step('handler', { type: 'start' });
    await step('handler', { type: 'report', note: '已处理' });
    await step('inspector', { type: 'verify_pass' });
    await step('dispatcher', { type: 'close' });
    const pending = async () =>
      (await t.ctx.db.selectFrom('jobs').select('dedupe_key').where('handler', '=', SLA_TIMER).where('dedupe_key', 'like', `${order.id}:%`).where('status', '=', 'pending').execute()).map((x) => x.dedupe_key);
    expect(await pending()).toEqual([]);
    // Closed on time and rated 不满意 by the agent from a follow-up call: under review, no timer may flag it
    // overdue or supervise it while the dispatcher decides.
    const review = await step('agent', { type: 'rate', rating: 'unsatisfied', comment: '问题没有解决' });
    expect(review.status).toBe('under_review');
    expect(await pending()).toEqual([]);
    const reopened = await step('dispatcher', { type: 'reopen', reason: '复核属实' });
    expect(reopened.status).toBe('accepted');
    expect((await pending()).length).toBe(1);
  });

  it('the warning arms the deadline: after 预警 the order has one timer, at its deadline', async () => {
    const past = new Date(Date.now() - 110 * 60_000); // an emergency (2 hours) created 110 minutes ago: warned, not yet due
    const agent = { principal: null, audit: { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j } };
    const { order } = await createWorkOrder(t.ctx, { jurisdictionId: j, channel: 'hotline', requestType: 'help', title: '井盖松动', description: '路口井盖松动', location: INSIDE_WEST, urgency: 'emergency', reporter: null }, agent, { now: past });
    expect(Date.parse(order.warnAt!)).toBeLessThan(Date.now());
    expect(Date.parse(order.dueAt!)).toBeGreaterThan(Date.now() + 60_000);
    const pending = () =>
      t.ctx.db.selectFrom('jobs').select(['dedupe_key', 'run_at']).where('handler', '=', SLA_TIMER).where('dedupe_key', 'like', `${order.id}:%`).where('status', '=', 'pending').execute();
    expect((await pending()).map((x) => x.dedupe_key)).toEqual([`${order.id}:warn`]);
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    expect((await worker.drain(10_000)).complete).toBe(true);
    expect((await get('dispatcher', `/work-orders/${order.id}`)).json().order).toMatchObject({ warned: true, overdue: false, supervised: false });
    expect((await pending()).map((x) => ({ key: x.dedupe_key, at: new Date(x.run_at).toISOString() }))).toEqual([{ key: `${order.id}:due`, at: order.dueAt }]);
  });
});
