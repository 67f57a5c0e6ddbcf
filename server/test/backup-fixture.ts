/**
 * Rows for backup/restore tests, chosen to exercise what a logical copy can get wrong: geometry, arrays with
 * commas and quotes, jsonb with unicode and floats, microsecond timestamps with offsets, bigserial sequences,
 * self-referencing foreign keys whose children sort before their parents, and a hash-chained audit log.
 */
import { sql } from 'kysely';
import type { Db } from '../src/app-context.js';
import { chainAuditLog, recordAudit, verifyAuditLog } from '../src/modules/audit/index.js';
import { noRequest, systemActor } from '../src/shared/actor.js';

export const PARENT_DEPT = 'ffffffff-0000-4000-8000-000000000001';
export const CHILD_DEPT = '00000000-0000-4000-8000-000000000002';

export async function seedBackupFixture(db: Db): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`INSERT INTO jurisdictions (id, name_zh, name_en, division_code)
              VALUES ('chengdu.gov.cn', '成都市', 'Chengdu', '510100'), ('test.example', '测试', 'Test', '110000')`.execute(tx);
    // The child division's key sorts before its parent's: ordering by key alone would break the foreign key.
    await sql`INSERT INTO divisions (jurisdiction_id, code, parent_code, level, name_zh, name_en, boundary) VALUES
      ('chengdu.gov.cn', '519900', NULL, 'city', '成都市', 'Chengdu',
        ST_Multi(ST_GeomFromText('POLYGON((104 30, 104.2 30, 104.2 30.2, 104 30))', 4326))),
      ('chengdu.gov.cn', '510104', '519900', 'district', '锦江区', NULL,
        ST_Multi(ST_GeomFromText('POLYGON((104.01 30.01, 104.1 30.01, 104.1 30.123456789, 104.01 30.01))', 4326)))`.execute(tx);
    await sql`INSERT INTO departments (id, jurisdiction_id, parent_id, path, code, kind, name_zh, name_en, division_code, created_at)
      VALUES (${PARENT_DEPT}, 'chengdu.gov.cn', NULL, ${`/${PARENT_DEPT}/`}, 'gov', 'government', '成都市人民政府', 'Chengdu Government', '519900',
              '2026-01-02 03:04:05.123456+08'),
             (${CHILD_DEPT}, 'chengdu.gov.cn', ${PARENT_DEPT}, ${`/${PARENT_DEPT}/${CHILD_DEPT}/`}, 'cgj', 'functional', '城管局', 'Urban Management', NULL,
              '2026-01-02 03:04:05.000001+00')`.execute(tx);
    await sql`INSERT INTO users (id, jurisdiction_id, username, display_name, department_id, password_hash, locked_until)
      VALUES ('10000000-0000-4000-8000-000000000001', 'chengdu.gov.cn', 'admin', '管理员 "Admin"', ${CHILD_DEPT}, '$argon2id$v=19$m=19456,t=2,p=1$abc$def', NULL),
             ('10000000-0000-4000-8000-000000000002', 'test.example', 'Zhang.San', 'Zhang, San\\n', NULL, 'x', '2030-12-31 23:59:59.999999+00')`.execute(tx);
    await sql`INSERT INTO role_grants (jurisdiction_id, user_id, role, scope_kind, department_id, grid_codes) VALUES
      ('chengdu.gov.cn', '10000000-0000-4000-8000-000000000001', 'admin', 'jurisdiction', NULL, '{}'),
      ('chengdu.gov.cn', '10000000-0000-4000-8000-000000000001', 'inspector', 'grids', NULL,
        ARRAY['51010400100101', 'with,comma', 'quote"d', 'space s', '{brace}', 'NULL']),
      ('chengdu.gov.cn', '10000000-0000-4000-8000-000000000002', 'handler', 'department', ${CHILD_DEPT}, '{}')`.execute(tx);
    await sql`INSERT INTO api_keys (jurisdiction_id, name, prefix, key_hash, scopes, created_by)
      VALUES ('chengdu.gov.cn', 'open311 gateway', 'cg_abcd', 'hash', ARRAY['open311:write', 'sensors:ingest'],
              '10000000-0000-4000-8000-000000000001')`.execute(tx);
    const ev = await sql<{ id: number }>`INSERT INTO events (jurisdiction_id, name, payload)
      VALUES ('chengdu.gov.cn', 'user.created', '{"name": "张三 ☃", "score": 0.1, "nested": {"b": [1, 2.5e-7, null], "a": true}}')
      RETURNING id`.execute(tx);
    await sql`INSERT INTO jobs (jurisdiction_id, kind, handler, event_id, payload, run_at)
      VALUES ('chengdu.gov.cn', 'event', 'test.handler', ${ev.rows[0]!.id}, '{}', '2026-05-06 07:08:09.5+02')`.execute(tx);
    for (let i = 0; i < 3; i++) {
      await recordAudit(tx, {
        actor: systemActor('backup-test', 'chengdu.gov.cn'),
        request: noRequest,
        action: 'user.create',
        objectType: 'user',
        objectId: `u${i}`,
        details: { i, note: '审计 ✓', float: 1 / 3, list: ['a', { z: 1, a: 2 }] },
      });
    }
  });
  // Many rows in one table so keyset pagination crosses several pages.
  await db.transaction().execute(async (tx) => {
    await sql`INSERT INTO events (jurisdiction_id, name, payload)
      SELECT NULL, 'bulk.event', jsonb_build_object('n', g, 'text', repeat('x', g % 50))
      FROM generate_series(1, 2500) AS g`.execute(tx);
  });
  // As a running server's chainer would a moment later: the backup carries a linked chain and its head.
  await chainAuditLog(db);
}

/** md5 of every row's text form per table, in a stable order — equal maps mean equal contents. */
export async function tableDigests(db: Db, tables: string[]): Promise<Record<string, string>> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
    await sql`SET LOCAL extra_float_digits = 3`.execute(tx);
    const out: Record<string, string> = {};
    for (const t of tables) {
      const { rows } = await sql<{ n: string; h: string }>`
        SELECT count(*)::text AS n, md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) AS h
        FROM ${sql.id(t)} AS x`.execute(tx);
      out[t] = `${rows[0]!.n}:${rows[0]!.h}`;
    }
    return out;
  });
}

/** The audit module's own verifier over the stored chain. */
export async function auditChainProblem(db: Db) {
  const result = await verifyAuditLog(db);
  return { count: result.entries, problem: result.ok ? null : `${result.problem} at #${result.firstBadSeq}` };
}
