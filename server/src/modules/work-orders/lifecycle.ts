/**
 * The work-order lifecycle: a pure state machine, no I/O. The service loads an order, asks `apply` for the next
 * state and a timeline entry, and writes both (with audit and event) in one transaction. Everything a reviewer
 * must trust about "who may do what, when" is in the three tables below: FROM (which statuses an action leaves),
 * the transition in `nextStatus`, and ROLES_FOR.
 *
 * 受理 received → accepted | answered (enquiries, at intake) | rejected
 * 派遣 accepted → dispatched → 签收 signed → 处置 in_progress → 反馈 reported
 * 核查 reported → verified (pass) | in_progress again (返工 rework, counted)
 * 结案 verified → closed → 回访 rated (satisfied / basically) | under_review (unsatisfied) → reopened or upheld
 * 退单 dispatched/signed → returned → dispatched again; 挂起 suspended → back to where it was (clock paused);
 * cancelled; merged into a parent; 转办 transferred to a neighbouring jurisdiction's Open311 endpoint (received/
 * accepted/returned → transferred, final for local work while the peer has it: the federation module sends it and
 * mirrors the peer's progress; if the peer refuses it, the system's `transfer_failed` brings it back to accepted —
 * see SYSTEM_FROM). 督办 (supervised) and 延期 (extension) are flags, not statuses: an order is
 * supervised *while* it is in progress, and an extension is asked for while the work goes on.
 *
 * Scope (is this order in the actor's jurisdiction/grid?) is the policy's job; the one scope rule kept here is that
 * a handler acts only on orders dispatched to their own department, because it depends on the order's state.
 */
import {
  ACTION_TYPES,
  FINAL_STATUSES,
  RATINGS,
  REQUEST_TYPES,
  STATUSES,
  type ActionType,
  type Extension,
  type ExtensionState,
  type Rating,
  type RequestType,
  type Status,
} from '@civicgrid/contracts/work-orders';
import type { Role } from '../identity/index.js';

// The names are the API's (contracts/src/work-orders.ts); what they mean is decided here.
export { ACTION_TYPES, FINAL_STATUSES, RATINGS, REQUEST_TYPES, STATUSES };
export type { ActionType, Extension, ExtensionState, Rating, RequestType, Status };

/** Statuses from which a suspension may start; `resume` returns to the one recorded in `suspendedFrom`. */
export const SUSPENDABLE = ['dispatched', 'signed', 'in_progress'] as const;
type Suspendable = (typeof SUSPENDABLE)[number];

/**
 * 办结 (finished with a result for the resident): answered at intake (首接办结) or closed after handling (结案), and
 * still so once rated, or under review after an unsatisfied rating. Its `closed_at` is when it was finished: set by
 * the FINISHING_ACTIONS (and by an import of a finished record), kept by rating and upholding, cleared by a reopen.
 * Rejected, cancelled, merged and transferred orders are final without being finished here — even an imported one
 * that has a closed_at (the import stamps every ending status with the source's closing time).
 *
 * Under review (不满意复核) is finished, not open: the order was closed once and its result stands until the
 * dispatcher decides — uphold keeps it finished, reopen clears closed_at and sends it back to work (then it is open
 * again, with a fresh clock). While under review its deadline clock is stopped (CLOCK_RUNNING_STATUSES), so it is
 * neither 在办 nor overdue work; the dispatch board lists it on its own (status under_review).
 */
export const FINISHED_STATUSES: readonly Status[] = ['answered', 'closed', 'rated', 'under_review'];
export const FINISHING_ACTIONS: ReadonlySet<string> = new Set<ActionType>(['answer', 'close']);

/**
 * Is an order 办结? `finishedAt` is when it was finished: its closed_at, or — read from the timeline as of some
 * instant — its last FINISHING_ACTIONS entry. The one predicate behind the SQL condition the statistics, overview and
 * list use (work-orders.repo FINISHED) and behind the performance evaluation's 结案.
 */
export function isFinished(status: string, finishedAt: Date | null): boolean {
  return finishedAt !== null && (FINISHED_STATUSES as readonly string[]).includes(status);
}

/**
 * 在办 (open): still to be worked on — neither final nor finished. So every order is exactly one of 在办, 办结
 * (FINISHED_STATUSES) or ended without a result (rejected, cancelled, merged, transferred), and 在办 + 办结 never
 * counts an order twice. Suspended (挂起) orders are open; orders under review are not (see FINISHED_STATUSES).
 */
export const OPEN_STATUSES: readonly Status[] = STATUSES.filter((s) => !FINAL_STATUSES.includes(s) && !FINISHED_STATUSES.includes(s));

/**
 * Statuses in which the order is being worked on and its deadline clock runs: not final, not paused (挂起), not
 * under review after a rating (its deadline was for the work already done). Only these show a deadline to the public.
 */
export const CLOCK_RUNNING_STATUSES: readonly Status[] = ['received', 'accepted', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'returned'];

/** The part of an order the lifecycle decides on. The service maps its row to this and back. */
export interface LifecycleOrder {
  status: Status;
  requestType: RequestType;
  departmentId: string | null;
  suspendedFrom: Suspendable | null;
  supervised: boolean;
  extension: Extension | null;
  rating: Rating | null;
  reworkCount: number;
  returnCount: number;
  reopenCount: number;
  parentId: string | null;
}

export interface Actor {
  userId: string;
  role: Role;
  /** The department a handler works in; handler actions need it to equal the order's department. */
  departmentId?: string | null;
}

export type Action =
  | { type: 'accept'; note?: string; photos?: string[] }
  | { type: 'answer'; note: string }
  | { type: 'reject'; reason: string; photos?: string[] }
  | { type: 'dispatch'; departmentId: string; note?: string }
  | { type: 'sign'; note?: string }
  | { type: 'return'; reason: string }
  | { type: 'start'; note?: string }
  | { type: 'report'; note: string; photos?: string[] }
  | { type: 'verify_pass'; note?: string; photos?: string[] }
  | { type: 'verify_fail'; reason: string; photos?: string[] }
  | { type: 'close'; note?: string }
  | { type: 'rate'; rating: Rating; comment?: string }
  | { type: 'reopen'; reason: string }
  | { type: 'uphold'; note: string }
  | { type: 'suspend'; reason: string }
  | { type: 'resume'; note?: string }
  | { type: 'cancel'; reason: string }
  | { type: 'merge'; parentId: string; note?: string }
  | { type: 'transfer'; peerId: string; note?: string }
  | { type: 'supervise'; note: string }
  | { type: 'request_extension'; days: number; reason: string }
  | { type: 'approve_extension'; note?: string }
  | { type: 'deny_extension'; reason: string };

// Every action the API names has its body here, and no other (fails to compile when they drift apart).
type ActionDrift = Exclude<ActionType, Action['type']> | Exclude<Action['type'], ActionType>;
export const ACTIONS_MATCH_API: [ActionDrift] extends [never] ? true : never = true;

/** Which statuses each action may start from. Flags (supervise, extension) leave the status unchanged. */
const FROM: Record<ActionType, readonly Status[]> = {
  accept: ['received'],
  answer: ['received'],
  reject: ['received'],
  dispatch: ['accepted', 'returned'],
  sign: ['dispatched'],
  return: ['dispatched', 'signed'],
  start: ['signed'],
  report: ['in_progress'],
  verify_pass: ['reported'],
  verify_fail: ['reported'],
  close: ['verified'],
  rate: ['closed', 'answered'],
  reopen: ['under_review'],
  uphold: ['under_review'],
  suspend: SUSPENDABLE,
  resume: ['suspended'],
  cancel: ['received', 'accepted', 'returned', 'dispatched', 'signed', 'in_progress', 'suspended'],
  merge: ['received', 'accepted', 'returned'],
  transfer: ['received', 'accepted', 'returned'],
  supervise: ['accepted', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'returned', 'suspended', 'under_review'],
  request_extension: ['signed', 'in_progress'],
  approve_extension: ['signed', 'in_progress', 'suspended', 'reported'],
  deny_extension: ['signed', 'in_progress', 'suspended', 'reported'],
};

/**
 * Who may take each action. Agents (话务) take calls and answer at first contact; dispatchers route and decide;
 * handlers work in departments; inspectors verify on site; residents rate their own orders (ownership is checked
 * by the service); leaders supervise; administrators may cancel.
 */
export const ROLES_FOR: Record<ActionType, readonly Role[]> = {
  // An inspector's 核实 (is this report real? seen on site, with photos) is the accept or reject of an order in their grid.
  accept: ['agent', 'dispatcher', 'inspector'],
  answer: ['agent', 'dispatcher'],
  reject: ['agent', 'dispatcher', 'inspector'],
  dispatch: ['dispatcher'],
  sign: ['handler'],
  return: ['handler'],
  start: ['handler'],
  report: ['handler'],
  verify_pass: ['inspector', 'dispatcher', 'agent'],
  verify_fail: ['inspector', 'dispatcher', 'agent'],
  close: ['dispatcher', 'agent'],
  rate: ['resident', 'agent'],
  reopen: ['dispatcher'],
  uphold: ['dispatcher'],
  suspend: ['dispatcher'],
  resume: ['dispatcher'],
  cancel: ['dispatcher', 'admin'],
  merge: ['dispatcher'],
  transfer: ['dispatcher'],
  supervise: ['leader', 'dispatcher'],
  request_extension: ['handler'],
  approve_extension: ['dispatcher'],
  deny_extension: ['dispatcher'],
};

/** Actions that belong to the department holding the order. */
const DEPARTMENT_ACTIONS: ReadonlySet<ActionType> = new Set(['sign', 'return', 'start', 'report', 'request_extension']);

/** Conditions beyond status and role; each returns true when the action is possible for this order. */
function guardHolds(order: LifecycleOrder, type: ActionType, actor: Actor): boolean {
  if (DEPARTMENT_ACTIONS.has(type) && (order.departmentId === null || actor.departmentId !== order.departmentId)) return false;
  switch (type) {
    case 'answer':
      // Answering at intake (首接负责) closes a question; anything that needs a department's work must be dispatched.
      return order.requestType === 'enquiry';
    case 'rate':
      return order.rating === null;
    case 'supervise':
      return !order.supervised;
    case 'request_extension':
      // One pending request at a time, and one granted extension per order.
      return order.extension === null || order.extension.state === 'denied';
    case 'approve_extension':
    case 'deny_extension':
      return order.extension?.state === 'requested';
    default:
      return true;
  }
}

/** What `actor` may do to `order` now, in ACTION_TYPES order (stable for clients and the 409 body). */
export function allowedActions(order: LifecycleOrder, actor: Actor): ActionType[] {
  return ACTION_TYPES.filter(
    (type) => FROM[type].includes(order.status) && ROLES_FOR[type].includes(actor.role) && guardHolds(order, type, actor),
  );
}

export interface TimelineEntry {
  action: ActionType;
  from: Status;
  to: Status;
  actorId: string;
  actorRole: Role;
  at: Date;
  note: string | null;
  photos: string[];
  /** Action-specific facts worth keeping (department dispatched to, rating, extension days, parent). */
  data: Record<string, string | number>;
}

export type Refusal =
  | { code: 'work_order.transition_not_allowed'; status: Status; action: ActionType; allowed: ActionType[] }
  | { code: 'work_order.field_required'; field: string }
  | { code: 'work_order.extension_days_invalid'; days: number };

export type ApplyResult = { ok: true; next: LifecycleOrder; entry: TimelineEntry } | { ok: false; refusal: Refusal };

const MAX_EXTENSION_DAYS = 30;

/** The free-text fields an action cannot do without (a rejection needs its reason, a report its result). */
function missingField(action: Action): string | null {
  const required: Record<string, string | undefined> = {};
  if ('reason' in action) required.reason = action.reason;
  if (action.type === 'answer' || action.type === 'report' || action.type === 'uphold' || action.type === 'supervise') {
    required.note = action.note;
  }
  if (action.type === 'dispatch') required.departmentId = action.departmentId;
  if (action.type === 'merge') required.parentId = action.parentId;
  if (action.type === 'transfer') required.peerId = action.peerId;
  for (const [field, value] of Object.entries(required)) if (!value || value.trim() === '') return field;
  return null;
}

export function apply(order: LifecycleOrder, action: Action, actor: Actor, now: Date): ApplyResult {
  const allowed = allowedActions(order, actor);
  if (!allowed.includes(action.type)) {
    return { ok: false, refusal: { code: 'work_order.transition_not_allowed', status: order.status, action: action.type, allowed } };
  }
  const field = missingField(action);
  if (field) return { ok: false, refusal: { code: 'work_order.field_required', field } };
  if (action.type === 'request_extension' && !(Number.isInteger(action.days) && action.days >= 1 && action.days <= MAX_EXTENSION_DAYS)) {
    return { ok: false, refusal: { code: 'work_order.extension_days_invalid', days: action.days } };
  }

  const next: LifecycleOrder = { ...order };
  const data: Record<string, string | number> = {};
  let note: string | null = null;
  let photos: string[] = [];

  switch (action.type) {
    case 'accept':
      next.status = 'accepted';
      note = action.note ?? null;
      photos = action.photos ?? [];
      break;
    case 'answer':
      next.status = 'answered';
      note = action.note;
      break;
    case 'reject':
      next.status = 'rejected';
      note = action.reason;
      photos = action.photos ?? [];
      break;
    case 'dispatch':
      next.status = 'dispatched';
      next.departmentId = action.departmentId;
      data.departmentId = action.departmentId;
      note = action.note ?? null;
      break;
    case 'sign':
      next.status = 'signed';
      note = action.note ?? null;
      break;
    case 'return':
      // A misrouted order goes back to the dispatcher without a department; the count shows routing quality.
      next.status = 'returned';
      data.departmentId = order.departmentId!;
      next.departmentId = null;
      next.returnCount = order.returnCount + 1;
      note = action.reason;
      break;
    case 'start':
      next.status = 'in_progress';
      note = action.note ?? null;
      break;
    case 'report':
      next.status = 'reported';
      note = action.note;
      photos = action.photos ?? [];
      break;
    case 'verify_pass':
      next.status = 'verified';
      note = action.note ?? null;
      photos = action.photos ?? [];
      break;
    case 'verify_fail':
      // 返工: back to the same department, which has already signed for it, so straight to in_progress.
      next.status = 'in_progress';
      next.reworkCount = order.reworkCount + 1;
      data.reworkCount = next.reworkCount;
      note = action.reason;
      photos = action.photos ?? [];
      break;
    case 'close':
      next.status = 'closed';
      note = action.note ?? null;
      break;
    case 'rate':
      next.rating = action.rating;
      next.status = action.rating === 'unsatisfied' ? 'under_review' : 'rated';
      data.rating = action.rating;
      note = action.comment ?? null;
      break;
    case 'reopen':
      // The review found the complaint justified: back to the dispatcher, who routes it again; the old rating is
      // kept in the timeline, and the order will be rated afresh when it closes again.
      next.status = 'accepted';
      next.rating = null;
      next.departmentId = null;
      next.extension = null;
      next.reopenCount = order.reopenCount + 1;
      data.reopenCount = next.reopenCount;
      note = action.reason;
      break;
    case 'uphold':
      next.status = 'rated';
      note = action.note;
      break;
    case 'suspend':
      next.status = 'suspended';
      next.suspendedFrom = order.status as Suspendable;
      note = action.reason;
      break;
    case 'resume':
      next.status = order.suspendedFrom ?? 'dispatched';
      next.suspendedFrom = null;
      note = action.note ?? null;
      break;
    case 'cancel':
      next.status = 'cancelled';
      next.suspendedFrom = null;
      note = action.reason;
      break;
    case 'merge':
      next.status = 'merged';
      next.parentId = action.parentId;
      data.parentId = action.parentId;
      note = action.note ?? null;
      break;
    case 'transfer':
      // Handed to another jurisdiction: no department here works on it any more.
      next.status = 'transferred';
      next.departmentId = null;
      data.peerId = action.peerId;
      note = action.note ?? null;
      break;
    case 'supervise':
      next.supervised = true;
      note = action.note;
      break;
    case 'request_extension':
      next.extension = { state: 'requested', days: action.days, reason: action.reason };
      data.days = action.days;
      note = action.reason;
      break;
    case 'approve_extension':
      next.extension = { ...order.extension!, state: 'approved' };
      data.days = order.extension!.days;
      note = action.note ?? null;
      break;
    case 'deny_extension':
      next.extension = { ...order.extension!, state: 'denied' };
      note = action.reason;
      break;
  }

  const entry: TimelineEntry = {
    action: action.type,
    from: order.status,
    to: next.status,
    actorId: actor.userId,
    actorRole: actor.role,
    at: now,
    note,
    photos,
    data,
  };
  return { ok: true, next, entry };
}

/**
 * Transitions the system makes on its own, never a user (so not in ACTION_TYPES, ROLES_FOR or the API's actions):
 * - 转办失败 — the peer refused a transfer (a 4xx answer, or a token it later rejected), and the order comes back to
 *   local work as accepted, without a department, for the dispatcher to route again (it is on the 派遣台 once more).
 * - 默认满意 — a finished order nobody rated within the jurisdiction's rating period (its `defaultRatingDays` working
 *   days after 办结, a policy that is off unless an administrator sets it) counts as rated 满意, as the 好差评 rules
 *   of many cities have it; only an unrated one (a rating already given stands).
 */
export const SYSTEM_FROM = {
  transfer_failed: ['transferred'],
  default_rate: ['closed', 'answered'],
} as const satisfies Record<string, readonly Status[]>;
export type SystemActionType = keyof typeof SYSTEM_FROM;
export const SYSTEM_ACTION_TYPES = Object.keys(SYSTEM_FROM) as SystemActionType[];
export type SystemAction = { type: 'transfer_failed'; reason: string; peer: string } | { type: 'default_rate'; days: number };

export interface SystemEntry extends Omit<TimelineEntry, 'action' | 'actorId' | 'actorRole'> {
  action: SystemActionType;
  actorId: null;
  actorRole: 'system';
}

export type SystemApplyResult =
  | { ok: true; next: LifecycleOrder; entry: SystemEntry }
  | { ok: false; refusal: { code: 'work_order.transition_not_allowed'; status: Status; action: SystemActionType } };

export function applySystem(order: LifecycleOrder, action: SystemAction, now: Date): SystemApplyResult {
  const possible = (SYSTEM_FROM[action.type] as readonly Status[]).includes(order.status) && (action.type !== 'default_rate' || order.rating === null);
  if (!possible) return { ok: false, refusal: { code: 'work_order.transition_not_allowed', status: order.status, action: action.type } };
  const next: LifecycleOrder = { ...order };
  const entry = (note: string | null, data: TimelineEntry['data']): SystemEntry => ({ action: action.type, from: order.status, to: next.status, actorId: null, actorRole: 'system', at: now, note, photos: [], data });
  switch (action.type) {
    case 'transfer_failed':
      next.status = 'accepted';
      next.departmentId = null;
      return { ok: true, next, entry: entry(action.reason, { peer: action.peer }) };
    case 'default_rate':
      next.status = 'rated';
      next.rating = 'satisfied';
      return { ok: true, next, entry: entry(null, { rating: 'satisfied', default: 1, days: action.days }) };
  }
}

/** A new order as intake creates it. */
export function newOrder(requestType: RequestType): LifecycleOrder {
  return {
    status: 'received',
    requestType,
    departmentId: null,
    suspendedFrom: null,
    supervised: false,
    extension: null,
    rating: null,
    reworkCount: 0,
    returnCount: 0,
    reopenCount: 0,
    parentId: null,
  };
}
