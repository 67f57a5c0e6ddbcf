/**
 * The one way the web app talks to the server. Sends the UI language as Accept-Language (the server's error
 * `message` follows it), the CSRF token from the readable `cg_csrf` cookie on every write (the session itself is
 * the HttpOnly `cg_session` cookie), and turns the error body `{ code, message, details?, requestId }` into an
 * ApiError whose message can be shown as is.
 */
import i18n, { currentLanguage } from './i18n';

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called when any request answers 401, so the console can go back to the login page. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** At most this many field errors are named in a message; the rest are counted. */
const FIELD_ERRORS_SHOWN = 3;

/**
 * A refused request's message with the fields the server named (400 request.invalid: `details.issues`, each already
 * in the UI language), so a form whose own checks let something through still says what to correct:
 * 请求参数不正确（title：最多 200 个字符）. Only for request.invalid (unknown fields are named by the message itself);
 * without issues the message is returned as it is.
 */
export function withFieldErrors(message: string, details: unknown): string {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return message;
  const named = issues.flatMap((i: { path?: unknown; message?: unknown }) =>
    typeof i?.message === 'string' && i.message !== ''
      ? [i18n.t('errors.field', { field: String(i.path ?? '').replace(/^(body|querystring|params|headers)\.?/, '') || '—', problem: i.message })]
      : [],
  );
  if (named.length === 0) return message;
  const shown = named.slice(0, FIELD_ERRORS_SHOWN).join(i18n.t('errors.fieldSeparator'));
  const more = named.length > FIELD_ERRORS_SHOWN ? i18n.t('errors.moreFields', { count: named.length - FIELD_ERRORS_SHOWN }) : '';
  return i18n.t('errors.withFields', { message, fields: shown + more });
}

export async function apiRequest<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': currentLanguage() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie('cg_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const e = (data ?? {}) as Partial<ApiErrorBody>;
    const message = e.message ?? i18n.t('errors.http', { status: res.status });
    if (res.status === 401 && onUnauthenticated && !path.endsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(
      res.status,
      e.code ?? `http_${res.status}`,
      e.code === 'request.invalid' ? withFieldErrors(message, e.details) : message,
      e.details,
      e.requestId,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => apiRequest<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, body),
  del: <T>(path: string) => apiRequest<T>('DELETE', path),
};

/**
 * A readable message for anything thrown, in the UI language. The request id is added only to a failure on the
 * server's side (5xx), which support may look up; a refusal (4xx: a wrong file type, a photo too large, a field to
 * correct) says what to change, and an id there only gets in the way.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    // The server's messages for 500 and 503 already name the request; other 5xx get it added.
    return err.status >= 500 && err.requestId && !err.message.includes(err.requestId) ? `${err.message} (${i18n.t('errors.requestId')}: ${err.requestId})` : err.message;
  }
  return i18n.t('errors.unknown');
}
