/**
 * The responsibility list (清单化定责): administrators keep rules (category subtree, district, grid prefix, component
 * class prefix → department, with priority and fallback); `suggestDepartment` ranks the matching rules with the pure
 * matcher (responsibility-rules.ts) for the dispatcher and for auto-dispatch. Every change is audited and published
 * in its transaction.
 */
import type { DepartmentSuggestion, ResponsibilityPreview, ResponsibilityRuleView, SuggestionCandidate } from '@civicgrid/contracts/categories';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { gridAt } from '../grid/index.js';
import { authorize, authorizeAny, type CallOptions, type Principal } from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import './categories.policy.js';
import * as categoriesRepo from './categories.repo.js';
import * as repo from './responsibility.repo.js';
import { completeFacts, matchRules, type OrderFacts, type ResponsibilityRule } from './responsibility-rules.js';

export type ResponsibilityContext = Pick<AppContext, 'db' | 'outbox'>;

/** A rule as the API shows it (contracts). */
export type RuleView = ResponsibilityRuleView;

const present = (r: repo.RuleRow): RuleView => ({
  id: r.id,
  categoryPrefix: r.category_prefix,
  districtCode: r.district_code,
  gridPrefix: r.grid_prefix,
  componentClassPrefix: r.component_class_prefix,
  department: { id: r.department_id, code: r.department_code, nameZh: r.department_name_zh, nameEn: r.department_name_en, active: r.department_active },
  priority: r.priority,
  fallback: r.fallback,
  active: r.active,
  note: r.note,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listRules(
  ctx: Pick<AppContext, 'db'>,
  principal: Principal,
  filter: { departmentId?: string; categoryPrefix?: string; districtCode?: string; active?: boolean } = {},
): Promise<RuleView[]> {
  authorizeAny(principal, 'responsibility_rule.read');
  return (await repo.listRules(ctx.db, principal.jurisdictionId, filter)).map(present);
}

export interface RuleInput {
  categoryPrefix?: string | null;
  districtCode?: string | null;
  gridPrefix?: string | null;
  componentClassPrefix?: string | null;
  departmentId?: string;
  departmentCode?: string;
  priority?: number;
  fallback?: boolean;
  active?: boolean;
  note?: string | null;
}

/** Checks what a rule refers to: a category and a district of this jurisdiction, a grid prefix inside the district. */
async function checkValues(tx: Db, jurisdictionId: string, v: repo.RuleValues, changed: { category: boolean; district: boolean }): Promise<void> {
  if (changed.category && v.category_prefix !== null && !(await categoriesRepo.findCategory(tx, jurisdictionId, v.category_prefix))) {
    throw badRequest('responsibility_rule.category_not_found', { code: v.category_prefix });
  }
  if (changed.district && v.district_code !== null && !(await repo.districtExists(tx, jurisdictionId, v.district_code))) {
    throw badRequest('responsibility_rule.district_not_found', { code: v.district_code });
  }
  if (v.grid_prefix !== null && v.district_code !== null) {
    const n = Math.min(6, v.grid_prefix.length);
    // Such a rule could never match: grid codes begin with their district's code.
    if (v.grid_prefix.slice(0, n) !== v.district_code.slice(0, n)) throw badRequest('responsibility_rule.grid_outside_district', { grid: v.grid_prefix, district: v.district_code });
  }
}

async function resolveDepartment(tx: Db, jurisdictionId: string, input: { departmentId?: string; departmentCode?: string }): Promise<string> {
  const dept = await repo.findDepartment(tx, jurisdictionId, input.departmentId !== undefined ? { id: input.departmentId } : { code: input.departmentCode! });
  if (!dept || !dept.active) throw badRequest('responsibility_rule.department_not_found', { id: input.departmentId ?? input.departmentCode ?? '' });
  return dept.id;
}

async function refuseDuplicate(tx: Db, jurisdictionId: string, v: repo.RuleValues, exceptId: string | null): Promise<void> {
  const other = await repo.sameRule(tx, jurisdictionId, v, exceptId);
  if (other) throw conflict('responsibility_rule.duplicate', {}, { id: other });
}

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

/** Inside the caller's transaction (the admin API and the demo seed); returns the new rule. */
export async function createRuleWithin(tx: Db, ctx: Pick<AppContext, 'outbox'>, jurisdictionId: string, input: RuleInput, actor: Actor, opts: CallOptions = {}): Promise<RuleView> {
  authorize(opts.principal ?? null, 'responsibility_rule.manage', { jurisdictionId });
  if (input.departmentId === undefined && input.departmentCode === undefined) throw badRequest('responsibility_rule.department_required');
  const values: repo.RuleValues = {
    category_prefix: input.categoryPrefix ?? null,
    district_code: input.districtCode ?? null,
    grid_prefix: input.gridPrefix ?? null,
    component_class_prefix: input.componentClassPrefix ?? null,
    department_id: await resolveDepartment(tx, jurisdictionId, input),
    priority: input.priority ?? 0,
    fallback: input.fallback ?? false,
    active: input.active ?? true,
    note: input.note?.trim() || null,
  };
  await checkValues(tx, jurisdictionId, values, { category: true, district: true });
  await refuseDuplicate(tx, jurisdictionId, values, null);
  const id = await repo.insertRule(tx, jurisdictionId, values).catch((e: unknown) => {
    // The same rule created at the same moment by someone else (the unique index decided).
    if (isUniqueViolation(e)) throw conflict('responsibility_rule.duplicate');
    throw e;
  });
  const rule = present((await repo.findRule(tx, jurisdictionId, id))!);
  const details = ruleDetails(rule);
  await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'responsibility_rule.create', jurisdictionId, objectType: 'responsibility_rule', objectId: id, details });
  await ctx.outbox.publish(tx, { name: 'responsibility_rule.changed', jurisdictionId, payload: { action: 'create', ruleId: id, ...details } });
  return rule;
}

const ruleDetails = (r: RuleView) => ({
  categoryPrefix: r.categoryPrefix,
  districtCode: r.districtCode,
  gridPrefix: r.gridPrefix,
  componentClassPrefix: r.componentClassPrefix,
  departmentId: r.department.id,
  departmentCode: r.department.code,
  priority: r.priority,
  fallback: r.fallback,
  active: r.active,
  note: r.note,
});

export async function createRule(ctx: ResponsibilityContext, principal: Principal, input: RuleInput, actor: Actor, opts: CallOptions = {}): Promise<RuleView> {
  authorize(principal, 'responsibility_rule.manage', { jurisdictionId: principal.jurisdictionId });
  return ctx.db.transaction().execute((tx) => createRuleWithin(tx, ctx, principal.jurisdictionId, input, actor, { ...opts, principal }));
}

export async function updateRule(ctx: ResponsibilityContext, principal: Principal, id: string, input: RuleInput, actor: Actor, opts: CallOptions = {}): Promise<RuleView> {
  const j = principal.jurisdictionId;
  authorize(principal, 'responsibility_rule.manage', { jurisdictionId: j });
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.lockRule(tx, j, id))) throw notFound('responsibility_rule.not_found', { id });
    const before = present((await repo.findRule(tx, j, id))!);
    const departmentGiven = input.departmentId !== undefined || input.departmentCode !== undefined;
    const values: repo.RuleValues = {
      category_prefix: input.categoryPrefix !== undefined ? input.categoryPrefix : before.categoryPrefix,
      district_code: input.districtCode !== undefined ? input.districtCode : before.districtCode,
      grid_prefix: input.gridPrefix !== undefined ? input.gridPrefix : before.gridPrefix,
      component_class_prefix: input.componentClassPrefix !== undefined ? input.componentClassPrefix : before.componentClassPrefix,
      department_id: departmentGiven ? await resolveDepartment(tx, j, input) : before.department.id,
      priority: input.priority ?? before.priority,
      fallback: input.fallback ?? before.fallback,
      active: input.active ?? before.active,
      note: input.note === undefined ? before.note : input.note?.trim() || null,
    };
    await checkValues(tx, j, values, { category: values.category_prefix !== before.categoryPrefix, district: values.district_code !== before.districtCode });
    await refuseDuplicate(tx, j, values, id);
    await repo.updateRule(tx, id, values);
    const after = present((await repo.findRule(tx, j, id))!);
    const details = { ...ruleDetails(after), before: ruleDetails(before) };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'responsibility_rule.update', jurisdictionId: j, objectType: 'responsibility_rule', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'responsibility_rule.changed', jurisdictionId: j, payload: { action: 'update', ruleId: id, ...details } });
    return after;
  });
}

export async function deleteRule(ctx: ResponsibilityContext, principal: Principal, id: string, actor: Actor, opts: CallOptions = {}): Promise<void> {
  const j = principal.jurisdictionId;
  authorize(principal, 'responsibility_rule.manage', { jurisdictionId: j });
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.lockRule(tx, j, id))) throw notFound('responsibility_rule.not_found', { id });
    const rule = present((await repo.findRule(tx, j, id))!);
    await repo.deleteRule(tx, id);
    const details = ruleDetails(rule);
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'responsibility_rule.delete', jurisdictionId: j, objectType: 'responsibility_rule', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'responsibility_rule.changed', jurisdictionId: j, payload: { action: 'delete', ruleId: id, ...details } });
  });
}

export type { DepartmentSuggestion, SuggestionCandidate };

export interface SuggestInput {
  categoryCode?: string | null;
  districtCode?: string | null;
  gridCode?: string | null;
  componentSubclass?: string | null;
}

type RankedRule = ResponsibilityRule & { row: repo.RuleRow };

/**
 * For other parts of work orders (intake, the dispatcher board, auto-dispatch): the responsible department for an
 * order by the jurisdiction's active rules, or null when no rule matches. The district follows from a grid code and
 * the component subclass from a component category when not given. No permission check.
 */
export async function suggestDepartment(db: Db, jurisdictionId: string, input: SuggestInput): Promise<DepartmentSuggestion | null> {
  let facts = completeFacts(input);
  if (facts.categoryCode !== null && facts.componentSubclass === null) {
    const { subclass } = await repo.categorySubclass(db, jurisdictionId, facts.categoryCode);
    if (subclass) facts = { ...facts, componentSubclass: subclass };
  }
  return suggestFor(db, jurisdictionId, facts);
}

async function suggestFor(db: Db, jurisdictionId: string, facts: OrderFacts): Promise<DepartmentSuggestion | null> {
  const rules: RankedRule[] = (await repo.candidateRules(db, jurisdictionId, facts)).map((row) => ({
    id: row.id,
    categoryPrefix: row.category_prefix,
    districtCode: row.district_code,
    gridPrefix: row.grid_prefix,
    componentClassPrefix: row.component_class_prefix,
    departmentId: row.department_id,
    priority: row.priority,
    fallback: row.fallback,
    row,
  }));
  const match = matchRules(rules, facts);
  if (!match) return null;
  return {
    departmentId: match.departmentId,
    departmentName: match.rule.row.department_name_zh,
    departmentNameEn: match.rule.row.department_name_en,
    ruleId: match.rule.id,
    unique: match.unique,
    fallback: match.fallback,
    candidates: match.candidates.map((r) => ({
      ruleId: r.id,
      departmentId: r.departmentId,
      departmentName: r.row.department_name_zh,
      departmentNameEn: r.row.department_name_en,
      priority: r.priority,
      fallback: r.fallback,
      categoryPrefix: r.categoryPrefix,
      districtCode: r.districtCode,
      gridPrefix: r.gridPrefix,
      componentClassPrefix: r.componentClassPrefix,
    })),
  };
}

export interface PreviewInput extends SuggestInput {
  lat?: number;
  lng?: number;
}

/**
 * What the rules suggest for an order described by category, a point (→ grid and district) or grid/district codes
 * and a component subclass; given codes win over those derived from the point. For the admin screen and dispatchers.
 */
export async function previewSuggestion(ctx: Pick<AppContext, 'db'>, principal: Principal, input: PreviewInput): Promise<ResponsibilityPreview> {
  authorizeAny(principal, 'responsibility_rule.preview');
  const j = principal.jurisdictionId;
  let gridCode = input.gridCode ?? null;
  let districtCode = input.districtCode ?? null;
  if (input.lat !== undefined && input.lng !== undefined) {
    const grid = await gridAt(ctx, j, input.lng, input.lat);
    gridCode ??= grid?.code ?? null;
    districtCode ??= grid?.district.code ?? (await repo.districtAt(ctx.db, j, input.lng, input.lat));
  }
  let facts = completeFacts({ categoryCode: input.categoryCode ?? null, districtCode, gridCode, componentSubclass: input.componentSubclass ?? null });
  if (facts.categoryCode !== null) {
    const category = await repo.categorySubclass(ctx.db, j, facts.categoryCode);
    if (!category.exists) throw badRequest('responsibility_rule.category_not_found', { code: facts.categoryCode });
    if (facts.componentSubclass === null && category.subclass) facts = { ...facts, componentSubclass: category.subclass };
  }
  return { facts, suggestion: await suggestFor(ctx.db, j, facts) };
}
