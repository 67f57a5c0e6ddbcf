/**
 * Open311 GeoReport v2 at the root (`/open311/discovery.{fmt}`, `/open311/v2/…`), both formats, errors in the
 * spec's format (`<errors><error><code/><description/></error></errors>` / `[{code, description}]`, the HTTP status
 * as code; our stable codes in the `x-open311-error-codes` header). Thin: fields → service → presenter.
 * The administrators' configuration of services is under /api/v1 (openRoutes… apiRoutes below).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { AppError } from '../../shared/errors.js';
import { pickLocale, translate, type Locale } from '../../shared/i18n.js';
import { fieldsFromJson, one, splitFormat, type Fields, type Format, type Open311Problem } from './mappers.js';
import './open311.policy.js';
import {
  codeParams,
  fileParams,
  formatParams,
  jurisdictionQuery,
  postRequestBody,
  postUpdateBody,
  requestsQuery,
  serviceConfigBody,
  serviceConfigResponse,
  serviceListResponse,
  updatesQuery,
} from './open311.schema.js';
import {
  Open311Failure,
  configureService,
  discovery,
  getRequest,
  getServiceConfig,
  listRequests,
  listServiceConfigs,
  listServices,
  listUpdates,
  postUpdate,
  presentSubmitted,
  resolveJurisdiction,
  serviceDefinition,
  submitRequest,
  tokenStatus,
  type Open311Context,
} from './open311.service.js';
import { CONTENT_TYPE, render, renderErrors, type Value } from './presenters.js';

function localeOf(request: FastifyRequest): Locale {
  const q = request.query as Record<string, unknown> | undefined;
  const given = typeof q?.locale === 'string' ? q.locale.toLowerCase() : '';
  if (given.startsWith('en')) return 'en';
  if (given.startsWith('zh')) return 'zh-CN';
  return pickLocale(request.headers['accept-language']);
}

/** The format a request asked for (also for its errors): the `.xml`/`.json` suffix; XML (the spec's required one) otherwise. */
function formatOf(request: FastifyRequest): Format {
  const m = /\.(xml|json)(\?|$)/i.exec(request.url);
  return m ? (m[1]!.toLowerCase() as Format) : 'xml';
}

/** Where this server is reached, as the client addressed it (links in answers: discovery, photos). */
const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

function send(reply: FastifyReply, format: Format, root: string, value: Value, status = 200) {
  return reply.status(status).header('content-type', CONTENT_TYPE[format]).send(render(format, root, value));
}

function fileOf(file: string): { name: string; format: Format } {
  const parsed = splitFormat(file);
  if (!parsed) throw new Open311Failure(400, [{ status: 400, key: 'open311.format_unknown' }]);
  return parsed;
}

/** A query or body (form or JSON) as fields; the X-Api-Key header stands in for a missing api_key. */
function fieldsOf(request: FastifyRequest, source: 'query' | 'body'): Fields {
  const fields = fieldsFromJson(source === 'query' ? request.query : request.body);
  if (source === 'body') {
    const query = fieldsFromJson(request.query);
    for (const [k, v] of query) if (!fields.has(k)) fields.set(k, v);
    const header = request.headers['x-api-key'];
    if (one(fields, 'api_key') === undefined && typeof header === 'string' && header.trim() !== '') fields.set('api_key', [header.trim()]);
  }
  return fields;
}

function problemsOf(error: unknown, request: FastifyRequest): { status: number; problems: Open311Problem[] } {
  if (error instanceof Open311Failure) return { status: error.status, problems: error.problems };
  if (error instanceof AppError) {
    const status = error.kind === 'forbidden' || error.kind === 'unauthenticated' ? 403 : error.kind === 'not_found' ? 404 : 400;
    return { status, problems: [{ status: status as 400, key: error.code, params: error.params }] };
  }
  const e = error as FastifyError;
  if (e.validation || e.code === 'FST_ERR_VALIDATION') return { status: 400, problems: [{ status: 400, key: 'open311.format_unknown' }] };
  if (e.statusCode === 413) return { status: 400, problems: [{ status: 400, key: 'open311.body_too_large' }] };
  if (e.statusCode === 415) return { status: 400, problems: [{ status: 400, key: 'open311.content_type' }] };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return { status: 400, problems: [{ status: 400, key: 'open311.bad_request' }] };
  request.log.error({ err: error }, 'open311 request failed');
  return { status: 400, problems: [{ status: 400, key: 'open311.service_error' }] };
}

export function open311Routes(app: FastifyInstance, ctx: Open311Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Real clients send application/x-www-form-urlencoded: repeated keys become lists (attribute[X][]=a&attribute[X][]=b).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, out);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const format = formatOf(request);
    const { status, problems } = problemsOf(error, request);
    const locale = localeOf(request);
    const errors = problems.map((p) => ({ code: status, description: translate(locale, p.key, p.params ?? {}) }));
    return reply
      .status(status)
      .header('content-type', CONTENT_TYPE[format])
      .header('x-open311-error-codes', problems.map((p) => p.key).join(','))
      .send(renderErrors(format, errors));
  });

  const tags = ['open311'];
  const jurisdictionOf = (request: FastifyRequest) => resolveJurisdiction(ctx.db, one(fieldsOf(request, 'query'), 'jurisdiction_id'));

  r.get(
    '/open311/discovery.:format',
    { schema: { tags, summary: 'Open311 service discovery: the GeoReport v2 endpoint, its formats and the extensions', params: formatParams } },
    async (request, reply) => send(reply, request.params.format, 'discovery', await discovery(ctx.db, baseUrlOf(request), localeOf(request))),
  );

  r.get(
    '/open311/v2/services.:format',
    { schema: { tags, summary: 'GET Service List: every active leaf work-order category (service_code = category code, group = top-level category)', params: formatParams, querystring: jurisdictionQuery } },
    async (request, reply) => {
      const j = await jurisdictionOf(request);
      return send(reply, request.params.format, 'services', await listServices(ctx.db, j.id, localeOf(request)));
    },
  );

  r.get(
    '/open311/v2/services/:file',
    { schema: { tags, summary: 'GET Service Definition: the attributes configured for a service ({service_code}.xml|json)', params: fileParams, querystring: jurisdictionQuery } },
    async (request, reply) => {
      const { name, format } = fileOf(request.params.file);
      const j = await jurisdictionOf(request);
      return send(reply, format, 'service_definition', await serviceDefinition(ctx.db, j.id, name));
    },
  );

  r.post(
    '/open311/v2/requests.:format',
    {
      schema: {
        tags,
        summary: 'POST Service Request (form-encoded or JSON, api_key required): creates a work order; answers service_request_id, or a token for batch services',
        params: formatParams,
        body: postRequestBody,
      },
    },
    async (request, reply) => {
      const raw = request.headers['idempotency-key'];
      const submitted = await submitRequest(ctx, fieldsOf(request, 'body'), requestMeta(request), localeOf(request), new Date(), typeof raw === 'string' ? raw : undefined);
      return send(reply, request.params.format, 'service_requests', presentSubmitted(submitted));
    },
  );

  r.get(
    '/open311/v2/tokens/:file',
    { schema: { tags, summary: 'GET service_request_id from a token (present once the order has been reviewed)', params: fileParams, querystring: jurisdictionQuery } },
    async (request, reply) => {
      const { name, format } = fileOf(request.params.file);
      const j = await jurisdictionOf(request);
      return send(reply, format, 'service_requests', await tokenStatus(ctx.db, j.id, name));
    },
  );

  r.get(
    '/open311/v2/requests.:format',
    { schema: { tags, summary: 'GET Service Requests: filters of the spec and the extensions (page, page_size, updated_after/before, q, bbox, extensions)', params: formatParams, querystring: requestsQuery } },
    async (request, reply) => {
      const j = await jurisdictionOf(request);
      return send(reply, request.params.format, 'service_requests', await listRequests(ctx, baseUrlOf(request), j.id, fieldsOf(request, 'query'), localeOf(request)));
    },
  );

  r.get(
    '/open311/v2/requests/:file',
    { schema: { tags, summary: 'GET Service Request ({service_request_id}.xml|json; extensions=true adds extended_attributes and notes)', params: fileParams, querystring: jurisdictionQuery } },
    async (request, reply) => {
      const { name, format } = fileOf(request.params.file);
      const j = await jurisdictionOf(request);
      return send(reply, format, 'service_requests', await getRequest(ctx, baseUrlOf(request), j.id, name, fieldsOf(request, 'query'), localeOf(request)));
    },
  );

  r.get(
    '/open311/v2/servicerequestupdates.:format',
    { schema: { tags, summary: 'mySociety extension: status changes and public notes of requests in a window (extended statuses)', params: formatParams, querystring: updatesQuery } },
    async (request, reply) => {
      const j = await jurisdictionOf(request);
      return send(reply, request.params.format, 'service_request_updates', await listUpdates(ctx.db, j.id, fieldsOf(request, 'query')));
    },
  );

  r.post(
    '/open311/v2/servicerequestupdates.:format',
    { schema: { tags, summary: 'mySociety extension: a client posts an update (comment) on a request; recorded for staff, never moves the lifecycle', params: formatParams, body: postUpdateBody } },
    async (request, reply) => send(reply, request.params.format, 'service_request_updates', await postUpdate(ctx, fieldsOf(request, 'body'), requestMeta(request))),
  );
}

/** Administrators configure the services: type, notice, keywords and attributes of a category (under /api/v1). */
export function open311ConfigRoutes(app: FastifyInstance, ctx: Open311Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/open311/services',
    { preHandler: requirePermission('open311.configure'), schema: { tags: ['open311'], summary: 'Every category, whether it is served as an Open311 service, its type and attribute count', response: { 200: serviceListResponse } } },
    async (request) => ({ items: await listServiceConfigs(ctx, principalOf(request)) }),
  );
  r.get(
    '/open311/services/:code',
    { preHandler: requirePermission('open311.configure'), schema: { tags: ['open311'], summary: "A service's Open311 configuration", params: codeParams, response: { 200: serviceConfigResponse } } },
    async (request) => getServiceConfig(ctx, principalOf(request), request.params.code),
  );
  r.put(
    '/open311/services/:code',
    {
      preHandler: requirePermission('open311.configure'),
      schema: { tags: ['open311'], summary: "Replace a service's Open311 configuration (type realtime/batch, notice, keywords, attributes)", params: codeParams, body: serviceConfigBody, response: { 200: serviceConfigResponse } },
    },
    async (request) => {
      const b = request.body;
      return configureService(
        ctx,
        principalOf(request),
        request.params.code,
        {
          type: b.type,
          description: b.description ?? null,
          keywords: b.keywords ?? null,
          serviceNotice: b.serviceNotice ?? null,
          attributes: b.attributes.map((a) => ({ ...a, values: a.values })),
        },
        actorOf(request),
        requestMeta(request),
      );
    },
  );
}
