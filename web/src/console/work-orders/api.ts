/**
 * The work-order API as the console uses it (the shapes are @civicgrid/contracts'): calls, and the photo upload (the
 * attachment endpoint takes the raw image body, not JSON).
 */
import i18n, { currentLanguage } from '../../shared/i18n';
import { api, ApiError, readCookie, type Query } from '../../shared/api';
import type { WorkOrderDetail, WorkOrderListItem, WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import type { CategorySuggestion, DepartmentSuggestion, DispatchSuggestion } from '@civicgrid/contracts/categories';
import type { ActionBody, Category } from './model';

const base = '/api/v1';

export const workOrdersApi = {
  list: (query: Query) => api.get<{ items: WorkOrderListItem[]; nextCursor: string | null }>(`${base}/work-orders`, query),
  get: (id: string) => api.get<{ order: WorkOrderDetail }>(`${base}/work-orders/${encodeURIComponent(id)}`).then((r) => r.order),
  act: (id: string, version: number, action: ActionBody) =>
    api.post<{ order: WorkOrderDetail }>(`${base}/work-orders/${encodeURIComponent(id)}/actions`, { version, action }).then((r) => r.order),
  duplicates: (id: string) => api.get<{ items: (WorkOrderSummary & { distanceM: number })[] }>(`${base}/work-orders/${encodeURIComponent(id)}/duplicates`).then((r) => r.items),
  reveal: (id: string, purpose: string) => api.get<{ name: string | null; phone: string | null }>(`${base}/work-orders/${encodeURIComponent(id)}/reporter`, { purpose }),
  categories: () => api.get<{ items?: Category[] }>(`${base}/work-order-categories`, { view: 'flat', includeInactive: 'false' }).then((r) => r.items ?? []),
  classify: (text: string) => api.post<{ suggestion: CategorySuggestion | null }>(`${base}/work-orders/classify`, { text }).then((r) => r.suggestion),
  /** The board's suggestions for a page of orders, in one request (orders the viewer may not read are left out). */
  dispatchSuggestions: (ids: readonly string[]) =>
    api.get<{ items: DispatchSuggestion[] }>(`${base}/work-orders/dispatch-suggestions`, { ids: ids.join(',') }).then((r) => new Map(r.items.map((s) => [s.id, s]))),
  suggestDepartment: (body: Record<string, unknown>) =>
    api.post<{ suggestion: DepartmentSuggestion | null }>(`${base}/responsibility-rules/preview`, body).then((r) => r.suggestion),
};

/** The photo; `thumb`: its JPEG thumbnail within 320 px (the photo itself when the server made none). */
export const attachmentUrl = (id: string, size: 'full' | 'thumb' = 'full') => `${base}/attachments/${encodeURIComponent(id)}${size === 'thumb' ? '?size=thumb' : ''}`;

/** Uploads one photo as the raw request body; answers its id (errors as ApiError, e.g. 413 / 415). */
export async function uploadPhoto(file: Blob): Promise<{ id: string }> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': currentLanguage() };
  const csrf = readCookie('cg_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (file.type) headers['Content-Type'] = file.type;
  let res: Response;
  try {
    res = await fetch(`${base}/attachments`, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  const data = (await res.json().catch(() => ({}))) as { id?: string; code?: string; message?: string; details?: unknown; requestId?: string };
  if (!res.ok || !data.id) throw new ApiError(res.status, data.code ?? `http_${res.status}`, data.message ?? i18n.t('errors.http', { status: res.status }), data.details, data.requestId);
  return { id: data.id };
}
