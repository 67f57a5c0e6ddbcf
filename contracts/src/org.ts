/**
 * Organisation: departments (部门), the tree every scope and assignment hangs on. Built in
 * server/src/modules/org/org.service.ts (presentDepartment), described by org.schema.ts; the console's 部门管理,
 * user, grid and component pages read them.
 */

/** What a department is, in the order the console offers them. The database CHECK lists the same. */
export const DEPARTMENT_KINDS = ['government', 'district', 'street', 'community', 'functional', 'unit'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** A department; GET /departments lists them in tree pre-order with their depth. */
export interface DepartmentView {
  id: string;
  jurisdictionId: string;
  parentId: string | null;
  code: string;
  kind: DepartmentKind;
  nameZh: string;
  nameEn: string;
  divisionCode: string | null;
  active: boolean;
  /** Materialised path from the root (scopes match on it). */
  path: string;
  /** 0 for a root; set in tree listings, 0 elsewhere. */
  depth: number;
}
