/**
 * Pure helpers of the work-order screens (unit-tested in model.test.ts): list filters ⇄ URL, the deadline bar, the
 * form each lifecycle action needs and the request body built from it, and the category tree.
 */
import { ApiError, type Query } from '../../shared/api';
import { FINAL_STATUSES, type ActionType, type WorkOrderDetail, type WorkOrderListItem, type WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import type { CategoryView } from '@civicgrid/contracts/categories';
import { addDays } from '../../shared/time';
import { ROLES } from '@civicgrid/contracts/identity';

/** What the work-order screens read of a category (GET /work-order-categories, view=flat). */
export type Category = Pick<CategoryView, 'code' | 'parentCode' | 'kind' | 'nameZh' | 'nameEn' | 'active'>;

/** The body of POST /work-orders/:id/actions: the action's type and the fields its form gave (buildAction). */
export type ActionBody = { type: ActionType } & Record<string, unknown>;

// ---- Filters in the URL ---------------------------------------------------------------------------------------

export interface ListFilters {
  status: string[];
  channel: string[];
  requestType: string[];
  urgency: string[];
  category?: string;
  departmentId?: string;
  district?: string;
  grid?: string;
  /** Days (YYYY-MM-DD, China time), inclusive. */
  from?: string;
  to?: string;
  /** Closed (结案, or answered at intake) on these days (YYYY-MM-DD, China time), inclusive. */
  closedFrom?: string;
  closedTo?: string;
  overdue?: boolean;
  supervised?: boolean;
  /** 临期预警: past the deadline's warning point (overdue orders are warned too). */
  warned?: boolean;
  open?: boolean;
  /** 延期申请待批: an extension request waits for the dispatcher. */
  extensionPending?: boolean;
  q?: string;
  sort: ListSort;
}

const LISTS = ['status', 'channel', 'requestType', 'urgency'] as const;
const TEXTS = ['category', 'departmentId', 'district', 'grid', 'from', 'to', 'closedFrom', 'closedTo', 'q'] as const;
const DAYS = ['from', 'to', 'closedFrom', 'closedTo'] as const;
const FLAGS = ['overdue', 'supervised', 'warned', 'open', 'extensionPending'] as const;
export const SORTS = ['created', 'due', 'status'] as const;
export type ListSort = (typeof SORTS)[number];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function emptyFilters(): ListFilters {
  return { status: [], channel: [], requestType: [], urgency: [], sort: 'created' };
}

export function filtersFromParams(params: URLSearchParams): ListFilters {
  const f = emptyFilters();
  for (const k of LISTS) f[k] = (params.get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of TEXTS) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  for (const k of DAYS) if (f[k] && !DAY.test(f[k]!)) delete f[k];
  for (const k of FLAGS) {
    const v = params.get(k);
    if (v === 'true' || v === 'false') f[k] = v === 'true';
  }
  const sort = params.get('sort');
  if (sort === 'due' || sort === 'status') f.sort = sort;
  return f;
}

export function filtersToParams(f: ListFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of LISTS) if (f[k].length) p.set(k, f[k].join(','));
  for (const k of TEXTS) if (f[k]) p.set(k, f[k]!);
  for (const k of FLAGS) if (f[k] !== undefined) p.set(k, String(f[k]));
  if (f.sort !== 'created') p.set('sort', f.sort);
  return p;
}

/** A calendar day in China (UTC+8, no daylight saving) → the instant it starts. */
export function chinaDayStart(day: string): string {
  return `${day}T00:00:00+08:00`;
}

const nextDay = (day: string): string => addDays(day, 1);

/** The query GET /work-orders takes (days become instants: `to` and `closedTo` are inclusive, so the API gets the next midnight). */
export function filtersToQuery(f: ListFilters): Query {
  const q: Query = { sort: f.sort };
  for (const k of LISTS) if (f[k].length) q[k] = f[k].join(',');
  for (const k of ['category', 'departmentId', 'district', 'grid', 'q'] as const) if (f[k]) q[k] = f[k];
  if (f.from) q.from = chinaDayStart(f.from);
  if (f.to) q.to = chinaDayStart(nextDay(f.to));
  if (f.closedFrom) q.closedFrom = chinaDayStart(f.closedFrom);
  if (f.closedTo) q.closedTo = chinaDayStart(nextDay(f.closedTo));
  for (const k of FLAGS) if (f[k] !== undefined) q[k] = String(f[k]);
  return q;
}

// ---- Deadline bar ---------------------------------------------------------------------------------------------

export type DeadlineTone = 'ok' | 'warn' | 'overdue' | 'paused' | 'done' | 'none';

export interface DeadlineInfo {
  tone: DeadlineTone;
  /** Share of the allowed time used, 0–100 (capped; overdue shows 100). */
  percent: number;
  /** Milliseconds left (negative when overdue); null without a deadline. */
  remainingMs: number | null;
  /**
   * How a done order ended: finished (办结) in time or late — the bar said 已办结 either way, and for a cancelled,
   * rejected or merged order too — or ended without a result of its own.
   */
  ending?: 'finished' | 'finishedLate' | 'ended';
}

/** Final statuses that end an order without a result of its own (撤销, 不予受理, 合并, 转办). */
const ENDED_STATUSES: readonly string[] = ['rejected', 'cancelled', 'merged', 'transferred'];

type DeadlineFields = Pick<WorkOrderSummary, 'status' | 'dueAt' | 'warnAt' | 'overdue' | 'warned' | 'createdAt'> & Partial<Pick<WorkOrderDetail, 'slaStartedAt'>>;

/**
 * Time used against time allowed: green until the warning (80 % of the working time, set by the server), amber
 * after it, red when overdue. The server's flags win over the local clock (they are computed in working time).
 */
export function deadlineInfo(o: DeadlineFields, now: Date): DeadlineInfo {
  // Under review after an unsatisfied rating (不满意复核) the order is finished (办结) and the server stops its clock — its
  // deadline was for the work already done — so it is not shown as running late while the dispatcher decides.
  if ((FINAL_STATUSES as readonly string[]).includes(o.status) || o.status === 'under_review') {
    return { tone: 'done', percent: 100, remainingMs: null, ending: ENDED_STATUSES.includes(o.status) ? 'ended' : o.overdue ? 'finishedLate' : 'finished' };
  }
  // A suspended order has no deadline until it is resumed (the server counts the pause then): its clock stands still,
  // which is not the same as having no deadline at all.
  if (!o.dueAt) return { tone: o.status === 'suspended' ? 'paused' : 'none', percent: 0, remainingMs: null };
  const due = Date.parse(o.dueAt);
  const start = Date.parse(o.slaStartedAt ?? o.createdAt);
  const remainingMs = due - now.getTime();
  const span = Math.max(1, due - start);
  const percent = Math.max(0, Math.min(100, Math.round(((now.getTime() - start) / span) * 100)));
  if (o.status === 'suspended') return { tone: 'paused', percent, remainingMs };
  if (o.overdue || remainingMs <= 0) return { tone: 'overdue', percent: 100, remainingMs };
  const warned = o.warned || (o.warnAt !== null && Date.parse(o.warnAt) <= now.getTime());
  return { tone: warned ? 'warn' : 'ok', percent, remainingMs };
}

/**
 * The sign-for deadline (签收时限) of a dispatched order: null when there is none to show (not waiting to be signed
 * for, or no deadline); `late` when it has passed — the server's flag (working time) wins over the local clock.
 */
export function signDeadline(o: Pick<WorkOrderSummary, 'status' | 'signDueAt' | 'signOverdue'>, now: Date): { at: string; late: boolean } | null {
  if (o.status !== 'dispatched' || !o.signDueAt) return null;
  return { at: o.signDueAt, late: o.signOverdue || Date.parse(o.signDueAt) <= now.getTime() };
}

/**
 * The follow-up call deadline (回访时限) of a finished, unrated order, as its list row carries it: null when it has none;
 * `late` once it has passed (回访超期).
 */
export function followUpDeadline(o: Pick<WorkOrderListItem, 'followUpDueAt'>, now: Date): { at: string; late: boolean } | null {
  if (!o.followUpDueAt) return null;
  return { at: o.followUpDueAt, late: Date.parse(o.followUpDueAt) <= now.getTime() };
}

/** Whole days, hours and minutes of a duration (absolute). */
export function splitDuration(ms: number): { d: number; h: number; m: number } {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60), m: minutes % 60 };
}

// ---- Action forms ---------------------------------------------------------------------------------------------

export interface ActionForm {
  /** Free text: a reason (required), a note (required or optional), or a rating comment. */
  text: { field: 'reason' | 'note' | 'comment'; required: boolean } | null;
  department: boolean;
  photos: boolean;
  days: boolean;
  rating: boolean;
  parent: boolean;
  /** A federation peer to transfer to (转办). */
  peer: boolean;
}

const REASON: readonly ActionType[] = ['reject', 'return', 'verify_fail', 'reopen', 'suspend', 'cancel', 'request_extension', 'deny_extension'];
const NOTE_REQUIRED: readonly ActionType[] = ['answer', 'report', 'uphold', 'supervise'];

export function actionForm(type: ActionType): ActionForm {
  let text: ActionForm['text'] = { field: 'note', required: false };
  if (REASON.includes(type)) text = { field: 'reason', required: true };
  else if (NOTE_REQUIRED.includes(type)) text = { field: 'note', required: true };
  else if (type === 'rate') text = { field: 'comment', required: false };
  return {
    text,
    department: type === 'dispatch',
    photos: type === 'report' || type === 'verify_pass' || type === 'verify_fail',
    days: type === 'request_extension',
    rating: type === 'rate',
    parent: type === 'merge',
    peer: type === 'transfer',
  };
}

export interface ActionValues {
  text?: string;
  departmentId?: string;
  photos?: string[];
  days?: number;
  rating?: string;
  parentId?: string;
  peerId?: string;
}

/** The `action` of POST /work-orders/:id/actions for the form's values (empty optional text is left out). */
export function buildAction(type: ActionType, v: ActionValues): ActionBody {
  const form = actionForm(type);
  const body: ActionBody = { type };
  const text = v.text?.trim() ?? '';
  if (form.text && (text !== '' || form.text.required)) body[form.text.field] = text;
  if (form.department) body.departmentId = v.departmentId ?? '';
  if (form.photos && v.photos && v.photos.length > 0) body.photos = v.photos;
  if (form.days) body.days = v.days ?? 0;
  if (form.rating) body.rating = v.rating ?? '';
  if (form.parent) body.parentId = v.parentId ?? '';
  if (form.peer) body.peerId = v.peerId ?? '';
  return body;
}

/** Actions that change nothing a second look would catch are one click; the rest open a form. */
export function needsForm(type: ActionType): boolean {
  const f = actionForm(type);
  return f.department || f.photos || f.days || f.rating || f.parent || f.peer || (f.text?.required ?? false);
}

// ---- Categories -----------------------------------------------------------------------------------------------

export interface CategoryNode {
  value: string;
  title: string;
  children?: CategoryNode[];
}

export function categoryName(c: Pick<Category, 'nameZh' | 'nameEn'>, language: string): string {
  return language === 'en' && c.nameEn ? c.nameEn : c.nameZh;
}

/** Flat list (each with its parent code) → tree for a TreeSelect; orphans become roots. */
export function categoryTree(items: readonly Category[], language: string): CategoryNode[] {
  const nodes = new Map(items.map((c) => [c.code, { value: c.code, title: categoryName(c, language) } as CategoryNode]));
  const roots: CategoryNode[] = [];
  for (const c of items) {
    const node = nodes.get(c.code)!;
    const parent = c.parentCode ? nodes.get(c.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** "城市管理 / 街面秩序" style path of a code, falling back to the code itself. */
export function categoryLabel(code: string | null, byCode: ReadonlyMap<string, Category>, language: string): string {
  if (!code) return '';
  const c = byCode.get(code);
  if (!c) return code;
  const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
  return parent ? `${categoryName(parent, language)} / ${categoryName(c, language)}` : categoryName(c, language);
}

/** The handler's latest report (反馈) in a timeline — what was done, and how many photos show it; null without one. */
export function lastReport(timeline: readonly { action: string; note: string | null; photos: readonly string[] }[]): { note: string | null; photos: number } | null {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.action === 'report') return { note: timeline[i]!.note, photos: timeline[i]!.photos.length };
  return null;
}

/** What the resident wrote with their latest rating (回访评价), from the timeline; null without a comment. */
export function lastRatingComment(timeline: readonly { action: string; note: string | null }[]): string | null {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.action === 'rate') return timeline[i]!.note?.trim() || null;
  return null;
}

/** The reason an order was last returned (退单), from its timeline. */
export function lastReturnReason(timeline: readonly { action: string; note: string | null }[]): string | null {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.action === 'return') return timeline[i]!.note;
  return null;
}

/** The department that last returned the order (the return entry keeps it: the order itself has none any more). */
export function lastReturnDepartment(timeline: readonly { action: string; data: Record<string, string | number> }[]): string | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    if (timeline[i]!.action !== 'return') continue;
    const id = timeline[i]!.data.departmentId;
    return typeof id === 'string' ? id : null;
  }
  return null;
}

/**
 * Who made a timeline entry, as a locale key: a member of staff by role (roles.*), otherwise one of the other actors the
 * server records — a resident who was not signed in (public), an API key, an import, the system itself (also an entry
 * without a role). The raw value (public, system) was shown beside the time.
 */
const OTHER_ACTORS = ['public', 'api_key', 'import', 'system'] as const;
export function actorKey(role: string | null): string {
  if (role === null) return 'workOrders.detail.actor.system';
  if ((ROLES as readonly string[]).includes(role)) return `roles.${role}`;
  return `workOrders.detail.actor.${(OTHER_ACTORS as readonly string[]).includes(role) ? role : 'unknown'}`;
}

/**
 * What the dispatch form does with the responsibility list's suggestion: pre-select it and say why, unless the suggested
 * department is the one that returned the order (退单) — then nothing is chosen and the hint says so (a returned order
 * was offered straight back to the department that had just refused it, one Enter away).
 */
export function dispatchPreselect(
  suggestion: { departmentId: string; unique: boolean },
  timeline: readonly { action: string; data: Record<string, string | number> }[] | undefined,
): { departmentId: string | null; hint: 'suggested' | 'suggestedTie' | 'suggestedReturned' } {
  if (timeline && lastReturnDepartment(timeline) === suggestion.departmentId) return { departmentId: null, hint: 'suggestedReturned' };
  return { departmentId: suggestion.departmentId, hint: suggestion.unique ? 'suggested' : 'suggestedTie' };
}

/**
 * What to say under a photo that failed to upload (a locale key under workOrders.form and its values): a wrong type
 * (415) names the accepted types and a photo too large (413) the limit — adding the same file again would fail the
 * same way —; anything else (the network, the server) is worth another try.
 */
export function photoProblem(err: unknown): { key: 'photoWrongType' | 'photoTooLarge' | 'photoTooLargeNoLimit' | 'photoFailed'; limitMb?: number } {
  if (err instanceof ApiError && err.status === 415) return { key: 'photoWrongType' };
  if (err instanceof ApiError && err.status === 413) {
    // The server's details carry the limit (attachment.too_large); a proxy's 413 does not.
    const limitMb = (err.details as { limitMb?: unknown } | undefined)?.limitMb;
    return typeof limitMb === 'number' ? { key: 'photoTooLarge', limitMb } : { key: 'photoTooLargeNoLimit' };
  }
  return { key: 'photoFailed' };
}
