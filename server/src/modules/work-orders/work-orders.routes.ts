/** /work-orders (staff and API keys) and /public/work-orders (the resident portal, with or without an account). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, hasRole, principalOf, RateLimiter, requestMeta, requirePermission, sealPersonal, type Principal } from '../identity/index.js';
import { AppError, badRequest } from '../../shared/errors.js';
import { pickLocale } from '../../shared/i18n.js';
import './categories.policy.js';
import { insertContact } from './contacts.repo.js';
import { dispatchSuggestions } from './dispatch-suggestions.js';
import { exportWorkOrders } from './export.js';
import type { Action } from './lifecycle.js';
import { workOrderOverview } from './overview.js';
import { workOrderStats } from './stats.js';
import './work-orders.policy.js';
import { callerHistory, duplicateCandidates, getWorkOrder, listWorkOrders, rateByTracking, revealReporter, trackWorkOrder } from './work-orders.query.js';
import {
  callerHistoryResponse,
  callerQuery,
  createBody,
  dispatchSuggestionsQuery,
  dispatchSuggestionsResponse,
  duplicatesQuery,
  duplicatesResponse,
  idParams,
  listQuery,
  listResponse,
  orderResponse,
  overviewResponse,
  publicCreateBody,
  publicCreateResponse,
  publicRateBody,
  exportQuery,
  revealQuery,
  statsQuery,
  statsResponse,
  revealResponse,
  trackQuery,
  trackResponse,
  transitionBody,
} from './work-orders.schema.js';
import { createWorkOrder, transitionWorkOrder, type Channel, type Caller, type WorkOrderContext } from './work-orders.service.js';

export interface WorkOrderRouteOptions {
  /** Anonymous reports per IP (creates); tests pass a tighter one. */
  publicCreateLimiter?: RateLimiter;
  /** Tracking look-ups per IP: code + 4 digits must not be guessable by brute force. */
  trackLimiter?: RateLimiter;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) throw badRequest('work_order.idempotency_key_invalid');
  return raw;
}

function principalScope(p: Principal | null, ip: string): string {
  if (!p) return `public:${ip}`;
  return p.kind === 'api_key' ? `key:${p.keyId}` : `user:${p.userId}`;
}

function defaultChannel(p: Principal): Channel {
  if (p.kind === 'api_key') return 'api';
  if (hasRole(p, 'agent')) return 'hotline';
  if (hasRole(p, 'inspector')) return 'inspector';
  if (hasRole(p, 'resident')) return 'web';
  return 'hotline';
}

function limit(limiter: RateLimiter, key: string): void {
  const wait = limiter.retryAfter(key);
  if (wait > 0) throw new AppError('rate_limited', 'work_order.rate_limited', { retryAfterSeconds: wait });
  limiter.fail(key);
}

export function workOrderRoutes(app: FastifyInstance, ctx: WorkOrderContext, options: WorkOrderRouteOptions = {}): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const publicCreateLimiter = options.publicCreateLimiter ?? new RateLimiter({ attempts: 20, windowMs: 3600_000, maxKeys: 50_000 });
  const trackLimiter = options.trackLimiter ?? new RateLimiter({ attempts: 30, windowMs: 600_000, maxKeys: 50_000 });
  const caller = (request: FastifyRequest): Caller => ({ principal: request.principal ?? null, audit: actorOf(request), request: requestMeta(request) });

  r.post(
    '/work-orders',
    {
      preHandler: requirePermission('work_order.create'),
      schema: {
        tags: ['work-orders'],
        summary: 'Create a work order (hotline, inspector, dispatcher, integrations). Send Idempotency-Key to make retries safe.',
        body: createBody,
        response: { 201: orderResponse, 200: orderResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      const key = idempotencyKey(request);
      const { order, json, replayed } = await createWorkOrder(
        ctx,
        {
          jurisdictionId: p.jurisdictionId,
          channel: body.channel ?? defaultChannel(p),
          requestType: body.requestType,
          categoryCode: body.categoryCode ?? null,
          title: body.title,
          description: body.description,
          location: body.location ?? null,
          address: body.address ?? null,
          districtCode: body.districtCode ?? null,
          componentCode: body.componentCode ?? null,
          reporter: body.reporter ?? null,
          reporterUserId: p.kind === 'user' && hasRole(p, 'resident') ? p.userId : null,
          urgency: body.urgency,
          attachmentIds: body.attachmentIds ?? [],
          // A resident hears about their report in the language they wrote it in; staff's language is not the caller's.
          reporterLocale: p.kind === 'user' && hasRole(p, 'resident') ? pickLocale(request.headers['accept-language']) : null,
        },
        caller(request),
        key ? { idempotency: { scope: principalScope(p, request.ip), key, body } } : {},
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      // The answer's JSON text, made once for the answer stored with the Idempotency-Key, goes out as it is (a string
      // with a JSON content type skips the serializer; work-orders-create.test checks it against the schema).
      if (json !== null) return reply.status(201).type('application/json; charset=utf-8').send(`{"order":${json}}` as never);
      return reply.status(201).send({ order });
    },
  );

  r.post(
    '/public/work-orders',
    {
      schema: {
        tags: ['work-orders'],
        summary: 'Report a problem from the resident portal, signed in or not (anonymous when no reporter is given)',
        body: publicCreateBody,
        response: { 201: publicCreateResponse },
      },
    },
    async (request, reply) => {
      const p = request.principal ?? null;
      const body = request.body;
      const resident = p && p.kind === 'user' && hasRole(p, 'resident') ? p : null;
      if (!resident) limit(publicCreateLimiter, request.ip);
      const key = idempotencyKey(request);
      const { order } = await createWorkOrder(
        ctx,
        {
          jurisdictionId: body.jurisdictionId,
          channel: body.channel,
          requestType: body.requestType,
          categoryCode: body.categoryCode ?? null,
          title: body.title,
          description: body.description,
          location: body.location ?? null,
          address: body.address ?? null,
          reporter: body.reporter ?? null,
          reporterUserId: resident?.userId ?? null,
          urgency: body.urgency === 'emergency' || body.urgency === 'urgent' ? body.urgency : 'normal',
          attachmentIds: body.attachmentIds ?? [],
          reporterLocale: pickLocale(request.headers['accept-language']),
        },
        // Residents act as themselves; anyone else on the public form is an anonymous member of the public.
        { principal: resident, audit: resident ? actorOf(request) : { kind: 'anonymous', id: null, name: null, jurisdictionId: null }, request: requestMeta(request) },
        {
          ...(key ? { idempotency: { scope: principalScope(resident, request.ip), key, body } } : {}),
          ...(body.contact?.wechatOpenId || body.contact?.email
            ? {
                within: (tx, created) =>
                  insertContact(tx, {
                    workOrderId: created.id,
                    jurisdictionId: created.jurisdictionId,
                    wechatOpenidEnc: body.contact?.wechatOpenId ? sealPersonal(ctx.config.secretKey, body.contact.wechatOpenId) : null,
                    emailEnc: body.contact?.email ? sealPersonal(ctx.config.secretKey, body.contact.email) : null,
                  }),
              }
            : {}),
        },
      );
      return reply.status(201).send({ code: order.code, status: order.status, dueAt: order.dueAt });
    },
  );

  r.get(
    '/public/work-orders/track',
    { schema: { tags: ['work-orders'], summary: 'Track an order by its ticket code and the last 4 digits of the phone given', querystring: trackQuery, response: { 200: trackResponse } } },
    async (request) => {
      limit(trackLimiter, request.ip);
      const q = request.query;
      return trackWorkOrder(ctx, q.jurisdictionId, q.code, q.phoneLast4);
    },
  );

  r.post(
    '/public/work-orders/rating',
    { schema: { tags: ['work-orders'], summary: 'Rate an answered or closed order (满意 / 基本满意 / 不满意)', body: publicRateBody, response: { 200: trackResponse } } },
    async (request) => {
      limit(trackLimiter, request.ip);
      const b = request.body;
      return rateByTracking(ctx, caller(request), { jurisdictionId: b.jurisdictionId, code: b.code, phoneLast4: b.phoneLast4, rating: b.rating, ...(b.comment ? { comment: b.comment } : {}) });
    },
  );

  r.get(
    '/work-orders',
    { preHandler: requirePermission('work_order.read'), schema: { tags: ['work-orders'], summary: 'Orders in my scope, filtered; newest first or soonest due first (keyset paging)', querystring: listQuery, response: { 200: listResponse } } },
    async (request) => {
      const q = request.query;
      return listWorkOrders(ctx, principalOf(request), {
        filters: listFilters(q),
        q: q.q,
        mine: q.mine,
        sort: q.sort,
        limit: q.limit,
        cursor: q.cursor,
      });
    },
  );

  const listFilters = (q: {
    status?: string[]; channel?: string[]; requestType?: string[]; urgency?: string[]; category?: string; departmentId?: string; district?: string; grid?: string;
    from?: string; to?: string; overdue?: boolean; supervised?: boolean; warned?: boolean; closedFrom?: string; closedTo?: string; open?: boolean; extensionPending?: boolean; contactable?: boolean;
  }) => ({
    statuses: q.status,
    channels: q.channel,
    requestTypes: q.requestType,
    urgencies: q.urgency,
    categoryPrefix: q.category,
    departmentId: q.departmentId,
    districtCode: q.district,
    gridPrefix: q.grid,
    createdFrom: q.from ? new Date(q.from) : undefined,
    createdTo: q.to ? new Date(q.to) : undefined,
    overdue: q.overdue,
    supervised: q.supervised,
    warned: q.warned,
    closedFrom: q.closedFrom ? new Date(q.closedFrom) : undefined,
    closedTo: q.closedTo ? new Date(q.closedTo) : undefined,
    open: q.open,
    extensionPending: q.extensionPending,
    contactable: q.contactable,
  });

  r.get(
    '/work-orders/stats',
    { preHandler: requirePermission('work_order.stats'), schema: { tags: ['work-orders'], summary: 'Counts and rates (按期办结率, 满意率, 响应率 …) for a period in my scope, optionally grouped', querystring: statsQuery, response: { 200: statsResponse } } },
    async (request) => {
      const q = request.query;
      return workOrderStats(ctx.db, principalOf(request), { from: new Date(q.from), to: new Date(q.to), groupBy: q.groupBy ?? [] });
    },
  );

  r.get(
    '/work-orders/overview',
    {
      preHandler: requirePermission('work_order.read'),
      schema: {
        tags: ['work-orders'],
        summary: "Today's figures in my scope (今日受理, 在办, 待派遣, 超期, 督办, 临期, 今日办结; 北京时间), the last 30 days' 按期办结率 and 满意率, open and overdue orders by district",
        response: { 200: overviewResponse },
      },
    },
    async (request) => workOrderOverview(ctx.db, principalOf(request)),
  );

  r.get(
    '/work-orders/export',
    { preHandler: requirePermission('work_order.export'), schema: { tags: ['work-orders'], summary: 'CSV or XLSX of the orders I may see with these filters (reporters masked; audited)', querystring: exportQuery } },
    async (request, reply) => {
      const q = request.query;
      const result = await exportWorkOrders(ctx, { ...caller(request), principal: principalOf(request) }, { filters: listFilters(q), q: q.q, format: q.format, locale: pickLocale(request.headers['accept-language']) });
      return reply
        .header('content-type', result.contentType)
        .header('content-disposition', `attachment; filename="${result.filename}"`)
        .header('x-export-rows', String(result.rows))
        .header('x-export-truncated', String(result.truncated))
        .send(result.body);
    },
  );

  r.get(
    '/work-orders/callers',
    { preHandler: requirePermission('work_order.caller_history'), schema: { tags: ['work-orders'], summary: "A caller's earlier orders by phone number (来电历史); audited", querystring: callerQuery, response: { 200: callerHistoryResponse } } },
    async (request) => {
      const c = caller(request);
      return { items: await callerHistory(ctx, { ...c, principal: principalOf(request) }, request.query.phone, request.query.limit), nextCursor: null };
    },
  );

  r.get('/work-orders/:id', { preHandler: requirePermission('work_order.read'), schema: { tags: ['work-orders'], params: idParams, response: { 200: orderResponse } } }, async (request) => ({
    order: await getWorkOrder(ctx, principalOf(request), request.params.id),
  }));

  r.get(
    '/work-orders/dispatch-suggestions',
    {
      preHandler: requirePermission('responsibility_rule.preview'),
      schema: {
        tags: ['work-orders'],
        summary: "The dispatcher board's suggestions for a page of orders: category (classifier), department (responsibility list), number of duplicate candidates",
        querystring: dispatchSuggestionsQuery,
        response: { 200: dispatchSuggestionsResponse },
      },
    },
    async (request) => ({ items: await dispatchSuggestions(ctx, principalOf(request), request.query.ids) }),
  );

  r.get(
    '/work-orders/:id/duplicates',
    { preHandler: requirePermission('work_order.read'), schema: { tags: ['work-orders'], summary: 'Open orders of the same category nearby within the time window (duplicate candidates)', params: idParams, querystring: duplicatesQuery, response: { 200: duplicatesResponse } } },
    async (request) => ({
      items: await duplicateCandidates(ctx, principalOf(request), request.params.id, {
        ...(request.query.radius !== undefined ? { radiusM: request.query.radius } : {}),
        ...(request.query.hours !== undefined ? { hours: request.query.hours } : {}),
      }),
    }),
  );

  r.get(
    '/work-orders/:id/reporter',
    { preHandler: requirePermission('work_order.reveal_reporter'), schema: { tags: ['work-orders'], summary: "The reporter's name and phone unmasked, for a stated purpose (audited)", params: idParams, querystring: revealQuery, response: { 200: revealResponse } } },
    async (request) => revealReporter(ctx, { ...caller(request), principal: principalOf(request) }, request.params.id, request.query.purpose),
  );

  r.post(
    '/work-orders/:id/actions',
    { preHandler: requirePermission('work_order.act'), schema: { tags: ['work-orders'], summary: 'Take a lifecycle action (受理, 派遣, 签收, 处置, 反馈, 核查, 结案, 评价, 退单, 延期, 挂起, 督办 …)', params: idParams, body: transitionBody, response: { 200: orderResponse } } },
    async (request) => {
      const p = principalOf(request);
      const order = await transitionWorkOrder(ctx, { jurisdictionId: p.jurisdictionId, id: request.params.id, expectedVersion: request.body.version }, request.body.action as Action, caller(request));
      return { order };
    },
  );
}
