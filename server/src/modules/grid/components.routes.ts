/** /component-classes and /components: the class table and the inventory of city components (部件). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { pickLocale } from '../../shared/i18n.js';
import { importComponents } from './components-import.js';
import { getComponentSettings, setComponentSettings } from './components-links.js';
import { replyNdjson } from './ndjson-reply.js';
import './grid.policy.js';
import {
  classesResponse,
  classResponse,
  componentCodeParams,
  componentDetailResponse,
  componentResponse,
  componentsQuery,
  componentsResponse,
  createClassBody,
  createComponentBody,
  importComponentsBody,
  mapQuery,
  mapResponse,
  seedResponse,
  settingsBody,
  settingsResponse,
  statusBody,
} from './components.schema.js';
import {
  createComponent,
  componentMapPoints,
  createComponentClass,
  getComponent,
  listComponentClasses,
  listComponents,
  seedStandardComponentClasses,
  setComponentStatus,
  type ComponentContext,
} from './components.service.js';

/** An inventory file travels as text inside JSON; bounded. */
const IMPORT_BODY_LIMIT = 48 * 1024 * 1024;

export function componentRoutes(app: FastifyInstance, ctx: ComponentContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('component.read') };
  const manage = { preHandler: requirePermission('component.manage') };
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get('/component-classes', { ...read, schema: { tags: ['components'], summary: 'The component class table (classes and subclasses)', response: { 200: classesResponse } } }, async (request) => ({
    items: await listComponentClasses(ctx, principalOf(request)),
  }));

  r.post(
    '/component-classes',
    { ...manage, schema: { tags: ['components'], summary: 'Add a local class or subclass (e.g. 21xx)', body: createClassBody, response: { 201: classResponse } } },
    async (request, reply) => reply.status(201).send({ class: await createComponentClass(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.post(
    '/component-classes/standard',
    { ...manage, schema: { tags: ['components'], summary: 'Add the standard classes missing from this jurisdiction (idempotent)', response: { 200: seedResponse } } },
    async (request) => ({ added: await seedStandardComponentClasses(ctx, principalOf(request).jurisdictionId, actorOf(request), opts(request)) }),
  );

  r.get('/components', { ...read, schema: { tags: ['components'], summary: 'Components within my scope, by code (keyset paging with `after`)', querystring: componentsQuery, response: { 200: componentsResponse } } }, async (request) => {
    const q = request.query;
    return listComponents(ctx, principalOf(request), { classCode: q.classCode, gridPrefix: q.gridCode, status: q.status, after: q.after, limit: q.limit });
  });

  r.post(
    '/components',
    { ...manage, schema: { tags: ['components'], summary: 'Record a component; its 16-digit code is assigned from the grid at its location', body: createComponentBody, response: { 201: componentResponse } } },
    async (request, reply) => reply.status(201).send({ component: await createComponent(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.get(
    '/components/map',
    { ...read, schema: { tags: ['components'], summary: 'Points of the components within my scope for the map layer (filtered by class and status)', querystring: mapQuery, response: { 200: mapResponse } } },
    async (request) => componentMapPoints(ctx, principalOf(request), request.query),
  );

  r.get('/component-settings', { ...read, schema: { tags: ['components'], summary: 'How far a work order about a component looks for one (metres)', response: { 200: settingsResponse } } }, async (request) =>
    getComponentSettings(ctx, principalOf(request)),
  );

  r.put('/component-settings', { ...manage, schema: { tags: ['components'], body: settingsBody, response: { 200: settingsResponse } } }, async (request) =>
    setComponentSettings(ctx, principalOf(request), request.body, actorOf(request), opts(request)),
  );

  // The answer is NDJSON: {"type":"progress",phase,done,total} lines while the import runs, then one
  // {"type":"report",report} line (or {"type":"error",code,message}). A file that cannot be read at all is a 400.
  r.post(
    '/components/import',
    {
      ...manage,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['components'],
        summary: 'Import components from CSV or GeoJSON; progress and the report stream back as NDJSON. Any rejection changes nothing unless skipRejected.',
        body: importComponentsBody,
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const locale = pickLocale(request.headers['accept-language']);
      const b = request.body;
      return replyNdjson<object>(request, reply, locale, (onProgress) =>
        importComponents(ctx, p.jurisdictionId, { format: b.format, content: b.content }, actorOf(request), { dryRun: b.dryRun, skipRejected: b.skipRejected, locale, onProgress }, opts(request)),
      );
    },
  );

  r.get('/components/:code', { ...read, schema: { tags: ['components'], params: componentCodeParams, response: { 200: componentDetailResponse } } }, async (request) => ({
    component: await getComponent(ctx, principalOf(request), request.params.code),
  }));

  r.post(
    '/components/:code/status',
    { preHandler: requirePermission('component.report'), schema: { tags: ['components'], summary: 'Report a component normal, damaged, missing or under repair', params: componentCodeParams, body: statusBody, response: { 200: componentResponse } } },
    async (request) => ({ component: await setComponentStatus(ctx, principalOf(request), request.params.code, request.body, actorOf(request), opts(request)) }),
  );
}
