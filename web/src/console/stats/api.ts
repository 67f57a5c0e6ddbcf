/**
 * GET /api/v1/work-orders/stats (figures defined in server/src/modules/work-orders/stats.ts) and the export
 * download (GET /api/v1/work-orders/export): fetched with the session so that a refusal shows as a message, then
 * saved through an object URL under the server's file name.
 */
import type { WorkOrderStats } from '@civicgrid/contracts/work-orders';
import i18n, { currentLanguage } from '../../shared/i18n';
import { api, ApiError, withQuery, type Query } from '../../shared/api';
import { exportFileName, exportQuery, statsQuery, type Period } from './model';

export const statsApi = {
  get: (p: Period) => api.get<WorkOrderStats>('/api/v1/work-orders/stats', statsQuery(p)),
};

/** Downloads the orders created in the period; answers the file name and the row count the server reported. */
export function downloadExport(p: Period, format: 'csv' | 'xlsx'): Promise<{ filename: string; rows: number | null; truncated: boolean }> {
  return downloadOrders(exportQuery(p, format), format, p);
}

/**
 * Downloads GET /work-orders/export with these list filters (`format` among them); the file is named by the server
 * (or after `fallback`'s dates).
 */
export async function downloadOrders(
  query: Query,
  format: 'csv' | 'xlsx',
  fallback: Pick<Period, 'from' | 'to'> = { from: 'all', to: 'now' },
): Promise<{ filename: string; rows: number | null; truncated: boolean }> {
  const p = fallback;
  let res: Response;
  try {
    res = await fetch(withQuery('/api/v1/work-orders/export', query), { headers: { 'Accept-Language': currentLanguage() }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { code?: string; message?: string; details?: unknown; requestId?: string };
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? i18n.t('errors.http', { status: res.status }), e.details, e.requestId);
  }
  const blob = await res.blob();
  const filename = exportFileName(res.headers.get('content-disposition'), p, format);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  const rows = res.headers.get('x-export-rows');
  return { filename, rows: rows === null ? null : Number(rows), truncated: res.headers.get('x-export-truncated') === 'true' };
}
