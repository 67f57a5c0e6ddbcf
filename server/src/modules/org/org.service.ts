/**
 * The organisation: jurisdictions, divisions and the department tree. Writes run in one transaction with
 * their audit entry and event; `opts.principal` limits them to the caller's scope (none = the system).
 * The `…Within(tx, …)` variants run inside a caller's transaction (the demo seed builds a city in one).
 */
import { randomUUID } from 'node:crypto';
import type { DepartmentKind, DepartmentView } from '@civicgrid/contracts/org';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import {
  authorize,
  authorizeAny,
  effectiveScope,
  scopeCondition,
  type CallOptions,
  type Principal,
} from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.js';
import './org.policy.js';
import * as repo from './org.repo.js';
import { childPath, preorder, wouldCycle } from './tree.js';

export type OrgContext = Pick<AppContext, 'db' | 'outbox'>;
export { DEPARTMENT_KINDS, type DepartmentKind, type DepartmentView } from '@civicgrid/contracts/org';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export function presentDepartment(d: repo.DepartmentRow, depth = 0): DepartmentView {
  return {
    id: d.id,
    jurisdictionId: d.jurisdiction_id,
    parentId: d.parent_id,
    code: d.code,
    kind: d.kind,
    nameZh: d.name_zh,
    nameEn: d.name_en,
    divisionCode: d.division_code,
    active: d.active,
    path: d.path,
    depth,
  };
}

const deptResource = (d: repo.DepartmentRow) => ({ jurisdictionId: d.jurisdiction_id, departmentPath: d.path });

async function loadInScope(db: Db, principal: Principal | null, permission: string, id: string): Promise<repo.DepartmentRow> {
  authorizeAny(principal, permission);
  const row = UUID.test(id) ? await repo.findDepartment(db, id) : undefined;
  if (!row) throw notFound('department.not_found');
  authorize(principal, permission, deptResource(row), 'department.not_found');
  return row;
}

// ---- reads ----

export async function getDepartmentTree(
  ctx: OrgContext,
  principal: Principal,
  options: { includeInactive?: boolean } = {},
): Promise<DepartmentView[]> {
  authorizeAny(principal, 'department.read');
  const scope = scopeCondition(effectiveScope(principal, 'department.read'), { jurisdiction: 'jurisdiction_id', departmentPath: 'path' });
  const rows = await repo.listDepartments(ctx.db, scope, options.includeInactive ?? false);
  return preorder(rows.map((r) => ({ ...r, parentId: r.parent_id }))).map((r) => presentDepartment(r, r.depth));
}

export async function getDepartment(ctx: OrgContext, principal: Principal | null, id: string): Promise<DepartmentView> {
  return presentDepartment(await loadInScope(ctx.db, principal, 'department.read', id));
}

/**
 * Which jurisdiction a public (possibly anonymous) geography read is about: a signed-in caller's own; otherwise
 * the one named by `requested`, or the only one when the server hosts exactly one (Open311's convention).
 */
export async function resolvePublicJurisdiction(
  ctx: Pick<AppContext, 'db'>,
  principal: Principal | null,
  requested: string | undefined,
): Promise<string> {
  if (principal) {
    if (requested && requested !== principal.jurisdictionId) throw notFound('jurisdiction.not_found', { id: requested });
    return principal.jurisdictionId;
  }
  if (requested) {
    if (!(await repo.findJurisdiction(ctx.db, requested))) throw notFound('jurisdiction.not_found', { id: requested });
    return requested;
  }
  const all = await repo.listJurisdictions(ctx.db);
  if (all.length === 1) return all[0]!.id;
  throw badRequest('jurisdiction.required');
}

/** The jurisdictions this server hosts — public: names and codes only. */
export async function listPublicJurisdictions(ctx: Pick<AppContext, 'db'>) {
  return (await repo.listJurisdictions(ctx.db)).map((j) => ({ id: j.id, nameZh: j.name_zh, nameEn: j.name_en, divisionCode: j.division_code }));
}

/** Administrative divisions are public geography: readable by anyone, always within one jurisdiction. */
export async function listDivisions(
  ctx: OrgContext,
  jurisdictionId: string,
  filter: { level?: repo.DivisionRow['level']; parentCode?: string; withBoundary?: boolean },
) {
  const rows = await repo.listDivisions(ctx.db, jurisdictionId, filter);
  return rows.map((d) => ({
    code: d.code,
    parentCode: d.parent_code,
    level: d.level,
    nameZh: d.name_zh,
    nameEn: d.name_en,
    ...(filter.withBoundary ? { boundary: d.boundary_geojson ? (JSON.parse(d.boundary_geojson) as unknown) : null } : {}),
  }));
}

export async function findJurisdiction(ctx: Pick<AppContext, 'db'>, id: string) {
  const j = await repo.findJurisdiction(ctx.db, id);
  return j ? { id: j.id, nameZh: j.name_zh, nameEn: j.name_en, divisionCode: j.division_code, timezone: j.timezone } : null;
}

/** A department by code in a jurisdiction (for the CLI and imports), without scope checks. */
export async function findDepartmentByCode(ctx: Pick<AppContext, 'db'>, jurisdictionId: string, code: string): Promise<DepartmentView | null> {
  const row = await repo.findDepartmentByCode(ctx.db, jurisdictionId, code);
  return row ? presentDepartment(row) : null;
}

// ---- writes ----

export interface CreateJurisdictionInput {
  id: string;
  nameZh: string;
  nameEn: string;
  divisionCode: string;
  timezone?: string;
}

export async function createJurisdictionWithin(tx: Db, ctx: OrgContext, input: CreateJurisdictionInput, actor: Actor): Promise<void> {
  if (await repo.findJurisdiction(tx, input.id)) throw conflict('jurisdiction.exists', { id: input.id });
  await repo.insertJurisdiction(tx, input);
  await recordAudit(tx, { actor, request: noRequest, action: 'jurisdiction.create', jurisdictionId: input.id, objectType: 'jurisdiction', objectId: input.id, details: { ...input } });
  await ctx.outbox.publish(tx, { name: 'jurisdiction.created', jurisdictionId: input.id, payload: { ...input } });
}

/** Adds divisions in order (parents first); boundaries as GeoJSON geometries. */
export async function addDivisionsWithin(
  tx: Db,
  ctx: OrgContext,
  jurisdictionId: string,
  divisions: repo.DivisionInsert[],
  actor: Actor,
  options: { deriveBoundaryOf?: string[] } = {},
): Promise<void> {
  for (const d of divisions) await repo.insertDivision(tx, jurisdictionId, d);
  for (const code of options.deriveBoundaryOf ?? []) await repo.deriveBoundaryFromChildren(tx, jurisdictionId, code);
  await recordAudit(tx, { actor, request: noRequest, action: 'division.import', jurisdictionId, objectType: 'jurisdiction', objectId: jurisdictionId, details: { codes: divisions.map((d) => d.code) } });
  await ctx.outbox.publish(tx, { name: 'division.imported', jurisdictionId, payload: { count: divisions.length } });
}

export interface CreateDepartmentInput {
  jurisdictionId: string;
  parentId?: string | null;
  code: string;
  kind: DepartmentKind;
  nameZh: string;
  nameEn: string;
  divisionCode?: string | null;
}

export async function createDepartmentWithin(tx: Db, ctx: OrgContext, input: CreateDepartmentInput, actor: Actor, opts: CallOptions = {}): Promise<DepartmentView> {
  const principal = opts.principal ?? null;
  authorizeAny(principal, 'department.manage');
  if (principal && principal.jurisdictionId !== input.jurisdictionId) throw new AppError('forbidden', 'auth.out_of_scope');
  if (!CODE.test(input.code)) throw badRequest('department.code_invalid', { code: input.code });
  await repo.lockTree(tx, input.jurisdictionId);
  let parent: repo.DepartmentRow | null = null;
  if (input.parentId) {
    parent = await loadInScope(tx, principal, 'department.manage', input.parentId);
    if (parent.jurisdiction_id !== input.jurisdictionId) throw notFound('department.not_found');
    if (!parent.active) throw conflict('department.parent_inactive');
  } else {
    // A new root is a jurisdiction-wide act.
    authorize(principal, 'department.manage', { jurisdictionId: input.jurisdictionId });
  }
  if (await repo.findDepartmentByCode(tx, input.jurisdictionId, input.code)) throw conflict('department.code_taken', { code: input.code });
  if (input.divisionCode && !(await repo.divisionExists(tx, input.jurisdictionId, input.divisionCode))) {
    throw badRequest('department.division_not_found', { code: input.divisionCode });
  }
  const id = randomUUID();
  const path = childPath(parent?.path ?? null, id);
  await repo.insertDepartment(tx, { id, jurisdictionId: input.jurisdictionId, parentId: parent?.id ?? null, path, code: input.code, kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn, divisionCode: input.divisionCode ?? null });
  const details = { code: input.code, kind: input.kind, parentId: parent?.id ?? null, nameZh: input.nameZh, nameEn: input.nameEn };
  await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'department.create', jurisdictionId: input.jurisdictionId, objectType: 'department', objectId: id, details });
  await ctx.outbox.publish(tx, { name: 'department.created', jurisdictionId: input.jurisdictionId, payload: { departmentId: id, ...details } });
  return presentDepartment((await repo.findDepartment(tx, id))!);
}

export async function createDepartment(ctx: OrgContext, input: CreateDepartmentInput, actor: Actor, opts: CallOptions = {}): Promise<DepartmentView> {
  return ctx.db.transaction().execute((tx) => createDepartmentWithin(tx, ctx, input, actor, opts));
}

export async function renameDepartment(
  ctx: OrgContext,
  id: string,
  input: { nameZh?: string; nameEn?: string },
  actor: Actor,
  opts: CallOptions = {},
): Promise<DepartmentView> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadInScope(tx, opts.principal ?? null, 'department.manage', id);
    const changes: { name_zh?: string; name_en?: string } = {};
    if (input.nameZh !== undefined && input.nameZh !== row.name_zh) changes.name_zh = input.nameZh;
    if (input.nameEn !== undefined && input.nameEn !== row.name_en) changes.name_en = input.nameEn;
    if (Object.keys(changes).length > 0) {
      await repo.updateDepartment(tx, id, changes);
      const details = { before: { nameZh: row.name_zh, nameEn: row.name_en }, after: { nameZh: changes.name_zh ?? row.name_zh, nameEn: changes.name_en ?? row.name_en } };
      await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'department.rename', jurisdictionId: row.jurisdiction_id, objectType: 'department', objectId: id, details });
      await ctx.outbox.publish(tx, { name: 'department.renamed', jurisdictionId: row.jurisdiction_id, payload: { departmentId: id, ...details } });
    }
    return presentDepartment((await repo.findDepartment(tx, id))!);
  });
}

export async function moveDepartment(
  ctx: OrgContext,
  id: string,
  input: { parentId: string | null },
  actor: Actor,
  opts: CallOptions = {},
): Promise<DepartmentView> {
  const principal = opts.principal ?? null;
  return ctx.db.transaction().execute(async (tx) => {
    const first = await loadInScope(tx, principal, 'department.manage', id);
    await repo.lockTree(tx, first.jurisdiction_id);
    // Re-read under the lock: a concurrent move may have changed the path.
    const row = (await repo.findDepartment(tx, id))!;
    let parent: repo.DepartmentRow | null = null;
    if (input.parentId) {
      parent = await loadInScope(tx, principal, 'department.manage', input.parentId);
      if (parent.jurisdiction_id !== row.jurisdiction_id) throw notFound('department.not_found');
      if (!parent.active) throw conflict('department.parent_inactive');
    } else {
      authorize(principal, 'department.manage', { jurisdictionId: row.jurisdiction_id });
    }
    if (parent && (parent.id === row.id || wouldCycle(row.path, parent.path))) throw conflict('department.move_cycle');
    if ((parent?.id ?? null) === row.parent_id) return presentDepartment(row);
    const to = childPath(parent?.path ?? null, row.id);
    const moved = await repo.moveSubtree(tx, row.jurisdiction_id, row.id, parent?.id ?? null, row.path, to);
    const details = { fromParentId: row.parent_id, toParentId: parent?.id ?? null, subtreeSize: moved };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'department.move', jurisdictionId: row.jurisdiction_id, objectType: 'department', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'department.moved', jurisdictionId: row.jurisdiction_id, payload: { departmentId: id, ...details } });
    return presentDepartment((await repo.findDepartment(tx, id))!);
  });
}

export async function setDepartmentActive(
  ctx: OrgContext,
  id: string,
  active: boolean,
  actor: Actor,
  opts: CallOptions = {},
): Promise<DepartmentView> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadInScope(tx, opts.principal ?? null, 'department.manage', id);
    if (row.active === active) return presentDepartment(row);
    await repo.lockTree(tx, row.jurisdiction_id);
    if (!active && (await repo.countActiveChildren(tx, id)) > 0) throw conflict('department.has_active_children');
    if (active && row.parent_id) {
      const parent = await repo.findDepartment(tx, row.parent_id);
      if (parent && !parent.active) throw conflict('department.parent_inactive');
    }
    await repo.updateDepartment(tx, id, { active });
    const verb = active ? 'activate' : 'deactivate';
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: `department.${verb}`, jurisdictionId: row.jurisdiction_id, objectType: 'department', objectId: id, details: { code: row.code } });
    await ctx.outbox.publish(tx, { name: `department.${verb}d`, jurisdictionId: row.jurisdiction_id, payload: { departmentId: id } });
    return presentDepartment((await repo.findDepartment(tx, id))!);
  });
}
