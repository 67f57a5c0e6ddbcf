/**
 * Concurrent plain creates share their write statement (group commit, modules/work-orders/create-writer.ts): each
 * create's answer is still what a read of its order shows, two creates with the same Idempotency-Key in one burst make
 * one order (the other replays its answer), and a create that fails in a shared statement fails alone, with its own
 * error, while the others are written.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkOrder, createWriter, readIntakes, seedStandardCategories, type CreateWorkOrderInput, type IntakeQuery, type WorkOrderDetail } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let j: string;
let agent: Session;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cg-wo-batch-'));
  t = await createTestApp({ dataDir });
  j = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, systemActor('test', j)));
  const u = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '批量坐席', grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
  agent = await loginAs(t.app, u);
});
afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const body = (title: string) => ({
  requestType: 'complaint',
  categoryCode: 'component.01.0102',
  title,
  description: '井盖丢失，晚上很危险',
  districtCode: '510104',
  address: '人民路 12 号',
  reporter: { name: '王五', phone: '13900139000' },
});
const post = (payload: object, key: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/work-orders', payload, headers: { ...agent.bearer, 'idempotency-key': key } });
const ordersTitled = async (title: string) => (await t.ctx.db.selectFrom('work_orders').select('id').where('title', '=', title).execute()).map((r) => r.id);

describe(`work-order creates sharing a write statement (${testStorageKind})`, () => {
  it('answers each create with what its read shows, and makes one order for a key sent several times in one burst', async () => {
    const writer = createWriter(t.ctx);
    const before = { ...writer.stats };
    const distinct = Array.from({ length: 12 }, (_, i) => ({ payload: body(`批量 ${i}`), key: `batch-distinct-${i}` }));
    const same = Array.from({ length: 4 }, () => ({ payload: body('同键批量'), key: 'batch-same-key-0001' }));
    const sent = [...distinct.slice(0, 6), ...same.slice(0, 2), ...distinct.slice(6), ...same.slice(2)];
    const responses = await Promise.all(sent.map((r) => post(r.payload, r.key)));
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    // On PostgreSQL the burst's creates shared statements (more arrive than the writer's streams take one by one). The
    // embedded database runs each statement on this thread, so requests seldom reach the writer while one is in flight.
    if (testStorageKind === 'postgres') expect(writer.stats.statements - before.statements).toBeLessThan(writer.stats.operations - before.operations);

    const answers = responses.map((res) => res.json().order as WorkOrderDetail);
    const sameAnswers = answers.filter((a) => a.title === '同键批量');
    expect(sameAnswers).toHaveLength(4);
    for (const a of sameAnswers) expect(a).toEqual(sameAnswers[0]);
    expect(responses.filter((res, i) => sent[i]!.key === 'batch-same-key-0001' && res.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await ordersTitled('同键批量')).toEqual([sameAnswers[0]!.id]);

    const codes = new Set(answers.map((a) => a.code));
    expect(codes.size).toBe(distinct.length + 1);
    for (const a of answers) {
      const read = await t.app.inject({ method: 'GET', url: `/api/v1/work-orders/${a.id}`, headers: agent.bearer });
      expect(read.json().order).toEqual(a);
    }
  });

  it('fails only the bad create of a shared statement, with its own error, and writes the others', async () => {
    const writer = createWriter(t.ctx);
    const before = { ...writer.stats };
    const caller = { principal: null, audit: systemActor('test', j) };
    const input = (title: string, over: Partial<CreateWorkOrderInput> = {}): CreateWorkOrderInput => ({
      jurisdictionId: j, channel: 'api', requestType: 'complaint', title, description: 'x', districtCode: '510104', urgency: 'normal', ...over,
    });
    const good = Array.from({ length: 8 }, (_, i) => input(`好单 ${i}`));
    // An account that does not exist: the order's foreign key fails, and only in the write statement.
    const bad = input('坏单', { reporterUserId: randomUUID() });
    const all = [...good, bad];
    const results = await Promise.allSettled(
      all.map((x, i) => createWorkOrder(t.ctx, x, caller, { idempotency: { scope: 'test:batch-fail', key: `batch-fail-${i}`, body: x } })),
    );
    // It was in a shared statement, which failed as a whole and was sent again create by create.
    expect(writer.stats.split - before.split).toBe(1);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ title: all[i]!.title, reason: r.reason as { code?: string } }] : []));
    expect(failed.map((f) => [f.title, f.reason.code])).toEqual([['坏单', '23503']]);
    for (const [i, r] of results.slice(0, good.length).entries()) {
      expect(r.status).toBe('fulfilled');
      const { order } = (r as PromiseFulfilledResult<{ order: WorkOrderDetail }>).value;
      expect(await ordersTitled(`好单 ${i}`)).toEqual([order.id]);
    }
    expect(await ordersTitled('坏单')).toEqual([]);
    // Its key was not kept: a corrected retry with the same key creates the order.
    const key = await t.ctx.db.selectFrom('idempotency_keys').select('key').where('scope', '=', 'test:batch-fail').where('key', '=', `batch-fail-${good.length}`).executeTakeFirst();
    expect(key).toBeUndefined();
  });

  it('reads for several creates in one statement: one jurisdiction`s creates take consecutive numbers, refused ones none', async () => {
    const j2 = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
    const day = '2026-03-02';
    await sql`INSERT INTO idempotency_keys (scope, key, request_hash, status, response) VALUES ('test:read', 'read-live-0001', 'h', 201, '{}')`.execute(t.ctx.db);
    const since = new Date(Date.now() - 3600_000);
    const q = (over: Partial<IntakeQuery>): IntakeQuery => ({ jurisdictionId: j, point: null, gridFound: false, categoryCode: 'component.01.0102', day, retry: null, ...over });
    const found = await readIntakes(t.ctx.db, [
      q({}),
      q({ categoryCode: 'component.99.9999' }),
      q({ jurisdictionId: j2, categoryCode: null }),
      q({ retry: { scope: 'test:read', key: 'read-live-0001', since } }),
      q({ categoryCode: null, retry: { scope: 'test:read', key: 'read-new-0001', since } }),
      q({}),
    ]);
    expect(found.map((f) => [f.category_active, f.retry, f.seq])).toEqual([
      [true, false, 1],
      [null, false, null],
      [null, false, 1],
      [true, true, null],
      [null, false, 2],
      [true, false, 3],
    ]);
    const entryIds = found.filter((f) => f.seq !== null).map((f) => Number(f.entry_id));
    expect(new Set(entryIds).size).toBe(4);
    // The settings come with each row, and the counter moved once by what was taken.
    expect(found.every((f) => f.jurisdiction_found)).toBe(true);
    const counters = await t.ctx.db.selectFrom('work_order_code_counters').select(['jurisdiction_id', 'last_seq']).where('day', '=', day as never).orderBy('jurisdiction_id').execute();
    expect(Object.fromEntries(counters.map((c) => [c.jurisdiction_id, c.last_seq]))).toEqual({ [j]: 3, [j2]: 1 });
    // Near the day's end, a statement that would pass 999,999 takes nothing and the creates are refused.
    await sql`UPDATE work_order_code_counters SET last_seq = 999998 WHERE jurisdiction_id = ${j} AND day = ${day}::date`.execute(t.ctx.db);
    expect((await readIntakes(t.ctx.db, [q({}), q({})])).map((f) => f.seq)).toEqual([null, null]);
    expect((await readIntakes(t.ctx.db, [q({})])).map((f) => f.seq)).toEqual([999999]);
  });

  it.skipIf(testStorageKind !== 'postgres')('reads with a statement the connection prepared once and reuses', async () => {
    const input: CreateWorkOrderInput = { jurisdictionId: j, channel: 'api', requestType: 'complaint', title: '预备语句', description: 'x', districtCode: '510104', urgency: 'normal' };
    const runs = await t.ctx.db.connection().execute(async (db) => {
      const caller = { principal: null, audit: systemActor('test', j) };
      const read = async () =>
        new Map((await sql<{ name: string; runs: number }>`SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
                  WHERE statement LIKE '/* prepared */%work_order_code_counters%'`.execute(db)).rows.map((r) => [r.name, r.runs]));
      const before = await read();
      await createWorkOrder({ ...t.ctx, db }, input, caller);
      await createWorkOrder({ ...t.ctx, db }, input, caller);
      const after = await read();
      return [...after].map(([name, n]) => n - (before.get(name) ?? 0)).filter((n) => n > 0);
    });
    // Both creates ran the same prepared statement.
    expect(runs).toEqual([2]);
    expect(await ordersTitled('预备语句')).toHaveLength(2);
  });
});
