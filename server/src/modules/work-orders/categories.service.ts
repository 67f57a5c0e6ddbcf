/**
 * Work-order categories (工单分类): a tree per jurisdiction with dotted codes (`utilities.water` lies under
 * `utilities`), seeded with the standard tree (standard-categories.ts) and edited by administrators. Categories in
 * use are deactivated rather than deleted; a category cannot be deactivated while categories below it are active
 * (unless they go with it), nor activated under an inactive parent. Every change is audited and published in its
 * transaction. Residents read the active tree without internal fields.
 */
import type { CategoryView } from '@civicgrid/contracts/categories';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, type CallOptions, type Principal } from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.js';
import './categories.policy.js';
import * as repo from './categories.repo.js';
import { standardCategories, type CategoryKind } from './standard-categories.js';

export type CategoryContext = Pick<AppContext, 'db' | 'outbox'>;

export type { CategoryView };

export type CategoryNode = CategoryView & { children: CategoryNode[] };

const present = (r: repo.CategoryRow): CategoryView => ({
  code: r.code,
  parentCode: r.parent_code,
  kind: r.kind,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  componentSubclass: r.component_subclass,
  sortOrder: r.sort_order,
  active: r.active,
  source: r.source,
  updatedAt: new Date(r.updated_at).toISOString(),
});

const parentOf = (code: string): string | null => (code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null);

/** The subclass a `component.CC.CCSS` code stands for. */
const subclassInCode = (code: string): string | null => /^component\.([0-9]{2})\.(\1[0-9]{2})$/.exec(code)?.[2] ?? null;

/**
 * For other parts of work orders: the category with this code in the jurisdiction, or undefined. Callers check
 * `active` (an inactive category takes no new orders). No permission check.
 */
export async function findCategory(db: Db, jurisdictionId: string, code: string): Promise<CategoryView | undefined> {
  if (code.length > 64) return undefined;
  const row = await repo.findCategory(db, jurisdictionId, code);
  return row ? present(row) : undefined;
}

/** Flat rows (parents before children, by sort order) → nested nodes. */
export function buildTree<T extends { code: string; parentCode: string | null }>(items: T[]): (T & { children: (T & { children: unknown[] })[] })[] {
  type Node = T & { children: Node[] };
  const nodes = new Map<string, Node>(items.map((i) => [i.code, { ...i, children: [] }]));
  const roots: Node[] = [];
  for (const i of items) {
    const node = nodes.get(i.code)!;
    const parent = i.parentCode === null ? undefined : nodes.get(i.parentCode);
    if (parent) parent.children.push(node);
    else if (i.parentCode === null) roots.push(node);
    // A child whose parent is filtered out (inactive) is left out with it.
  }
  return roots;
}

/** Rows ordered depth-first: each parent followed by its subtree, siblings by sort order then code. */
function depthFirst(rows: repo.CategoryRow[]): repo.CategoryRow[] {
  const byParent = new Map<string | null, repo.CategoryRow[]>();
  for (const r of rows) byParent.set(r.parent_code, [...(byParent.get(r.parent_code) ?? []), r]);
  const out: repo.CategoryRow[] = [];
  const walk = (parent: string | null) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => a.sort_order - b.sort_order || a.code.localeCompare(b.code));
    for (const c of children) {
      out.push(c);
      walk(c.code);
    }
  };
  walk(null);
  return out;
}

export async function listCategories(ctx: Pick<AppContext, 'db'>, principal: Principal, opts: { view: 'flat' | 'tree'; includeInactive: boolean }) {
  authorizeAny(principal, 'work_order_category.read');
  const items = depthFirst(await repo.listCategories(ctx.db, principal.jurisdictionId, { activeOnly: !opts.includeInactive })).map(present);
  return opts.view === 'tree' ? { tree: buildTree(items) as CategoryNode[] } : { items };
}

/**
 * The active categories for the resident portal: code, parent, kind and names only. A signed-in caller gets their
 * own jurisdiction; an anonymous one names it with `jurisdiction`, or gets the only one the server hosts.
 */
export async function listPublicCategories(ctx: Pick<AppContext, 'db'>, principal: Principal | null, jurisdiction: string | undefined) {
  let jurisdictionId: string;
  if (principal) {
    if (jurisdiction !== undefined && jurisdiction !== principal.jurisdictionId) throw notFound('work_order_category.jurisdiction_not_found', { id: jurisdiction });
    jurisdictionId = principal.jurisdictionId;
  } else if (jurisdiction !== undefined) {
    if (!(await repo.jurisdictionExists(ctx.db, jurisdiction))) throw notFound('work_order_category.jurisdiction_not_found', { id: jurisdiction });
    jurisdictionId = jurisdiction;
  } else {
    const ids = await repo.someJurisdictionIds(ctx.db);
    if (ids.length !== 1) throw badRequest('work_order_category.jurisdiction_required');
    jurisdictionId = ids[0]!;
  }
  const rows = depthFirst(await repo.listCategories(ctx.db, jurisdictionId, { activeOnly: true }));
  // depthFirst only reaches rows whose ancestors are all listed, i.e. active.
  return { jurisdictionId, items: rows.map((r) => ({ code: r.code, parentCode: r.parent_code, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en })) };
}

/**
 * Adds the standard categories the jurisdiction does not have yet, inside the caller's transaction (idempotent);
 * returns how many were added. A standard category is skipped where the jurisdiction already has a local one of a
 * different kind at its parent's code. Audited and published when anything was added.
 */
export async function seedStandardCategories(tx: Db, ctx: Pick<AppContext, 'outbox'>, jurisdictionId: string, actor: Actor, opts: CallOptions = {}): Promise<number> {
  authorize(opts.principal ?? null, 'work_order_category.manage', { jurisdictionId });
  // The second of two concurrent seeds waits here, then finds the first one's categories.
  await repo.lockStandardSeed(tx, jurisdictionId);
  const existing = new Map((await repo.listCategories(tx, jurisdictionId)).map((r) => [r.code, r.kind]));
  const wanted: repo.CategoryInsert[] = [];
  const kinds = new Map(existing);
  for (const c of standardCategories()) {
    if (kinds.has(c.code)) continue;
    if (c.parentCode !== null && kinds.get(c.parentCode) !== c.kind) continue;
    kinds.set(c.code, c.kind);
    wanted.push({ ...c, source: 'standard' });
  }
  const added = await repo.insertCategories(tx, jurisdictionId, wanted);
  if (added.length > 0) {
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'work_order_category.seed', jurisdictionId, objectType: 'work_order_categories', objectId: jurisdictionId, details: { added: added.length } });
    await ctx.outbox.publish(tx, { name: 'work_order_category.changed', jurisdictionId, payload: { action: 'seed', added: added.length } });
  }
  return added.length;
}

/** The same, in a transaction of its own (the admin API). */
export async function addStandardCategories(ctx: CategoryContext, principal: Principal | null, jurisdictionId: string, actor: Actor, opts: CallOptions = {}): Promise<number> {
  authorize(principal, 'work_order_category.manage', { jurisdictionId });
  return ctx.db.transaction().execute((tx) => seedStandardCategories(tx, ctx, jurisdictionId, actor, { ...opts, principal }));
}

export interface CreateCategoryInput {
  code: string;
  nameZh: string;
  nameEn?: string | null;
  kind?: CategoryKind;
  componentSubclass?: string | null;
  sortOrder?: number;
}

export async function createCategory(ctx: CategoryContext, principal: Principal, input: CreateCategoryInput, actor: Actor, opts: CallOptions = {}): Promise<CategoryView> {
  const j = principal.jurisdictionId;
  authorize(principal, 'work_order_category.manage', { jurisdictionId: j });
  if (!/^[a-z0-9]+(\.[a-z0-9]+)*$/.test(input.code) || input.code.length > 64) throw badRequest('work_order_category.code_invalid', { code: input.code });
  const parentCode = parentOf(input.code);
  return ctx.db.transaction().execute(async (tx) => {
    let kind: CategoryKind;
    if (parentCode === null) {
      if (!input.kind) throw badRequest('work_order_category.kind_required');
      kind = input.kind;
    } else {
      const parent = await repo.lockCategory(tx, j, parentCode);
      if (!parent) throw badRequest('work_order_category.parent_not_found', { code: parentCode });
      if (!parent.active) throw conflict('work_order_category.parent_inactive', { code: parentCode });
      if (input.kind && input.kind !== parent.kind) {
        const kinds = { kind: input.kind, parentKind: parent.kind };
        throw badRequest('work_order_category.kind_mismatch', kinds, kinds);
      }
      kind = parent.kind;
    }
    const inCode = subclassInCode(input.code);
    const componentSubclass = input.componentSubclass ?? (kind === 'component' ? inCode : null);
    if (componentSubclass !== null && kind !== 'component') throw badRequest('work_order_category.subclass_not_component');
    if (componentSubclass !== null && inCode !== null && componentSubclass !== inCode) throw badRequest('work_order_category.subclass_mismatch', { code: input.code, subclass: componentSubclass });
    const sortOrder = input.sortOrder ?? (await nextSortOrder(tx, j, parentCode));
    const added = await repo.insertCategories(tx, j, [{ code: input.code, parentCode, kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null, componentSubclass, sortOrder, source: 'local' }]);
    if (added.length === 0) throw conflict('work_order_category.exists', { code: input.code });
    const details = { code: input.code, parentCode, kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null, componentSubclass, sortOrder };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'work_order_category.create', jurisdictionId: j, objectType: 'work_order_category', objectId: input.code, details });
    await ctx.outbox.publish(tx, { name: 'work_order_category.changed', jurisdictionId: j, payload: { action: 'create', ...details } });
    return present((await repo.findCategory(tx, j, input.code))!);
  });
}

async function nextSortOrder(tx: Db, jurisdictionId: string, parentCode: string | null): Promise<number> {
  const rows = await repo.listCategories(tx, jurisdictionId);
  const siblings = rows.filter((r) => r.parent_code === parentCode).map((r) => r.sort_order);
  return siblings.length === 0 ? 10 : Math.min(1_000_000, Math.max(...siblings) + 10);
}

export interface UpdateCategoryInput {
  nameZh?: string;
  nameEn?: string | null;
  sortOrder?: number;
  active?: boolean;
  includeChildren?: boolean;
}

/** Renames, reorders, deactivates or reactivates a category; returns it and the codes whose `active` changed. */
export async function updateCategory(ctx: CategoryContext, principal: Principal, code: string, input: UpdateCategoryInput, actor: Actor, opts: CallOptions = {}): Promise<{ category: CategoryView; changed: string[] }> {
  const j = principal.jurisdictionId;
  authorize(principal, 'work_order_category.manage', { jurisdictionId: j });
  return ctx.db.transaction().execute(async (tx) => {
    // Parent first, then the category: the same order as creating a child, so the two cannot deadlock.
    const parentCode = parentOf(code);
    const parent = parentCode === null ? undefined : await repo.lockCategory(tx, j, parentCode);
    const row = await repo.lockCategory(tx, j, code);
    if (!row) throw notFound('work_order_category.not_found', { code });
    let changed: string[] = [];
    if (input.active === true && !row.active) {
      if (parent && !parent.active) throw conflict('work_order_category.parent_inactive', { code: parent.code });
      // Only the category itself comes back; what lies below stays as it is.
      await repo.updateCategory(tx, j, code, { active: true });
      changed = [code];
    }
    if (input.active === false && row.active) {
      const activeChildren = await repo.childCodes(tx, j, code, { activeOnly: true });
      if (activeChildren.length > 0 && !input.includeChildren) {
        throw conflict('work_order_category.has_active_children', { code, children: activeChildren.join(', ') }, { children: activeChildren });
      }
      changed = await repo.setSubtreeActive(tx, j, code, false);
    }
    const set: { name_zh?: string; name_en?: string | null; sort_order?: number } = {};
    if (input.nameZh !== undefined && input.nameZh !== row.name_zh) set.name_zh = input.nameZh;
    if (input.nameEn !== undefined && input.nameEn !== row.name_en) set.name_en = input.nameEn;
    if (input.sortOrder !== undefined && input.sortOrder !== row.sort_order) set.sort_order = input.sortOrder;
    if (Object.keys(set).length > 0) await repo.updateCategory(tx, j, code, set);
    if (Object.keys(set).length === 0 && changed.length === 0) return { category: present(row), changed };
    const details = {
      code,
      ...(set.name_zh !== undefined ? { nameZh: set.name_zh } : {}),
      ...(set.name_en !== undefined ? { nameEn: set.name_en } : {}),
      ...(set.sort_order !== undefined ? { sortOrder: set.sort_order } : {}),
      ...(changed.length > 0 ? { active: input.active!, changed } : {}),
      before: { nameZh: row.name_zh, nameEn: row.name_en, sortOrder: row.sort_order, active: row.active },
    };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'work_order_category.update', jurisdictionId: j, objectType: 'work_order_category', objectId: code, details });
    await ctx.outbox.publish(tx, { name: 'work_order_category.changed', jurisdictionId: j, payload: { action: 'update', ...details } });
    return { category: present((await repo.findCategory(tx, j, code))!), changed };
  });
}

/** Deletes a category nobody uses (no orders, no responsibility rules, no categories below it); otherwise 409. */
export async function deleteCategory(ctx: CategoryContext, principal: Principal, code: string, actor: Actor, opts: CallOptions = {}): Promise<void> {
  const j = principal.jurisdictionId;
  authorize(principal, 'work_order_category.manage', { jurisdictionId: j });
  await ctx.db.transaction().execute(async (tx) => {
    const row = await repo.lockCategory(tx, j, code);
    if (!row) throw notFound('work_order_category.not_found', { code });
    const children = await repo.childCodes(tx, j, code);
    if (children.length > 0) throw conflict('work_order_category.has_children', { code, children: children.join(', ') });
    const used = await repo.usage(tx, j, code);
    if (used.orders > 0 || used.rules > 0) throw new AppError('conflict', 'work_order_category.in_use', { code, orders: used.orders, rules: used.rules }, used);
    await repo.deleteCategory(tx, j, code);
    const details = { code, nameZh: row.name_zh, kind: row.kind, source: row.source };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'work_order_category.delete', jurisdictionId: j, objectType: 'work_order_category', objectId: code, details });
    await ctx.outbox.publish(tx, { name: 'work_order_category.changed', jurisdictionId: j, payload: { action: 'delete', ...details } });
  });
}
