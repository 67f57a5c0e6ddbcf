/**
 * Sign-in, sessions and API key authentication.
 *
 * Failure answers are deliberately all the same (`auth.invalid_credentials`, 401): unknown user, wrong password,
 * disabled account and locked account look identical from outside, and an unknown username costs an argon2
 * verification like a real one. A lockout is visible to admins (`locked` on the user) and in the audit log,
 * not to the person guessing.
 */
import { recordAudit } from '../audit/index.js';
import type { Db } from '../../app-context.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { AppError, badRequest } from '../../shared/errors.js';
import { afterFailure, DEFAULT_LOCKOUT, isLocked, newSessionToken, parseApiKey, passwordProblem, safeEqual, sha256, type LockoutPolicy } from './credentials.js';
import * as repo from './identity.repo.js';
import { presentUser, type UserView } from './identity.presenter.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { isRole } from './roles.js';
import type { ApiKeyPrincipal, Grant, UserPrincipal } from './scope.js';
import type { ServiceContext } from './users.service.js';

export interface SessionPolicy {
  /** Absolute lifetime from sign-in (config sessionTtlMs). */
  ttlMs: number;
  /** A session unused this long is over, whatever its absolute expiry. */
  idleMs: number;
}

export const DEFAULT_IDLE_MS = 2 * 3600_000;
/** The retention sweep of ended sessions (see deleteEndedSessions). */
export const SESSION_SWEEP = 'identity.ended-sessions';
/**
 * An ended session (signed out, revoked, expired or idle) is kept this long — for support questions about a recent
 * sign-out — and then deleted with its IP address and browser. Sign-ins and sign-outs stay in the audit log.
 */
export const SESSION_RETENTION_MS = 7 * 86_400_000;

/** Deletes up to `limit` sessions that ended more than SESSION_RETENTION_MS before `now`. */
export async function deleteEndedSessions(db: Db, policy: SessionPolicy, now: Date, limit: number): Promise<number> {
  const before = new Date(now.getTime() - SESSION_RETENTION_MS);
  return repo.deleteEndedSessions(db, before, new Date(before.getTime() - policy.idleMs), limit);
}

/** last_seen_at is written at most this often per session, so reads do not all turn into writes. */
const TOUCH_EVERY_MS = 60_000;

export const invalidCredentials = () => new AppError('unauthenticated', 'auth.invalid_credentials');

export interface LoginMeta extends RequestMeta {
  userAgent: string | null;
}

export interface LoginResult {
  user: UserView;
  token: string;
  sessionHash: string;
  expiresAt: Date;
}

const anonymous = (name: string): Actor => ({ kind: 'anonymous', id: null, name, jurisdictionId: null });

export async function login(
  ctx: ServiceContext,
  input: { username: string; password: string },
  meta: LoginMeta,
  policy: SessionPolicy,
  lockout: LockoutPolicy = DEFAULT_LOCKOUT,
): Promise<LoginResult> {
  const user = await repo.findUserByUsername(ctx.db, input.username);
  if (!user) {
    await verifyAgainstDummy(input.password);
    await ctx.db.transaction().execute(async (tx) => {
      await recordAudit(tx, { actor: anonymous(input.username.slice(0, 64)), request: meta, action: 'auth.login_failed', details: { username: input.username.slice(0, 64), reason: 'unknown_user' } });
    });
    throw invalidCredentials();
  }
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  const actor: Actor = { kind: 'user', id: user.id, name: user.username, jurisdictionId: user.jurisdiction_id };
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    await repo.lockUser(tx, user.id);
    const now = new Date();
    const counters = await repo.readLoginCounters(tx, user.id);
    const refuse = async (reason: string, extra: Record<string, unknown> = {}) => {
      await recordAudit(tx, { actor, request: meta, action: 'auth.login_failed', objectType: 'user', objectId: user.id, details: { username: user.username, reason, ...extra } });
      return null;
    };
    if (user.status !== 'active') return refuse('disabled');
    if (isLocked(counters.locked_until, now)) return refuse('locked');
    if (!passwordOk) {
      const next = afterFailure(counters.failed_logins, now, lockout);
      await repo.setLoginCounters(tx, user.id, next.failedLogins, next.lockedUntil);
      if (next.lockedUntil) {
        await ctx.outbox.publish(tx, { name: 'user.locked', jurisdictionId: user.jurisdiction_id, payload: { userId: user.id, lockedUntil: next.lockedUntil.toISOString() } });
      }
      return refuse('bad_password', { failedLogins: next.lockedUntil ? lockout.maxFailures : next.failedLogins, lockedUntil: next.lockedUntil?.toISOString() ?? null });
    }
    if (counters.failed_logins !== 0 || counters.locked_until !== null) await repo.setLoginCounters(tx, user.id, 0, null);
    return openSession(ctx, tx, user, meta, policy, now);
  });
  if (!outcome) throw invalidCredentials();
  return outcome;
}

/**
 * Starts a session for a user who has just proven who they are (password, phone code): inside the caller's
 * transaction, audited as `auth.login` with `method` in the details.
 */
export async function openSession(
  ctx: ServiceContext,
  tx: Db,
  user: { id: string; username: string; jurisdiction_id: string },
  meta: LoginMeta,
  policy: SessionPolicy,
  now = new Date(),
  method: 'password' | 'phone' = 'password',
): Promise<LoginResult> {
  const actor: Actor = { kind: 'user', id: user.id, name: user.username, jurisdictionId: user.jurisdiction_id };
  const token = newSessionToken();
  const sessionHash = sha256(token);
  const expiresAt = new Date(now.getTime() + policy.ttlMs);
  await repo.insertSession(tx, { idHash: sessionHash, jurisdictionId: user.jurisdiction_id, userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
  const details = method === 'password' ? { username: user.username, expiresAt: expiresAt.toISOString() } : { username: user.username, method, expiresAt: expiresAt.toISOString() };
  await recordAudit(tx, { actor, request: meta, action: 'auth.login', objectType: 'user', objectId: user.id, details });
  await ctx.outbox.publish(tx, { name: 'auth.logged_in', jurisdictionId: user.jurisdiction_id, payload: { userId: user.id } });
  const fresh = await repo.findUserById(tx, user.id);
  return { user: presentUser(fresh!, await repo.listGrants(tx, [user.id])), token, sessionHash, expiresAt };
}

export async function logout(ctx: ServiceContext, principal: UserPrincipal, actor: Actor, meta: RequestMeta): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.revokeSession(tx, principal.sessionHash))) return;
    await recordAudit(tx, { actor, request: meta, action: 'auth.logout', objectType: 'user', objectId: principal.userId, details: {} });
    await ctx.outbox.publish(tx, { name: 'auth.logged_out', jurisdictionId: principal.jurisdictionId, payload: { userId: principal.userId } });
  });
}

/** Changes the caller's own password; every other session of theirs ends (the current one stays). */
export async function changePassword(
  ctx: ServiceContext,
  principal: UserPrincipal,
  input: { currentPassword: string; newPassword: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<UserView> {
  const user = await repo.findUserById(ctx.db, principal.userId);
  if (!user) throw invalidCredentials();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) throw badRequest('auth.current_password_wrong');
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw badRequest(problem, { min: 8 });
  if (input.newPassword === input.currentPassword) throw badRequest('auth.password_unchanged');
  const passwordHash = await hashPassword(input.newPassword);
  return ctx.db.transaction().execute(async (tx) => {
    await repo.lockUser(tx, user.id);
    await repo.updateUser(tx, user.id, { password_hash: passwordHash, must_change_password: false, password_changed_at: new Date() });
    const revoked = await repo.revokeUserSessions(tx, user.id, principal.sessionHash);
    await recordAudit(tx, { actor, request: meta, action: 'auth.password_change', objectType: 'user', objectId: user.id, details: { sessionsRevoked: revoked } });
    await ctx.outbox.publish(tx, { name: 'auth.password_changed', jurisdictionId: user.jurisdiction_id, payload: { userId: user.id, sessionsRevoked: revoked } });
    const fresh = await repo.findUserById(tx, user.id);
    return presentUser(fresh!, await repo.listGrants(tx, [user.id]));
  });
}

export async function currentUser(ctx: ServiceContext, principal: UserPrincipal): Promise<UserView> {
  const row = await repo.findUserById(ctx.db, principal.userId);
  if (!row) throw invalidCredentials();
  return presentUser(row, await repo.listGrants(ctx.db, [row.id]));
}

export function toGrants(rows: readonly repo.GrantScopeRow[]): Grant[] {
  const grants: Grant[] = [];
  for (const g of rows) {
    if (!isRole(g.role)) continue;
    if (g.scope_kind === 'department') {
      // A grant on a department that lost its row grants nothing rather than everything.
      if (g.department_id && g.department_path) grants.push({ id: g.id, role: g.role, scope: { kind: 'department', departmentId: g.department_id, departmentPath: g.department_path } });
    } else if (g.scope_kind === 'grids') {
      grants.push({ id: g.id, role: g.role, scope: { kind: 'grids', gridCodes: [...g.grid_codes] } });
    } else {
      grants.push({ id: g.id, role: g.role, scope: { kind: g.scope_kind } });
    }
  }
  return grants;
}

/** The principal behind a session token, or null when it is unknown, revoked, expired or idle too long. */
export async function sessionPrincipal(
  ctx: ServiceContext,
  token: string,
  via: 'cookie' | 'bearer',
  policy: SessionPolicy,
  now = new Date(),
): Promise<UserPrincipal | null> {
  if (token.length < 20 || token.length > 200) return null;
  const sessionHash = sha256(token);
  const s = await repo.findLiveSession(ctx.db, sessionHash);
  if (!s || s.status !== 'active') return null;
  if (new Date(s.expires_at).getTime() <= now.getTime()) return null;
  const lastSeen = new Date(s.last_seen_at).getTime();
  if (now.getTime() - lastSeen > policy.idleMs) return null;
  if (now.getTime() - lastSeen > TOUCH_EVERY_MS) await repo.touchSession(ctx.db, sessionHash, now);
  return {
    kind: 'user',
    userId: s.user_id,
    username: s.username,
    displayName: s.display_name,
    jurisdictionId: s.jurisdiction_id,
    departmentId: s.department_id,
    mustChangePassword: s.must_change_password,
    grants: toGrants(s.grants),
    via,
    sessionHash,
  };
}

export async function apiKeyPrincipal(ctx: ServiceContext, key: string, now = new Date()): Promise<ApiKeyPrincipal | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const row = await repo.findApiKeyByPrefix(ctx.db, parsed.prefix);
  if (!row || row.revoked_at !== null) return null;
  if (!safeEqual(row.key_hash, sha256(key))) return null;
  if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime()) return null;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) await repo.touchApiKey(ctx.db, row.id, now);
  return { kind: 'api_key', keyId: row.id, name: row.name, prefix: row.prefix, jurisdictionId: row.jurisdiction_id, scopes: [...row.scopes] };
}
