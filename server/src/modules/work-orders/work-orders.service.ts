/**
 * Work-order use cases: create (ticket code, deadlines, sealed reporter) and transition (the lifecycle decides,
 * the version check makes exactly one of concurrent transitions win). Each writes the order, its timeline entry,
 * the audit entry and the event in one transaction.
 *
 * Not yet here: the policy (role grants and data scopes of a principal; the callers pass the lifecycle actor),
 * grid/district derivation from the point, and re-arming deadlines on dispatch, resume and extension.
 */
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { sealPersonal } from '../identity/index.js';
import { noRequest, type Actor as AuditActor, type RequestMeta } from '../../shared/actor.js';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import { apply, newOrder, type Action, type Actor, type LifecycleOrder, type RequestType, type Status } from './lifecycle.js';
import { DEFAULT_SLA, deadlines, durationFor, type Urgency } from './sla.js';
import { allocateTicketCode } from './ticket-code.js';
import * as repo from './work-orders.repo.js';

export type WorkOrderContext = Pick<AppContext, 'db' | 'outbox'> & { config: Pick<AppContext['config'], 'secretKey'> };

export const CHANNELS = ['web', 'mobile', 'hotline', 'inspector', 'sensor', 'open311', 'sms', 'wechat', 'api', 'import'] as const;
export type Channel = (typeof CHANNELS)[number];

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
  gridCode?: string | null;
  districtCode?: string | null;
  /** Null for an anonymous report. */
  reporter?: { name?: string | null; phone?: string | null } | null;
  urgency: Urgency;
}

/** What callers see; the reporter stays sealed here (presenters unmask it for viewers allowed to see it). */
export interface WorkOrderView {
  id: string;
  code: string;
  jurisdictionId: string;
  channel: string;
  requestType: string;
  categoryCode: string | null;
  title: string;
  description: string;
  location: { lng: number; lat: number } | null;
  address: string | null;
  gridCode: string | null;
  districtCode: string | null;
  anonymous: boolean;
  reporterPhoneLast4: string | null;
  urgency: Urgency;
  status: Status;
  departmentId: string | null;
  supervised: boolean;
  extension: repo.WorkOrderRow['extension'];
  rating: repo.WorkOrderRow['rating'];
  reworkCount: number;
  returnCount: number;
  reopenCount: number;
  parentId: string | null;
  warnAt: Date | null;
  dueAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

function present(row: repo.WorkOrderRow): WorkOrderView {
  return {
    id: row.id,
    code: row.code,
    jurisdictionId: row.jurisdiction_id,
    channel: row.channel,
    requestType: row.request_type,
    categoryCode: row.category_code,
    title: row.title,
    description: row.description,
    location: row.lng === null || row.lat === null ? null : { lng: row.lng, lat: row.lat },
    address: row.address,
    gridCode: row.grid_code,
    districtCode: row.district_code,
    anonymous: row.anonymous,
    reporterPhoneLast4: row.reporter_phone_last4,
    urgency: row.urgency,
    status: row.status as Status,
    departmentId: row.department_id,
    supervised: row.supervised,
    extension: row.extension,
    rating: row.rating,
    reworkCount: row.rework_count,
    returnCount: row.return_count,
    reopenCount: row.reopen_count,
    parentId: row.parent_id,
    warnAt: row.warn_at,
    dueAt: row.due_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function lifecycleOf(row: repo.WorkOrderRow): LifecycleOrder {
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

export interface CallMeta {
  request?: RequestMeta;
}

export async function createWorkOrder(ctx: WorkOrderContext, input: CreateWorkOrderInput, actor: AuditActor, opts: CallMeta = {}, now = new Date()): Promise<WorkOrderView> {
  const title = input.title.trim();
  if (title === '') throw badRequest('work_order.title_required');
  if (input.description.length > MAX_DESCRIPTION) throw badRequest('work_order.description_too_long', { max: MAX_DESCRIPTION });
  const name = input.reporter?.name?.trim() || null;
  const phone = input.reporter?.phone?.replace(/\s+/g, '') || null;
  if (phone !== null && !/^\+?[0-9-]{5,20}$/.test(phone)) throw badRequest('work_order.phone_invalid');
  const anonymous = name === null && phone === null;

  // Intake starts the clock; the deadline is re-armed when the order is dispatched, suspended or extended.
  const duration = durationFor(DEFAULT_SLA, { urgency: input.urgency, categoryCode: input.categoryCode ?? null });
  const due = deadlines(now, duration);

  return ctx.db.transaction().execute(async (tx) => {
    const code = await allocateTicketCode(tx, input.jurisdictionId, now);
    const row = await repo.insertWorkOrder(tx, {
      jurisdictionId: input.jurisdictionId,
      code,
      channel: input.channel,
      requestType: input.requestType,
      categoryCode: input.categoryCode ?? null,
      title,
      description: input.description,
      location: input.location ?? null,
      address: input.address ?? null,
      gridCode: input.gridCode ?? null,
      districtCode: input.districtCode ?? null,
      reporterNameEnc: name === null ? null : sealPersonal(ctx.config.secretKey, name),
      reporterPhoneEnc: phone === null ? null : sealPersonal(ctx.config.secretKey, phone),
      reporterPhoneLast4: phone === null ? null : phone.replace(/\D/g, '').slice(-4),
      anonymous,
      urgency: input.urgency,
      slaStartedAt: now,
      warnAt: due?.warnAt ?? null,
      dueAt: due?.dueAt ?? null,
    });
    const initial = newOrder(input.requestType);
    await repo.insertTimelineEntry(tx, {
      jurisdictionId: row.jurisdiction_id,
      workOrderId: row.id,
      at: now,
      action: 'create',
      from: null,
      to: initial.status,
      actorId: actor.kind === 'user' ? actor.id : null,
      actorRole: null,
      note: null,
      photos: [],
      data: { channel: input.channel },
    });
    const details = { code, channel: input.channel, requestType: input.requestType, urgency: input.urgency, anonymous };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'work_order.create', jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.created', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
    return present(row);
  });
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
  by: { actor: Actor; audit: AuditActor },
  opts: CallMeta = {},
  now = new Date(),
): Promise<WorkOrderView> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findWorkOrderById(tx, ref.jurisdictionId, ref.id);
    if (!row) throw notFound('work_order.not_found', { id: ref.id });
    if (row.version !== ref.expectedVersion) {
      throw conflict('work_order.version_conflict', { version: row.version }, { current: present(row) });
    }
    const result = apply(lifecycleOf(row), action, by.actor, now);
    if (!result.ok) {
      const r = result.refusal;
      if (r.code === 'work_order.transition_not_allowed') {
        throw conflict('work_order.transition_not_allowed', { status: r.status, action: r.action, allowed: r.allowed.join(', ') }, { allowed: r.allowed, current: present(row) });
      }
      if (r.code === 'work_order.field_required') throw badRequest('work_order.field_required', { field: r.field });
      throw badRequest('work_order.extension_days_invalid', { days: r.days });
    }
    const { next, entry } = result;
    const updated = await repo.updateWorkOrderIfVersion(tx, row.id, row.version, next, now);
    if (!updated) {
      // Someone else's transition committed between our read and our write: report what it left.
      const current = await repo.findWorkOrderById(tx, ref.jurisdictionId, ref.id);
      throw conflict('work_order.version_conflict', { version: current?.version ?? row.version + 1 }, { current: current ? present(current) : null });
    }
    await repo.insertTimelineEntry(tx, {
      jurisdictionId: row.jurisdiction_id,
      workOrderId: row.id,
      at: entry.at,
      action: entry.action,
      from: entry.from,
      to: entry.to,
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      note: entry.note,
      photos: entry.photos,
      data: entry.data,
    });
    const details = { code: row.code, action: entry.action, from: entry.from, to: entry.to, ...entry.data };
    await recordAudit(tx, { actor: by.audit, request: opts.request ?? noRequest, action: `work_order.${entry.action}`, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
    return present(updated);
  });
}

export async function listWorkOrderTimeline(ctx: Pick<AppContext, 'db'>, workOrderId: string) {
  return repo.listTimeline(ctx.db, workOrderId);
}
