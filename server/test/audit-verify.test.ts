/**
 * The stored audit chain against a real database: tampering by someone with owner rights (triggers disabled,
 * as an attacker could) is detected, and concurrent appends from parallel transactions stay one valid chain.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/app-context.js';
import type { Storage } from '../src/db/storage.js';
import { chainAuditLog, chainBatch, chainEntries, entryHash, lockAndListPending, recordAudit, verifyAuditLog } from '../src/modules/audit/index.js';
import { noRequest, systemActor } from '../src/shared/actor.js';
import { createTestStorage, testStorageKind } from './db.js';

let storage: Storage;
let db: Db;

beforeAll(async () => {
  storage = await createTestStorage();
  db = storage.db;
});
afterAll(async () => {
  await storage?.close();
});

/** Runs statements with the append-only triggers off, the way an attacker with owner rights would. */
async function tamper(statements: (tx: Db) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
    await sql`ALTER TABLE audit_head DISABLE TRIGGER USER`.execute(tx);
    await statements(tx);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(tx);
    await sql`ALTER TABLE audit_head ENABLE TRIGGER USER`.execute(tx);
  });
}

const write = (tx: Db, i: number) =>
  recordAudit(tx, {
    actor: systemActor('test', 'chengdu.gov.cn'),
    request: noRequest,
    action: 'test.write',
    objectType: 'thing',
    objectId: String(i),
    details: { i, 说明: '测试', nested: { b: [1, 2], a: null }, nul: 'x\u0000y' },
  });

/** Appends n entries, each in its own transaction, and (unless told not to) lets the chainer link them. */
async function append(n: number, chain = true): Promise<void> {
  for (let i = 0; i < n; i++) await db.transaction().execute((tx) => write(tx, i));
  if (chain) await chainAuditLog(db);
}

beforeEach(async () => {
  await tamper(async (tx) => {
    await sql`DELETE FROM audit_log`.execute(tx);
    await sql`DELETE FROM audit_head`.execute(tx);
  });
});

describe('verifyAuditLog', () => {
  it('accepts an empty log and an intact chain read in small pages', async () => {
    expect(await verifyAuditLog(db)).toEqual({ ok: true, entries: 0, head: null });
    await append(10);
    const result = await verifyAuditLog(db, { pageSize: 3 });
    expect(result).toMatchObject({ ok: true, entries: 10, head: { seq: 10 } });
  });

  it('verifies from a given entry on', async () => {
    await append(10);
    expect(await verifyAuditLog(db, { fromSeq: 4, pageSize: 4 })).toMatchObject({ ok: true, entries: 7 });
    expect(await verifyAuditLog(db, { fromSeq: 11 })).toMatchObject({ ok: true, entries: 0 });
  });

  it('the application cannot change or remove entries (triggers)', async () => {
    await append(2);
    await expect(sql`UPDATE audit_log SET actor_name = 'x' WHERE seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_head SET seq = 1`.execute(db)).rejects.toThrow(/only moves forward/);
  });

  it('detects an edited row', async () => {
    await append(6);
    await tamper((tx) => sql`UPDATE audit_log SET details = '{"i": 3}'::jsonb WHERE seq = 4`.execute(tx));
    expect(await verifyAuditLog(db, { pageSize: 2 })).toEqual({
      ok: false,
      firstBadSeq: 4,
      problem: 'hash_mismatch',
      entries: 3,
    });
  });

  it('detects an edited row whose hash the attacker recomputed, at the next link', async () => {
    await append(6);
    const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    const forgedHash = entryHash({
      seq: row.seq!,
      at: row.at,
      jurisdictionId: row.jurisdiction_id,
      actorKind: row.actor_kind,
      actorId: row.actor_id,
      actorName: 'mallory',
      action: row.action,
      objectType: row.object_type,
      objectId: row.object_id,
      ip: row.ip,
      requestId: row.request_id,
      purpose: row.purpose,
      details: row.details,
      prevHash: row.prev_hash!,
    });
    await tamper((tx) => sql`UPDATE audit_log SET actor_name = 'mallory', hash = ${forgedHash} WHERE seq = 3`.execute(tx));
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'broken_link' });
  });

  it('detects a deleted row', async () => {
    await append(6);
    await tamper((tx) => sql`DELETE FROM audit_log WHERE seq = 3`.execute(tx));
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'gap' });
  });

  it('detects a deleted first row', async () => {
    await append(3);
    await tamper((tx) => sql`DELETE FROM audit_log WHERE seq = 1`.execute(tx));
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 1, problem: 'gap' });
  });

  it('detects a deleted tail, even with the head moved back to match', async () => {
    await append(6);
    await tamper((tx) => sql`DELETE FROM audit_log WHERE seq >= 5`.execute(tx));
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'truncated' });
    // Rolling the head back too is undetectable from inside the database alone; compare with a recorded head.
    await tamper((tx) => sql`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`.execute(tx));
    const rolledBack = await verifyAuditLog(db);
    expect(rolledBack).toMatchObject({ ok: true, head: { seq: 4 } });
  });

  it('detects a row inserted in the middle (later rows renumbered)', async () => {
    await append(6);
    const prev = await db.selectFrom('audit_log').select('hash').where('seq', '=', 3).executeTakeFirstOrThrow();
    const forged = {
      seq: 4,
      at: new Date(),
      jurisdictionId: 'chengdu.gov.cn',
      actorKind: 'system',
      actorId: null,
      actorName: 'test',
      action: 'test.write',
      objectType: 'thing',
      objectId: 'forged',
      ip: null,
      requestId: null,
      purpose: null,
      details: {},
      prevHash: prev.hash!,
    };
    await tamper(async (tx) => {
      await sql`UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4`.execute(tx);
      await sql`UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000`.execute(tx);
      await sql`INSERT INTO audit_log (seq, at, jurisdiction_id, actor_kind, actor_name, action, object_type, object_id,
                  details, prev_hash, hash)
                VALUES (4, ${forged.at}, 'chengdu.gov.cn', 'system', 'test', 'test.write', 'thing', 'forged', '{}'::jsonb,
                  ${prev.hash}, ${entryHash(forged)})`.execute(tx);
      await sql`UPDATE audit_head SET seq = 7, hash = (SELECT hash FROM audit_log WHERE seq = 7)`.execute(tx);
    });
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'hash_mismatch' });
  });

  it('detects a row appended behind the application’s back', async () => {
    await append(3);
    await tamper((tx) =>
      sql`INSERT INTO audit_log (seq, at, actor_kind, action, details, prev_hash, hash)
          SELECT 4, now(), 'system', 'test.write', '{}'::jsonb, hash, repeat('a', 64) FROM audit_log WHERE seq = 3`.execute(tx),
    );
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'unanchored' });
  });

  it(`concurrent appends from parallel transactions stay one valid chain (${testStorageKind})`, async () => {
    await Promise.all(Array.from({ length: 4 }, () => append(8)));
    const verifying = verifyAuditLog(db, { pageSize: 5 }); // runs while more appends arrive
    await Promise.all(Array.from({ length: 3 }, () => append(4)));
    expect(await verifying).toMatchObject({ ok: true });
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 44, head: { seq: 44 } });
    const seqs = await db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
  });

  it('stores text PostgreSQL would refuse in a form that still verifies', async () => {
    await append(1);
    const row = await db.selectFrom('audit_log').select('details').executeTakeFirstOrThrow();
    expect(row.details).toMatchObject({ nul: 'x\uFFFDy', 说明: '测试' });
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 1 });
  });
});

describe('the chainer', () => {
  it('stores entries unchained, then links them in write order; verify chains what is pending first', async () => {
    await append(5, false);
    const before = await db.selectFrom('audit_log').select(['id', 'seq', 'hash']).orderBy('id').execute();
    expect(before.map((r) => [r.seq, r.hash])).toEqual(Array.from({ length: 5 }, () => [null, null]));
    expect(await verifyAuditLog(db, { chainPending: false })).toEqual({ ok: true, entries: 0, head: null });

    expect(await chainBatch(db, 3)).toBe(3);
    expect(await chainAuditLog(db)).toBe(2);
    expect(await chainAuditLog(db)).toBe(0);
    const after = await db.selectFrom('audit_log').select(['id', 'seq']).orderBy('id').execute();
    expect(after.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    await append(2, false);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 7, head: { seq: 7 } });
  });

  it('lets the chain fields be filled once and nothing else change, even while pending', async () => {
    await append(1, false);
    await expect(sql`UPDATE audit_log SET actor_name = 'x' WHERE seq IS NULL`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_log SET seq = 1, prev_hash = 'p', hash = 'h', details = '{}'::jsonb`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE seq IS NULL`.execute(db)).rejects.toThrow(/append-only/);
    await chainAuditLog(db);
    await expect(sql`UPDATE audit_log SET seq = 9, prev_hash = 'p', hash = 'h'`.execute(db)).rejects.toThrow(/append-only/);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 1 });
  });

  it('an entry whose transaction commits after later ones were chained gets the next place in the chain', async () => {
    if (testStorageKind !== 'postgres') return; // one connection: transactions cannot overlap on PGlite
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const slow = db.transaction().execute(async (tx) => {
      await write(tx, 100);
      written();
      await held;
    });
    await wrote;
    await append(3); // chained while the slow one is still open: invisible to the chainer
    release();
    await slow;
    await chainAuditLog(db);
    const rows = await db.selectFrom('audit_log').select(['id', 'seq', 'object_id']).orderBy('id').execute();
    expect(rows.map((r) => [r.object_id, r.seq])).toEqual([['100', 4], ['0', 1], ['1', 2], ['2', 3]]);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, entries: 4, head: { seq: 4 } });
  });

  it('links nothing from a listing whose head has moved since (another chainer was first), and refuses entries already linked', async () => {
    await append(2);
    const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
    await append(1, false);
    const links = (listed: NonNullable<Awaited<ReturnType<typeof lockAndListPending>>>, from: { seq: number; hash: string }) =>
      listed.pending.map((e, i) => {
        const seq = from.seq + i + 1;
        return { id: e.id, seq, prevHash: from.hash, hash: entryHash({ ...e, seq, prevHash: from.hash }) };
      });
    // Links computed from the head one entry back: the statement writes nothing and says so.
    const stale = { seq: head.seq - 1, hash: 'an older head' };
    const linked = await db.transaction().execute(async (tx) => {
      const listed = (await lockAndListPending(tx, 10))!;
      expect(listed.head).toEqual(head);
      expect(listed.pending).toHaveLength(1);
      return chainEntries(tx, stale, links(listed, stale));
    });
    expect(linked).toBe(false);
    expect(await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow()).toEqual(head);
    expect(await db.selectFrom('audit_log').select('id').where('seq', 'is', null).execute()).toHaveLength(1);

    // An entry that is no longer pending (chained by someone else) cannot be linked again: the batch rolls back.
    const chainedId = (await db.selectFrom('audit_log').select('id').where('seq', '=', head.seq).executeTakeFirstOrThrow()).id;
    await expect(
      db.transaction().execute(async (tx) => {
        const listed = (await lockAndListPending(tx, 10))!;
        const [pending] = links(listed, head);
        return chainEntries(tx, head, [{ ...pending!, id: chainedId }, { ...pending!, seq: head.seq + 2 }]);
      }),
    ).rejects.toThrow('1 of 2 entries were no longer pending');
    expect(await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow()).toEqual(head);

    // From the right head the entry is linked, and the chain verifies.
    expect(await chainAuditLog(db)).toBe(1);
    expect(await verifyAuditLog(db, { chainPending: false })).toMatchObject({ ok: true, entries: 3, head: { seq: 3 } });
  });

  it(`chainers running at once (several processes) still make one chain (${testStorageKind})`, async () => {
    await append(60, false);
    const counts = await Promise.all(Array.from({ length: 4 }, () => chainAuditLog(db)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(await verifyAuditLog(db, { chainPending: false })).toMatchObject({ ok: true, entries: 60, head: { seq: 60 } });
  });
});
