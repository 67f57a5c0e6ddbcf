/** Request and response shapes of the work-order endpoints. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';
import { RATINGS, REQUEST_TYPES, STATUSES, type ActionType } from './lifecycle.js';
import { URGENCIES } from './sla.js';
import { REVEAL_PURPOSES } from './work-orders.policy.js';
import { CHANNELS, MAX_DESCRIPTION } from './work-orders.service.js';
import { STAT_GROUPS } from './stats.js';
import { OVERVIEW_FIGURES, type OverviewFigure } from './overview.js';
import { departmentSuggestion } from './responsibility.schema.js';
import { MAX_SUGGESTION_IDS } from './dispatch-suggestions.js';

const categoryCode = z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)*$/, check('category_code_component')).max(100);
const note = z.string().trim().max(2000);
const photos = z.array(uuid).max(9).optional();

const reporter = z.strictObject({
  name: z.string().trim().max(50).nullish(),
  phone: z.string().trim().max(30).nullish(),
});

const location = z.strictObject({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });

const createFields = {
  requestType: z.enum(REQUEST_TYPES),
  categoryCode: categoryCode.nullish(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(MAX_DESCRIPTION),
  location: location.nullish(),
  address: z.string().trim().max(500).nullish(),
  urgency: z.enum(URGENCIES).default('normal'),
  attachmentIds: photos,
};

export const createBody = z.strictObject({
  ...createFields,
  channel: z.enum(CHANNELS).optional().describe('Defaults by role: hotline for agents, inspector for inspectors, api for API keys'),
  districtCode: z.string().regex(/^[0-9]{6}$/).nullish().describe('Only for orders without a point'),
  componentCode: z.string().regex(/^[0-9]{16}$/).nullish(),
  reporter: reporter.nullish(),
});

export const publicCreateBody = z.strictObject({
  ...createFields,
  jurisdictionId: z.string().min(1).max(100),
  channel: z.enum(['web', 'mobile', 'wechat']).default('web'),
  reporter: reporter.nullish().describe('Omit (or send null) to report anonymously'),
  contact: z
    .strictObject({
      wechatOpenId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, check('wechat_openid')).nullish(),
      email: z.string().trim().max(254).pipe(z.email()).nullish(),
    })
    .nullish()
    .describe('Where to send progress messages instead of SMS: the WeChat openid (公众号 page) or an e-mail address'),
});

const departmentRef = z.object({ id: z.string(), nameZh: z.string().nullable(), nameEn: z.string().nullable() }).nullable();

const summary = z.object({
  id: z.string(),
  code: z.string(),
  channel: z.string(),
  requestType: z.string(),
  categoryCode: z.string().nullable(),
  title: z.string(),
  address: z.string().nullable(),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  gridCode: z.string().nullable(),
  districtCode: z.string().nullable(),
  urgency: z.string(),
  status: z.string(),
  department: departmentRef,
  supervised: z.boolean(),
  overdue: z.boolean(),
  warned: z.boolean(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  signDueAt: z.string().nullable(),
  signOverdue: z.boolean(),
  closedAt: z.string().nullable(),
  parentId: z.string().nullable(),
  rating: z.string().nullable(),
  ratingDefault: z.boolean().describe('默认满意: rated satisfied by the system, as nobody rated it within the rating period'),
  reworkCount: z.number().describe('Times a department had to do it again after a failed 核查 (返工)'),
  returnCount: z.number().describe('Times a department returned it as not theirs (退单)'),
  reopenCount: z.number().describe('Times it was handled again after an unsatisfied rating (重新办理)'),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const timelineView = z.object({
  id: z.number(),
  at: z.string(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorName: z.string().nullable().describe("The acting user's display name (staff viewers only)"),
  note: z.string().nullable(),
  photos: z.array(z.string()),
  data: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const detail = summary.extend({
  jurisdictionId: z.string(),
  description: z.string(),
  componentCode: z.string().nullable(),
  reporter: z.object({ anonymous: z.boolean(), name: z.string().nullable(), phone: z.string().nullable(), self: z.boolean() }),
  extension: z.object({ state: z.string(), days: z.number(), reason: z.string() }).nullable(),
  slaStartedAt: z.string(),
  dispatchedAt: z.string().nullable(),
  timeline: z.array(timelineView),
  suggestion: z.object({ categoryCode: z.string(), confidence: z.number() }).nullable(),
  allowedActions: z.array(z.string()),
});

export const orderResponse = z.object({ order: detail });
export const publicCreateResponse = z.object({
  code: z.string().describe('Ticket code to track the order with (with the last 4 digits of the phone given)'),
  status: z.string(),
  dueAt: z.string().nullable(),
});

export const idParams = z.strictObject({ id: uuid });

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(z.enum(values)));
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuery = z.strictObject({
  status: csv(STATUSES).optional().describe('Comma-separated statuses'),
  channel: csv(CHANNELS).optional(),
  requestType: csv(REQUEST_TYPES).optional(),
  urgency: csv(URGENCIES).optional(),
  category: categoryCode.optional().describe('A category and everything under it'),
  departmentId: uuid.optional(),
  district: z.string().regex(/^[0-9]{6}$/).optional(),
  grid: z.string().regex(/^[0-9]{6,14}$/).optional().describe('A grid code or a prefix of one (street, community)'),
  from: z.iso.datetime({ offset: true }).optional().describe('Created at or after'),
  to: z.iso.datetime({ offset: true }).optional().describe('Created before'),
  overdue: bool.optional(),
  supervised: bool.optional(),
  warned: bool.optional().describe('Past the warning point of the deadline (临期预警; overdue orders are warned too)'),
  closedFrom: z.iso.datetime({ offset: true }).optional().describe('Closed (结案, or answered at intake) at or after'),
  closedTo: z.iso.datetime({ offset: true }).optional().describe('Closed before'),
  open: bool.optional().describe('Only 在办 orders: neither final nor finished (an order under review after an unsatisfied rating is finished, not open)'),
  extensionPending: bool.optional().describe('Only orders whose extension request (延期申请) waits for a decision (true), or none waiting (false)'),
  contactable: bool.optional().describe('Only orders whose reporter left a phone number — who can be called back for 回访 (true) — or none (false)'),
  mine: bool.optional().describe('Residents: only my own reports'),
  q: z.string().trim().min(1).max(200).optional().describe('Chinese full-text search in title, description and address, or a ticket code'),
  sort: z
    .enum(['created', 'due', 'status', 'closed'])
    .default('created')
    .describe('created: newest first; due: soonest deadline first (none last); status: in lifecycle order, newest first within one; closed: finished longest ago first (none last — the 回访 queue)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

/** List rows also carry what the viewer may do with each order now (computed from the row, no extra query). */
export const listResponse = z.object({
  items: z.array(
    summary.extend({
      allowedActions: z.array(z.string()),
      extensionPending: z.boolean(),
      followUpDueAt: z.string().nullable().describe("The follow-up call (回访) deadline of a finished, unrated order: the jurisdiction's working days after closedAt (default 3); null otherwise"),
      reworkReason: z.string().nullable().describe('Of an order sent back for rework (reworkCount > 0): the note of its latest 核查不通过; null otherwise'),
      supervisionNote: z.string().nullable().describe('Of a supervised order: the note of its latest 督办 notice; null otherwise, and for the automatic 督办 at the deadline (no note)'),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const callerHistoryResponse = z.object({ items: z.array(summary), nextCursor: z.string().nullable() });

/** One schema per action: the `type` decides which fields are needed. */
const actionBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('accept'), note: note.optional() }),
  z.strictObject({ type: z.literal('answer'), note }),
  z.strictObject({ type: z.literal('reject'), reason: note }),
  z.strictObject({ type: z.literal('dispatch'), departmentId: uuid, note: note.optional() }),
  z.strictObject({ type: z.literal('sign'), note: note.optional() }),
  z.strictObject({ type: z.literal('return'), reason: note }),
  z.strictObject({ type: z.literal('start'), note: note.optional() }),
  z.strictObject({ type: z.literal('report'), note, photos }),
  z.strictObject({ type: z.literal('verify_pass'), note: note.optional(), photos }),
  z.strictObject({ type: z.literal('verify_fail'), reason: note, photos }),
  z.strictObject({ type: z.literal('close'), note: note.optional() }),
  z.strictObject({ type: z.literal('rate'), rating: z.enum(RATINGS), comment: note.optional() }),
  z.strictObject({ type: z.literal('reopen'), reason: note }),
  z.strictObject({ type: z.literal('uphold'), note }),
  z.strictObject({ type: z.literal('suspend'), reason: note }),
  z.strictObject({ type: z.literal('resume'), note: note.optional() }),
  z.strictObject({ type: z.literal('cancel'), reason: note }),
  z.strictObject({ type: z.literal('merge'), parentId: uuid, note: note.optional() }),
  z.strictObject({ type: z.literal('transfer'), peerId: uuid.describe('An active federation peer of the jurisdiction (GET /federation/peers)'), note: note.optional() }),
  z.strictObject({ type: z.literal('supervise'), note }),
  z.strictObject({ type: z.literal('request_extension'), days: z.number().int(), reason: note }),
  z.strictObject({ type: z.literal('approve_extension'), note: note.optional() }),
  z.strictObject({ type: z.literal('deny_extension'), reason: note }),
]);

export const transitionBody = z.strictObject({
  version: z.number().int().min(1).describe('The version the client last saw; a stale one is a 409 with the current order'),
  action: actionBody,
});

// The schema must offer every lifecycle action and no other (fails to compile when they drift apart).
type SchemaActions = z.infer<typeof actionBody>['type'];
type Drift = Exclude<ActionType, SchemaActions> | Exclude<SchemaActions, ActionType>;
export const ACTIONS_IN_STEP: [Drift] extends [never] ? true : never = true;

export const revealQuery = z.strictObject({ purpose: z.enum(REVEAL_PURPOSES) });
export const revealResponse = z.object({ name: z.string().nullable(), phone: z.string().nullable() });

export const callerQuery = z.strictObject({ phone: z.string().trim().min(5).max(30), limit: z.coerce.number().int().min(1).max(100).default(20) });

export const duplicatesQuery = z.strictObject({
  radius: z.coerce.number().min(1).max(1000).optional().describe('Metres (default: the jurisdiction setting, 50)'),
  hours: z.coerce.number().int().min(1).max(24 * 30).optional().describe('Hours before the order (default: the jurisdiction setting, 72)'),
});
export const dispatchSuggestionsQuery = z.strictObject({
  ids: z
    .string()
    .transform((v) => [...new Set(v.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(uuid).min(1).max(MAX_SUGGESTION_IDS))
    .describe(`Order ids, comma-separated (at most ${MAX_SUGGESTION_IDS})`),
});
export const dispatchSuggestionsResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      category: z.object({ categoryCode: z.string(), confidence: z.number() }).nullable().describe("The classifier's category, only for an order without one"),
      categoryCode: z.string().nullable().describe("The category the department was suggested for: the order's, else the classifier's"),
      department: departmentSuggestion.nullable(),
      duplicates: z.number().int().describe('Open duplicate candidates the viewer may read (at most 20)'),
    }),
  ),
});
export const duplicatesResponse = z.object({ items: z.array(summary.extend({ distanceM: z.number() })) });

export const trackQuery = z.strictObject({
  jurisdictionId: z.string().min(1).max(100),
  code: z.string().trim().regex(/^[A-Z]{1,4}[0-9]{14}$/, check('ticket_code')),
  phoneLast4: z.string().regex(/^[0-9]{4}$/, check('phone_last4')),
});

export const trackResponse = z.object({
  code: z.string(),
  title: z.string(),
  requestType: z.string(),
  categoryCode: z.string().nullable(),
  status: z.string(),
  parent: z.object({ code: z.string(), status: z.string() }).nullable(),
  createdAt: z.string(),
  dueAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  department: z.object({ nameZh: z.string().nullable(), nameEn: z.string().nullable() }).nullable(),
  rating: z.string().nullable(),
  ratingDefault: z.boolean().describe('默认满意: nobody rated it within the rating period, so it counts as satisfied'),
  canRate: z.boolean(),
  timeline: z.array(z.object({ at: z.string(), action: z.string(), to: z.string(), note: z.string().nullable() })),
});

export const publicRateBody = z.strictObject({
  jurisdictionId: z.string().min(1).max(100),
  code: trackQuery.shape.code,
  phoneLast4: trackQuery.shape.phoneLast4,
  rating: z.enum(RATINGS),
  comment: z.string().trim().max(500).optional(),
});

export const statsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).describe('Orders created at or after'),
  to: z.iso.datetime({ offset: true }).describe('Orders created before (at most 366 days after from)'),
  groupBy: z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(z.enum(STAT_GROUPS)))
    .optional()
    .describe(`Comma-separated: ${STAT_GROUPS.join(', ')}`),
});

const rate = z.number().nullable();
const statsGroupRow = z.object({ key: z.string().nullable(), label: z.string().nullable(), total: z.number(), closed: z.number(), closedOnTime: z.number(), onTimeRate: rate, overdue: z.number(), satisfactionRate: rate });
export const statsResponse = z.object({
  summary: z.object({
    total: z.number(),
    open: z.number(),
    closed: z.number(),
    closedOnTime: z.number(),
    onTimeRate: rate,
    overdue: z.number(),
    responded: z.number(),
    responseRate: rate,
    dispatched: z.number(),
    signedOnTime: z.number(),
    signOnTimeRate: rate,
    rated: z.number(),
    satisfied: z.number(),
    basically: z.number(),
    unsatisfied: z.number(),
    defaultRated: z.number().describe('默认满意: of the satisfied, rated by the system as nobody rated within the rating period'),
    satisfactionRate: rate,
    ratedRate: rate,
    avgCloseHours: z.number().nullable(),
  }),
  groups: z.record(z.string(), z.array(statsGroupRow)),
});

export const exportQuery = listQuery.omit({ sort: true, limit: true, cursor: true, mine: true }).extend({ format: z.enum(['csv', 'xlsx']).default('csv') });

const figureCounts = z.object(Object.fromEntries(OVERVIEW_FIGURES.map((f) => [f, z.number().int()])) as Record<OverviewFigure, z.ZodNumber>);
export const overviewResponse = z.object({
  asOf: z.string(),
  today: z.object({ day: z.string().describe('YYYY-MM-DD, 北京时间'), from: z.string(), to: z.string() }),
  period: z.object({ from: z.string(), to: z.string(), days: z.number().int() }).describe('The rates: orders created on these days (北京时间, both inclusive)'),
  counts: figureCounts.describe('Each the count of GET /work-orders with the filters overview.ts gives it'),
  rates: z.object({ total: z.number(), closed: z.number(), closedOnTime: z.number(), onTimeRate: rate, rated: z.number(), satisfactionRate: rate }),
  districts: z.array(z.object({ code: z.string().nullable(), open: z.number(), overdue: z.number() })),
});
