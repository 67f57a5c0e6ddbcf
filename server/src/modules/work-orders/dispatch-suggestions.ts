/**
 * The dispatcher board's suggestions for a page of new orders in one request (派遣台): for each order the category the
 * classifier suggested (when it has none), the department the responsibility list suggests for its category and
 * place, and how many open duplicate candidates it has. The board asked for these order by order (a detail, a
 * classification, a preview and a duplicate search: ≈ 4 requests per row, 200 for a page of 50). The duplicates of
 * the whole page are counted in one query (countNearbyOpenOf: the conditions of the detail's duplicate list).
 */
import type { DepartmentSuggestion, DispatchSuggestion } from '@civicgrid/contracts/categories';
import { canOn, type Principal } from '../identity/index.js';
import { suggestCategory, MAX_CLASSIFY_TEXT } from './classifier.service.js';
import { suggestDepartment } from './responsibility.service.js';
import { loadSettings } from './settings.js';
import { scopedResource } from './work-orders.presenter.js';
import type { WorkOrderContext } from './work-orders.service.js';
import { countNearbyOpenOf } from './work-orders.query.js';
import * as repo from './work-orders.repo.js';

/** At most this many orders per request (a board page is 50). */
export const MAX_SUGGESTION_IDS = 100;

export type { DispatchSuggestion };

/**
 * Suggestions for the orders among `ids` that the viewer may read (others, and unknown ids, are left out), in the
 * order of `ids`. Orders with the same category and place share one rule look-up.
 */
export async function dispatchSuggestions(ctx: Pick<WorkOrderContext, 'db'>, principal: Principal, ids: readonly string[]): Promise<DispatchSuggestion[]> {
  const j = principal.jurisdictionId;
  const rows = (await repo.findWorkOrdersByIds(ctx.db, j, ids)).filter((r) => canOn(principal, 'work_order.read', scopedResource(r)));
  if (rows.length === 0) return [];
  const settings = await loadSettings(ctx.db, j);
  const duplicates = await countNearbyOpenOf(ctx, principal, rows, { radiusM: settings.duplicateRadiusM, hours: settings.duplicateHours });
  const departments = new Map<string, Promise<DepartmentSuggestion | null>>();
  const departmentFor = (categoryCode: string | null, r: repo.WorkOrderListRow) => {
    const key = `${categoryCode}|${r.district_code}|${r.grid_code}`;
    let found = departments.get(key);
    if (!found) departments.set(key, (found = suggestDepartment(ctx.db, j, { categoryCode, districtCode: r.district_code, gridCode: r.grid_code })));
    return found;
  };
  const byId = new Map<string, DispatchSuggestion>();
  for (const r of rows) {
    let category: DispatchSuggestion['category'] = null;
    if (r.category_code === null) {
      if (r.suggested_category !== null) category = { categoryCode: r.suggested_category, confidence: Number(r.suggested_confidence ?? 0) };
      else {
        const asked = await suggestCategory(ctx, j, `${r.title}\n${r.description}`.slice(0, MAX_CLASSIFY_TEXT)).catch(() => null);
        category = asked && { categoryCode: asked.categoryCode, confidence: asked.confidence };
      }
    }
    const categoryCode = r.category_code ?? category?.categoryCode ?? null;
    byId.set(r.id, { id: r.id, category, categoryCode, department: await departmentFor(categoryCode, r), duplicates: duplicates.get(r.id) ?? 0 });
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

