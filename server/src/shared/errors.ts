/**
 * The one error type business code throws. `code` is stable (clients and tests match on it) and names a
 * message in src/locales/*.json; `kind` decides the HTTP status in one place (http/error-handler.ts).
 * Business code never imports the HTTP layer.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'locked'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, params?: Record<string, string | number>, details?: unknown) =>
  new AppError('bad_request', code, params, details);
export const notFound = (code: string, params?: Record<string, string | number>) =>
  new AppError('not_found', code, params);
export const forbidden = (code = 'auth.forbidden', params?: Record<string, string | number>) =>
  new AppError('forbidden', code, params);
export const conflict = (code: string, params?: Record<string, string | number>, details?: unknown) =>
  new AppError('conflict', code, params, details);
export const unauthenticated = (code = 'auth.unauthenticated') => new AppError('unauthenticated', code);
