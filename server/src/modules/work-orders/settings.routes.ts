/** GET/PUT /work-order-settings: deadlines, auto-dispatch and the duplicate window of my jurisdiction (admin). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './work-orders.policy.js';
import { defaultSettings, loadSettings, settingsBody, slaOverrides, updateSettings, type WorkOrderSettings } from './settings.js';

const duration = z.object({ kind: z.string(), hours: z.number().optional(), days: z.number().optional() });
const settingsView = z.object({
  ticketPrefix: z.string(),
  sla: z.object({
    workingHours: z.object({ periods: z.array(z.object({ start: z.string(), end: z.string() })) }),
    byUrgency: z.record(z.string(), duration),
    byCategory: z.array(z.object({ categoryPrefix: z.string(), duration })),
    byRequestType: z.record(z.string(), duration).optional(),
    signFor: duration,
    followUpDays: z.number().describe('Working days after 办结 within which the resident is called back (回访)'),
    defaultRatingDays: z.number().nullable().describe('默认满意: working days after 办结 after which an unrated order counts as 满意; null: off'),
    warnRatio: z.number(),
  }).describe('The effective deadlines (defaults with the overrides applied)'),
  slaOverrides: slaOverrides.nullable(),
  autoDispatch: z.boolean(),
  autoDispatchConfidence: z.number(),
  duplicateRadiusM: z.number(),
  duplicateHours: z.number(),
  version: z.number(),
});
const response = z.object({
  settings: settingsView,
  defaults: settingsView.omit({ slaOverrides: true, version: true }).describe('Every value while nothing is overridden, to show beside the effective one'),
});

/** A plain copy (the effective SLA shares the defaults' readonly arrays). */
const view = (s: WorkOrderSettings): z.infer<typeof response> => JSON.parse(JSON.stringify({ settings: s, defaults: defaultSettings() })) as z.infer<typeof response>;

export function settingsRoutes(app: FastifyInstance, ctx: Pick<AppContext, 'db' | 'outbox'>): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const guard = { preHandler: requirePermission('work_order.settings') };
  r.get('/work-order-settings', { ...guard, schema: { tags: ['work-orders'], summary: 'Work-order settings of my jurisdiction', response: { 200: response } } }, async (request) =>
    view(await loadSettings(ctx.db, principalOf(request).jurisdictionId)),
  );
  r.put(
    '/work-order-settings',
    { ...guard, schema: { tags: ['work-orders'], summary: 'Change deadlines (SLA), office hours, auto-dispatch or the duplicate window (versioned, audited)', body: settingsBody, response: { 200: response } } },
    async (request) => view(await updateSettings(ctx, principalOf(request).jurisdictionId, request.body, { actor: actorOf(request), request: requestMeta(request) })),
  );
}
