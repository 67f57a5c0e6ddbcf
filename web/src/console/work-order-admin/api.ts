/**
 * The administration API of work-order categories (/work-order-categories) and of the responsibility list
 * (/responsibility-rules) — the answers' shapes are @civicgrid/contracts' (categories.ts), the request bodies are
 * here — and the work-order settings (/work-order-settings, settings.ts).
 */
import type { CategoryKind, CategoryView, ResponsibilityPreview, ResponsibilityRuleView } from '@civicgrid/contracts/categories';
import { api, type Query } from '../../shared/api';

const base = '/api/v1';

export interface NewCategory {
  code: string;
  nameZh: string;
  nameEn?: string | null;
  kind?: CategoryKind;
  componentSubclass?: string | null;
  sortOrder?: number;
}

export interface CategoryChange {
  nameZh?: string;
  nameEn?: string | null;
  sortOrder?: number;
  active?: boolean;
  includeChildren?: boolean;
}

export interface RuleBody {
  categoryPrefix: string | null;
  districtCode: string | null;
  gridPrefix: string | null;
  componentClassPrefix: string | null;
  departmentId: string;
  priority: number;
  fallback: boolean;
  active: boolean;
  note: string | null;
}

export interface PreviewInput {
  categoryCode?: string | null;
  districtCode?: string | null;
  gridCode?: string | null;
  componentSubclass?: string | null;
}

const enc = encodeURIComponent;

export const categoriesAdminApi = {
  list: () => api.get<{ items?: CategoryView[] }>(`${base}/work-order-categories`, { view: 'flat', includeInactive: 'true' }).then((r) => r.items ?? []),
  create: (body: NewCategory) => api.post<{ category: CategoryView }>(`${base}/work-order-categories`, body).then((r) => r.category),
  update: (code: string, body: CategoryChange) => api.patch<{ category: CategoryView; changed: string[] }>(`${base}/work-order-categories/${enc(code)}`, body),
  remove: (code: string) => api.del<void>(`${base}/work-order-categories/${enc(code)}`),
  addStandard: () => api.post<{ added: number }>(`${base}/work-order-categories/standard`).then((r) => r.added),
};

export const rulesApi = {
  list: (query: Query) => api.get<{ items: ResponsibilityRuleView[] }>(`${base}/responsibility-rules`, query).then((r) => r.items),
  create: (body: RuleBody) => api.post<{ rule: ResponsibilityRuleView }>(`${base}/responsibility-rules`, body).then((r) => r.rule),
  update: (id: string, body: Partial<RuleBody>) => api.patch<{ rule: ResponsibilityRuleView }>(`${base}/responsibility-rules/${enc(id)}`, body).then((r) => r.rule),
  remove: (id: string) => api.del<void>(`${base}/responsibility-rules/${enc(id)}`),
  preview: (body: PreviewInput) => api.post<ResponsibilityPreview>(`${base}/responsibility-rules/preview`, body),
};

// ---- Work-order settings (GET/PUT /work-order-settings, server/src/modules/work-orders/settings.ts) ----------------

export type DurationKind = 'calendar_hours' | 'working_hours' | 'working_days';
export type Duration = { kind: 'calendar_hours' | 'working_hours'; hours: number } | { kind: 'working_days'; days: number };
export interface Period {
  start: string;
  end: string;
}
export interface CategoryDuration {
  categoryPrefix: string;
  duration: Duration;
}

export interface SlaConfig {
  workingHours: { periods: Period[] };
  byUrgency: Record<string, Duration>;
  byCategory: CategoryDuration[];
  byRequestType?: Record<string, Duration>;
  signFor: Duration;
  followUpDays: number;
  /** 默认满意: working days after 办结 after which an unrated order counts as 满意; null: off. */
  defaultRatingDays: number | null;
  warnRatio: number;
}

/** Only what an administrator changed; everything left out follows the default. */
export interface SlaOverrides {
  workingHours?: { periods: Period[] };
  byUrgency?: Record<string, Duration>;
  byCategory?: CategoryDuration[];
  byRequestType?: Record<string, Duration>;
  signFor?: Duration;
  followUpDays?: number;
  defaultRatingDays?: number | null;
  warnRatio?: number;
}

export interface SettingsValues {
  ticketPrefix: string;
  sla: SlaConfig;
  autoDispatch: boolean;
  autoDispatchConfidence: number;
  duplicateRadiusM: number;
  duplicateHours: number;
}

export interface WorkOrderSettings extends SettingsValues {
  slaOverrides: SlaOverrides | null;
  version: number;
}

export interface SettingsAnswer {
  settings: WorkOrderSettings;
  defaults: SettingsValues;
}

/** A change: what is left out stays as stored; `sla` replaces all the overrides (null: the defaults). */
export interface SettingsBody {
  version: number;
  ticketPrefix?: string | null;
  sla?: SlaOverrides | null;
  autoDispatch?: boolean;
  autoDispatchConfidence?: number;
  duplicateRadiusM?: number;
  duplicateHours?: number;
}

export const settingsApi = {
  get: () => api.get<SettingsAnswer>(`${base}/work-order-settings`),
  save: (body: SettingsBody) => api.put<SettingsAnswer>(`${base}/work-order-settings`, body),
};
