/**
 * Work orders (工单): the codes the API speaks in and the JSON it answers with. The server's lifecycle
 * (server/src/modules/work-orders/lifecycle.ts) decides what the statuses and actions mean; its presenter
 * (work-orders.presenter.ts) builds these shapes; the Zod schemas (work-orders.schema.ts) describe them for OpenAPI.
 * Order matters in these lists: it is the order of the console's filters and of `allowedActions`.
 */

export const STATUSES = [
  'received',
  'accepted',
  'answered',
  'rejected',
  'dispatched',
  'signed',
  'in_progress',
  'reported',
  'verified',
  'closed',
  'rated',
  'under_review',
  'returned',
  'suspended',
  'cancelled',
  'merged',
  'transferred',
] as const;
export type Status = (typeof STATUSES)[number];

/** No further work happens in these; the SLA clock is stopped. */
export const FINAL_STATUSES: readonly Status[] = ['answered', 'rejected', 'closed', 'rated', 'cancelled', 'merged', 'transferred'];

export const CHANNELS = ['web', 'mobile', 'hotline', 'inspector', 'sensor', 'open311', 'sms', 'wechat', 'api', 'import'] as const;
export type Channel = (typeof CHANNELS)[number];

export const REQUEST_TYPES = ['enquiry', 'help', 'complaint', 'report', 'suggestion', 'component', 'event'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const URGENCIES = ['emergency', 'urgent', 'normal', 'complex'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const RATINGS = ['satisfied', 'basically', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

/** Why a staff member reveals a reporter's name and phone (the reveal is audited with it). */
export const REVEAL_PURPOSES = ['callback', 'verification', 'rating_visit', 'legal_request'] as const;
export type RevealPurpose = (typeof REVEAL_PURPOSES)[number];

/**
 * What a person can do to an order (POST /work-orders/:id/actions). `allowedActions` lists them in this order.
 * Transitions the system makes on its own (transfer_failed, default_rate) are not actions.
 */
export const ACTION_TYPES = [
  'accept',
  'answer',
  'reject',
  'dispatch',
  'sign',
  'return',
  'start',
  'report',
  'verify_pass',
  'verify_fail',
  'close',
  'rate',
  'reopen',
  'uphold',
  'suspend',
  'resume',
  'cancel',
  'merge',
  'transfer',
  'supervise',
  'request_extension',
  'approve_extension',
  'deny_extension',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const EXTENSION_STATES = ['requested', 'approved', 'denied'] as const;
export type ExtensionState = (typeof EXTENSION_STATES)[number];

/** 延期: asked for by the handling department, decided by a dispatcher. */
export interface Extension {
  state: ExtensionState;
  /** Working days asked for; the service moves the deadline by this much when approved. */
  days: number;
  reason: string;
}

export interface DepartmentRef {
  id: string;
  nameZh: string | null;
  nameEn: string | null;
}

export interface WorkOrderSummary {
  id: string;
  code: string;
  channel: string;
  requestType: string;
  categoryCode: string | null;
  title: string;
  address: string | null;
  location: { lng: number; lat: number } | null;
  gridCode: string | null;
  districtCode: string | null;
  urgency: string;
  status: string;
  department: DepartmentRef | null;
  supervised: boolean;
  overdue: boolean;
  warned: boolean;
  dueAt: string | null;
  warnAt: string | null;
  signDueAt: string | null;
  signOverdue: boolean;
  /** When it was finished (办结: closed, or answered at intake); null while it is not. */
  closedAt: string | null;
  parentId: string | null;
  rating: string | null;
  /** 默认满意: the rating is the system's, as nobody rated within the jurisdiction's rating period. */
  ratingDefault: boolean;
  /** 返工, 退单 and 重新办理 so far: queues show an order that came back. */
  reworkCount: number;
  returnCount: number;
  reopenCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A row of GET /work-orders: the summary, with what the viewer may do with it now (computed from the row). */
export interface WorkOrderListItem extends WorkOrderSummary {
  allowedActions: ActionType[];
  extensionPending: boolean;
  /**
   * The follow-up call deadline (回访时限) of a finished, unrated order — the jurisdiction's working days after
   * closedAt, counted by the server; null otherwise.
   */
  followUpDueAt: string | null;
  /** Of an order sent back for rework (reworkCount > 0): what the verifier wrote with the latest 核查不通过; null otherwise. */
  reworkReason: string | null;
  /**
   * Of a supervised order: the note of its latest 督办 notice; null otherwise, and for the automatic 督办 when the
   * deadline passed (it has no note).
   */
  supervisionNote: string | null;
}

/** One entry of an order's timeline as staff and the reporter see it. */
export interface TimelineView {
  id: number;
  at: string;
  /** An ActionType, a system transition (transfer_failed, default_rate) or an event (create, sla_warning, …). */
  action: string;
  from: string | null;
  to: string;
  actorId: string | null;
  actorRole: string | null;
  /** The acting user's display name, for staff viewers (null for residents and for system or API-key entries). */
  actorName: string | null;
  note: string | null;
  photos: string[];
  data: Record<string, string | number>;
}

/** The reporter as this viewer may see them: masked for staff (张* · 138****1234), revealed only through the audited reveal. */
export interface MaskedReporter {
  anonymous: boolean;
  name: string | null;
  phone: string | null;
  /** True when this viewer is the reporter (a resident seeing their own order). */
  self: boolean;
}

/** GET /work-orders/:id (and the answer of a create or an action). */
export interface WorkOrderDetail extends WorkOrderSummary {
  jurisdictionId: string;
  description: string;
  componentCode: string | null;
  reporter: MaskedReporter;
  extension: Extension | null;
  slaStartedAt: string;
  dispatchedAt: string | null;
  timeline: TimelineView[];
  /** The classifier's category suggestion at intake, for orders that came without a category. */
  suggestion: { categoryCode: string; confidence: number } | null;
  /** What this viewer may do now (the console shows these buttons). */
  allowedActions: ActionType[];
}

/** GET /public/work-orders/track: what anyone with the ticket code and the phone's last 4 digits sees. No personal data. */
export interface PublicTracking {
  code: string;
  title: string;
  requestType: string;
  categoryCode: string | null;
  status: string;
  /** For an order merged into another, the parent's progress is what the resident is waiting for. */
  parent: { code: string; status: string } | null;
  createdAt: string;
  /**
   * The deadline (办理期限), only while the order is being worked on and its clock runs: null once it is finished or
   * ended, while it is paused (挂起) or under review after a rating, and for an order merged into another or
   * transferred to another city (the deadline is not what the resident waits for then).
   */
  dueAt: string | null;
  closedAt: string | null;
  department: { nameZh: string | null; nameEn: string | null } | null;
  rating: string | null;
  /** 默认满意: nobody rated it within the rating period, so it counts as satisfied. */
  ratingDefault: boolean;
  canRate: boolean;
  /** Only the notes written for the resident (answers, results, rejections); others are null. */
  timeline: Array<{ at: string; action: string; to: string; note: string | null }>;
}

/**
 * GET /work-orders/stats: the figures of a period in the viewer's scope, each defined once in
 * server/src/modules/work-orders/stats.ts. Rates are null when their denominator is 0.
 */
export const STAT_GROUPS = ['status', 'category', 'subcategory', 'department', 'district', 'day', 'channel', 'requestType'] as const;
export type StatGroup = (typeof STAT_GROUPS)[number];

export interface StatsSummary {
  total: number;
  open: number;
  closed: number;
  closedOnTime: number;
  onTimeRate: number | null;
  overdue: number;
  responded: number;
  responseRate: number | null;
  dispatched: number;
  signedOnTime: number;
  signOnTimeRate: number | null;
  rated: number;
  satisfied: number;
  basically: number;
  unsatisfied: number;
  /** 默认满意: of the satisfied, rated by the system as nobody rated within the rating period. */
  defaultRated: number;
  satisfactionRate: number | null;
  ratedRate: number | null;
  avgCloseHours: number | null;
}

/** One row of a grouping: `key` is the code (null: orders without one), `label` its name where the server has one. */
export interface StatsGroupRow {
  key: string | null;
  label: string | null;
  total: number;
  closed: number;
  closedOnTime: number;
  onTimeRate: number | null;
  overdue: number;
  satisfactionRate: number | null;
}

export interface WorkOrderStats {
  summary: StatsSummary;
  /** One list a grouping asked for with groupBy. */
  groups: Partial<Record<StatGroup, StatsGroupRow[]>>;
}
