/** Request and response shapes of the performance endpoints. */
import { z } from 'zod';
import { COUNT_KEYS, RATE_KEYS } from './formulas.js';
import { DIMENSIONS, HOTSPOT_LEVELS } from './performance.repo.js';
import { INTERVALS } from './performance.service.js';

const instant = z.iso.datetime({ offset: true });
const code12 = /^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$/;

/** The period and the narrowing shared by every read. */
const periodFields = {
  from: instant.describe('Orders created at or after'),
  to: instant.describe('Orders created before (at most 366 days after from)'),
  asOf: instant.optional().describe('Evaluation instant (default: the earlier of `to` and now); later timeline entries are ignored'),
  scheme: z.string().max(48).optional().describe('Scoring scheme: `jinniu`, `key` (latest version) or `key@version`; default: the jurisdiction default'),
  departmentId: z.uuid().optional().describe('Only orders of this department and its subtree'),
  district: z.string().regex(/^[0-9]{6}$/).optional(),
  street: z.string().regex(/^[0-9]{9}$/).optional(),
  grid: z.string().regex(code12).optional().describe('A grid code or a prefix of one (county, street, community)'),
  category: z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)*$/).max(64).optional().describe('A category and its subtree'),
  inspector: z.uuid().optional().describe('Orders this inspector acted on'),
  dispatcher: z.uuid().optional().describe('Orders this dispatcher acted on'),
  agent: z.uuid().optional().describe('Orders this agent acted on'),
};

export const rankingQuery = z.strictObject({ ...periodFields, dimension: z.enum(DIMENSIONS) });
export const ordersQuery = z.strictObject({
  ...periodFields,
  count: z.enum(COUNT_KEYS).describe('The count whose orders to list'),
  within: z.enum(COUNT_KEYS).optional().describe('List orders in this count but not in `count` (e.g. count=handled&within=toHandle: not handled)'),
  dimension: z.enum(DIMENSIONS).optional(),
  key: z.string().min(1).max(64).optional().describe("The row's key in that dimension"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const trendQuery = z.strictObject({ ...periodFields, interval: z.enum(INTERVALS).default('day') });
export const hotspotsQuery = z.strictObject({
  from: instant,
  to: instant,
  level: z.enum(HOTSPOT_LEVELS).default('grid'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  departmentId: periodFields.departmentId,
  district: periodFields.district,
  street: periodFields.street,
  grid: periodFields.grid,
  category: periodFields.category,
});

const counts = z.object(Object.fromEntries(COUNT_KEYS.map((k) => [k, z.number().int()])) as Record<(typeof COUNT_KEYS)[number], z.ZodNumber>);
const rates = z.object(Object.fromEntries(RATE_KEYS.map((k) => [k, z.number().nullable()])) as Record<(typeof RATE_KEYS)[number], z.ZodNullable<z.ZodNumber>>);
const label = z.object({ zh: z.string(), en: z.string() });
const term = z.object({ rate: z.enum(RATE_KEYS), weight: z.number(), invert: z.boolean(), value: z.number().nullable(), points: z.number().nullable() });
const evaluated = { counts, rates, score: z.number().nullable(), grade: z.string().nullable(), terms: z.array(term) };
const period = z.object({ from: z.string(), to: z.string(), asOf: z.string() });

export const schemeDefinition = z.strictObject({
  terms: z.array(z.strictObject({ rate: z.enum(RATE_KEYS), weight: z.number().positive().max(100), invert: z.boolean() })).min(1).max(RATE_KEYS.length),
  grades: z.array(z.strictObject({ grade: z.string().min(1).max(8), min: z.number().min(0).max(100) })).min(1).max(10),
  limits: z.strictObject({ verifyHours: z.number().positive().max(720), checkHours: z.number().positive().max(720) }),
});
export const schemeView = z.object({ key: z.string(), version: z.number().int(), nameZh: z.string(), nameEn: z.string(), definition: schemeDefinition, isDefault: z.boolean(), builtIn: z.boolean(), createdAt: z.string().nullable() });
export const schemesResponse = z.object({ items: z.array(schemeView) });
export const createSchemeBody = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/).describe('Saving under an existing key adds its next version'),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  definition: schemeDefinition,
  isDefault: z.boolean().default(false),
});

export const rankingResponse = z.object({
  period,
  scheme: schemeView,
  dimension: z.enum(DIMENSIONS),
  overall: z.object(evaluated),
  rows: z.array(z.object({ key: z.string(), label, rank: z.number().int().nullable(), ...evaluated })),
});
export const ordersResponse = z.object({
  period,
  count: z.enum(COUNT_KEYS),
  total: z.number().int(),
  items: z.array(z.object({ id: z.string(), code: z.string(), title: z.string(), status: z.string(), createdAt: z.string(), dueAt: z.string().nullable() })),
});
export const trendResponse = z.object({
  period,
  scheme: schemeView,
  interval: z.enum(INTERVALS),
  points: z.array(z.object({ from: z.string(), to: z.string(), label: z.string(), ...evaluated })),
});
const change = { count: z.number().int(), previous: z.number().int(), change: z.number().int() };
export const hotspotsResponse = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  previous: z.object({ from: z.string(), to: z.string() }),
  level: z.enum(HOTSPOT_LEVELS),
  total: z.number().int(),
  previousTotal: z.number().int(),
  top: z.array(z.object({ key: z.string(), label, ...change, changeRate: z.number().nullable(), topCategory: z.object({ code: z.string(), label, count: z.number().int() }).nullable() })),
  points: z.array(z.object({ code: z.string(), name: z.string(), lng: z.number(), lat: z.number(), count: z.number().int() })),
  categories: z.array(z.object({ code: z.string(), label, ...change })),
});
