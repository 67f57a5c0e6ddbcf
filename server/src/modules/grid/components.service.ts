/**
 * City components (部件): the class table (standard classes seeded per jurisdiction from
 * data/component-classes.csv, local ones added by administrators) and the inventory with 16-digit codes.
 * A component's county comes from the unit grid at its location (or is given where no grid covers it); its
 * serial is the next free one for that county and subclass. Every change is audited, published and kept in
 * the component's history, in one transaction.
 */
import { readFileSync } from 'node:fs';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, effectiveScope, scopeCondition, type CallOptions, type Principal } from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import { componentCode, nextSerial, parseComponentCode, type ComponentStatus } from './component-codes.js';
import { locatorFor } from './grid-locator.js';
import './grid.policy.js';
import * as repo from './components.repo.js';

export type ComponentContext = Pick<AppContext, 'db' | 'outbox'>;

const STANDARD_CSV = new URL('./data/component-classes.csv', import.meta.url);

/** The standard class table: 2-digit classes and their 4-digit subclasses. */
export function standardClasses(): { code: string; parentCode: string | null; nameZh: string; nameEn: null; source: 'standard' }[] {
  const lines = readFileSync(STANDARD_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  const out = new Map<string, { code: string; parentCode: string | null; nameZh: string; nameEn: null; source: 'standard' }>();
  for (const line of lines) {
    const [classCode, className, subCode, subName] = line.split(',').map((s) => s.trim());
    if (!classCode || !className || !subCode || !subName) throw new Error(`component-classes.csv: bad line ${line}`);
    if (!out.has(classCode)) out.set(classCode, { code: classCode, parentCode: null, nameZh: className, nameEn: null, source: 'standard' });
    out.set(subCode, { code: subCode, parentCode: classCode, nameZh: subName, nameEn: null, source: 'standard' });
  }
  return [...out.values()];
}

const presentClass = (c: repo.ClassRow) => ({ code: c.code, parentCode: c.parent_code, nameZh: c.name_zh, nameEn: c.name_en, source: c.source });

export async function listComponentClasses(ctx: Pick<AppContext, 'db'>, principal: Principal) {
  authorizeAny(principal, 'component.read');
  return (await repo.listClasses(ctx.db, principal.jurisdictionId)).map(presentClass);
}

/** Adds the standard classes a jurisdiction does not have yet (idempotent). */
export async function seedStandardComponentClasses(ctx: ComponentContext, jurisdictionId: string, actor: Actor, opts: CallOptions = {}): Promise<number> {
  authorize(opts.principal ?? null, 'component.manage', { jurisdictionId });
  return ctx.db.transaction().execute(async (tx) => {
    const added = await repo.insertClasses(tx, jurisdictionId, standardClasses());
    if (added > 0) {
      await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component_class.seed', jurisdictionId, objectType: 'component_classes', objectId: jurisdictionId, details: { added } });
      await ctx.outbox.publish(tx, { name: 'component_class.changed', jurisdictionId, payload: { added } });
    }
    return added;
  });
}

export async function createComponentClass(
  ctx: ComponentContext,
  principal: Principal,
  input: { code: string; nameZh: string; nameEn?: string | null },
  actor: Actor,
  opts: CallOptions = {},
) {
  const j = principal.jurisdictionId;
  authorize(principal, 'component.manage', { jurisdictionId: j });
  if (!/^[0-9]{2}([0-9]{2})?$/.test(input.code) || /^00/.test(input.code) || /^[0-9]{2}00$/.test(input.code)) throw badRequest('component.class_code_invalid', { code: input.code });
  const parentCode = input.code.length === 4 ? input.code.slice(0, 2) : null;
  return ctx.db.transaction().execute(async (tx) => {
    if (parentCode && !(await repo.findClass(tx, j, parentCode))) throw badRequest('component.class_parent_missing', { code: parentCode });
    const added = await repo.insertClasses(tx, j, [{ code: input.code, parentCode, nameZh: input.nameZh, nameEn: input.nameEn ?? null, source: 'local' }]);
    if (added === 0) throw conflict('component.class_exists', { code: input.code });
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component_class.create', jurisdictionId: j, objectType: 'component_class', objectId: input.code, details: { ...input } });
    await ctx.outbox.publish(tx, { name: 'component_class.changed', jurisdictionId: j, payload: { code: input.code } });
    return presentClass((await repo.findClass(tx, j, input.code))!);
  });
}

export interface ComponentView {
  id: string;
  code: string;
  countyCode: string;
  classCode: string;
  name: string | null;
  lat: number;
  lng: number;
  gridCode: string | null;
  ownerDepartmentId: string | null;
  status: ComponentStatus;
  createdAt: string;
  updatedAt: string;
}

const present = (c: repo.ComponentRow): ComponentView => ({
  id: c.id,
  code: c.code,
  countyCode: c.county_code,
  classCode: c.class_code,
  name: c.name,
  lat: Number(c.lat),
  lng: Number(c.lng),
  gridCode: c.grid_code,
  ownerDepartmentId: c.owner_department_id,
  status: c.status,
  createdAt: new Date(c.created_at).toISOString(),
  updatedAt: new Date(c.updated_at).toISOString(),
});

export interface CreateComponentInput {
  classCode: string;
  lat: number;
  lng: number;
  name?: string | null;
  ownerDepartmentId?: string | null;
  /** Needed only where no unit grid covers the location. */
  countyCode?: string | null;
  /** An existing 16-digit code (inventories brought from another system); otherwise one is assigned. */
  code?: string | null;
}

export async function createComponent(ctx: ComponentContext, principal: Principal, input: CreateComponentInput, actor: Actor, opts: CallOptions = {}): Promise<ComponentView> {
  const j = principal.jurisdictionId;
  authorizeAny(principal, 'component.manage');
  const grid = await locatorFor(ctx.db).locate(j, input.lng, input.lat);
  authorize(principal, 'component.manage', { jurisdictionId: j, gridCode: grid?.code ?? null });
  const given = input.code ? parseComponentCode(input.code) : null;
  if (input.code && !given) throw badRequest('component.code_invalid', { code: input.code });
  if (given && given.classCode !== input.classCode) throw badRequest('component.code_class_mismatch', { code: input.code!, classCode: input.classCode });
  const county = given?.county ?? input.countyCode ?? grid?.district.code ?? null;
  if (!county) throw badRequest('component.county_unknown');
  if (grid && county !== grid.district.code) throw badRequest('component.county_mismatch', { county, district: grid.district.code });
  return ctx.db.transaction().execute(async (tx) => {
    const cls = await repo.findClass(tx, j, input.classCode);
    if (!cls || cls.parent_code === null) throw badRequest('component.class_not_found', { code: input.classCode });
    if (input.ownerDepartmentId && !(await repo.departmentActive(tx, j, input.ownerDepartmentId))) throw badRequest('component.department_not_found', { id: input.ownerDepartmentId });
    await repo.lockSerial(tx, j, `${county}${input.classCode}`);
    let code: string;
    if (given) {
      code = input.code!;
      if (await repo.codeTaken(tx, j, code)) throw conflict('component.code_taken', { code });
    } else {
      const serial = nextSerial(await repo.highestSerial(tx, j, county, input.classCode));
      if (serial === null) throw conflict('component.serials_exhausted', { prefix: `${county}${input.classCode}` });
      code = componentCode(county, input.classCode, serial);
    }
    const row = await repo.insertComponent(tx, { jurisdictionId: j, code, county, classCode: input.classCode, name: input.name ?? null, lng: input.lng, lat: input.lat, gridCode: grid?.code ?? null, ownerDepartmentId: input.ownerDepartmentId ?? null });
    await repo.addHistory(tx, { jurisdictionId: j, componentId: row.id, action: 'create', fromStatus: null, toStatus: row.status, actorName: actor.name, note: null });
    const details = { code, classCode: input.classCode, gridCode: grid?.code ?? null, lat: input.lat, lng: input.lng };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component.create', jurisdictionId: j, objectType: 'component', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'component.created', jurisdictionId: j, payload: { componentId: row.id, ...details } });
    return present(row);
  });
}

async function loadComponent(db: AppContext['db'], principal: Principal, permission: string, code: string) {
  authorizeAny(principal, permission);
  const row = await repo.findByCode(db, principal.jurisdictionId, code);
  if (!row) throw notFound('component.not_found', { code });
  authorize(principal, permission, { jurisdictionId: principal.jurisdictionId, gridCode: row.grid_code }, 'component.not_found');
  return row;
}

export async function getComponent(ctx: Pick<AppContext, 'db'>, principal: Principal, code: string) {
  const row = await loadComponent(ctx.db, principal, 'component.read', code);
  const history = await repo.listHistory(ctx.db, row.id);
  const links = await repo.linksOf(ctx.db, row.id);
  const cls = await repo.findClass(ctx.db, principal.jurisdictionId, row.class_code);
  return {
    ...present(row),
    className: cls ? { zh: cls.name_zh, en: cls.name_en } : null,
    history: history.map((h) => ({
      at: new Date(h.at).toISOString(),
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      actor: h.actor_name,
      note: h.note,
      workOrderId: h.work_order_id,
      workOrderCode: h.work_order_code,
    })),
    // The orders about this component (newest first) and their photos, which are the component's photos.
    orders: links.map((l) => ({ id: l.work_order_id, code: l.order_code, problem: l.problem, status: l.order_status, how: l.how, distanceM: l.distance_m === null ? null : Number(l.distance_m), linkedAt: new Date(l.linked_at).toISOString() })),
    photos: links.flatMap((l) => l.photos.map((id) => ({ attachmentId: id, workOrderId: l.work_order_id }))),
  };
}

export async function setComponentStatus(
  ctx: ComponentContext,
  principal: Principal,
  code: string,
  input: { status: ComponentStatus; note?: string | null },
  actor: Actor,
  opts: CallOptions = {},
): Promise<ComponentView> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadComponent(tx, principal, 'component.report', code);
    if (row.status === input.status) return present(row);
    await repo.updateStatus(tx, row.id, input.status);
    await repo.addHistory(tx, { jurisdictionId: principal.jurisdictionId, componentId: row.id, action: 'status', fromStatus: row.status, toStatus: input.status, actorName: actor.name, note: input.note ?? null });
    const details = { code, from: row.status, to: input.status, note: input.note ?? null };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component.status', jurisdictionId: principal.jurisdictionId, objectType: 'component', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'component.status_changed', jurisdictionId: principal.jurisdictionId, payload: { componentId: row.id, ...details } });
    return present((await repo.findByCode(tx, principal.jurisdictionId, code))!);
  });
}

export async function listComponents(
  ctx: Pick<AppContext, 'db'>,
  principal: Principal,
  filter: { classCode?: string; gridPrefix?: string; status?: ComponentStatus; after?: string; limit: number },
) {
  authorizeAny(principal, 'component.read');
  const scope = scopeCondition(effectiveScope(principal, 'component.read'), { jurisdiction: 'jurisdiction_id', gridCode: 'grid_code' });
  const rows = await repo.listPage(ctx.db, scope, filter);
  return { items: rows.map(present), next: rows.length === filter.limit ? rows[rows.length - 1]!.code : null };
}

/** At most this many points go to the map in one answer (the demo city has a few thousand). */
export const MAP_POINT_LIMIT = 20_000;

/** The map layer: compact points within my scope, filtered by class and status. */
export async function componentMapPoints(ctx: Pick<AppContext, 'db'>, principal: Principal, filter: { classCode?: string; status?: ComponentStatus }) {
  authorizeAny(principal, 'component.read');
  const scope = scopeCondition(effectiveScope(principal, 'component.read'), { jurisdiction: 'jurisdiction_id', gridCode: 'grid_code' });
  const rows = await repo.mapPoints(ctx.db, scope, filter, MAP_POINT_LIMIT + 1);
  return {
    truncated: rows.length > MAP_POINT_LIMIT,
    items: rows.slice(0, MAP_POINT_LIMIT).map((r) => ({ code: r.code, classCode: r.class_code, status: r.status, lng: Number(r.lng), lat: Number(r.lat) })),
  };
}
