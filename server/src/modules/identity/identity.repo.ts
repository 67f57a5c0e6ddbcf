/**
 * SQL for users, role grants, sessions and API keys. `departments` belongs to the org module; we only join it
 * read-only for the materialised path that department scopes compare against.
 */
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../../app-context.js';
import { PREPARED } from '../../db/storage.js';
import { Batcher, batcherPer } from '../../shared/batcher.js';
import type { ApiKeysTable, RoleGrantsTable, UsersTable } from '../../db/schema.js';

export type UserRow = Selectable<UsersTable> & {
  department_path: string | null;
  department_code: string | null;
  department_name_zh: string | null;
  department_name_en: string | null;
};
export type GrantRow = Selectable<RoleGrantsTable> & { department_path: string | null };
export type ApiKeyRow = Selectable<ApiKeysTable>;

function usersWithDepartment(db: Db) {
  return db
    .selectFrom('users')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .selectAll('users')
    .select([
      'departments.path as department_path',
      'departments.code as department_code',
      'departments.name_zh as department_name_zh',
      'departments.name_en as department_name_en',
    ]);
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return usersWithDepartment(db)
    .where(sql<SqlBool>`lower(users.username) = lower(${username})`)
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return usersWithDepartment(db).where('users.id', '=', id).executeTakeFirst();
}

/** A user with department and grants in one round trip (the read behind GET /users/:id). */
export async function findUserWithGrants(db: Db, id: string) {
  return usersWithDepartment(db)
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('role_grants')
          .select(['role_grants.id', 'role_grants.user_id', 'role_grants.role', 'role_grants.scope_kind', 'role_grants.department_id', 'role_grants.grid_codes'])
          .whereRef('role_grants.user_id', '=', 'users.id')
          .orderBy('role_grants.created_at')
          .orderBy('role_grants.id'),
      ).as('grants'),
    )
    .where('users.id', '=', id)
    .executeTakeFirst();
}

/** Locks the user row for a read-modify-write (failed login counters, password change). */
export async function lockUser(tx: Db, id: string): Promise<void> {
  await tx.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
}

export interface UserFilter {
  scope: RawBuilder<SqlBool>;
  q?: string;
  departmentId?: string;
  role?: string;
  status?: 'active' | 'disabled';
}

export async function listUsersPage(
  db: Db,
  filter: UserFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: UserRow[]; total: number }> {
  let query = usersWithDepartment(db).where(filter.scope);
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('users.username', 'ilike', like), eb('users.display_name', 'ilike', like)]));
  }
  if (filter.departmentId) query = query.where('users.department_id', '=', filter.departmentId);
  if (filter.status) query = query.where('users.status', '=', filter.status);
  if (filter.role) {
    const role = filter.role;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('role_grants').select('role_grants.id').whereRef('role_grants.user_id', '=', 'users.id').where('role_grants.role', '=', role)),
    );
  }
  const [rows, count] = await Promise.all([
    query.orderBy('users.username').offset(page.offset).limit(page.limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertUser(
  tx: Db,
  values: { jurisdictionId: string; username: string; displayName: string; departmentId: string | null; passwordHash: string; mustChangePassword: boolean },
): Promise<string> {
  const row = await tx
    .insertInto('users')
    .values({
      jurisdiction_id: values.jurisdictionId,
      username: values.username,
      display_name: values.displayName,
      department_id: values.departmentId,
      password_hash: values.passwordHash,
      must_change_password: values.mustChangePassword,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where(sql<SqlBool>`lower(username) = lower(${username})`).executeTakeFirst();
  return !!row;
}

export async function updateUser(
  tx: Db,
  id: string,
  values: Partial<{ display_name: string; department_id: string | null; status: 'active' | 'disabled'; password_hash: string; must_change_password: boolean; password_changed_at: Date; failed_logins: number; locked_until: Date | null }>,
): Promise<void> {
  await tx.updateTable('users').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Counters only: no updated_at bump, so failed logins do not look like profile edits. */
export async function setLoginCounters(tx: Db, id: string, failedLogins: number, lockedUntil: Date | null): Promise<void> {
  await tx.updateTable('users').set({ failed_logins: failedLogins, locked_until: lockedUntil }).where('id', '=', id).execute();
}

export async function readLoginCounters(tx: Db, id: string): Promise<{ failed_logins: number; locked_until: Date | null }> {
  return tx.selectFrom('users').select(['failed_logins', 'locked_until']).where('id', '=', id).executeTakeFirstOrThrow();
}

// ---- grants ----

export async function listGrants(db: Db, userIds: readonly string[]): Promise<GrantRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('role_grants')
    .leftJoin('departments', 'departments.id', 'role_grants.department_id')
    .selectAll('role_grants')
    .select('departments.path as department_path')
    .where('role_grants.user_id', 'in', userIds)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
}

export async function insertGrant(
  tx: Db,
  values: { jurisdictionId: string; userId: string; role: string; scopeKind: RoleGrantsTable['scope_kind']; departmentId: string | null; gridCodes: string[] },
): Promise<string> {
  const row = await tx
    .insertInto('role_grants')
    .values({
      jurisdiction_id: values.jurisdictionId,
      user_id: values.userId,
      role: values.role,
      scope_kind: values.scopeKind,
      department_id: values.departmentId,
      grid_codes: values.gridCodes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteGrant(tx: Db, userId: string, grantId: string): Promise<boolean> {
  const result = await tx.deleteFrom('role_grants').where('id', '=', grantId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- departments (read-only, org's table) ----

export async function findDepartmentRef(
  db: Db,
  jurisdictionId: string,
  ref: { id?: string; code?: string },
): Promise<{ id: string; path: string; code: string; active: boolean } | undefined> {
  let q = db.selectFrom('departments').select(['id', 'path', 'code', 'active']).where('jurisdiction_id', '=', jurisdictionId);
  if (ref.id) q = q.where('id', '=', ref.id);
  else if (ref.code) q = q.where('code', '=', ref.code);
  else return undefined;
  return q.executeTakeFirst();
}

export async function jurisdictionExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('jurisdictions').select('id').where('id', '=', id).executeTakeFirst());
}

// ---- sessions ----

export async function insertSession(
  tx: Db,
  values: { idHash: string; jurisdictionId: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await tx
    .insertInto('sessions')
    .values({
      id_hash: values.idHash,
      jurisdiction_id: values.jurisdictionId,
      user_id: values.userId,
      expires_at: values.expiresAt,
      ip: values.ip,
      user_agent: values.userAgent,
    })
    .execute();
}

/** The fields of a grant that decide what it allows (what the per-request principal needs). */
export type GrantScopeRow = Pick<GrantRow, 'id' | 'role' | 'scope_kind' | 'department_id' | 'department_path' | 'grid_codes'>;

/**
 * A live session with its user and the user's grants, in one round trip: this runs on every authenticated
 * request, so it is one query, not three — and concurrent requests share it (group commit, shared/batcher.ts: the
 * lookups that arrive while one is in flight go together in the next, each still reading after it arrived).
 */
export async function findLiveSession(db: Db, idHash: string): Promise<LiveSessionRow | undefined> {
  if (db.isTransaction) return (await findLiveSessions(db, [idHash]))[0];
  return sessionReader(db).submit(idHash);
}

export const sessionReader = batcherPer((db: Db) => new Batcher((hashes: string[]) => findLiveSessions(db, hashes), { maxBatch: 64 }));

/** The live sessions of several token hashes (undefined: unknown or revoked), in one statement of fixed text. */
async function findLiveSessions(db: Db, hashes: readonly string[]): Promise<Array<LiveSessionRow | undefined>> {
  // Fixed text, prepared once per connection (PREPARED): not compiled by Kysely nor planned again on every request.
  const { rows } = await sql<LiveSessionRow>`${sql.raw(PREPARED)}
    SELECT s.id_hash, s.expires_at, s.last_seen_at, u.id AS user_id, u.username, u.display_name, u.jurisdiction_id,
           u.department_id, u.status, u.must_change_password,
           (SELECT coalesce(json_agg(g), '[]') FROM (
              SELECT rg.id, rg.role, rg.scope_kind, rg.department_id, d.path AS department_path, rg.grid_codes
                FROM role_grants rg LEFT JOIN departments d ON d.id = rg.department_id
               WHERE rg.user_id = u.id
               ORDER BY rg.created_at, rg.id) g) AS grants
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = ANY(${[...hashes]}::text[]) AND s.revoked_at IS NULL`.execute(db);
  const byHash = new Map(rows.map((r) => [r.id_hash, r]));
  return hashes.map((h) => byHash.get(h));
}

interface LiveSessionRow {
  id_hash: string;
  expires_at: Date;
  last_seen_at: Date;
  user_id: string;
  username: string;
  display_name: string;
  jurisdiction_id: string;
  department_id: string | null;
  status: string;
  must_change_password: boolean;
  grants: GrantScopeRow[];
}

export async function touchSession(db: Db, idHash: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function revokeSession(tx: Db, idHash: string): Promise<boolean> {
  const r = await tx.updateTable('sessions').set({ revoked_at: new Date() }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every live session of a user except `keep` (the one changing its password). Returns how many. */
export async function revokeUserSessions(tx: Db, userId: string, keep: string | null = null): Promise<number> {
  let q = tx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keep) q = q.where('id_hash', '<>', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Deletes up to `limit` sessions revoked or expired before `before`, or last used before `idleBefore`. The outer
 * condition is checked again on each row it deletes (a row read by the inner select may have changed since).
 *
 * No index serves this, on purpose: the inner select scans sessions, once an hour. Avoiding the scan takes an index
 * on each branch of the OR, last_seen_at included, and sessionPrincipal writes last_seen_at on the request path (once
 * a minute per session in use). Indexed, that column would make every such write a non-HOT update, with a new entry
 * in every index of sessions (the primary key each request looks up among them) — a cost on every session in use,
 * to save a scan of a small table (the live sessions and a week of ended ones) once an hour.
 */
export async function deleteEndedSessions(db: Db, before: Date, idleBefore: Date, limit: number): Promise<number> {
  const ended = sql`(revoked_at < ${before} OR expires_at < ${before} OR last_seen_at < ${idleBefore})`;
  const r = await sql`DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions WHERE ${ended} LIMIT ${limit}) AND ${ended}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

// ---- API keys ----

export async function insertApiKey(
  tx: Db,
  values: { jurisdictionId: string; name: string; prefix: string; keyHash: string; scopes: string[]; createdBy: string | null; expiresAt: Date | null },
): Promise<ApiKeyRow> {
  return tx
    .insertInto('api_keys')
    .values({
      jurisdiction_id: values.jurisdictionId,
      name: values.name,
      prefix: values.prefix,
      key_hash: values.keyHash,
      scopes: values.scopes,
      created_by: values.createdBy,
      expires_at: values.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findApiKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
}

export async function findApiKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Db, jurisdictionId: string, includeRevoked: boolean): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().where('jurisdiction_id', '=', jurisdictionId);
  if (!includeRevoked) q = q.where('revoked_at', 'is', null);
  return q.orderBy('created_at', 'desc').execute();
}

export async function markApiKeyRevoked(tx: Db, id: string): Promise<boolean> {
  const r = await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function touchApiKey(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
