/** The dispatcher's suggestions for one order: category from the classifier (when the order has none), department from the responsibility list. */
import { departmentName } from '../departments';
import type { WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import type { CategorySuggestion, DepartmentSuggestion } from '@civicgrid/contracts/categories';
import { workOrdersApi } from './api';

/** The suggested department's name in the console's language. */
export const suggestedName = (d: DepartmentSuggestion, language: string): string => departmentName({ nameZh: d.departmentName, nameEn: d.departmentNameEn }, language);

export interface Suggestion {
  loading: boolean;
  /** The classifier's guess, only asked for when the order has no category. */
  category: CategorySuggestion | null;
  /** The category the department suggestion was made for (the order's, or the classifier's). */
  categoryCode: string | null;
  department: DepartmentSuggestion | null;
}

export function previewBody(o: Pick<WorkOrderSummary, 'location' | 'gridCode' | 'districtCode'>, categoryCode: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (categoryCode) body.categoryCode = categoryCode;
  if (o.location) {
    body.lng = o.location.lng;
    body.lat = o.location.lat;
  } else if (o.gridCode && /^\d{14}$/.test(o.gridCode)) body.gridCode = o.gridCode;
  else if (o.districtCode) body.districtCode = o.districtCode;
  return body;
}

export async function suggestFor(o: Pick<WorkOrderSummary, 'title' | 'categoryCode' | 'location' | 'gridCode' | 'districtCode'> & { description?: string }): Promise<Omit<Suggestion, 'loading'>> {
  let category: CategorySuggestion | null = null;
  if (!o.categoryCode) category = await workOrdersApi.classify(`${o.title}\n${o.description ?? ''}`.slice(0, 4000)).catch(() => null);
  const categoryCode = o.categoryCode ?? category?.categoryCode ?? null;
  const department = await workOrdersApi.suggestDepartment(previewBody(o, categoryCode)).catch(() => null);
  return { category, categoryCode, department };
}
