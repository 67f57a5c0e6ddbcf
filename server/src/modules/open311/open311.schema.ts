/** Zod schemas of the Open311 routes (for validation and OpenAPI). Open311 fields stay loose: the mappers read them. */
import { z } from 'zod';

/** A query or form field: once, or repeated. */
const field = z.union([z.string(), z.array(z.string())]).optional();

export const formatParams = z.object({ format: z.enum(['xml', 'json']).describe('Response format') });
export const fileParams = z.object({ file: z.string().min(1).max(200).describe('The id or code followed by .xml or .json') });

export const jurisdictionQuery = z.looseObject({
  jurisdiction_id: field.describe('Jurisdiction (e.g. chengdu.gov.cn); required only when the server hosts several; empty = absent'),
  locale: field.describe('zh-CN (default) or en; Accept-Language otherwise'),
});

export const requestsQuery = z.looseObject({
  jurisdiction_id: field,
  service_request_id: field.describe('Comma-separated request ids; overrides every other filter'),
  service_code: field.describe('Comma-separated service codes (a code also selects its subtree)'),
  start_date: field.describe('W3C datetime; window at most 90 days; default the last 90 days'),
  end_date: field,
  status: field.describe('open or closed (comma-separated)'),
  page: field.describe('Extension: page number (1-based)'),
  page_size: field.describe('Extension: page size, at most 500 (default 100 when paging; 1,000 without paging)'),
  updated_after: field.describe('Extension: updated strictly after this datetime'),
  updated_before: field.describe('Extension: updated strictly before this datetime'),
  q: field.describe('Extension: full-text search (Chinese word segmentation)'),
  bbox: field.describe('Extension: minLng,minLat,maxLng,maxLat (WGS84)'),
  extensions: field.describe('Extension: true adds extended_attributes and notes'),
  locale: field,
});

export const updatesQuery = z.looseObject({
  jurisdiction_id: field,
  start_date: field.describe('W3C datetime; window at most 90 days; default the last 90 days'),
  end_date: field,
});

/** POST requests: form-encoded (what clients send) or JSON; attribute[CODE] / attribute[CODE][] as extra keys. */
export const postRequestBody = z
  .looseObject({
    api_key: field.describe('API key with the open311.submit scope (or the X-Api-Key header)'),
    jurisdiction_id: field,
    service_code: field,
    lat: field,
    long: field,
    address_string: field,
    address_id: field,
    email: field,
    device_id: field,
    account_id: field,
    first_name: field,
    last_name: field,
    phone: field,
    description: field.describe('At most 4,000 characters, plain text (markup is refused)'),
    media_url: field.describe('One or several http(s) URLs'),
  })
  .describe('Open311 POST Service Request');

export const postUpdateBody = z
  .looseObject({
    api_key: field,
    jurisdiction_id: field,
    service_request_id: field,
    update_id: field.describe("The client's id of this update (a retry with the same id is answered with the same update)"),
    updated_datetime: field,
    status: field.describe('mySociety extended status: open, investigating, action_scheduled, in_progress, fixed, closed, …'),
    description: field,
    media_url: field,
    first_name: field,
    last_name: field,
    email: field,
  })
  .describe('mySociety POST servicerequestupdates');

const attribute = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  variable: z.boolean().default(true),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean().default(false),
  datatypeDescription: z.string().max(500).nullable().default(null),
  order: z.number().int().min(1).max(1000),
  description: z.string().min(1).max(500),
  values: z.array(z.object({ key: z.string().min(1).max(100), name: z.string().min(1).max(200) })).max(200).default([]),
});

export const serviceConfigBody = z.object({
  type: z.enum(['realtime', 'batch']).default('realtime').describe('batch: clients get a token, resolved to the id once the order is reviewed'),
  description: z.string().max(1000).nullable().optional(),
  keywords: z.string().max(500).nullable().optional(),
  serviceNotice: z.string().max(1000).nullable().optional(),
  attributes: z.array(attribute).max(50).default([]),
});

export const serviceConfigResponse = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(['realtime', 'batch']),
  description: z.string().nullable().optional(),
  keywords: z.string().nullable().optional(),
  serviceNotice: z.string().nullable().optional(),
  attributes: z.array(
    z.object({
      code: z.string(),
      variable: z.boolean(),
      datatype: z.string(),
      required: z.boolean(),
      datatypeDescription: z.string().nullable(),
      order: z.number(),
      description: z.string(),
      values: z.array(z.object({ key: z.string(), name: z.string() })),
    }),
  ),
});

export const codeParams = z.object({ code: z.string().min(1).max(64) });

export const serviceListResponse = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      parentCode: z.string().nullable(),
      kind: z.enum(['component', 'event', 'hotline']),
      nameZh: z.string(),
      nameEn: z.string().nullable(),
      exposed: z.boolean().describe('Served as an Open311 service (active, without active children)'),
      reason: z.enum(['inactive', 'group']).nullable().describe('Why not served'),
      type: z.enum(['realtime', 'batch']),
      attributeCount: z.number().int(),
    }),
  ),
});
