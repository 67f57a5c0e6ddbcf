/**
 * The two requests api.ts cannot make: a JSON POST with an Idempotency-Key header, and a photo upload whose body
 * is the raw image (POST /api/v1/attachments). Same conventions as api.ts: Accept-Language (so 413/415/422
 * messages come back in the resident's language), the CSRF token when signed in, errors as ApiError.
 */
import { ApiError, errorMessage, readCookie, withQuery } from '../../shared/api';
import i18n, { currentLanguage } from '../../shared/i18n';

async function send<T>(path: string, init: { body: BodyInit; contentType: string; headers?: Record<string, string> }): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
    'Content-Type': init.contentType,
    ...init.headers,
  };
  const csrf = readCookie('cg_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: init.body });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: unknown; requestId?: string };
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? i18n.t('errors.http', { status: res.status }), e.details, e.requestId);
  }
  return data as T;
}

export function postJsonWithKey<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
  return send<T>(path, { body: JSON.stringify(body), contentType: 'application/json', headers: { 'Idempotency-Key': idempotencyKey } });
}

export interface UploadedPhoto {
  id: string;
  contentType: string;
  size: number;
}

/** Uploads one photo as the request body; the server decides the type from the bytes (415) and the size (413). */
export function uploadPhoto(file: Blob, jurisdictionId: string | null): Promise<UploadedPhoto> {
  return send<UploadedPhoto>(withQuery('/api/v1/attachments', { jurisdiction: jurisdictionId }), {
    body: file,
    contentType: file.type || 'application/octet-stream',
  });
}

/**
 * What to show a resident: the server's own message for a refusal (413, 415, 422 …: it says what to change), and
 * the message with its request id only when something failed on the server's side (worth quoting to the hotline).
 */
export function residentMessage(err: unknown): string {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500) return err.message;
  return errorMessage(err);
}
