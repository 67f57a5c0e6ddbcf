/**
 * Reading work orders: one order (scope-checked, masked), lists (scope as SQL, filters, Chinese full-text search,
 * keyset paging), caller history by phone, duplicate candidates, the audited reveal of a reporter, and the public
 * tracking and rating by ticket code + last four digits of the phone.
 */
import type { WorkOrderListItem } from '@civicgrid/contracts/work-orders';
import { recordAudit } from '../audit/index.js';
import { canOn, effectiveScope, normalisePhone, openPersonal, phoneLookup, scopeCondition, type Principal } from '../identity/index.js';
import { noRequest } from '../../shared/actor.js';
import { searchWords } from '../../shared/chinese-text.js';
import { maskPhoneNumber } from '../../shared/masking.js';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.js';
import { awaitsFollowUp, followUpDeadline, type FollowUpInputs } from './deadline-plan.js';
import { ownPhoneLookup } from './own-reports.js';
import { loadSettings } from './settings.js';
import { cancelSlaTimers } from './sla-timers.js';
import { allowedActions, apply, STATUSES, type Rating, type Status } from './lifecycle.js';
import { presentDetail, presentSummary, presentTracking, scopedResource, type PublicTracking, type WorkOrderDetail, type WorkOrderSummary } from './work-orders.presenter.js';
import type { RevealPurpose } from './work-orders.policy.js';
import { actionsFor, lifecycleOf, type Caller, type WorkOrderContext } from './work-orders.service.js';
import * as repo from './work-orders.repo.js';


/**
 * The order, if the viewer may read it: by their grant, or — a resident — as filed with their verified phone
 * (own-reports.ts). `byOwnPhone` says the second: the viewer is its reporter although it names no user.
 */
async function readable(ctx: WorkOrderContext, principal: Principal, id: string): Promise<{ row: repo.WorkOrderListRow; byOwnPhone: boolean }> {
  const row = await repo.findWorkOrderById(ctx.db, principal.jurisdictionId, id);
  if (row && canOn(principal, 'work_order.read', scopedResource(row))) return { row, byOwnPhone: false };
  const phone = row ? await ownPhoneLookup(ctx.db, principal) : null;
  if (row && phone !== null && (await repo.isReportedWith(ctx.db, principal.jurisdictionId, row.id, phone))) return { row, byOwnPhone: true };
  throw notFound('work_order.not_found', { id });
}

export async function getWorkOrder(ctx: WorkOrderContext, principal: Principal, id: string): Promise<WorkOrderDetail> {
  const { row, byOwnPhone } = await readable(ctx, principal, id);
  return presentDetail(ctx.config.secretKey, row, await repo.listTimeline(ctx.db, row.id), principal, actionsFor(principal, row), { reportedByViewer: byOwnPhone });
}

export interface ListInput {
  filters: repo.ListFilters;
  q?: string;
  mine?: boolean;
  sort: repo.ListSort;
  limit: number;
  cursor?: string;
}

const TICKET = /^[A-Z]{1,4}[0-9]{14}$/;

const validDate = (s: string | undefined) => s !== undefined && !Number.isNaN(new Date(s).getTime());

function decodeCursor(cursor: string, sort: repo.ListSort): repo.ListCursor {
  const [key, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [status, created] = key?.split('~') ?? [];
  const keyOk =
    key !== undefined &&
    (sort === 'status' ? (STATUSES as readonly string[]).includes(status ?? '') && validDate(created) : (sort === 'due' || sort === 'closed') && key === 'infinity' ? true : validDate(key));
  if (!keyOk || !id || !/^[0-9a-f-]{36}$/.test(id)) throw badRequest('work_order.cursor_invalid');
  return { key: key!, id };
}

function encodeCursor(row: repo.WorkOrderListRow, sort: repo.ListSort): string {
  const created = new Date(row.created_at).toISOString();
  const at = (d: Date | string | null) => (d === null ? 'infinity' : new Date(d).toISOString());
  const key = sort === 'created' ? created : sort === 'status' ? `${row.status}~${created}` : sort === 'closed' ? at(row.closed_at) : at(row.due_at);
  return Buffer.from(`${key}|${row.id}`).toString('base64url');
}

export type { WorkOrderListItem };

const followUpInputs = (row: repo.WorkOrderListRow): FollowUpInputs => ({ status: row.status, closedAt: row.closed_at === null ? null : new Date(row.closed_at), rating: row.rating });

/**
 * Each row's follow-up (回访) deadline (null when it awaits none), from its jurisdiction's settings — read once a
 * jurisdiction, and only when a row on the page needs them.
 */
async function followUpDeadlines(ctx: WorkOrderContext, rows: readonly repo.WorkOrderListRow[]): Promise<Map<string, string>> {
  const waiting = rows.filter((r) => awaitsFollowUp(followUpInputs(r)));
  const out = new Map<string, string>();
  for (const j of new Set(waiting.map((r) => r.jurisdiction_id))) {
    const { sla } = await loadSettings(ctx.db, j);
    for (const r of waiting) if (r.jurisdiction_id === j) out.set(r.id, followUpDeadline(followUpInputs(r), sla)!.toISOString());
  }
  return out;
}

/**
 * Why rows came back or are pressed (the last 核查不通过 reason of a reworked order, the last 督办 notice of a
 * supervised one), keyed `<id>:<action>` — one read for the page, and only when a row on it has either.
 */
async function reasonNotes(ctx: WorkOrderContext, rows: readonly repo.WorkOrderListRow[]): Promise<Map<string, string>> {
  const ids = rows.filter((r) => r.rework_count > 0 || r.supervised).map((r) => r.id);
  const out = new Map<string, string>();
  for (const n of await repo.latestNotes(ctx.db, ids, ['verify_fail', 'supervise'])) if (n.note?.trim()) out.set(`${n.work_order_id}:${n.action}`, n.note.trim());
  return out;
}

export async function listWorkOrders(ctx: WorkOrderContext, principal: Principal, input: ListInput): Promise<{ items: WorkOrderListItem[]; nextCursor: string | null }> {
  const own = await ownPhoneLookup(ctx.db, principal);
  const granted = scopeCondition(effectiveScope(principal, 'work_order.read'), repo.ORDER_SCOPE_COLUMNS);
  const scope = own === null ? granted : repo.scopeOrReportedWith(granted, principal.jurisdictionId, own);
  const filters: repo.ListFilters = { ...input.filters };
  if (input.mine) {
    if (principal.kind !== 'user') throw badRequest('work_order.mine_needs_user');
    filters.reporterUserId = principal.userId;
    if (own !== null) filters.reporterPhoneHmac = own;
  }
  const q = input.q?.trim();
  if (q) {
    if (TICKET.test(q)) filters.code = q;
    else {
      const words = searchWords(q);
      if (words.length === 0) throw badRequest('work_order.search_empty');
      filters.searchWords = words;
    }
  }
  const after = input.cursor ? decodeCursor(input.cursor, input.sort) : null;
  const rows = await repo.listWorkOrders(ctx.db, scope, filters, input.sort, input.limit + 1, after);
  const page = rows.slice(0, input.limit);
  const followUp = await followUpDeadlines(ctx, page);
  const notes = await reasonNotes(ctx, page);
  // What the viewer may do with each row: the pure lifecycle over the row already read (no query per row).
  // Object.assign onto the summary: `{ ...presentSummary(row), … }` is slow on V8 (see presentDetail), ≈ 10 µs a row.
  const items = page.map((row) =>
    Object.assign(presentSummary(row), {
      allowedActions: actionsFor(principal, row),
      extensionPending: row.extension?.state === 'requested',
      followUpDueAt: followUp.get(row.id) ?? null,
      reworkReason: row.rework_count > 0 ? (notes.get(`${row.id}:verify_fail`) ?? null) : null,
      supervisionNote: row.supervised ? (notes.get(`${row.id}:supervise`) ?? null) : null,
    }),
  );
  return { items, nextCursor: rows.length > input.limit ? encodeCursor(page.at(-1)!, input.sort) : null };
}

/** The reporter's name and phone in clear, for a stated purpose; every reveal is audited with that purpose. */
export async function revealReporter(ctx: WorkOrderContext, caller: Caller & { principal: Principal }, id: string, purpose: RevealPurpose) {
  const row = await repo.findWorkOrderById(ctx.db, caller.principal.jurisdictionId, id);
  const resource = row ? scopedResource(row) : null;
  if (!row || !canOn(caller.principal, 'work_order.read', resource!)) throw notFound('work_order.not_found', { id });
  if (!canOn(caller.principal, 'work_order.reveal_reporter', resource!)) throw new AppError('forbidden', 'auth.out_of_scope');
  const name = row.reporter_name_enc ? openPersonal(ctx.config.secretKey, row.reporter_name_enc) : null;
  const phone = row.reporter_phone_enc ? openPersonal(ctx.config.secretKey, row.reporter_phone_enc) : null;
  await ctx.db.transaction().execute(async (tx) => {
    await recordAudit(tx, {
      actor: caller.audit,
      request: caller.request ?? noRequest,
      action: 'work_order.reveal_reporter',
      jurisdictionId: row.jurisdiction_id,
      objectType: 'work_order',
      objectId: row.id,
      details: { code: row.code, purpose, fields: [name !== null ? 'name' : null, phone !== null ? 'phone' : null].filter(Boolean) },
    });
  });
  return { name, phone };
}

/** Earlier orders of the same caller (来电历史), newest first, masked; the lookup itself is audited. */
export async function callerHistory(ctx: WorkOrderContext, caller: Caller & { principal: Principal }, phoneInput: string, limit: number): Promise<WorkOrderSummary[]> {
  const digits = phoneInput.replace(/[\s-]/g, '');
  const phone = normalisePhone(digits) ?? (/^\+?[0-9]{5,20}$/.test(digits) ? digits : null);
  if (phone === null) throw badRequest('work_order.phone_invalid');
  const scope = scopeCondition(effectiveScope(caller.principal, 'work_order.read'), repo.ORDER_SCOPE_COLUMNS);
  const rows = await repo.listByPhone(ctx.db, scope, phoneLookup(ctx.config.secretKey, phone), limit);
  await ctx.db.transaction().execute(async (tx) => {
    await recordAudit(tx, {
      actor: caller.audit,
      request: caller.request ?? noRequest,
      action: 'work_order.caller_history',
      jurisdictionId: caller.principal.jurisdictionId,
      objectType: 'phone',
      objectId: maskPhoneNumber(phone),
      details: { found: rows.length },
    });
  });
  return rows.map(presentSummary);
}

/** Open orders of the same category near this one, created within the window before it (duplicate candidates). */
export async function duplicateCandidates(ctx: WorkOrderContext, principal: Principal, id: string, given: { radiusM?: number; hours?: number }) {
  const { row } = await readable(ctx, principal, id);
  const settings = await loadSettings(ctx.db, row.jurisdiction_id);
  const rows = await nearbyOpenOf(ctx, principal, row, { radiusM: given.radiusM ?? settings.duplicateRadiusM, hours: given.hours ?? settings.duplicateHours });
  return rows.map((r) => Object.assign(presentSummary(r), { distanceM: Math.round(r.distance_m * 10) / 10 }));
}

/** At most this many duplicate candidates are listed for an order (and so counted on the board). */
const DUPLICATES_LISTED = 20;

/** Where to look for an order's duplicate candidates: none without a point or category. */
function nearbyProbe(row: repo.WorkOrderListRow, hours: number): (repo.NearbyProbe & { id: string }) | null {
  if (row.lng === null || row.lat === null || row.category_code === null) return null;
  return { id: row.id, categoryCode: row.category_code, lng: row.lng, lat: row.lat, since: new Date(new Date(row.created_at).getTime() - hours * 3600_000) };
}

/** The viewer's read scope as SQL: the list's (ORDER_SCOPE_COLUMNS), so a candidate is shown exactly when canOn allows it. */
const readScope = (principal: Principal) => scopeCondition(effectiveScope(principal, 'work_order.read'), repo.ORDER_SCOPE_COLUMNS);

/** An order's duplicate candidates that the viewer may read (at most 20, nearest first): none without a point or category. */
export async function nearbyOpenOf(ctx: Pick<WorkOrderContext, 'db'>, principal: Principal, row: repo.WorkOrderListRow, opts: { radiusM: number; hours: number }) {
  const probe = nearbyProbe(row, opts.hours);
  if (probe === null) return [];
  return repo.findNearbyOpen(ctx.db, readScope(principal), { ...probe, jurisdictionId: row.jurisdiction_id, radiusM: opts.radiusM, limit: DUPLICATES_LISTED });
}

/**
 * How many duplicate candidates nearbyOpenOf lists for each of `rows` (one jurisdiction's: a page of the board), in one
 * query; orders without a point or category have none. Keyed by order id.
 */
export async function countNearbyOpenOf(ctx: Pick<WorkOrderContext, 'db'>, principal: Principal, rows: readonly repo.WorkOrderListRow[], opts: { radiusM: number; hours: number }): Promise<Map<string, number>> {
  const probes = rows.flatMap((r) => nearbyProbe(r, opts.hours) ?? []);
  const counts = await repo.countNearbyOpen(ctx.db, readScope(principal), { jurisdictionId: principal.jurisdictionId, probes, radiusM: opts.radiusM, limit: DUPLICATES_LISTED });
  return new Map(rows.map((r) => [r.id, counts.get(r.id) ?? 0]));
}

/** The order of this code, if the last four digits match its reporter's phone; a mismatch reads as not found. */
async function trackedOrder(ctx: WorkOrderContext, jurisdictionId: string, code: string, phoneLast4: string): Promise<repo.WorkOrderListRow> {
  const row = await repo.findWorkOrderByCode(ctx.db, jurisdictionId, code);
  if (!row || row.reporter_phone_last4 === null || row.reporter_phone_last4 !== phoneLast4) throw notFound('work_order.tracking_not_found', { code });
  return row;
}

const RESIDENT = { userId: '', role: 'resident' as const, departmentId: null };

export async function trackWorkOrder(ctx: WorkOrderContext, jurisdictionId: string, code: string, phoneLast4: string): Promise<PublicTracking> {
  const row = await trackedOrder(ctx, jurisdictionId, code, phoneLast4);
  const parent = row.parent_id ? ((await repo.findWorkOrderById(ctx.db, jurisdictionId, row.parent_id)) ?? null) : null;
  const canRate = allowedActions(lifecycleOf(row), RESIDENT).includes('rate');
  return presentTracking(row, await repo.listTimeline(ctx.db, row.id), parent, canRate);
}

/** A resident rates an answered or closed order from the tracking page (好差评); 不满意 opens a review. */
export async function rateByTracking(
  ctx: WorkOrderContext,
  caller: Caller,
  input: { jurisdictionId: string; code: string; phoneLast4: string; rating: Rating; comment?: string },
  now = new Date(),
): Promise<PublicTracking> {
  const seen = await trackedOrder(ctx, input.jurisdictionId, input.code, input.phoneLast4);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await repo.lockWorkOrder(tx, seen.id);
    if (!row) throw notFound('work_order.tracking_not_found', { code: input.code });
    const result = apply(lifecycleOf(row), { type: 'rate', rating: input.rating, ...(input.comment ? { comment: input.comment } : {}) }, RESIDENT, now);
    if (!result.ok) {
      // The status in the details too: the tracking page names it in the resident's words.
      throw conflict('work_order.rating_not_open', { status: row.status }, { status: row.status });
    }
    const updated = await repo.updateWorkOrderIfVersion(tx, row.id, row.version, result.next, repo.slaFieldsOf(row), now);
    if (!updated) throw conflict('work_order.version_conflict', { version: row.version + 1 });
    const e = result.entry;
    await repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, at: e.at, action: e.action, from: e.from, to: e.to, actorId: null, actorRole: 'resident', note: e.note, photos: [], data: e.data });
    if ((updated.status as Status) === 'rated') await cancelSlaTimers(tx, ctx, row.id);
    const details = { code: row.code, action: 'rate', from: e.from, to: e.to, rating: input.rating, via: 'tracking' };
    await recordAudit(tx, { actor: caller.audit, request: caller.request ?? noRequest, action: 'work_order.rate', jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
  });
  return trackWorkOrder(ctx, input.jurisdictionId, input.code, input.phoneLast4);
}
