/**
 * Users and their role grants. Each function runs its own transaction holding the change, its audit entry and
 * its event. `opts.principal` is the signed-in caller whose scope limits what they may touch; without it the
 * caller is the system (CLI, demo seed) and only the actor is recorded.
 */
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, type Actor, type RequestMeta } from '../../shared/actor.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../shared/errors.js';
import { authorize, authorizeAny } from './authorize.js';
import { passwordProblem } from './credentials.js';
import { grantProblem, type ScopeKind } from './grant-rules.js';
import * as repo from './identity.repo.js';
import { presentUser, type UserView } from './identity.presenter.js';
import { hashPassword } from './passwords.js';
import type { Role } from './roles.js';
import { canDelegate, effectiveScope, type Principal, type ScopedResource } from './scope.js';
import { scopeCondition } from './scope-sql.js';

export type ServiceContext = Pick<AppContext, 'db' | 'outbox'>;

export interface CallOptions {
  /** The signed-in caller; omitted for the system (CLI, seed). */
  principal?: Principal | null;
  request?: RequestMeta;
}

export type GrantScopeInput =
  | { kind: 'jurisdiction' }
  | { kind: 'department'; departmentId?: string; departmentCode?: string }
  | { kind: 'grids'; gridCodes: string[] }
  | { kind: 'self' };

export interface GrantInput {
  role: Role;
  scope: GrantScopeInput;
}

export interface CreateUserInput {
  jurisdictionId: string;
  username: string;
  displayName: string;
  password: string;
  departmentId?: string | null;
  departmentCode?: string | null;
  grants?: GrantInput[];
  mustChangePassword?: boolean;
}

export interface ResetPasswordInput {
  /** Either the username (CLI) or the id (API). */
  username?: string;
  userId?: string;
  newPassword: string;
  /** Whether the user must choose a new password at next sign-in (default: true for admin resets). */
  mustChange?: boolean;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const userResource = (u: repo.UserRow): ScopedResource => ({
  jurisdictionId: u.jurisdiction_id,
  departmentPath: u.department_path,
  ownerUserId: u.id,
});

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

async function view(db: Db, id: string): Promise<UserView> {
  const row = await repo.findUserById(db, id);
  if (!row) throw notFound('user.not_found');
  return presentUser(row, await repo.listGrants(db, [id]));
}

async function resolveDepartment(
  db: Db,
  jurisdictionId: string,
  ref: { id?: string | null; code?: string | null },
): Promise<{ id: string; path: string } | null> {
  if (!ref.id && !ref.code) return null;
  const dept = await repo.findDepartmentRef(db, jurisdictionId, { id: ref.id ?? undefined, code: ref.code ?? undefined });
  if (!dept) throw badRequest('user.department_not_found', { department: String(ref.code ?? ref.id) });
  if (!dept.active) throw badRequest('user.department_inactive', { department: dept.code });
  return dept;
}

interface ResolvedGrant {
  role: Role;
  kind: ScopeKind;
  departmentId: string | null;
  departmentPath: string | null;
  gridCodes: string[];
}

async function resolveGrant(db: Db, jurisdictionId: string, g: GrantInput): Promise<ResolvedGrant> {
  const gridCodes = g.scope.kind === 'grids' ? [...new Set(g.scope.gridCodes)].sort() : [];
  const problem = grantProblem(g.role, g.scope.kind, gridCodes);
  if (problem) {
    // The message names the role and the scope in words; the details keep their codes for clients.
    const codes = { role: g.role, scope: g.scope.kind };
    throw badRequest(problem, codes, codes);
  }
  let dept: { id: string; path: string } | null = null;
  if (g.scope.kind === 'department') {
    dept = await resolveDepartment(db, jurisdictionId, { id: g.scope.departmentId, code: g.scope.departmentCode });
    if (!dept) throw badRequest('user.grant_department_missing');
  }
  return { role: g.role, kind: g.scope.kind, departmentId: dept?.id ?? null, departmentPath: dept?.path ?? null, gridCodes };
}

function checkDelegation(principal: Principal | null, g: ResolvedGrant): void {
  if (principal === null) return;
  const scope =
    g.kind === 'department' ? { kind: 'department' as const, departmentId: g.departmentId!, departmentPath: g.departmentPath! } : g.kind === 'grids' ? { kind: 'grids' as const, gridCodes: g.gridCodes } : { kind: g.kind };
  if (!canDelegate(principal, 'user.manage', scope)) throw forbidden('user.grant_beyond_scope');
}

function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw badRequest(problem, { min: 8 });
}

export async function createUser(
  ctx: ServiceContext,
  input: CreateUserInput,
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  checkPassword(input.password, input.username);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction().execute((tx) => createUserWithin(tx, ctx, { ...input, passwordHash }, actor, opts));
  } catch (err) {
    // Two creations racing past the check: the unique index decides.
    if (isUniqueViolation(err)) throw conflict('user.username_taken', { username: input.username });
    throw err;
  }
}

/**
 * createUser inside the caller's transaction, with the password already hashed (hashing is slow and must not
 * hold a transaction open; the demo seed hashes once for all its accounts).
 */
export async function createUserWithin(
  tx: Db,
  ctx: ServiceContext,
  input: Omit<CreateUserInput, 'password'> & { passwordHash: string },
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  const principal = opts.principal ?? null;
  if (principal && principal.jurisdictionId !== input.jurisdictionId) throw forbidden('auth.out_of_scope');
  if (!(await repo.jurisdictionExists(tx, input.jurisdictionId))) {
    throw badRequest('user.jurisdiction_not_found', { jurisdiction: input.jurisdictionId });
  }
  const dept = await resolveDepartment(tx, input.jurisdictionId, { id: input.departmentId, code: input.departmentCode });
  authorize(principal, 'user.manage', { jurisdictionId: input.jurisdictionId, departmentPath: dept?.path ?? null });
  if (await repo.usernameTaken(tx, input.username)) throw conflict('user.username_taken', { username: input.username });
  const grants = [];
  for (const g of input.grants ?? []) {
    const resolved = await resolveGrant(tx, input.jurisdictionId, g);
    checkDelegation(principal, resolved);
    grants.push(resolved);
  }
  const id = await repo.insertUser(tx, {
    jurisdictionId: input.jurisdictionId,
    username: input.username,
    displayName: input.displayName,
    departmentId: dept?.id ?? null,
    passwordHash: input.passwordHash,
    mustChangePassword: input.mustChangePassword ?? false,
  });
  for (const g of grants) {
    await repo.insertGrant(tx, { jurisdictionId: input.jurisdictionId, userId: id, role: g.role, scopeKind: g.kind, departmentId: g.departmentId, gridCodes: g.gridCodes });
  }
  const details = { username: input.username, departmentId: dept?.id ?? null, grants: grants.map((g) => ({ role: g.role, scope: g.kind, departmentId: g.departmentId, gridCodes: g.gridCodes })) };
  await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'user.create', jurisdictionId: input.jurisdictionId, objectType: 'user', objectId: id, details });
  await ctx.outbox.publish(tx, { name: 'user.created', jurisdictionId: input.jurisdictionId, payload: { userId: id, ...details } });
  return view(tx, id);
}

/** Loads a user the caller may act on with `permission`, or answers 404 without revealing it exists. */
async function loadInScope(db: Db, principal: Principal | null, permission: string, id: string): Promise<repo.UserRow> {
  authorizeAny(principal, permission);
  if (!UUID.test(id)) throw notFound('user.not_found');
  const row = await repo.findUserById(db, id);
  if (!row) throw notFound('user.not_found');
  authorize(principal, permission, userResource(row), 'user.not_found');
  return row;
}

export async function getUser(ctx: ServiceContext, principal: Principal | null, id: string): Promise<UserView> {
  authorizeAny(principal, 'user.read');
  if (!UUID.test(id)) throw notFound('user.not_found');
  const row = await repo.findUserWithGrants(ctx.db, id);
  if (!row) throw notFound('user.not_found');
  authorize(principal, 'user.read', userResource(row), 'user.not_found');
  return presentUser(row, row.grants);
}

export interface UserListFilter {
  q?: string;
  departmentId?: string;
  role?: Role;
  status?: 'active' | 'disabled';
  page: number;
  pageSize: number;
}

export async function listUsers(
  ctx: ServiceContext,
  principal: Principal,
  filter: UserListFilter,
): Promise<{ items: UserView[]; total: number; page: number; pageSize: number }> {
  authorizeAny(principal, 'user.read');
  const scope = scopeCondition(effectiveScope(principal, 'user.read'), {
    jurisdiction: 'users.jurisdiction_id',
    departmentPath: 'departments.path',
    owner: 'users.id',
  });
  const { rows, total } = await repo.listUsersPage(
    ctx.db,
    { scope, q: filter.q, departmentId: filter.departmentId, role: filter.role, status: filter.status },
    { offset: (filter.page - 1) * filter.pageSize, limit: filter.pageSize },
  );
  const grants = await repo.listGrants(ctx.db, rows.map((r) => r.id));
  return { items: rows.map((r) => presentUser(r, grants)), total, page: filter.page, pageSize: filter.pageSize };
}

async function write<T>(
  ctx: ServiceContext,
  id: string,
  opts: CallOptions,
  fn: (tx: Db, row: repo.UserRow, principal: Principal | null) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (tx) => {
    const principal = opts.principal ?? null;
    if (UUID.test(id)) await repo.lockUser(tx, id);
    const row = await loadInScope(tx, principal, 'user.manage', id);
    return fn(tx, row, principal);
  });
}

export async function updateUser(
  ctx: ServiceContext,
  id: string,
  input: { displayName?: string; departmentId?: string | null },
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  return write(ctx, id, opts, async (tx, row, principal) => {
    const changes: Parameters<typeof repo.updateUser>[2] = {};
    if (input.displayName !== undefined && input.displayName !== row.display_name) changes.display_name = input.displayName;
    if (input.departmentId !== undefined && input.departmentId !== row.department_id) {
      const dept = await resolveDepartment(tx, row.jurisdiction_id, { id: input.departmentId });
      // Moving someone into a department outside my scope would hand them over to an admin I cannot see.
      authorize(principal, 'user.manage', { jurisdictionId: row.jurisdiction_id, departmentPath: dept?.path ?? null });
      changes.department_id = dept?.id ?? null;
    }
    if (Object.keys(changes).length === 0) return view(tx, id);
    await repo.updateUser(tx, id, changes);
    const details = { before: { displayName: row.display_name, departmentId: row.department_id }, after: { displayName: changes.display_name ?? row.display_name, departmentId: changes.department_id === undefined ? row.department_id : changes.department_id } };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'user.update', jurisdictionId: row.jurisdiction_id, objectType: 'user', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'user.updated', jurisdictionId: row.jurisdiction_id, payload: { userId: id, ...details } });
    return view(tx, id);
  });
}

export async function setUserStatus(
  ctx: ServiceContext,
  id: string,
  status: 'active' | 'disabled',
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  return write(ctx, id, opts, async (tx, row, principal) => {
    if (status === 'disabled' && principal?.kind === 'user' && principal.userId === id) throw conflict('user.cannot_disable_self');
    if (row.status === status) return view(tx, id);
    let revoked = 0;
    if (status === 'disabled') {
      await repo.updateUser(tx, id, { status });
      revoked = await repo.revokeUserSessions(tx, id);
    } else {
      // Enabling also lifts a lockout: an admin looked at the account.
      await repo.updateUser(tx, id, { status, failed_logins: 0, locked_until: null });
    }
    const verb = status === 'disabled' ? 'disable' : 'enable';
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: `user.${verb}`, jurisdictionId: row.jurisdiction_id, objectType: 'user', objectId: id, details: { username: row.username, sessionsRevoked: revoked } });
    await ctx.outbox.publish(tx, { name: `user.${verb}d`, jurisdictionId: row.jurisdiction_id, payload: { userId: id } });
    return view(tx, id);
  });
}

export async function resetPassword(
  ctx: ServiceContext,
  input: ResetPasswordInput,
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  let id = input.userId;
  if (!id) {
    if (!input.username) throw badRequest('user.not_found');
    const found = await repo.findUserByUsername(ctx.db, input.username);
    if (!found) throw notFound('user.not_found');
    id = found.id;
  }
  const target = UUID.test(id) ? await repo.findUserById(ctx.db, id) : undefined;
  if (!target) throw notFound('user.not_found');
  checkPassword(input.newPassword, target.username);
  const passwordHash = await hashPassword(input.newPassword);
  return write(ctx, id, opts, async (tx, row) => {
    await repo.updateUser(tx, row.id, {
      password_hash: passwordHash,
      must_change_password: input.mustChange ?? true,
      password_changed_at: new Date(),
      failed_logins: 0,
      locked_until: null,
    });
    const revoked = await repo.revokeUserSessions(tx, row.id);
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'user.reset_password', jurisdictionId: row.jurisdiction_id, objectType: 'user', objectId: row.id, details: { username: row.username, sessionsRevoked: revoked } });
    await ctx.outbox.publish(tx, { name: 'user.password_reset', jurisdictionId: row.jurisdiction_id, payload: { userId: row.id } });
    return view(tx, row.id);
  });
}

export async function addGrant(
  ctx: ServiceContext,
  userId: string,
  grant: GrantInput,
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  return write(ctx, userId, opts, async (tx, row, principal) => {
    const resolved = await resolveGrant(tx, row.jurisdiction_id, grant);
    checkDelegation(principal, resolved);
    const grantId = await repo.insertGrant(tx, { jurisdictionId: row.jurisdiction_id, userId, role: resolved.role, scopeKind: resolved.kind, departmentId: resolved.departmentId, gridCodes: resolved.gridCodes });
    const details = { grantId, role: resolved.role, scope: resolved.kind, departmentId: resolved.departmentId, gridCodes: resolved.gridCodes };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'user.grant_add', jurisdictionId: row.jurisdiction_id, objectType: 'user', objectId: userId, details });
    await ctx.outbox.publish(tx, { name: 'user.grant_added', jurisdictionId: row.jurisdiction_id, payload: { userId, ...details } });
    return view(tx, userId);
  });
}

export async function revokeGrant(
  ctx: ServiceContext,
  userId: string,
  grantId: string,
  actor: Actor,
  opts: CallOptions = {},
): Promise<UserView> {
  return write(ctx, userId, opts, async (tx, row, principal) => {
    const existing = (await repo.listGrants(tx, [userId])).find((g) => g.id === grantId);
    if (!existing) throw new AppError('not_found', 'user.grant_not_found');
    // Revoking is delegating in reverse: a district admin cannot strip a city-wide grant.
    checkDelegation(principal, { role: existing.role as Role, kind: existing.scope_kind, departmentId: existing.department_id, departmentPath: existing.department_path, gridCodes: existing.grid_codes });
    if (principal?.kind === 'user' && principal.userId === userId && existing.role === 'admin') throw conflict('user.cannot_revoke_own_admin');
    await repo.deleteGrant(tx, userId, grantId);
    const details = { grantId, role: existing.role, scope: existing.scope_kind, departmentId: existing.department_id, gridCodes: existing.grid_codes };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'user.grant_revoke', jurisdictionId: row.jurisdiction_id, objectType: 'user', objectId: userId, details });
    await ctx.outbox.publish(tx, { name: 'user.grant_revoked', jurisdictionId: row.jurisdiction_id, payload: { userId, ...details } });
    return view(tx, userId);
  });
}
