/**
 * Work-order categories, the responsibility list (清单化定责) and the suggestions built on them: the classifier's
 * category, the responsible department, the dispatcher board's per-order suggestions. Built in
 * server/src/modules/work-orders (categories.service.ts, responsibility.service.ts, classifier.service.ts,
 * dispatch-suggestions.ts); described for OpenAPI by categories.schema.ts and responsibility.schema.ts.
 */

/** 部件 (city components), 事件 (events: 数字城管) and 12345 hotline matters, in the order the console offers them. */
export const CATEGORY_KINDS = ['component', 'event', 'hotline'] as const;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];

/** A category as GET /work-order-categories lists it (view=flat; the tree view adds `children`). */
export interface CategoryView {
  code: string;
  parentCode: string | null;
  kind: CategoryKind;
  nameZh: string;
  nameEn: string | null;
  componentSubclass: string | null;
  sortOrder: number;
  active: boolean;
  /** From the national standard set, or the jurisdiction's own. */
  source: 'standard' | 'local';
  updatedAt: string;
}

/** A rule of the responsibility list: orders matching every condition given go to the department. */
export interface ResponsibilityRuleView {
  id: string;
  categoryPrefix: string | null;
  districtCode: string | null;
  gridPrefix: string | null;
  componentClassPrefix: string | null;
  department: { id: string; code: string; nameZh: string; nameEn: string; active: boolean };
  priority: number;
  fallback: boolean;
  active: boolean;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A rule that matched an order, as a suggestion lists it. */
export interface SuggestionCandidate {
  ruleId: string;
  departmentId: string;
  departmentName: string;
  departmentNameEn: string;
  priority: number;
  fallback: boolean;
  categoryPrefix: string | null;
  districtCode: string | null;
  gridPrefix: string | null;
  componentClassPrefix: string | null;
}

export interface DepartmentSuggestion {
  departmentId: string;
  /** The department's Chinese name. */
  departmentName: string;
  /** Its English name (the console in English shows it). */
  departmentNameEn: string;
  ruleId: string;
  /** False when the best rules tie between departments (a person chooses); only a unique suggestion may be auto-dispatched. */
  unique: boolean;
  /** The suggestion comes from a fallback rule (no ordinary rule matched). */
  fallback: boolean;
  /** Every matching rule, best first. */
  candidates: SuggestionCandidate[];
}

/** POST /responsibility-rules/preview: the facts the rules were matched on (completed by the server) and the answer. */
export interface ResponsibilityPreview {
  facts: { categoryCode: string | null; districtCode: string | null; gridCode: string | null; componentSubclass: string | null };
  suggestion: DepartmentSuggestion | null;
}

/** The classifier's category for a text (POST /work-orders/classify). */
export interface CategorySuggestion {
  categoryCode: string;
  confidence: number;
  alternatives: { categoryCode: string; probability: number }[];
  modelVersion: number;
}

/** The dispatcher board's suggestions for one order (GET /work-orders/dispatch-suggestions). */
export interface DispatchSuggestion {
  id: string;
  /** The classifier's category, only for an order without one (stored at intake, or asked now if it was not). */
  category: { categoryCode: string; confidence: number } | null;
  /** The category the department was suggested for: the order's, else the classifier's. */
  categoryCode: string | null;
  department: DepartmentSuggestion | null;
  /** Open orders of the same category near it within the duplicate window, that the viewer may read (at most 20). */
  duplicates: number;
}
