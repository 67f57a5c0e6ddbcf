/**
 * The create path as two statements (one read, one write — see createWorkOrder): its answer is what a read of the
 * order then shows, everything that comes with an order is written with it (timeline entry, deadline timers, audit
 * entry that the chainer links, event whose handlers run), nothing of it when the Idempotency-Key was claimed first
 * (the write batch's condition, and on PostgreSQL a claim lost to a concurrent transaction), the same errors as
 * before, a refused create takes no ticket number, and only the number's allocation commits asynchronously.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, chainAuditLog, verifyAuditLog } from '../src/modules/audit/index.js';
import { JobWorker } from '../src/modules/events/index.js';
import { createWorkOrder, findWorkOrderById, orderResponse, SLA_TIMER, writeCreates, type NewCreate, type WorkOrderDetail } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { AppError } from '../src/shared/errors.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeTestCity, makeUser, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let j: string;
const s: Record<string, Session> = {};
const INSIDE = { lng: 104.05, lat: 30.7 };
const OUTSIDE = { lng: 105.5, lat: 31.5 };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cg-wo-create-'));
  t = await createTestApp({ dataDir });
  j = await makeTestCity(t.ctx);
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher'] as const) {
    const u = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: `测试${role}`, grants: [{ role, scope: city }] });
    s[role] = await loginAs(t.app, u);
  }
});
afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const post = (who: string, url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { ...s[who]!.bearer, ...headers } });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });

const complaint = (over: object = {}) => ({
  requestType: 'complaint',
  categoryCode: 'component.01.0102',
  title: '污水井盖丢失',
  description: '人民路 12 号门前的污水井盖丢失，晚上很危险',
  location: INSIDE,
  address: '人民路 12 号',
  reporter: { name: '张三', phone: '138 0013 8000' },
  ...over,
});

async function createdBy(who: string, body: object, headers: Record<string, string> = {}): Promise<WorkOrderDetail> {
  const res = await post(who, '/work-orders', body, headers);
  expect(res.statusCode, res.body).toBe(201);
  // The answer's text is sent as made (no serializer): it must be exactly what the response schema lets through.
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(orderResponse.parse(res.json())).toEqual(res.json());
  return res.json().order as WorkOrderDetail;
}

/** An Idempotency-Key row, inserted unless the key is there (returning it when inserted: a claim, as the create's). */
const claim = (scope: string, key: string, hash: string, response: object): RawBuilder<unknown> =>
  sql`INSERT INTO idempotency_keys (scope, key, request_hash, status, response) VALUES (${scope}, ${key}, ${hash}, 201, ${JSON.stringify(response)})
      ON CONFLICT DO NOTHING RETURNING key`;
/** The request hash of a body with one string field (stable JSON is plain JSON then). */
const hashOf = (body: { title: string }) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

const sequenceOf = (code: string) => Number(code.slice(-6));
const count = async (query: Promise<Array<{ n: number | string | bigint }>>) => Number((await query)[0]!.n);

describe(`work-order create in two statements (${testStorageKind})`, () => {
  it('answers with exactly what a read of the order then shows, for each caller, with and without photos', async () => {
    for (const who of ['agent', 'dispatcher']) {
      const answer = await createdBy(who, complaint({ title: `读回一致 ${who}` }));
      expect(answer).toMatchObject({ status: 'received', districtCode: '510104', version: 1, reporter: { name: '张*', phone: '138****8000' } });
      expect(answer.timeline).toHaveLength(1);
      expect(answer.timeline[0]!.actorName).toBe(`测试${who}`);
      expect(answer.allowedActions.length).toBeGreaterThan(0);
      const read = await get(who, `/work-orders/${answer.id}`);
      expect(read.json().order).toEqual(answer);
    }
    // No category: the classifier's suggestion (if any) and a district named instead of a point.
    const named = await createdBy('agent', complaint({ title: '无分类', categoryCode: undefined, location: undefined, districtCode: '510104', urgency: 'urgent' }));
    expect((await get('agent', `/work-orders/${named.id}`)).json().order).toEqual(named);

    // Photos are linked in a transaction around the same write statement.
    const upload = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { 'content-type': 'image/png', ...s.agent!.bearer }, payload: makePng(8, 8, 7) });
    expect(upload.statusCode, upload.body).toBe(201);
    const photoId = upload.json().id as string;
    const withPhoto = await createdBy('agent', complaint({ title: '带照片', attachmentIds: [photoId] }), { 'idempotency-key': 'create-photo-0001' });
    expect(withPhoto.timeline[0]!.photos).toEqual([photoId]);
    expect((await get('agent', `/work-orders/${withPhoto.id}`)).json().order).toEqual(withPhoto);
    const linked = await t.ctx.db.selectFrom('attachments').select(['work_order_id', 'timeline_entry_id']).where('id', '=', photoId).executeTakeFirstOrThrow();
    expect({ order: linked.work_order_id, entry: Number(linked.timeline_entry_id) }).toEqual({ order: withPhoto.id, entry: withPhoto.timeline[0]!.id });
    // A photo nobody may use refuses the whole create: no order, no key.
    const refused = await post('agent', '/work-orders', complaint({ title: '坏照片', attachmentIds: ['00000000-0000-4000-8000-000000000000'] }), { 'idempotency-key': 'create-photo-0002' });
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'attachment.not_usable']);
    expect(await count(t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll().as('n')).where('title', '=', '坏照片').execute())).toBe(0);
    expect(await count(t.ctx.db.selectFrom('idempotency_keys').select((eb) => eb.fn.countAll().as('n')).where('key', '=', 'create-photo-0002').execute())).toBe(0);
  });

  it('writes the timeline entry, deadline timers, audit entry (then chained) and event (whose handlers run) with the order', async () => {
    const order = await createdBy('agent', complaint({ title: '随单写入' }), { 'idempotency-key': 'create-writes-0001' });
    const timers = await t.ctx.db.selectFrom('jobs').select(['dedupe_key', 'run_at', 'status']).where('handler', '=', SLA_TIMER).where('dedupe_key', 'like', `${order.id}:%`).orderBy('dedupe_key').execute();
    // One timer: the deadline's next point, the warning (it arms the deadline when it fires).
    expect(timers.map((x) => ({ key: x.dedupe_key, at: new Date(x.run_at).toISOString(), status: x.status }))).toEqual([
      { key: `${order.id}:warn`, at: order.warnAt, status: 'pending' },
    ]);
    const entries = await t.ctx.db.selectFrom('audit_log').select(['id', 'seq', 'details']).where('action', '=', 'work_order.create').where('object_id', '=', order.id).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toMatchObject({ code: order.code, districtCode: '510104', channel: 'hotline' });
    await chainAuditLog(t.ctx.db);
    const chained = await t.ctx.db.selectFrom('audit_log').select('seq').where('id', '=', entries[0]!.id).executeTakeFirstOrThrow();
    expect(chained.seq).not.toBeNull();
    expect(await verifyAuditLog(t.ctx.db)).toMatchObject({ ok: true });

    const { rows: events } = await sql<{ id: string }>`SELECT id FROM events WHERE name = 'work_order.created' AND payload->>'workOrderId' = ${order.id}`.execute(t.ctx.db);
    expect(events).toHaveLength(1);
    const jobsOf = () => t.ctx.db.selectFrom('jobs').select(['handler', 'status']).where('event_id', '=', events[0]!.id as never).orderBy('handler').execute();
    // A located hotline complaint in a jurisdiction that does not dispatch automatically: the link to a component and
    // the reporter's message have work to do; auto-dispatch gets no job.
    const handlers = ['work_orders.link-component', 'work_orders.notify-created'];
    expect((await jobsOf()).map((x) => x.handler)).toEqual(handlers);
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    await worker.drain(10_000);
    expect((await jobsOf()).map((x) => x.status)).toEqual(handlers.map(() => 'done'));
    // The stored answer is the answer.
    const again = await post('agent', '/work-orders', complaint({ title: '随单写入' }), { 'idempotency-key': 'create-writes-0001' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().order).toEqual(order);
  });

  it('gives an event a job only for the subscribers that act on it', async () => {
    const jobsOfOrder = async (name: string, id: string) =>
      (
        await sql<{ handler: string }>`SELECT j.handler FROM jobs j JOIN events e ON e.id = j.event_id
                                        WHERE e.name = ${name} AND e.payload->>'workOrderId' = ${id} ORDER BY j.handler`.execute(t.ctx.db)
      ).rows.map((r) => r.handler);
    // No point (a district named instead): no component to link.
    const named = await createdBy('agent', complaint({ title: '只有区县', location: undefined, districtCode: '510104' }));
    expect(await jobsOfOrder('work_order.created', named.id)).toEqual(['work_orders.notify-created']);
    // Accepting tells the reporter nothing and transfers nothing; only the component follower is left.
    const accepted = await post('dispatcher', `/work-orders/${named.id}/actions`, { version: named.version, action: { type: 'accept' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await jobsOfOrder('work_order.transitioned', named.id)).toEqual(['work_orders.component-follows']);
    // Rejecting tells the reporter (with the reason).
    const other = await createdBy('agent', complaint({ title: '将被退回', location: undefined, districtCode: '510104' }));
    const rejected = await post('dispatcher', `/work-orders/${other.id}/actions`, { version: other.version, action: { type: 'reject', reason: '不属于本市管辖' } });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(await jobsOfOrder('work_order.transitioned', other.id)).toEqual(['work_orders.component-follows', 'work_orders.notify-progress']);
    // Every subscriber is still registered (the filter is per occurrence).
    expect(t.ctx.handlers.subscribersOf('work_order.created').sort()).toEqual(['work_orders.auto-dispatch', 'work_orders.link-component', 'work_orders.notify-created']);
  });

  it('writes none of a create`s rows when its claim returns no row, and the others of its statement', async () => {
    const now = new Date();
    await claim('test:batch', 'taken-key-0001', 'h', { first: true }).execute(t.ctx.db);
    const template = (await findWorkOrderById(t.ctx.db, j, (await createdBy('agent', complaint({ title: '模板' }))).id))!;
    const made = async (key: string, marker: string): Promise<NewCreate> => {
      const id = randomUUID();
      const entryId = (await sql<{ id: string }>`SELECT nextval('work_order_timeline_id_seq') AS id`.execute(t.ctx.db)).rows[0]!.id;
      return {
        claim: { scope: 'test:batch', key, hash: 'h', at: now, status: 201, responseJson: JSON.stringify({ marker }) },
        row: { ...template, id, code: `${template.code.slice(0, -6)}${marker === 'lost-claim' ? '999990' : '999991'}` },
        more: { reporterPhoneHmac: null, searchText: marker },
        entry: { id: Number(entryId), at: now, action: 'create', from_status: null, to_status: 'received', actor_id: null, actor_role: 'api_key', note: null, photos: [], data: {} },
        timers: [{ handler: SLA_TIMER, key: `${marker}:due`, runAt: now, jurisdictionId: j, payload: {} }],
        audit: auditEntry({ actor: systemActor('test', j), request: { ip: null, requestId: marker }, action: 'test.lost_claim', jurisdictionId: j }),
        event: { name: 'work_order.created', jurisdictionId: j, payload: { marker } },
      };
    };
    const lost = await made('taken-key-0001', 'lost-claim');
    const won = await made('free-key-0001', 'won-claim');
    expect(await writeCreates(t.ctx, [lost, won])).toEqual([false, true]);
    const auditOf = (marker: string) => count(t.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('request_id', '=', marker).execute());
    const eventsOf = async (marker: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE payload->>'marker' = ${marker}`.execute(t.ctx.db)).rows[0]!.n;
    const timersOf = (marker: string) => count(t.ctx.db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('dedupe_key', '=', `${marker}:due`).execute());
    const ordersOf = (id: string) => count(t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll().as('n')).where('id', '=', id).execute());
    const entriesOf = (id: number) => count(t.ctx.db.selectFrom('work_order_timeline').select((eb) => eb.fn.countAll().as('n')).where('id', '=', id as never).execute());
    expect([await ordersOf(lost.row.id), await entriesOf(lost.entry.id), await auditOf('lost-claim'), await eventsOf('lost-claim'), await timersOf('lost-claim')]).toEqual([0, 0, 0, 0, 0]);
    expect([await ordersOf(won.row.id), await entriesOf(won.entry.id), await auditOf('won-claim'), await eventsOf('won-claim'), await timersOf('won-claim')]).toEqual([1, 1, 1, 1, 1]);
    const { rows: events } = await sql<{ id: string }>`SELECT id FROM events WHERE payload->>'marker' = 'won-claim'`.execute(t.ctx.db);
    const jobs = await t.ctx.db.selectFrom('jobs').select('handler').where('event_id', '=', events[0]!.id as never).execute();
    expect(jobs.map((x) => x.handler)).toEqual(['work_orders.notify-created']); // no point, no auto-dispatch in its payload
    const stored = await t.ctx.db.selectFrom('idempotency_keys').select(['key', 'response']).where('scope', '=', 'test:batch').orderBy('key').execute();
    expect(stored.map((k) => ({ key: k.key, response: JSON.parse(k.response) as unknown }))).toEqual([{ key: 'free-key-0001', response: { marker: 'won-claim' } }, { key: 'taken-key-0001', response: { first: true } }]);
  });

  it('refuses as before (unknown category, outside the city, unknown jurisdiction, numbers used up) and takes no number for a refusal', async () => {
    const first = await createdBy('agent', complaint({ title: '编号之前' }));
    const outside = await post('agent', '/work-orders', complaint({ location: OUTSIDE }));
    expect([outside.statusCode, outside.json().code]).toEqual([422, 'work_order.outside_jurisdiction']);
    const unknown = await post('agent', '/work-orders', complaint({ categoryCode: 'component.99.9999' }));
    expect([unknown.statusCode, unknown.json().code]).toEqual([400, 'work_order.category_unknown']);
    const next = await createdBy('agent', complaint({ title: '编号之后' }));
    expect(sequenceOf(next.code)).toBe(sequenceOf(first.code) + 1);

    const caller = { principal: null, audit: systemActor('test') };
    const input = { jurisdictionId: 'nowhere.gov.cn', channel: 'api', requestType: 'complaint', title: '无此市', description: 'x', location: INSIDE, urgency: 'normal' } as const;
    const missing = await createWorkOrder(t.ctx, input, caller).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ kind: 'not_found', code: 'work_order.jurisdiction_not_found' });

    const day = next.code.slice(-14, -6);
    await sql`UPDATE work_order_code_counters SET last_seq = 999999 WHERE jurisdiction_id = ${j} AND day = ${`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`}::date`.execute(t.ctx.db);
    const exhausted = await post('agent', '/work-orders', complaint({ title: '号已用完' }));
    expect([exhausted.statusCode, exhausted.json().code]).toEqual([503, 'work_order.codes_exhausted']);
    await sql`UPDATE work_order_code_counters SET last_seq = ${sequenceOf(next.code)} WHERE jurisdiction_id = ${j} AND day = ${`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`}::date`.execute(t.ctx.db);
  });

  it('commits only its number allocation asynchronously: inside a caller`s transaction the commit stays synchronous', async () => {
    const input = { jurisdictionId: j, channel: 'api', requestType: 'complaint', title: '事务内创建', description: 'x', districtCode: '510104', urgency: 'normal' } as const;
    const setting = await t.ctx.db.transaction().execute(async (tx) => {
      await createWorkOrder({ ...t.ctx, db: tx }, input, { principal: null, audit: systemActor('test', j) });
      return (await sql<{ s: string }>`SELECT current_setting('synchronous_commit') AS s`.execute(tx)).rows[0]!.s;
    });
    expect(setting).toBe('on');
    expect(await count(t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll().as('n')).where('title', '=', '事务内创建').execute())).toBe(1);
    // On its own the setting ends with the statement's transaction.
    await createWorkOrder(t.ctx, { ...input, title: '单独创建' }, { principal: null, audit: systemActor('test', j) });
    expect((await sql<{ s: string }>`SELECT current_setting('synchronous_commit') AS s`.execute(t.ctx.db)).rows[0]!.s).toBe('on');
  });

  it.skipIf(testStorageKind !== 'postgres')('writes nothing when a concurrent request claims the key first, and replays its answer', async () => {
    const scope = 'test:race';
    const key = 'create-race-0001';
    const body = { title: '并发占用' };
    const input = { jurisdictionId: j, channel: 'api', requestType: 'complaint', title: '并发占用', description: 'x', districtCode: '510104', urgency: 'normal' } as const;
    const theirs = { id: 'the-first-request', code: 'GD20260101000001' };
    const totals = async () =>
      (
        await sql<{ orders: number; entries: number; audit: number; events: number; timers: number }>`
          SELECT (SELECT count(*)::int FROM work_orders WHERE jurisdiction_id = ${j}) AS orders,
                 (SELECT count(*)::int FROM work_order_timeline WHERE jurisdiction_id = ${j}) AS entries,
                 (SELECT count(*)::int FROM audit_log WHERE jurisdiction_id = ${j} AND action = 'work_order.create') AS audit,
                 (SELECT count(*)::int FROM events WHERE jurisdiction_id = ${j} AND name = 'work_order.created') AS events,
                 (SELECT count(*)::int FROM jobs WHERE jurisdiction_id = ${j} AND handler = ${SLA_TIMER}) AS timers`.execute(t.ctx.db)
      ).rows[0]!;
    const before = await totals();
    // Another request's transaction holds the key (uncommitted) while this create reads, allocates and writes.
    const replayed = await t.ctx.db.connection().execute(async (other) => {
      await sql`BEGIN`.execute(other);
      await claim(scope, key, hashOf(body), theirs).execute(other);
      const creating = createWorkOrder(t.ctx, input, { principal: null, audit: systemActor('test', j) }, { idempotency: { scope, key, body } });
      // Its claim waits for this transaction: wait until it does, then commit.
      let waiting = false;
      for (let i = 0; i < 1000 && !waiting; i++) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO idempotency_keys%'`.execute(t.ctx.db);
        waiting = rows[0]!.n > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql`COMMIT`.execute(other);
      return { waiting, result: await creating };
    });
    expect(replayed.waiting).toBe(true);
    // The first request's answer, and its very text (sent again byte for byte).
    expect(replayed.result).toEqual({ order: theirs, json: JSON.stringify(theirs), replayed: true });
    expect(await totals()).toEqual(before);
  });
});
