/**
 * Organisation: jurisdictions (tenants), administrative divisions (GB/T 2260) and the department tree.
 * Other modules read departments through these functions; department scopes compare `path` prefixes.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { orgRoutes } from './org.routes.js';

export {
  DEPARTMENT_KINDS,
  addDivisionsWithin,
  createDepartment,
  createDepartmentWithin,
  createJurisdictionWithin,
  findDepartmentByCode,
  findJurisdiction,
  getDepartment,
  getDepartmentTree,
  listDivisions,
  moveDepartment,
  renameDepartment,
  setDepartmentActive,
  type CreateDepartmentInput,
  type CreateJurisdictionInput,
  type DepartmentKind,
  type DepartmentView,
  type OrgContext,
} from './org.service.js';
export type { DivisionInsert } from './org.repo.js';
export { orgPolicy } from './org.policy.js';

export function createOrgModule(ctx: AppContext): ApiModule {
  return { routes: (app) => orgRoutes(app, ctx) };
}
