/**
 * Work-order use cases that change orders: create (placement, ticket code, deadlines and their timers, sealed
 * reporter, idempotency) and transition (scope and role checks, the lifecycle decides, the version check makes
 * exactly one of concurrent transitions win, deadlines and timers follow). Each writes the order, its timeline entry,
 * the audit entry and the event in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { CHANNELS, type Channel } from '@civicgrid/contracts/work-orders';
import type { AppContext } from '../../app-context.js';
import { auditEntry, recordAudit } from '../audit/index.js';
import { canOn, hasPermission, openPersonal, phoneLookup, sealPersonal, type Principal, type Role } from '../identity/index.js';
import { noRequest, type Actor as AuditActor, type RequestMeta } from '../../shared/actor.js';
import { searchText } from '../../shared/chinese-text.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../shared/errors.js';
import { planDeadlines, signDeadline } from './deadline-plan.js';
import * as idem from './idempotency.repo.js';
import { FINAL_STATUSES, FINISHING_ACTIONS, allowedActions, apply, newOrder, type Action, type ActionType, type Actor, type LifecycleOrder, type RequestType, type Status } from './lifecycle.js';
import { linkAttachments } from './attachments.service.js';
import { createWriter, writeCreates, type NewCreate } from './create-writer.js';
import { gridAt, placementOf } from './placement.js';
import { presentDetail, scopedResource, type WorkOrderDetail } from './work-orders.presenter.js';
import { cancelSlaTimers, newOrderTimers, scheduleSlaTimers } from './sla-timers.js';
import { scheduleDefaultRating } from './default-rating.js';
import { shanghaiDay, takenTicketCode } from './ticket-code.js';
import { type SlaConfig, type Urgency } from './sla.js';
import { loadSettings, settingsOf } from './settings.js';
import { suggestCategory } from './classifier.service.js';
import * as repo from './work-orders.repo.js';

export type WorkOrderContext = Pick<AppContext, 'db' | 'outbox'> & { config: Pick<AppContext['config'], 'secretKey'> };

export { CHANNELS, type Channel };

export const MAX_DESCRIPTION = 4000;

export interface CreateWorkOrderInput {
  jurisdictionId: string;
  channel: Channel;
  requestType: RequestType;
  categoryCode?: string | null;
  title: string;
  description: string;
  location?: { lng: number; lat: number } | null;
  address?: string | null;
  /** Only for orders without a point (a caller names the district); a point decides grid and district itself. */
  districtCode?: string | null;
  componentCode?: string | null;
  /** Null for an anonymous report. */
  reporter?: { name?: string | null; phone?: string | null } | null;
  /** The signed-in resident who reported (owner: sees and rates it). */
  reporterUserId?: string | null;
  urgency: Urgency;
  /** Photos uploaded beforehand (POST /attachments) by the same caller. */
  attachmentIds?: readonly string[];
  /** A resident's report: the language they reported in, for the texts about it (default zh-CN). */
  reporterLocale?: 'zh-CN' | 'en' | null;
}

export interface CallMeta {
  request?: RequestMeta;
}

/** Who is calling: the principal (null for an anonymous resident on the public portal) and the audit actor. */
export interface Caller {
  principal: Principal | null;
  audit: AuditActor;
  request?: RequestMeta;
}

function validateCreate(input: CreateWorkOrderInput) {
  const title = input.title.trim();
  if (title === '') throw badRequest('work_order.title_required');
  if (input.description.length > MAX_DESCRIPTION) throw badRequest('work_order.description_too_long', { max: MAX_DESCRIPTION });
  const name = input.reporter?.name?.trim() || null;
  const rawPhone = input.reporter?.phone?.replace(/[\s-]/g, '') || null;
  if (rawPhone !== null && !/^\+?[0-9]{5,20}$/.test(rawPhone)) throw badRequest('work_order.phone_invalid');
  // Mainland mobiles are stored without +86 so that a caller's history finds every order whatever they typed.
  const phone = rawPhone === null ? null : rawPhone.replace(/^(?:\+?86)(1[3-9]\d{9})$/, '$1');
  // A 部件/事件 report is about a place; a call about a service or a policy may have none.
  if (!input.location && !input.address?.trim() && (input.requestType === 'component' || input.requestType === 'event')) {
    throw badRequest('work_order.location_required');
  }
  return { title, name, phone };
}

export interface CreateResult {
  order: WorkOrderDetail;
  /**
   * The answer's JSON text when there is one already — the answer stored with the Idempotency-Key, made by this
   * request or replayed byte for byte from the first —, sent as it is; null when the answer was read back.
   */
  json: string | null;
  /** The key's first answer, replayed. */
  replayed: boolean;
}

/**
 * Creates an order. With an idempotency key, the first answer for (scope, key) is stored with the order and
 * returned again to every retry with the same body (a different body with the same key is a 422).
 *
 * A plain create is two statements: one read (readIntake: placement, settings, category, the ticket number) and one
 * write (writeCreates: the key's claim, the order and everything that comes with it, the stored answer), sent
 * without a transaction — a single statement is atomic; concurrent creates share both (group commit). The answer is
 * built before the write from the values it writes. Photos to link, or a caller's own writes (`within`), need more
 * statements: the same write statement then runs, for this create alone, in a transaction with them.
 */
export async function createWorkOrder(
  ctx: WorkOrderContext,
  input: CreateWorkOrderInput,
  caller: Caller,
  opts: {
    idempotency?: { scope: string; key: string; body: unknown };
    now?: Date;
    /** More writes of the caller's own (e.g. Open311 attributes) in the same transaction, after the order exists. */
    within?: (tx: WorkOrderContext['db'], order: { id: string; code: string; jurisdictionId: string }) => Promise<void>;
  } = {},
): Promise<CreateResult> {
  const now = opts.now ?? new Date();
  const { title, name, phone: given } = validateCreate(input);
  // A signed-in resident who names themselves but leaves the phone empty reports with their account's number.
  const phone = given ?? (input.reporter && input.reporterUserId ? await accountPhone(ctx, input.reporterUserId) : null);
  if (caller.principal && caller.principal.jurisdictionId !== input.jurisdictionId) throw forbidden('auth.out_of_scope');
  const anonymous = name === null && phone === null;
  const idempotency = opts.idempotency ? { scope: opts.idempotency.scope, key: opts.idempotency.key, hash: idem.requestHash(opts.idempotency.body) } : null;

  const point = input.location ?? null;
  const grid = point ? await gridAt(ctx.db, input.jurisdictionId, point) : null;
  const day = shanghaiDay(now);
  const found = await repo.readIntake(ctx.db, {
    jurisdictionId: input.jurisdictionId,
    point,
    gridFound: grid !== null,
    categoryCode: input.categoryCode ?? null,
    day,
    retry: idempotency ? { scope: idempotency.scope, key: idempotency.key, since: new Date(now.getTime() - idem.IDEMPOTENCY_TTL_MS) } : null,
  });
  const placement = point ? placementOf(input.jurisdictionId, point, grid, found) : null;
  if (input.categoryCode && !found.category_active) throw badRequest('work_order.category_unknown', { code: input.categoryCode });
  if (found.retry) return replay(ctx, idempotency!);
  const settings = settingsOf(found);
  const code = takenTicketCode(settings.ticketPrefix, day, found.seq);
  const districtCode = placement ? placement.districtCode : (input.districtCode ?? null);
  const gridCode = placement?.grid?.code ?? null;
  // Without a category, the classifier's suggestion is kept for the dispatcher (and for auto-dispatch).
  const suggestion = input.categoryCode ? null : await suggestCategory(ctx, input.jurisdictionId, `${title}\n${input.description}`.slice(0, MAX_DESCRIPTION)).catch(() => null);

  const deadlines = planDeadlines({ slaStartedAt: now, urgency: input.urgency, categoryCode: input.categoryCode ?? null, requestType: input.requestType, pauses: [], extension: null }, settings.sla);
  const initial = newOrder(input.requestType);
  const photos = [...new Set(input.attachmentIds ?? [])];
  const order: repo.CreatedOrder = {
    id: randomUUID(),
    jurisdictionId: input.jurisdictionId,
    code,
    status: initial.status,
    channel: input.channel,
    requestType: input.requestType,
    categoryCode: input.categoryCode ?? null,
    title,
    description: input.description,
    location: point,
    address: input.address?.trim() || null,
    gridCode,
    districtCode,
    reporterNameEnc: name === null ? null : sealPersonal(ctx.config.secretKey, name),
    reporterPhoneEnc: phone === null ? null : sealPersonal(ctx.config.secretKey, phone),
    reporterPhoneLast4: phone === null ? null : phone.replace(/\D/g, '').slice(-4),
    reporterPhoneHmac: phone === null ? null : phoneLookup(ctx.config.secretKey, phone),
    reporterUserId: input.reporterUserId ?? null,
    anonymous,
    urgency: input.urgency,
    componentCode: input.componentCode ?? null,
    searchText: searchText(`${title} ${input.description} ${input.address ?? ''}`),
    slaStartedAt: now,
    warnAt: deadlines?.warnAt ?? null,
    dueAt: deadlines?.dueAt ?? null,
    createdAt: now,
    suggestedCategory: suggestion?.categoryCode ?? null,
    suggestedConfidence: suggestion?.confidence ?? null,
    reporterLocale: input.reporterLocale ?? null,
  };
  const entry: repo.NewOrderEntry = {
    id: Number(found.entry_id),
    at: now,
    action: 'create',
    from_status: null,
    to_status: initial.status,
    actor_id: caller.audit.kind === 'user' ? caller.audit.id : null,
    actor_role: caller.principal ? roleForCreate(caller.principal) : 'public',
    note: null,
    photos,
    data: { channel: input.channel },
  };
  // The answer, from what is about to be written (a new order has no department yet and one timeline entry, whose
  // actor is the caller: staff see their display name, as a later read joins it from users).
  const row = repo.newOrderRow(order);
  // Object.assign, not `{ ...row, … }` (see presentDetail: a spread followed by new properties is slow on V8).
  const created: repo.WorkOrderListRow = Object.assign({}, row, { department_name_zh: null, department_name_en: null, department_path: null });
  const actorName = caller.principal?.kind === 'user' && caller.principal.userId === entry.actor_id ? caller.principal.displayName : null;
  const answer = presentDetail(ctx.config.secretKey, created, [{ ...entry, actor_name: actorName }], caller.principal, caller.principal ? actionsFor(caller.principal, created) : [], { plain: { name, phone } });
  const answerJson = JSON.stringify(answer);
  const autoDispatch = settings.autoDispatch && input.requestType !== 'enquiry';
  const create = newCreate(ctx, { order, row, entry, answerJson, caller, idempotency, now, autoDispatch });

  if (photos.length === 0 && !opts.within) {
    // No transaction: the one statement either writes all of it or, when the key was claimed first by an earlier or
    // concurrent request (whose commit the claim waited for), nothing. Concurrent creates share that statement
    // (createWriter: the ones that arrive while one is being written go together in the next).
    const written = await createWriter(ctx).submit(create);
    return written ? { order: answer, json: answerJson, replayed: false } : replay(ctx, idempotency!);
  }
  const result = await ctx.db.transaction().execute(async (tx) => {
    if (!(await writeCreates({ ...ctx, db: tx }, [create]))[0]) return null;
    await linkAttachments(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, ids: photos, uploadedBy: uploaderOf(caller), timelineEntryId: entry.id }, now);
    if (!opts.within) return { order: answer, json: answerJson };
    // The caller's own writes may touch the order: the answer is read back, and replaces the one stored with the key.
    await opts.within(tx, { id: row.id, code, jurisdictionId: row.jurisdiction_id });
    const fresh = (await repo.findWorkOrderById(tx, row.jurisdiction_id, row.id))!;
    const readBack = presentDetail(ctx.config.secretKey, fresh, await repo.listTimeline(tx, row.id), caller.principal, caller.principal ? actionsFor(caller.principal, fresh) : []);
    if (idempotency) await idem.complete(tx, idempotency.scope, idempotency.key, 201, readBack);
    return { order: readBack, json: null };
  });
  return result ? { ...result, replayed: false } : replay(ctx, idempotency!);
}

/**
 * What the create writes (see writeCreates): the Idempotency-Key's claim carrying the answer, then — only if the
 * claim succeeds — the order, its first timeline entry, the deadline timers, the audit entry and the event with its
 * subscribers' jobs. Without a key, all of it is written. The event also says what its subscribers filter on (see
 * SubscribeOptions.when): whether the order has a point (component links) and whether the jurisdiction dispatches
 * automatically (auto-dispatch); the audit entry does not repeat those.
 */
function newCreate(
  ctx: WorkOrderContext,
  c: {
    order: repo.CreatedOrder;
    row: repo.WorkOrderRow;
    entry: repo.NewOrderEntry;
    answerJson: string;
    caller: Caller;
    idempotency: { scope: string; key: string; hash: string } | null;
    now: Date;
    autoDispatch: boolean;
  },
): NewCreate {
  const { row } = c;
  const details = { code: row.code, channel: row.channel, requestType: row.request_type, urgency: row.urgency, anonymous: row.anonymous, gridCode: row.grid_code ?? '', districtCode: row.district_code ?? '' };
  return {
    claim: c.idempotency ? { scope: c.idempotency.scope, key: c.idempotency.key, hash: c.idempotency.hash, at: c.now, status: 201, responseJson: c.answerJson } : null,
    row,
    more: { reporterPhoneHmac: c.order.reporterPhoneHmac, searchText: c.order.searchText },
    entry: c.entry,
    timers: newOrderTimers(row),
    audit: auditEntry({ actor: c.caller.audit, request: c.caller.request ?? noRequest, action: 'work_order.create', jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details }),
    event: { name: 'work_order.created', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details, located: row.lng !== null, autoDispatch: c.autoDispatch } },
  };
}

/** The stored first answer of a key this request did not get to claim (the same body, or a 422). */
async function replay(ctx: WorkOrderContext, idempotency: { scope: string; key: string; hash: string }): Promise<CreateResult> {
  const first = await idem.findClaim(ctx.db, idempotency.scope, idempotency.key);
  if (first.requestHash !== idempotency.hash) throw new AppError('unprocessable', 'work_order.idempotency_key_reused');
  return { order: JSON.parse(first.responseJson) as WorkOrderDetail, json: first.responseJson, replayed: true };
}

async function accountPhone(ctx: WorkOrderContext, userId: string): Promise<string | null> {
  const row = await ctx.db.selectFrom('user_phones').select('phone_enc').where('user_id', '=', userId).executeTakeFirst();
  return row ? openPersonal(ctx.config.secretKey, row.phone_enc) : null;
}

/** Photos are linked only by whoever uploaded them: the signed-in user, or (null) an anonymous or API-key caller. */
function uploaderOf(caller: Caller): string | null {
  return caller.principal?.kind === 'user' ? caller.principal.userId : null;
}

function roleForCreate(p: Principal): string {
  if (p.kind === 'api_key') return 'api_key';
  const order: Role[] = ['agent', 'inspector', 'dispatcher', 'admin', 'resident'];
  return order.find((r) => p.grants.some((g) => g.role === r)) ?? p.grants[0]?.role ?? 'unknown';
}

export function lifecycleOf(row: repo.WorkOrderRow): LifecycleOrder {
  return {
    status: row.status as Status,
    requestType: row.request_type as RequestType,
    departmentId: row.department_id,
    suspendedFrom: row.suspended_from as LifecycleOrder['suspendedFrom'],
    supervised: row.supervised,
    extension: row.extension,
    rating: row.rating,
    reworkCount: row.rework_count,
    returnCount: row.return_count,
    reopenCount: row.reopen_count,
    parentId: row.parent_id,
  };
}

/**
 * The lifecycle actors a principal can be on this order: one per role whose grant covers the order for
 * `work_order.act`. A user with several roles (a dispatcher who is also an agent) may take the actions of each.
 */
export function actorsOn(principal: Principal, row: repo.WorkOrderListRow): Actor[] {
  if (principal.kind !== 'user') return [];
  const resource = scopedResource(row);
  const roles = new Set<Role>();
  for (const g of principal.grants) {
    if (canOn({ ...principal, grants: [g] }, 'work_order.act', resource)) roles.add(g.role);
  }
  return [...roles].map((role) => ({ userId: principal.userId, role, departmentId: principal.departmentId }));
}

/** Every action the principal may take now, over all of their roles, in the lifecycle's order. */
export function actionsFor(principal: Principal | null, row: repo.WorkOrderListRow): ActionType[] {
  if (!principal) return [];
  const all = new Set(actorsOn(principal, row).flatMap((a) => allowedActions(lifecycleOf(row), a)));
  return [...all];
}

/**
 * Applies `action` to the order as the client last saw it (`expectedVersion`). A stale version, or losing a race
 * to a concurrent transition, is a 409 carrying the current state; an action the lifecycle refuses is a 409
 * listing what is allowed now.
 */
export async function transitionWorkOrder(
  ctx: WorkOrderContext,
  ref: { jurisdictionId: string; id: string; expectedVersion: number },
  action: Action,
  caller: Caller,
  now = new Date(),
  opts: {
    /** More writes of the caller's own (e.g. an inspector's task result) in the same transaction, after the entry. */
    within?: (tx: WorkOrderContext['db'], done: { workOrderId: string; timelineEntryId: number }) => Promise<void>;
  } = {},
): Promise<WorkOrderDetail> {
  const principal = caller.principal;
  if (!principal) throw new AppError('unauthenticated', 'auth.unauthenticated');
  if (!hasPermission(principal, 'work_order.act')) throw forbidden();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findWorkOrderById(tx, ref.jurisdictionId, ref.id);
    // Out of scope reads as not found: an order's existence is not everybody's business.
    if (!row || !canOn(principal, 'work_order.read', scopedResource(row))) throw notFound('work_order.not_found', { id: ref.id });
    const actors = actorsOn(principal, row);
    if (row.version !== ref.expectedVersion) {
      throw conflict('work_order.version_conflict', { version: row.version }, { current: presentDetail(ctx.config.secretKey, row, [], principal, actionsFor(principal, row)) });
    }
    const current = lifecycleOf(row);
    const actor = actors.find((a) => allowedActions(current, a).includes(action.type));
    if (!actor) {
      const allowed = actionsFor(principal, row);
      // The message names status and actions in words; the details keep their codes for clients.
      throw conflict(
        'work_order.transition_not_allowed',
        { status: row.status, action: action.type, allowed: allowed.join(', ') || '—' },
        { status: row.status, action: action.type, allowed, current: presentDetail(ctx.config.secretKey, row, [], principal, allowed) },
      );
    }
    await checkActionTargets(tx, row, action);
    const result = apply(current, action, actor, now);
    if (!result.ok) {
      const r = result.refusal;
      if (r.code === 'work_order.transition_not_allowed') throw conflict(r.code, { status: r.status, action: r.action, allowed: r.allowed.join(', ') || '—' }, { status: r.status, action: r.action, allowed: r.allowed });
      if (r.code === 'work_order.field_required') throw badRequest('work_order.field_required', { field: r.field });
      throw badRequest('work_order.extension_days_invalid', { days: r.days });
    }
    const { next, entry } = result;
    const slaConfig = (await loadSettings(tx, row.jurisdiction_id)).sla;
    const sla = nextSla(row, next, entry.action, now, slaConfig);
    const updated = await repo.updateWorkOrderIfVersion(tx, row.id, row.version, next, sla, now);
    if (!updated) {
      // Someone else's transition committed between our read and our write: report what it left.
      const latest = await repo.findWorkOrderById(tx, ref.jurisdictionId, ref.id);
      throw conflict('work_order.version_conflict', { version: latest?.version ?? row.version + 1 }, { current: latest ? presentDetail(ctx.config.secretKey, latest, [], principal, actionsFor(principal, latest)) : null });
    }
    const entryId = await repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, ...entry });
    await linkAttachments(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, ids: entry.photos, uploadedBy: uploaderOf(caller), timelineEntryId: entryId }, now);
    if (FINAL_STATUSES.includes(updated.status as Status) || updated.status === 'suspended') await cancelSlaTimers(tx, ctx, updated.id);
    else await scheduleSlaTimers(tx, ctx, updated);
    // 默认满意: finished now, the rating period starts.
    if (FINISHING_ACTIONS.has(entry.action)) await scheduleDefaultRating(tx, ctx, updated, slaConfig);
    const details = { code: row.code, action: entry.action, from: entry.from, to: entry.to, ...entry.data };
    await recordAudit(tx, { actor: caller.audit, request: caller.request ?? noRequest, action: `work_order.${entry.action}`, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
    // The orders merged into this one: told when it is finished (结案, or answered at intake); handed on when it ends
    // otherwise, so that none stays merged into an order nobody will close.
    if (FINISHING_ACTIONS.has(entry.action)) await closeChildren(tx, ctx, updated, caller, now);
    else if (ENDED_UNFINISHED.has(updated.status)) await handOnChildren(tx, ctx, updated, caller, now);
    if (opts.within) await opts.within(tx, { workOrderId: updated.id, timelineEntryId: entryId });
    const fresh = await repo.findWorkOrderById(tx, ref.jurisdictionId, ref.id);
    return presentDetail(ctx.config.secretKey, fresh!, await repo.listTimeline(tx, row.id), principal, actionsFor(principal, fresh!));
  });
}

/** The referenced department or parent order must exist and be usable before the lifecycle records them. */
async function checkActionTargets(tx: WorkOrderContext['db'], row: repo.WorkOrderRow, action: Action): Promise<void> {
  if (action.type === 'dispatch') {
    const dept = await repo.findActiveDepartment(tx, row.jurisdiction_id, action.departmentId);
    if (!dept) throw badRequest('work_order.department_invalid', { id: action.departmentId });
  }
  if (action.type === 'transfer') {
    // The federation module sends the order (it subscribes to the transition's event); here only the peer is checked.
    if (!(await repo.findActivePeer(tx, row.jurisdiction_id, action.peerId))) throw badRequest('work_order.transfer_peer_invalid', { id: action.peerId });
  }
  if (action.type === 'merge') {
    if (action.parentId === row.id) throw badRequest('work_order.merge_self');
    const parent = await repo.lockForMerge(tx, row.jurisdiction_id, row.id, action.parentId);
    if (!parent) throw badRequest('work_order.merge_parent_invalid', { id: action.parentId });
    if (FINAL_STATUSES.includes(parent.status as Status)) throw badRequest('work_order.merge_parent_final', { code: parent.code, status: parent.status }, { code: parent.code, status: parent.status });
  }
}

/** How the SLA bookkeeping moves with a transition. */
export function nextSla(row: repo.WorkOrderRow, next: LifecycleOrder, action: ActionType, now: Date, config: SlaConfig): repo.SlaFields {
  const t = repo.slaFieldsOf(row);
  const iso = now.toISOString();
  // Finished (办结: answered at intake or closed after handling) now; a rating later keeps this time.
  if (FINISHING_ACTIONS.has(action)) t.closedAt = now;
  switch (action) {
    case 'dispatch':
      t.dispatchedAt = now;
      t.signDueAt = signDeadline(now, config);
      t.signOverdue = false;
      break;
    case 'sign':
    case 'return':
      t.signDueAt = null;
      break;
    case 'suspend':
      t.slaPauses = [...t.slaPauses, { from: iso, to: null }];
      break;
    case 'resume':
      t.slaPauses = t.slaPauses.map((p) => (p.to === null ? { ...p, to: iso } : p));
      break;
    case 'reopen':
      // A reopened order starts a fresh clock: the resident's complaint is handled as new work.
      t.closedAt = null;
      t.slaPauses = [];
      t.warned = false;
      t.overdue = false;
      break;
    default:
      break;
  }
  const planned = planDeadlines({
    slaStartedAt: action === 'reopen' ? now : row.sla_started_at,
    urgency: row.urgency,
    categoryCode: row.category_code,
    requestType: row.request_type,
    pauses: t.slaPauses,
    extension: next.extension,
  }, config);
  t.warnAt = planned?.warnAt ?? null;
  t.dueAt = planned?.dueAt ?? null;
  // A deadline that moved past now (extension approved, resumed after a long pause) clears the flags it had raised.
  if (t.dueAt && t.dueAt > now) t.overdue = false;
  if (t.warnAt && t.warnAt > now) t.warned = false;
  return t;
}

/** Statuses in which an order ends without a result of its own for the reports merged into it. */
const ENDED_UNFINISHED: ReadonlySet<string> = new Set<Status>(['cancelled', 'rejected', 'transferred', 'merged']);

/**
 * An order that ends without being finished hands on the orders merged into it. Merged into another itself: they
 * follow it there (parent_merged), and are told when that one is closed. Cancelled, rejected or transferred: they are
 * released (unmerged) to the status they had before the merge — back in the dispatcher's queues, their deadline
 * timers armed again — since each is still a resident's report. Each gets a timeline entry, an audit entry and an
 * event, as any transition.
 */
async function handOnChildren(tx: WorkOrderContext['db'], ctx: WorkOrderContext, parent: repo.WorkOrderRow, caller: Caller, now: Date): Promise<void> {
  const children = await repo.lockChildren(tx, parent.id);
  if (children.length === 0) return;
  const next = parent.status === 'merged' && parent.parent_id !== null ? await repo.findWorkOrderById(tx, parent.jurisdiction_id, parent.parent_id) : undefined;
  for (const child of children) {
    const to = next ? 'merged' : ((await repo.statusBeforeMerge(tx, child.id)) ?? 'accepted');
    const moved = await repo.setMergeState(tx, child.id, to, next ? next.id : null, now);
    const action = next ? 'parent_merged' : 'unmerged';
    const data: Record<string, string> = next
      ? { parentId: next.id, parentCode: next.code, previousParentCode: parent.code }
      : { parentId: parent.id, parentCode: parent.code, parentStatus: parent.status };
    await repo.insertTimelineEntry(tx, {
      jurisdictionId: child.jurisdiction_id,
      workOrderId: child.id,
      at: now,
      action,
      from: child.status,
      to,
      actorId: caller.audit.kind === 'user' ? caller.audit.id : null,
      actorRole: 'system',
      note: null,
      photos: [],
      data,
    });
    if (!next) await scheduleSlaTimers(tx, ctx, moved);
    const details = { code: child.code, action, from: child.status, to, ...data };
    await recordAudit(tx, { actor: caller.audit, request: caller.request ?? noRequest, action: `work_order.${action}`, jurisdictionId: child.jurisdiction_id, objectType: 'work_order', objectId: child.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: child.jurisdiction_id, payload: { workOrderId: child.id, ...details } });
  }
}

/** Closing a parent closes the orders merged into it (a timeline entry each) and tells their reporters. */
async function closeChildren(tx: WorkOrderContext['db'], ctx: WorkOrderContext, parent: repo.WorkOrderRow, caller: Caller, now: Date): Promise<void> {
  for (const child of await repo.findChildren(tx, parent.id)) {
    await repo.insertTimelineEntry(tx, {
      jurisdictionId: child.jurisdiction_id,
      workOrderId: child.id,
      at: now,
      action: 'parent_closed',
      from: child.status,
      to: child.status,
      actorId: caller.audit.kind === 'user' ? caller.audit.id : null,
      actorRole: 'system',
      note: null,
      photos: [],
      data: { parentId: parent.id, parentCode: parent.code },
    });
    await ctx.outbox.publish(tx, {
      name: 'work_order.parent_closed',
      jurisdictionId: child.jurisdiction_id,
      payload: { workOrderId: child.id, code: child.code, parentId: parent.id, parentCode: parent.code },
    });
  }
}
