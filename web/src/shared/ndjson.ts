/**
 * POST a JSON body to an endpoint that answers NDJSON: {"type":"progress",…} lines while it works, then one
 * {"type":"report",report} line (or {"type":"error",code,message}). Calls `onProgress` per progress line and
 * resolves with the report; an HTTP error before the stream starts is an ApiError like any other call.
 */
import { ApiError, readCookie } from './api';
import { currentLanguage } from './i18n';

export async function postNdjson<R, P>(path: string, body: unknown, onProgress: (p: P) => void): Promise<R> {
  const headers: Record<string, string> = { Accept: 'application/x-ndjson, application/json', 'Accept-Language': currentLanguage(), 'Content-Type': 'application/json' };
  const csrf = readCookie('cg_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (!res.ok || !res.body) {
    const e = (await res.json().catch(() => ({}))) as { code?: string; message?: string; requestId?: string };
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`, undefined, e.requestId);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as { type: string; report?: R; code?: string; message?: string };
      buffer = buffer.slice(nl + 1);
      if (line.type === 'progress') onProgress(line as P);
      else if (line.type === 'report') return line.report!;
      else if (line.type === 'error') throw new ApiError(500, line.code ?? 'internal', line.message ?? '');
    }
    if (done) throw new ApiError(500, 'internal', 'the answer ended early');
  }
}
