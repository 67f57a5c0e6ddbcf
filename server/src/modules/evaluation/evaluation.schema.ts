/** Zod schemas of the evaluation API (inputs strict: unknown fields are refused). */
import { z } from 'zod';
import { AGGREGATIONS, DIRECTIONS, MISSING_POLICIES, PLATFORM_METRICS, VERSION_STATUSES } from '@civicgrid/contracts/evaluation';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const finite = z.number().min(-1e15).max(1e15);

export const normalizationSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('minmax') }),
  z.strictObject({ method: z.literal('zscore') }),
  z.strictObject({ method: z.literal('target'), threshold: finite, target: finite }),
]);

export const nodeSchema = z.strictObject({
  code: z.string().regex(CODE),
  parent: z.string().regex(CODE).nullable(),
  nameZh: z.string().min(1).max(200),
  nameEn: z.string().min(1).max(200),
  weight: z.number().min(0).max(1e6),
  unit: z.string().max(40).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  normalization: normalizationSchema.optional(),
  source: z
    .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('import') }), z.strictObject({ kind: z.literal('platform'), metric: z.enum(PLATFORM_METRICS) })])
    .optional(),
  pairwise: z.array(z.array(z.number().positive().max(1e6)).max(15)).max(15).optional(),
});

export const tierSchema = z.strictObject({ code: z.string().min(1).max(20), minScore: z.number().min(-1e6).max(100), nameZh: z.string().min(1).max(100), nameEn: z.string().min(1).max(100) });

export const settingsSchema = z.strictObject({
  aggregation: z.enum(AGGREGATIONS),
  missing: z.enum(MISSING_POLICIES),
  tiers: z.array(tierSchema).min(1).max(10),
});

export const definitionSchema = z.strictObject({ nodes: z.array(nodeSchema).min(1).max(2000), settings: settingsSchema });

export const createSystemBody = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/),
  nameZh: z.string().min(1).max(200),
  nameEn: z.string().min(1).max(200),
  /** Start from the default 4/11/27 template, or from an explicit definition. */
  template: z.enum(['default']).optional(),
  definition: definitionSchema.optional(),
});

export const idParams = z.strictObject({ id: z.uuid() });
export const versionParams = z.strictObject({ id: z.uuid(), version: z.coerce.number().int().min(1).max(1_000_000) });

/** An XLSX upload, before base64 (the route's body limit is set from it). */
export const MAX_XLSX_BYTES = 16 * 1024 * 1024;

export const importDatasetBody = z.strictObject({
  name: z.string().min(1).max(200),
  /** CSV with a header: code,name,class,province,region, then one column per indicator code. */
  csv: z.string().min(1).max(900_000).optional().describe('CSV text with a header: code,name,class,province,region,<indicator codes…>'),
  /** The same table as the first worksheet of an XLSX workbook, base64-encoded. Exactly one of csv and xlsx. */
  xlsx: z.base64().min(4).max(Math.ceil(MAX_XLSX_BYTES / 3) * 4).optional().describe('Base64 of an XLSX workbook whose first worksheet holds the same table as the CSV; give exactly one of csv and xlsx'),
});

export const createRunBody = z.strictObject({
  systemVersionId: z.uuid(),
  datasetId: z.uuid(),
  previousRunId: z.uuid().optional(),
  sensitivity: z.strictObject({ draws: z.number().int().min(1).max(10_000), seed: z.number().int().min(0).max(2 ** 32 - 1), concentration: z.number().positive().max(1e9) }).optional(),
});

export const runsQuery = z.strictObject({
  /** Only runs of this indicator system (any of its versions). */
  systemId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const datasetsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const resultsQuery = z.strictObject({
  class: z.string().max(100).optional(),
  region: z.string().max(100).optional(),
  tier: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const summary = z.object({ count: z.number(), mean: z.number().nullable(), median: z.number().nullable(), sd: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable(), iqr: z.number().nullable() });

export const versionView = z.object({
  id: z.string(),
  version: z.number(),
  status: z.enum(VERSION_STATUSES),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
});

export const systemView = z.object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string(), versions: z.array(versionView) });
export const systemResponse = z.object({ system: systemView });
export const systemsResponse = z.object({ items: z.array(systemView) });
export const versionResponse = z.object({
  version: versionView.extend({ systemId: z.string(), definition: definitionSchema, ahp: z.array(z.object({ node: z.string(), weights: z.array(z.number()), CR: z.number(), consistent: z.boolean(), mostInconsistent: z.object({ a: z.string(), b: z.string(), judgement: z.number(), implied: z.number() }).nullable() })) }),
});

export const datasetResponse = z.object({
  dataset: z.object({
    id: z.string(),
    name: z.string(),
    synthetic: z.boolean(),
    rowCount: z.number(),
    indicatorCodes: z.array(z.string()),
    rejects: z.array(z.object({ line: z.number(), reasons: z.array(z.string()) })),
    rejectsTruncated: z.boolean(),
  }),
});

export const runView = z.object({
  id: z.string(),
  systemVersionId: z.string(),
  datasetId: z.string(),
  previousRunId: z.string().nullable(),
  createdAt: z.string(),
  settings: z.unknown(),
  summary: z.object({
    entities: z.number(),
    overall: summary,
    byClass: z.record(z.string(), summary),
    byRegion: z.record(z.string(), summary),
    tierCounts: z.record(z.string(), z.number()),
    missingCells: z.number(),
    constantLeaves: z.array(z.string()),
    ahp: z.array(z.unknown()),
    absentIndicators: z.array(z.string()),
  }),
  sensitivity: z.unknown(),
});
export const runResponse = z.object({ run: runView });

const resultView = z.object({
  code: z.string(),
  name: z.string(),
  class: z.string().nullable(),
  province: z.string().nullable(),
  region: z.string().nullable(),
  total: z.number().nullable(),
  rank: z.number(),
  tier: z.string().nullable(),
  coverage: z.number(),
  /** Node code → score 0–100 (leaves: the normalised indicator score). */
  nodeScores: z.record(z.string(), z.number().nullable()),
  /** Indicator code → the value as imported (absent = missing). */
  values: z.record(z.string(), z.number()).describe('Indicator code → raw value as imported; absent = missing'),
  flags: z.unknown(),
});

export const resultsResponse = z.object({ total: z.number(), items: z.array(resultView) });

export const entityParams = z.strictObject({ id: z.uuid(), entity: z.string().min(1).max(64) });

const drillNode = z.object({
  code: z.string(),
  parent: z.string().nullable(),
  depth: z.number(),
  nameZh: z.string(),
  nameEn: z.string(),
  leaf: z.boolean(),
  unit: z.string().nullable(),
  direction: z.enum(DIRECTIONS).nullable(),
  normalization: normalizationSchema.nullable(),
  source: z.unknown(),
  value: z.number().nullable().describe('Leaves: the raw indicator value (null = missing)'),
  missing: z.object({ code: z.string(), handling: z.string(), value: z.number().optional() }).nullable().describe('Leaves: how a missing value was handled (imputed value included)'),
  score: z.number().nullable().describe('Normalised score 0–100 (internal nodes: weighted mean of the children)'),
  weight: z.number().describe('Nominal weight within the parent (siblings sum to 1)'),
  usedWeight: z.number().describe('Weight within the parent renormalised among the siblings scored for this entity'),
  effectiveWeight: z.number().describe('Product of used weights from the root'),
  contribution: z.number().nullable().describe('effectiveWeight × score; leaves sum to the total under weighted_sum'),
});

export const entityResultResponse = z.object({
  result: resultView,
  systemVersionId: z.string(),
  version: z.number(),
  aggregation: z.enum(AGGREGATIONS),
  missingPolicy: z.enum(MISSING_POLICIES),
  nodes: z.array(drillNode),
});

export const runsResponse = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      system: z.object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string() }),
      systemVersionId: z.string(),
      version: z.number(),
      dataset: z.object({ id: z.string(), name: z.string(), synthetic: z.boolean() }),
      previousRunId: z.string().nullable(),
      entities: z.number(),
      /** Monte-Carlo draws of the sensitivity analysis, null when the run has none. */
      draws: z.number().nullable(),
    }),
  ),
});

export const datasetsResponse = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      synthetic: z.boolean(),
      rowCount: z.number(),
      indicatorCount: z.number(),
      rejectedCount: z.number(),
      createdAt: z.string(),
    }),
  ),
});
