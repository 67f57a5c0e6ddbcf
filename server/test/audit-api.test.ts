/** GET /api/v1/audit and /api/v1/audit/verify through the full app: permissions, scope, filters, paging. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../src/modules/audit/index.js';
import { noRequest, systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let auditor: Session;
let admin: Session;
let dispatcher: Session;
let home: string;
let other: string;

async function seed(jurisdictionId: string, action: string, objectId: string, purpose: string | null = null) {
  await t.ctx.db.transaction().execute((tx) =>
    recordAudit(tx, {
      actor: systemActor('seed', jurisdictionId),
      request: noRequest,
      action,
      jurisdictionId,
      objectType: 'work_order',
      objectId,
      purpose,
      details: { objectId },
    }),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  home = (await makeJurisdiction(t.ctx.db)).id;
  other = (await makeJurisdiction(t.ctx.db)).id;
  const a = await makeUser(t.ctx.db, { jurisdictionId: home, grants: [{ role: 'auditor', scope: { kind: 'jurisdiction' } }] });
  const b = await makeUser(t.ctx.db, { jurisdictionId: home, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
  const c = await makeUser(t.ctx.db, { jurisdictionId: home, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] });
  auditor = await loginAs(t.app, a);
  admin = await loginAs(t.app, b);
  dispatcher = await loginAs(t.app, c);
  for (let i = 1; i <= 5; i++) await seed(home, 'work_order.create', `WO-${i}`);
  await seed(home, 'personal_data.read', 'WO-1', 'complaint follow-up');
  await seed(other, 'work_order.create', 'OTHER-1');
});

afterAll(async () => {
  await t?.close();
});

const get = (url: string, session?: Session) =>
  t.app.inject({ method: 'GET', url, headers: { ...(session?.bearer ?? {}), 'accept-language': 'en' } });

describe('GET /api/v1/audit', () => {
  it('refuses anonymous callers and roles without audit.read', async () => {
    expect((await get('/api/v1/audit')).statusCode).toBe(401);
    const res = await get('/api/v1/audit', dispatcher);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('auth.forbidden');
  });

  it('lists entries of the caller’s jurisdiction only, newest first', async () => {
    const res = await get('/api/v1/audit?action=work_order.create', auditor);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((e: { object: { id: string } }) => e.object.id)).toEqual(['WO-5', 'WO-4', 'WO-3', 'WO-2', 'WO-1']);
    expect(body.items.every((e: { jurisdictionId: string }) => e.jurisdictionId === home)).toBe(true);
    expect(body.items[0]).toMatchObject({ actor: { kind: 'system', name: 'seed' }, details: { objectId: 'WO-5' } });
    expect(body.nextCursor).toBeNull();
    // Another jurisdiction's entries do not appear even when asked for by name.
    const foreign = await get(`/api/v1/audit?jurisdictionId=${other}`, admin);
    expect(foreign.json().items).toEqual([]);
  });

  it('pages with a keyset cursor without repeating or skipping entries', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const url: string = `/api/v1/audit?action=work_order.create&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await get(url, auditor)).json() as { items: { id: number }[]; nextCursor: string | null };
      seen.push(...body.items.map((e) => e.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(5);
  });

  it('filters by object, purpose and time range', async () => {
    const byObject = (await get('/api/v1/audit?objectType=work_order&objectId=WO-1', auditor)).json();
    expect(byObject.items.map((e: { action: string }) => e.action)).toEqual(['personal_data.read', 'work_order.create']);
    const byPurpose = (await get('/api/v1/audit?purpose=complaint%20follow-up', auditor)).json();
    expect(byPurpose.items).toHaveLength(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await get(`/api/v1/audit?from=${encodeURIComponent(future)}`, auditor)).json().items).toEqual([]);
  });

  it('audits every read of the log', async () => {
    await get('/api/v1/audit?objectId=WO-3', auditor);
    const { rows } = await sql<{ actor_name: string; details: { filters: Record<string, string> } }>`
      SELECT actor_name, details FROM audit_log WHERE action = 'audit.read' ORDER BY id DESC LIMIT 1`.execute(t.ctx.db);
    expect(rows[0]).toMatchObject({ details: { filters: { objectId: 'WO-3' } } });
    const reads = (await get('/api/v1/audit?action=audit.read', auditor)).json();
    expect(reads.items.length).toBeGreaterThan(0);
  });

  it('rejects bad input with stable codes', async () => {
    const cursor = await get('/api/v1/audit?cursor=abc', auditor);
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ code: 'audit.bad_cursor', message: expect.stringContaining('cursor') });
    const range = await get('/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', auditor);
    expect(range.statusCode).toBe(400);
    expect(range.json().code).toBe('audit.bad_range');
    expect((await get('/api/v1/audit?limit=1000', auditor)).statusCode).toBe(400);
    expect((await get('/api/v1/audit?colour=red', auditor)).statusCode).toBe(400);
  });
});

describe('GET /api/v1/audit/verify', () => {
  it('reports an intact chain, and the first bad entry once a row is edited', async () => {
    expect((await get('/api/v1/audit/verify', dispatcher)).statusCode).toBe(403);
    const ok = await get('/api/v1/audit/verify', admin);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, entries: expect.any(Number), head: { seq: expect.any(Number) } });

    await t.ctx.db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit_log SET object_id = 'WO-99' WHERE object_id = 'WO-2'`.execute(tx);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(tx);
    });
    const { rows } = await sql<{ seq: number }>`SELECT seq FROM audit_log WHERE object_id = 'WO-99'`.execute(t.ctx.db);
    const bad = await get('/api/v1/audit/verify', auditor);
    expect(bad.json()).toMatchObject({ ok: false, firstBadSeq: rows[0]!.seq, problem: 'hash_mismatch' });
  });
});
