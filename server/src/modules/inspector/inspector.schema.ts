/** Request and response shapes of the inspector endpoints. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';
import { MAX_DESCRIPTION, URGENCIES } from '../work-orders/index.js';
import { OUTCOMES, TASK_KINDS } from './tasks.js';

const photoIds = z.array(uuid).min(1).max(9).describe('Photos uploaded beforehand (POST /attachments) by the same inspector');
const point = { lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) };
const position = z.strictObject({ ...point, accuracyM: z.number().min(0).max(100_000).nullish().describe('GPS accuracy radius in metres') });
const actedAt = z.iso.datetime({ offset: true }).optional().describe('When the inspector acted on the device (a result queued offline is sent later)');

export const idParams = z.strictObject({ id: uuid });

const locationView = z.object(point).nullable();

const resultView = z.object({
  id: z.string(),
  outcome: z.enum(OUTCOMES),
  doneAt: z.string(),
  actedAt: z.string(),
  onTime: z.boolean(),
  position: z.object({ ...point, accuracyM: z.number().nullable() }).nullable(),
  distanceM: z.number().nullable().describe("Metres between where the inspector stood and the order's point"),
});

const taskView = z.object({
  kind: z.enum(TASK_KINDS).describe('verify = 核实 a new report; check = 核查 a handled order'),
  state: z.enum(['open', 'done']),
  since: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  order: z.object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    requestType: z.string(),
    categoryCode: z.string().nullable(),
    category: z.object({ zh: z.string(), en: z.string().nullable() }).nullable(),
    channel: z.string().nullable(),
    urgency: z.string().nullable(),
    address: z.string().nullable(),
    gridCode: z.string().nullable(),
    status: z.string(),
    version: z.number().int(),
    location: locationView,
    photos: z.array(z.string()),
  }),
  result: resultView.nullable(),
});

export const tasksResponse = z.object({
  now: z.string(),
  limits: z.object({ verifyHours: z.number(), checkHours: z.number() }),
  items: z.array(taskView),
});

export const gridsResponse = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), geometry: z.unknown() })),
});

export const resultBody = z.strictObject({
  version: z.number().int().min(1).describe("The order's version when the inspector looked at it"),
  outcome: z.enum(OUTCOMES).describe('核实: confirmed (立案) or not_real; 核查: pass or fail (返工)'),
  note: z.string().trim().max(2000).nullish(),
  photoIds,
  position: position.nullish(),
  actedAt,
});

export const resultResponse = z.object({
  replayed: z.boolean(),
  result: resultView.extend({ kind: z.enum(TASK_KINDS) }),
  order: z.object({ id: z.string(), code: z.string(), status: z.string(), version: z.number().int() }),
});

export const reportBody = z.strictObject({
  requestType: z.enum(['component', 'event']).default('event'),
  categoryCode: z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)*$/, check('category_code_component')).max(100).nullish(),
  title: z.string().trim().max(200).nullish(),
  description: z.string().trim().min(1).max(MAX_DESCRIPTION),
  location: z.strictObject(point),
  address: z.string().trim().max(500).nullish(),
  urgency: z.enum(URGENCIES).optional(),
  photoIds,
  actedAt,
});

export const reportResponse = z.object({
  replayed: z.boolean(),
  registered: z.boolean().describe('立案 at once (false outside my grids: the order waits for intake)'),
  order: z.object({ id: z.string(), code: z.string(), status: z.string(), version: z.number().int(), gridCode: z.string().nullable() }),
});
