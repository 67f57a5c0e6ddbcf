/**
 * The one place that turns errors into HTTP responses: `{ code, message, details?, requestId }`, with the
 * message in zh-CN or en chosen by Accept-Language. A database that cannot be reached is 503 db.unavailable with a
 * Retry-After (the pool opens new connections once it is back: no restart). Unexpected errors are logged and
 * answered as 500 without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError, type ErrorKind } from '../shared/errors.js';

import { DEFAULT_LOCALE, pickLocale, translate } from '../shared/i18n.js';
import { issueMessage } from './validation-messages.js';

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable: 422,
  locked: 423,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function statusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const locale = pickLocale(request.headers['accept-language']);
  const body: ErrorBody = {
    code: error.code,
    message: translate(locale, error.code, { ...error.params, requestId: request.id }),
    ...(error.details !== undefined ? { details: error.details } : {}),
    requestId: request.id,
  };
  if ((error.kind === 'rate_limited' || error.kind === 'unavailable') && typeof error.params.retryAfterSeconds === 'number') {
    void reply.header('retry-after', String(error.params.retryAfterSeconds));
  }
  return reply.status(STATUS[error.kind]).type('application/json; charset=utf-8').send(body);
}

/** SQLSTATEs of a transaction rolled back for a concurrent one: deadlock_detected, serialization_failure. */
const CONCURRENT_CHANGE = new Set(['40P01', '40001']);

/** What a schema validated: the request's parts by the provider's name for them. */
type Validated = Pick<FastifyRequest, 'headers' | 'body' | 'query' | 'params'>;

/** Whether the request has nothing at the path (unknown without the request: then it is taken as given). */
function absentAt(request: Validated | undefined, context: string | undefined, segments: string[]): boolean {
  if (!request) return false;
  const parts: Record<string, unknown> = { body: request.body, querystring: request.query, params: request.params, headers: request.headers };
  let value: unknown = context ? parts[context] : undefined;
  for (const key of segments) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined;
}

/**
 * Maps what Fastify, the Zod provider and the database driver throw onto AppError. With the request, a schema's
 * field errors are in the caller's language (validation-messages.ts).
 */
export function toAppError(error: FastifyError | Error, bodyLimit: number, request?: Validated): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    // The provider flattens each Zod issue: keyword = issue code, instancePath = '/a/b', params = the rest.
    const toPath = (instancePath: string) => instancePath.split('/').filter(Boolean);
    const locale = request ? pickLocale(request.headers['accept-language']) : DEFAULT_LOCALE;
    const issues = fe.validation.map((v) => ({
      path: [fe.validationContext, ...toPath(v.instancePath)].filter(Boolean).join('.'),
      issue: v.keyword,
      message: issueMessage(locale, { code: v.keyword, params: v.params, message: v.message ?? '', absent: absentAt(request, fe.validationContext, toPath(v.instancePath)) }),
    }));
    const unknown = fe.validation.flatMap((v) =>
      v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)
        ? (v.params.keys as string[]).map((k) => [...toPath(v.instancePath), k].join('.'))
        : [],
    );
    if (unknown.length > 0) {
      return new AppError('bad_request', 'request.unknown_fields', { fields: unknown.join(', ') }, { issues });
    }
    return new AppError('bad_request', 'request.invalid', {}, { issues });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('too_large', 'request.too_large', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'request.unsupported_media_type', { type: String(fe.message.split(': ').pop()) });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', 'request.malformed_json');
    case 'FST_ERR_BAD_URL':
      return new AppError('bad_request', 'request.bad_url');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('uri_too_long', 'request.uri_too_long');
    case 'FST_ERR_RATE_LIMIT':
      return new AppError('rate_limited', 'request.rate_limited');
  }
  if (isDatabaseUnavailable(error)) return new AppError('unavailable', 'db.unavailable', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
  // Two transactions that each waited for the other (deadlock) or could not both stand (serialization): PostgreSQL
  // rolled this one back, the other went through. Nothing of this request was written; trying again sees the other.
  if (CONCURRENT_CHANGE.has(String((error as { code?: unknown }).code))) return new AppError('conflict', 'request.concurrent_change');
  if (error instanceof SyntaxError && fe.statusCode === 400) return new AppError('bad_request', 'request.malformed_json');
  if (fe.statusCode === 413) return new AppError('too_large', 'request.too_large', { limit: bodyLimit });
  if (fe.statusCode === 415) return new AppError('unsupported_media_type', 'request.unsupported_media_type', { type: '' });
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('bad_request', 'request.invalid', {}, { reason: fe.message });
  }
  return new AppError('internal', 'internal');
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let appError: AppError;
    try {
      appError = toAppError(error, bodyLimit, request);
    } catch (mappingError) {
      request.log.error({ err: mappingError }, 'error while mapping an error');
      appError = new AppError('internal', 'internal');
    }
    if (appError.kind === 'internal') request.log.error({ err: error }, 'unhandled error');
    else if (appError.code === 'db.unavailable') request.log.warn({ code: appError.code, reason: error.message }, 'database unreachable');
    else request.log.info({ code: appError.code }, 'request failed');
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('not_found', 'route.not_found')));
}
