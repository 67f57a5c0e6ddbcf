/**
 * The mapping of a historical CSV onto work orders: which columns hold what, the source's time zone, and how its
 * service names, statuses and departments translate into our category tree, lifecycle and department codes. Each
 * built-in format ships one (mappings/<format>.yaml); a --mapping file (JSON or YAML) is laid over it key by key —
 * so a city adds its department codes or corrects a category without copying the rest — or, for `generic`, is the
 * whole mapping. Names are matched ignoring case and surrounding spaces.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import { REQUEST_TYPES } from '../lifecycle.js';
import { isTimeZone } from './zoned-time.js';

export const FORMATS = ['boston', 'nyc', 'sf', 'generic', 'shangluo'] as const;
export type ImportFormat = (typeof FORMATS)[number];

/**
 * Statuses an imported order may have. Those that need more than a history can tell (a rating, a suspension's
 * origin, a parent order, a review) are left out.
 */
export const IMPORT_STATUSES = ['received', 'accepted', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'answered', 'rejected', 'closed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** Statuses that end the order: closed_at is set and the public answer is the closing note. */
export const ENDING_STATUSES: ReadonlySet<ImportStatus> = new Set(['answered', 'rejected', 'closed', 'cancelled']);

const column = z.string().min(1);
const columns = z.union([column, z.array(column).min(1)]);

const mappingSchema = z.strictObject({
  /** Stored with each order beside its original id: (jurisdiction, source, id) is unique. */
  source: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/, 'lower-case letters, digits, _ . - (at most 32)'),
  /** The zone of times written without an offset. */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
  requestType: z.enum(REQUEST_TYPES).default('report'),
  /** The original ids start with the day (YYYYMMDD…): that day stands in for a missing creation time. */
  idStartsWithDate: z.boolean().default(false),
  /** answering-agency: a row without a mapped service takes the 12345 category of the agency that answered. */
  categoryFrom: z.enum(['answering-agency']).optional(),
  columns: z.strictObject({
    id: column,
    openedAt: column,
    closedAt: column.optional(),
    /** Without a status column a row is Closed when it has a closing time or an answer, else Open. */
    status: column.optional(),
    service: column.optional(),
    title: columns.optional(),
    description: columns.optional(),
    address: columns.optional(),
    lat: column.optional(),
    lng: column.optional(),
    /** One column holding "(lat, lng)" (San Francisco's Point). */
    point: column.optional(),
    department: column.optional(),
    answer: column.optional(),
    reporterName: column.optional(),
    reporterPhone: column.optional(),
  }),
  statuses: z.record(z.string(), z.enum(IMPORT_STATUSES)),
  categories: z.record(z.string(), z.string().min(1)).default({}),
  /** For a service the mapping does not name; without it such rows are rejected. */
  defaultCategory: z.string().min(1).nullable().optional(),
  /** Source department → our department code; an unmapped department leaves the order without one. */
  departments: z.record(z.string(), z.string().min(1)).default({}),
});

export type Mapping = z.infer<typeof mappingSchema>;

const MAPPINGS_DIR = new URL('./mappings/', import.meta.url);

export function normalizeKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

function readMappingFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('bad_request', 'work_order.import.mapping_unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  }
  try {
    const value: unknown = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new AppError('bad_request', 'work_order.import.mapping_unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  }
}

const MERGED_KEYS = ['columns', 'statuses', 'categories', 'departments'] as const;

/** The built-in mapping of a format laid under the user's file (objects merged key by key), validated. */
export function loadMapping(format: ImportFormat, mappingFile?: string): { mapping: Mapping; hash: string } {
  const base = format === 'generic' ? {} : readMappingFile(fileURLToPath(new URL(`${format}.yaml`, MAPPINGS_DIR)));
  if (format === 'generic' && !mappingFile) throw new AppError('bad_request', 'work_order.import.mapping_required');
  const own = mappingFile ? readMappingFile(mappingFile) : {};
  const merged: Record<string, unknown> = { ...base, ...own };
  for (const key of MERGED_KEYS) {
    const a = base[key];
    const b = own[key];
    if (isObject(a) && isObject(b)) merged[key] = { ...a, ...b };
  }
  const parsed = mappingSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new AppError('bad_request', 'work_order.import.mapping_invalid', { file: mappingFile ?? `${format}.yaml`, problems });
  }
  const m = parsed.data;
  if ((m.columns.lat === undefined) !== (m.columns.lng === undefined)) {
    throw new AppError('bad_request', 'work_order.import.mapping_invalid', { file: mappingFile ?? `${format}.yaml`, problems: 'columns.lat and columns.lng go together' });
  }
  const mapping: Mapping = {
    ...m,
    statuses: rekey(m.statuses),
    categories: rekey(m.categories),
    departments: rekey(m.departments),
  };
  return { mapping, hash: createHash('sha256').update(JSON.stringify(mapping)).digest('hex') };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function rekey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [normalizeKey(k), v]));
}

/** Every column the mapping reads (the file's header must have them all). */
export function mappedColumns(m: Mapping): string[] {
  const all = Object.values(m.columns).flatMap((c) => (c === undefined ? [] : Array.isArray(c) ? c : [c]));
  return [...new Set(all)];
}
