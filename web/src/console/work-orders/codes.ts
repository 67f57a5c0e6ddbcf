/** Codes and shapes of the work-order API (server/src/modules/work-orders/*.schema.ts); no imports, so pure code and tests can use them. */
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
export const FINAL_STATUSES: readonly string[] = ['answered', 'rejected', 'closed', 'rated', 'cancelled', 'merged', 'transferred'];

export const CHANNELS = ['web', 'mobile', 'hotline', 'inspector', 'sensor', 'open311', 'sms', 'wechat', 'api', 'import'] as const;
export const REQUEST_TYPES = ['enquiry', 'help', 'complaint', 'report', 'suggestion', 'component', 'event'] as const;
export const URGENCIES = ['emergency', 'urgent', 'normal', 'complex'] as const;
export const RATINGS = ['satisfied', 'basically', 'unsatisfied'] as const;
export const REVEAL_PURPOSES = ['callback', 'verification', 'rating_visit', 'legal_request'] as const;

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
  /** When it was finished (办结); null while it is not. */
  closedAt: string | null;
  parentId: string | null;
  rating: string | null;
  /** 返工, 退单 and 重新办理 so far. */
  reworkCount: number;
  returnCount: number;
  reopenCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A row of GET /work-orders: the summary, with what the viewer may do with it now. */
export interface WorkOrderListItem extends WorkOrderSummary {
  allowedActions: string[];
  extensionPending: boolean;
  /**
   * The follow-up call deadline (回访时限) of a finished, unrated order — the jurisdiction's working days after
   * closedAt, counted by the server; null otherwise.
   */
  followUpDueAt: string | null;
}

export interface TimelineEntry {
  id: number;
  at: string;
  action: string;
  from: string | null;
  to: string;
  actorId: string | null;
  actorRole: string | null;
  /** The acting user's display name (staff viewers only). */
  actorName?: string | null;
  note: string | null;
  photos: string[];
  data: Record<string, string | number>;
}

export interface WorkOrderDetail extends WorkOrderSummary {
  jurisdictionId: string;
  description: string;
  componentCode: string | null;
  reporter: { anonymous: boolean; name: string | null; phone: string | null; self: boolean };
  extension: { state: string; days: number; reason: string } | null;
  slaStartedAt: string;
  dispatchedAt: string | null;
  timeline: TimelineEntry[];
  allowedActions: string[];
}

export interface Category {
  code: string;
  parentCode: string | null;
  kind: string;
  nameZh: string;
  nameEn: string | null;
  active: boolean;
}

export interface ClassifySuggestion {
  categoryCode: string;
  confidence: number;
  alternatives: { categoryCode: string; probability: number }[];
}

export interface DepartmentSuggestion {
  departmentId: string;
  /** Chinese name; departmentNameEn the English one. */
  departmentName: string;
  departmentNameEn: string;
  unique: boolean;
  fallback: boolean;
}

/** The dispatcher board's suggestions for one order (GET /work-orders/dispatch-suggestions). */
export interface DispatchSuggestion {
  id: string;
  /** The classifier's category, only for an order without one. */
  category: { categoryCode: string; confidence: number } | null;
  /** The category the department was suggested for. */
  categoryCode: string | null;
  department: DepartmentSuggestion | null;
  /** Open duplicate candidates nearby (at most 20). */
  duplicates: number;
}

export type ActionBody = { type: ActionType } & Record<string, unknown>;
