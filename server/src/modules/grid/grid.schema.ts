/** Request and response shapes for the grid endpoints. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';

const gridCode = z.string().regex(/^[0-9]{12}(0[1-9]|[1-9][0-9])$/, check('grid_code_14'));
const coordinate = (min: number, max: number) => z.coerce.number().refine((n) => Number.isFinite(n) && n >= min && n <= max, check('between', { min, max }));

export const codeParams = z.strictObject({ code: gridCode });

export const locateQuery = z.strictObject({ lat: coordinate(-90, 90), lng: coordinate(-180, 180) });

const named = z.object({ code: z.string(), name: z.string() });
const person = z.object({ id: z.string(), name: z.string() });

export const locateResponse = z.object({
  grid: z.object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    community: named,
    street: named,
    district: named,
    inspectors: z.array(person),
    departments: z.array(person),
  }),
});

export const listQuery = z.strictObject({
  prefix: z.string().regex(/^[0-9]{1,14}$/, check('grid_code_digits')).optional(),
  q: z.string().trim().min(1).max(50).optional().describe('a code prefix or part of the name'),
  after: z.string().regex(/^[0-9]{1,14}$/, check('grid_code')).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  withGeometry: z.enum(['true', 'false']).default('false'),
});

export const listResponse = z.object({
  items: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), communityCode: z.string(), geometry: z.unknown().optional() })),
  next: z.string().nullable(),
});

const unit = z.object({ code: z.string(), name: z.string().nullable() });

export const gridResponse = z.object({
  grid: z.object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    communityCode: z.string(),
    community: unit,
    street: unit,
    district: unit,
    areaM2: z.number(),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    inspectors: z.array(person),
    departments: z.array(person),
  }),
});

const finite = (s: string) => Number(s);
export const shapesQuery = z.strictObject({
  bbox: z
    .string()
    .regex(/^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$/, check('bbox'))
    .transform((s) => s.split(',').map(finite) as [number, number, number, number])
    .refine(([w, s, e, n]) => [w, s, e, n].every(Number.isFinite) && w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n, check('bbox_order')),
});

export const shapesResponse = z.object({
  type: z.literal('FeatureCollection'),
  truncated: z.boolean(),
  features: z.array(z.object({ type: z.literal('Feature'), geometry: z.unknown(), properties: z.object({ code: z.string(), name: z.string(), communityCode: z.string() }) })),
});

export const unitsQuery = z.strictObject({
  parent: z.string().regex(/^[0-9]{6}([0-9]{3})?$/, check('district_or_street_code')).optional(),
});

export const unitsResponse = z.object({
  items: z.array(z.object({ code: z.string(), level: z.enum(['district', 'street', 'community']), name: z.string(), grids: z.number() })),
});

export const responsibleBody = z.strictObject({
  inspectorIds: z.array(uuid).max(100),
  departmentIds: z.array(uuid).max(100),
});

const fieldName = z.string().min(1).max(64);

export const importBody = z
  .strictObject({
    geojson: z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).max(200_000) }).optional(),
    shapefileZip: z.base64().optional().describe('instead of geojson: a .zip holding one Shapefile (.shp, .dbf, .prj, .cpg), base64'),
    dryRun: z.boolean().default(false),
    skipRejected: z.boolean().default(false),
    checks: z.enum(['full', 'validity']).default('full'),
    toleranceM2: z.number().min(0).max(1_000_000).default(1),
    codeField: fieldName.default('code'),
    communityField: fieldName.default('community_code'),
  })
  .refine((b) => (b.geojson === undefined) !== (b.shapefileZip === undefined), check('geojson_or_shapefile'));

export const importResponse = z.object({
  report: z.object({
    applied: z.boolean(),
    dryRun: z.boolean(),
    total: z.number(),
    accepted: z.number(),
    rejectedCount: z.number(),
    rejected: z.array(z.object({ index: z.number(), reason: z.string(), message: z.string(), detail: z.string().optional() })),
    unchanged: z.number(),
    inserted: z.number(),
    updated: z.number(),
    removed: z.number(),
    wouldRemove: z.number(),
    version: z.number().nullable(),
    checks: z.string(),
    toleranceM2: z.number(),
    overlaps: z.object({ count: z.number(), items: z.array(z.object({ a: z.number(), b: z.number(), codes: z.tuple([z.string(), z.string()]), areaM2: z.number() })) }),
    gaps: z.object({ count: z.number(), items: z.array(z.object({ district: z.string(), lng: z.number(), lat: z.number(), areaM2: z.number() })) }),
    outside: z.object({ checked: z.boolean(), count: z.number(), items: z.array(z.object({ index: z.number(), code: z.string(), areaM2: z.number() })) }),
    durationMs: z.number(),
  }),
});
