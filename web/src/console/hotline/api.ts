/**
 * The server calls the hotline console makes (work-order shapes from @civicgrid/contracts, knowledge's from
 * ../knowledge/api), all through the one fetch wrapper in shared/api.ts.
 */
import type { CategorySuggestion } from '@civicgrid/contracts/categories';
import type { WorkOrderDetail, WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { api, ApiError, readCookie } from '../../shared/api';
import i18n, { currentLanguage } from '../../shared/i18n';
import type { CategoryItem, CreateBody } from './hotline';
import type { ArticleView } from '@civicgrid/contracts/knowledge';

/** What the 话务台 reads of an order (caller history). */
export type OrderSummary = Pick<WorkOrderSummary, 'id' | 'code' | 'requestType' | 'categoryCode' | 'title' | 'status' | 'createdAt' | 'dueAt'>;

/** What it reads of the order it has just created (and answers at first contact). */
export type OrderDetail = OrderSummary & Pick<WorkOrderDetail, 'version' | 'allowedActions'>;

/** What the 话务台 shows of a knowledge article (the editors' full shape is in ../knowledge/api). */
export type Article = Pick<ArticleView, 'id' | 'title' | 'question' | 'answer' | 'categoryCode' | 'agency' | 'useCount'>;

export interface DistrictItem {
  code: string;
  nameZh: string;
  nameEn: string | null;
}

export function callerHistory(phone: string): Promise<{ items: OrderSummary[] }> {
  return api.get('/api/v1/work-orders/callers', { phone, limit: 20 });
}

export function categories(): Promise<{ items?: CategoryItem[] }> {
  return api.get('/api/v1/work-order-categories', { view: 'flat', includeInactive: 'false' });
}

export function districts(): Promise<{ items: DistrictItem[] }> {
  return api.get('/api/v1/divisions', { level: 'district' });
}

export function classify(text: string): Promise<{ suggestion: CategorySuggestion | null }> {
  return api.post('/api/v1/work-orders/classify', { text });
}

export function searchKnowledge(q: string): Promise<{ items: Article[]; match: 'and' | 'or' | null }> {
  return api.get('/api/v1/knowledge/articles', { q, limit: 5 });
}

export function recordArticleUse(articleId: string, workOrderId: string): Promise<{ id: string; useCount: number }> {
  return api.post(`/api/v1/knowledge/articles/${encodeURIComponent(articleId)}/used`, { workOrderId });
}

/**
 * POST /work-orders with the call's Idempotency-Key. The shared wrapper sends no extra headers, so this one call
 * builds its request the same way (language, CSRF token, error body → ApiError; a 401 goes through the wrapper
 * once more so the console returns to the sign-in page).
 */
export async function createOrder(body: CreateBody, idempotencyKey: string): Promise<{ order: OrderDetail }> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
    'Content-Type': 'application/json',
    'Idempotency-Key': idempotencyKey,
  };
  const csrf = readCookie('cg_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch('/api/v1/work-orders', { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  const data = (await res.json().catch(() => ({}))) as { order?: OrderDetail; code?: string; message?: string; details?: unknown; requestId?: string };
  if (res.status === 401) void api.get('/api/v1/auth/me').catch(() => undefined);
  if (!res.ok || !data.order) {
    throw new ApiError(res.status, data.code ?? `http_${res.status}`, data.message ?? i18n.t('errors.http', { status: res.status }), data.details, data.requestId);
  }
  return { order: data.order };
}

export function answerOrder(id: string, version: number, note: string): Promise<{ order: OrderDetail }> {
  return api.post(`/api/v1/work-orders/${encodeURIComponent(id)}/actions`, { version, action: { type: 'answer', note } });
}
