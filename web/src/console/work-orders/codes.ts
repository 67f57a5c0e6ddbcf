/**
 * Shapes of the work-order API the console uses that are not in @civicgrid/contracts yet (categories, classifier and
 * responsibility suggestions: server/src/modules/work-orders/*.schema.ts). The codes and the order shapes are
 * there (contracts/src/work-orders.ts). No imports but types, so pure code and tests can use them.
 */
import type { ActionType } from '@civicgrid/contracts/work-orders';

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
