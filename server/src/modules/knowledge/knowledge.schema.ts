/** Request and response shapes for /knowledge/articles and /public/knowledge. */
import { ARTICLE_SOURCES, ARTICLE_STATUSES } from '@civicgrid/contracts/knowledge';
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';
import { CATEGORY_RE, LIMITS } from './import-csv.js';

export { ARTICLE_SOURCES, ARTICLE_STATUSES };

// No NUL (PostgreSQL text cannot hold it) and no lone surrogates.
// eslint-disable-next-line no-control-regex
const storable = (s: string) => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const text = (max: number) => z.string().trim().min(1).max(max).refine(storable, check('storable'));
// Refinements run even when the pattern failed (zod 4), so the date check must not throw on any string.
const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, check('date')).refine(isCalendarDate, check('calendar_date'));
const category = z.string().max(100).regex(CATEGORY_RE, check('category_code'));
const tags = z.array(text(LIMITS.tag)).max(LIMITS.tags);

export const articleParams = z.strictObject({ id: uuid });

const articleFields = {
  title: text(LIMITS.title),
  question: text(LIMITS.question),
  answer: text(LIMITS.answer),
  categoryCode: category.nullish(),
  agency: text(LIMITS.agency).nullish(),
  tags: tags.optional(),
  validFrom: date.nullish(),
  validTo: date.nullish(),
  internal: z.boolean().optional(),
};

export const createArticleBody = z.strictObject({
  ...articleFields,
  sourceUrl: z.string().max(LIMITS.url).regex(/^https?:\/\/\S+$/i, check('http_url')).nullish(),
  /** Publish at once (default: a draft). */
  publish: z.boolean().optional(),
});

export const updateArticleBody = z.strictObject({
  /** The version the editor started from; a stale one is refused with 409. */
  version: z.number().int().min(1),
  title: articleFields.title.optional(),
  question: articleFields.question.optional(),
  answer: articleFields.answer.optional(),
  categoryCode: articleFields.categoryCode,
  agency: articleFields.agency,
  tags: articleFields.tags,
  validFrom: articleFields.validFrom,
  validTo: articleFields.validTo,
  internal: articleFields.internal,
});

export const statusBody = z.strictObject({ version: z.number().int().min(1).optional() }).optional();
export const usedBody = z.strictObject({ workOrderId: uuid.optional() }).optional();

export const listQuery = z.strictObject({
  q: z.string().max(500).optional(),
  category: category.optional(),
  status: z.enum(ARTICLE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(400).optional(),
});

export const publicQuery = z.strictObject({
  q: z.string().max(200).optional(),
  jurisdiction: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(10),
});

const articleView = z.object({
  id: z.string(),
  title: z.string(),
  question: z.string(),
  answer: z.string(),
  categoryCode: z.string().nullable(),
  agency: z.string().nullable(),
  source: z.enum(ARTICLE_SOURCES),
  sourceUrl: z.string().nullable(),
  status: z.enum(ARTICLE_STATUSES),
  internal: z.boolean(),
  tags: z.array(z.string()),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  /** Published and within its validity today (what agents and residents see). */
  current: z.boolean(),
  version: z.number(),
  useCount: z.number(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
});

const versionView = z.object({
  version: z.number(),
  title: z.string(),
  question: z.string(),
  answer: z.string(),
  categoryCode: z.string().nullable(),
  agency: z.string().nullable(),
  internal: z.boolean(),
  tags: z.array(z.string()),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  editedBy: z.string().nullable(),
  editedAt: z.string(),
  /** The article's status while this was its content (null: kept before that was recorded). */
  status: z.enum(ARTICLE_STATUSES).nullable(),
});

export const articleResponse = z.object({ article: articleView });
export const articleDetailResponse = z.object({
  article: articleView.extend({
    /** Earlier versions, newest first — for editors only (absent for readers). */
    versions: z.array(versionView).optional(),
    /** Who wrote the current content and when (updatedBy/At also change on a publish or archive) — editors only. */
    contentBy: z.string().nullable().optional(),
    contentAt: z.string().optional(),
  }),
});
export const listResponse = z.object({
  items: z.array(articleView.extend({ rank: z.number().nullable() })),
  /** How the query matched: every word (and), or — when nothing had every word — any word (or). */
  match: z.enum(['and', 'or']).nullable(),
  next: z.string().nullable(),
  /**
   * Whether the caller may write (a jurisdiction-wide knowledge.edit grant). A steward or administrator scoped to one
   * department reads every article, drafts and versions included, but every write of theirs is a 403.
   */
  canEdit: z.boolean(),
});
export const usedResponse = z.object({ id: z.string(), useCount: z.number() });
export const publicResponse = z.object({
  jurisdictionId: z.string(),
  items: z.array(z.object({ id: z.string(), title: z.string(), question: z.string(), answer: z.string() })),
});
