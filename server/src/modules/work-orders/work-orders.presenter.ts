/**
 * What viewers see of a work order. The reporter's name and phone are personal data: staff see them masked
 * (张* · 138****1234) and reveal them through the audited reveal endpoint; the public tracking view carries no
 * personal data at all and only the notes meant for the resident.
 */
import { openPersonal, type Principal, type ScopedResource } from '../identity/index.js';
import { maskChineseName, maskPhoneNumber } from '../../shared/masking.js';
// The shapes are what the API promises (contracts/src/work-orders.ts); this file fills them in for a viewer.
import type { MaskedReporter, PublicTracking, TimelineView, WorkOrderDetail, WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { CLOCK_RUNNING_STATUSES, type ActionType, type Status } from './lifecycle.js';
import type { TimelineRow, WorkOrderListRow, WorkOrderRow } from './work-orders.repo.js';

export type { MaskedReporter, PublicTracking, TimelineView, WorkOrderDetail, WorkOrderSummary };

export function scopedResource(row: WorkOrderListRow): ScopedResource {
  return { jurisdictionId: row.jurisdiction_id, departmentPath: row.department_path, gridCode: row.grid_code, ownerUserId: row.reporter_user_id };
}

/** The values a create has just sealed into the row, in plain text (so that its answer opens nothing). */
export interface PlainReporter {
  name: string | null;
  phone: string | null;
}

/**
 * The reporter as the default masking policy shows them (段** · 180****1999 · 0915*****79, see shared/masking.ts):
 * the sealed values are opened here and only their masked form leaves.
 */
export function maskedReporterFields(
  secretKey: string,
  row: Pick<WorkOrderRow, 'reporter_name_enc' | 'reporter_phone_enc'>,
  plain?: PlainReporter,
): { name: string | null; phone: string | null } {
  if (plain) return { name: plain.name === null ? null : maskChineseName(plain.name), phone: plain.phone === null ? null : maskPhoneNumber(plain.phone) };
  const open = (sealed: string | null, masker: (v: string) => string) => {
    if (!sealed) return null;
    try {
      return masker(openPersonal(secretKey, sealed));
    } catch {
      return '***';
    }
  };
  return { name: open(row.reporter_name_enc, maskChineseName), phone: open(row.reporter_phone_enc, maskPhoneNumber) };
}

function maskedReporter(secretKey: string, row: WorkOrderRow, viewer: Principal | null, opts: DetailOptions): MaskedReporter {
  const { name, phone } = maskedReporterFields(secretKey, row, opts.plain);
  const signedIn = viewer?.kind === 'user' && row.reporter_user_id !== null && viewer.userId === row.reporter_user_id;
  return { anonymous: row.anonymous, name, phone, self: signedIn || (viewer?.kind === 'user' && opts.reportedByViewer === true) };
}

export interface DetailOptions {
  /** The reporter's values just sealed by a create, in plain text (so that its answer opens nothing). */
  plain?: PlainReporter;
  /** The viewer filed it signed out with the phone they have since verified (own-reports.ts): they are its reporter. */
  reportedByViewer?: boolean;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

export function presentSummary(row: WorkOrderListRow): WorkOrderSummary {
  return {
    id: row.id,
    code: row.code,
    channel: row.channel,
    requestType: row.request_type,
    categoryCode: row.category_code,
    title: row.title,
    address: row.address,
    location: row.lng === null || row.lat === null ? null : { lng: row.lng, lat: row.lat },
    gridCode: row.grid_code,
    districtCode: row.district_code,
    urgency: row.urgency,
    status: row.status,
    department: row.department_id === null ? null : { id: row.department_id, nameZh: row.department_name_zh, nameEn: row.department_name_en },
    supervised: row.supervised,
    overdue: row.overdue,
    warned: row.warned,
    dueAt: iso(row.due_at),
    warnAt: iso(row.warn_at),
    signDueAt: iso(row.sign_due_at),
    signOverdue: row.sign_overdue,
    closedAt: iso(row.closed_at),
    parentId: row.parent_id,
    rating: row.rating,
    ratingDefault: row.rating_default,
    reworkCount: row.rework_count,
    returnCount: row.return_count,
    reopenCount: row.reopen_count,
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

const isStaff = (viewer: Principal | null) => viewer?.kind === 'user' && viewer.grants.some((g) => g.role !== 'resident');

export function presentTimeline(rows: TimelineRow[], showNames = false): TimelineView[] {
  return rows.map((t) => ({
    id: Number(t.id),
    at: iso(t.at)!,
    action: t.action,
    from: t.from_status,
    to: t.to_status,
    actorId: t.actor_id,
    actorRole: t.actor_role,
    actorName: showNames ? (t.actor_name ?? null) : null,
    note: t.note,
    photos: t.photos,
    data: t.data,
  }));
}

export function presentDetail(
  secretKey: string,
  row: WorkOrderListRow,
  timeline: TimelineRow[],
  viewer: Principal | null,
  allowed: ActionType[] = [],
  opts: DetailOptions = {},
): WorkOrderDetail {
  // Object.assign onto the summary, not `{ ...presentSummary(row), … }`: on Node 20's V8 an object spread followed by
  // new properties takes a slow path (≈ 30 µs here, the whole create's answer otherwise costs ≈ 5 µs).
  return Object.assign(presentSummary(row), {
    jurisdictionId: row.jurisdiction_id,
    description: row.description,
    componentCode: row.component_code,
    reporter: maskedReporter(secretKey, row, viewer, opts),
    extension: row.extension,
    slaStartedAt: iso(row.sla_started_at)!,
    dispatchedAt: iso(row.dispatched_at),
    timeline: presentTimeline(timeline, isStaff(viewer)),
    suggestion: row.suggested_category === null ? null : { categoryCode: row.suggested_category, confidence: Number(row.suggested_confidence ?? 0) },
    allowedActions: allowed,
  });
}

/** Timeline actions whose note is written for the resident (answers, results, rejections); others stay internal. */
export const PUBLIC_NOTE_ACTIONS: ReadonlySet<string> = new Set(['answer', 'reject', 'report', 'close', 'uphold', 'cancel', 'parent_closed', 'rate', 'remote_update']);

/**
 * The deadline timers' reminders to staff (临近时限, 超期, 签收超时): not steps of the resident's case. Shown on the
 * tracking page they read as the status they left unchanged (a second 已派遣); the automatic 督办 that follows an
 * overdue order is shown.
 */
const STAFF_ONLY_ACTIONS: ReadonlySet<string> = new Set(['sla_warning', 'overdue', 'sign_overdue']);

/** A transferred order's progress is the peer's: the status its last mirrored update maps to (else 'transferred'). */
function mirrored(t: TimelineRow): string | null {
  return t.action === 'remote_update' && typeof t.data.mirroredStatus === 'string' ? t.data.mirroredStatus : null;
}

export function presentTracking(row: WorkOrderListRow, timeline: TimelineRow[], parent: WorkOrderRow | null, canRate: boolean): PublicTracking {
  return {
    code: row.code,
    title: row.title,
    requestType: row.request_type,
    categoryCode: row.category_code,
    status: row.status === 'transferred' ? (timeline.map(mirrored).filter((s) => s !== null).at(-1) ?? row.status) : row.status,
    parent: parent ? { code: parent.code, status: parent.status } : null,
    createdAt: iso(row.created_at)!,
    dueAt: CLOCK_RUNNING_STATUSES.includes(row.status as Status) ? iso(row.due_at) : null,
    closedAt: iso(row.closed_at),
    department: row.department_id === null ? null : { nameZh: row.department_name_zh, nameEn: row.department_name_en },
    rating: row.rating,
    ratingDefault: row.rating_default,
    canRate,
    timeline: timeline
      .filter((t) => !STAFF_ONLY_ACTIONS.has(t.action))
      .map((t) => ({ at: iso(t.at)!, action: t.action, to: mirrored(t) ?? t.to_status, note: PUBLIC_NOTE_ACTIONS.has(t.action) ? t.note : null })),
  };
}
