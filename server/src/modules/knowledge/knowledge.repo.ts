/** SQL for knowledge articles and their versions (the only file that touches these tables). */
import type { ArticleContent, ArticleSource, ArticleStatus } from '@civicgrid/contracts/knowledge';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../app-context.js';
import type { SearchMode } from './search.js';

export type { ArticleSource, ArticleStatus };

export interface ArticleRow {
  id: string;
  jurisdiction_id: string;
  title: string;
  question: string;
  answer: string;
  category_code: string | null;
  agency: string | null;
  source: ArticleSource;
  source_url: string | null;
  source_ref: string | null;
  status: ArticleStatus;
  internal: boolean;
  tags: string[];
  valid_from: string | null;
  valid_to: string | null;
  version: number;
  use_count: number;
  last_used_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date;
  published_at: Date | null;
  content_by: string | null;
  content_at: Date;
  current: boolean;
}

/** The stored weighted vector (0060_knowledge.sql), GIN-indexed. */
const VECTOR = sql`a.search_vector`;

/** Today in the article's jurisdiction (policies expire by the local calendar). */
const TODAY = sql`(SELECT (now() AT TIME ZONE j.timezone)::date FROM jurisdictions j WHERE j.id = a.jurisdiction_id)`;
const CURRENT = sql`(a.status = 'published' AND (a.valid_from IS NULL OR a.valid_from <= ${TODAY}) AND (a.valid_to IS NULL OR a.valid_to >= ${TODAY}))`;

const COLUMNS = sql`a.id, a.jurisdiction_id, a.title, a.question, a.answer, a.category_code, a.agency, a.source, a.source_url, a.source_ref,
  a.status, a.internal, a.tags, a.valid_from::text AS valid_from, a.valid_to::text AS valid_to, a.version, a.use_count, a.last_used_at,
  a.created_by, a.created_at, a.updated_by, a.updated_at, a.published_at, a.content_by, a.content_at, ${CURRENT} AS current`;

export interface NewArticle {
  jurisdictionId: string;
  title: string;
  question: string;
  answer: string;
  categoryCode: string | null;
  agency: string | null;
  source: ArticleSource;
  sourceUrl: string | null;
  sourceRef: string | null;
  status: ArticleStatus;
  internal: boolean;
  tags: string[];
  validFrom: string | null;
  validTo: string | null;
  search: { title: string; question: string; answer: string };
  byId: string | null;
  byName: string | null;
}

const values = (a: NewArticle) => ({
  jurisdiction_id: a.jurisdictionId,
  title: a.title,
  question: a.question,
  answer: a.answer,
  category_code: a.categoryCode,
  agency: a.agency,
  source: a.source,
  source_url: a.sourceUrl,
  source_ref: a.sourceRef,
  status: a.status,
  internal: a.internal,
  tags: a.tags,
  valid_from: a.validFrom,
  valid_to: a.validTo,
  search_title: a.search.title,
  search_question: a.search.question,
  search_answer: a.search.answer,
  created_by_id: a.byId,
  created_by: a.byName,
  updated_by_id: a.byId,
  updated_by: a.byName,
  content_by_id: a.byId,
  content_by: a.byName,
  published_at: a.status === 'published' ? sql<Date>`now()` : null,
});

export async function insertArticle(tx: Db, a: NewArticle): Promise<string> {
  const r = await tx.insertInto('knowledge_articles').values(values(a)).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Bulk insert for imports (chunks of 200 rows per statement); rows whose (source, source_ref) is already in
 * the jurisdiction are skipped. Returns how many were inserted.
 */
export async function insertMany(tx: Db, rows: NewArticle[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const r = await tx
      .insertInto('knowledge_articles')
      .values(rows.slice(i, i + 200).map(values))
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'source', 'source_ref']).where('source_ref', 'is not', null).doNothing())
      .executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** The source refs of a jurisdiction's articles from one source that are among `refs`. */
export async function existingRefs(db: Db, jurisdictionId: string, source: ArticleSource, refs: string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = await db
    .selectFrom('knowledge_articles')
    .select('source_ref')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('source', '=', source)
    .where('source_ref', 'in', refs)
    .execute();
  return new Set(rows.map((r) => r.source_ref!));
}

export async function countBySource(db: Db, jurisdictionId: string, source: ArticleSource): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM knowledge_articles WHERE jurisdiction_id = ${jurisdictionId} AND source = ${source}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function findArticle(db: Db, jurisdictionId: string, id: string, lock = false): Promise<ArticleRow | undefined> {
  const r = await sql<ArticleRow>`SELECT ${COLUMNS} FROM knowledge_articles a WHERE a.jurisdiction_id = ${jurisdictionId} AND a.id = ${id}::uuid ${lock ? sql`FOR UPDATE OF a` : sql``}`.execute(db);
  return r.rows[0];
}

/** An edit's content (the API's ArticleContent) and the segmented text the search index keeps for it. */
export interface ContentChange extends ArticleContent {
  search: { title: string; question: string; answer: string };
}

/**
 * Keeps the current content as a version, with who wrote it and when (content_*, not whoever published it since),
 * then writes the new one — only if the article is still at `expected`.
 */
export async function updateContent(tx: Db, id: string, expected: number, c: ContentChange, byId: string | null, byName: string | null): Promise<boolean> {
  const kept = await sql`
    INSERT INTO knowledge_article_versions (article_id, version, jurisdiction_id, title, question, answer, category_code, agency, internal, tags, valid_from, valid_to, edited_by_id, edited_by, edited_at, status)
    SELECT id, version, jurisdiction_id, title, question, answer, category_code, agency, internal, tags, valid_from, valid_to, content_by_id, content_by, content_at, status
    FROM knowledge_articles WHERE id = ${id}::uuid AND version = ${expected}`.execute(tx);
  if (Number(kept.numAffectedRows ?? 0) === 0) return false;
  await tx
    .updateTable('knowledge_articles')
    .set({
      title: c.title,
      question: c.question,
      answer: c.answer,
      category_code: c.categoryCode,
      agency: c.agency,
      tags: c.tags,
      valid_from: c.validFrom,
      valid_to: c.validTo,
      internal: c.internal,
      search_title: c.search.title,
      search_question: c.search.question,
      search_answer: c.search.answer,
      version: expected + 1,
      updated_by_id: byId,
      updated_by: byName,
      updated_at: sql<Date>`now()`,
      content_by_id: byId,
      content_by: byName,
      content_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('version', '=', expected)
    .execute();
  return true;
}

export async function setStatus(tx: Db, id: string, status: ArticleStatus, byId: string | null, byName: string | null): Promise<void> {
  await tx
    .updateTable('knowledge_articles')
    .set({
      status,
      updated_by_id: byId,
      updated_by: byName,
      updated_at: sql<Date>`now()`,
      ...(status === 'published' ? { published_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function countUse(tx: Db, id: string): Promise<number> {
  const r = await sql<{ use_count: number }>`
    UPDATE knowledge_articles SET use_count = use_count + 1, last_used_at = now() WHERE id = ${id}::uuid RETURNING use_count`.execute(tx);
  return Number(r.rows[0]!.use_count);
}

export async function listVersions(db: Db, articleId: string, limit = 100) {
  const r = await sql<{
    version: number;
    title: string;
    question: string;
    answer: string;
    category_code: string | null;
    agency: string | null;
    internal: boolean;
    tags: string[];
    valid_from: string | null;
    valid_to: string | null;
    edited_by: string | null;
    edited_at: Date;
    status: ArticleStatus | null;
  }>`SELECT version, title, question, answer, category_code, agency, internal, tags, valid_from::text AS valid_from, valid_to::text AS valid_to, edited_by, edited_at, status
     FROM knowledge_article_versions WHERE article_id = ${articleId}::uuid ORDER BY version DESC LIMIT ${limit}`.execute(db);
  return r.rows;
}

export interface SearchFilter {
  jurisdictionId: string;
  /** Segmented query words (space-separated); absent: newest first. */
  words?: string;
  mode?: SearchMode;
  category?: string;
  status?: ArticleStatus;
  /** Only published articles within their validity (readers, residents). */
  currentOnly: boolean;
  /** Leave out internal articles (residents). */
  publicOnly?: boolean;
  after?: { rank: string; id: string } | { at: string; id: string };
  /** Without words: most used first (residents' 常见问题) instead of newest first. */
  byUse?: boolean;
  limit: number;
}

export type SearchRow = ArticleRow & { rank: number | null; rank_text: string | null; updated_text: string };

export async function search(db: Db, f: SearchFilter): Promise<SearchRow[]> {
  const where: RawBuilder<unknown>[] = [sql`a.jurisdiction_id = ${f.jurisdictionId}`];
  if (f.currentOnly) where.push(CURRENT);
  if (f.publicOnly) where.push(sql`NOT a.internal`);
  if (f.status) where.push(sql`a.status = ${f.status}`);
  if (f.category) where.push(sql`(a.category_code = ${f.category} OR a.category_code LIKE ${`${f.category}.%`})`);
  if (f.words !== undefined) {
    // plainto_tsquery ANDs the words; for OR, its text form ('a' & 'b') has every & replaced by | (lexemes are quoted
    // and hold no spaces, so ' & ' only ever is the operator).
    const tsq = f.mode === 'or' ? sql`replace(plainto_tsquery('simple', ${f.words})::text, ' & ', ' | ')::tsquery` : sql`plainto_tsquery('simple', ${f.words})`;
    // Normalisation 1: rank / (1 + log(length)), so a long letter does not win by repeating a word.
    const rank = sql`ts_rank(${VECTOR}, ${tsq}, 1)`;
    where.push(sql`${VECTOR} @@ ${tsq}`);
    if (f.after && 'rank' in f.after) where.push(sql`(${rank}, a.id) < (${f.after.rank}::real, ${f.after.id}::uuid)`);
    const r = await sql<SearchRow>`
      SELECT ${COLUMNS}, ${rank} AS rank, ${rank}::text AS rank_text, a.updated_at::text AS updated_text
      FROM knowledge_articles a WHERE ${sql.join(where, sql` AND `)}
      ORDER BY ${rank} DESC, a.id DESC LIMIT ${f.limit}`.execute(db);
    return r.rows;
  }
  if (f.after && 'at' in f.after) where.push(sql`(a.updated_at, a.id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  const order = f.byUse ? sql`a.use_count DESC, a.updated_at DESC, a.id DESC` : sql`a.updated_at DESC, a.id DESC`;
  const r = await sql<SearchRow>`
    SELECT ${COLUMNS}, NULL::real AS rank, NULL::text AS rank_text, a.updated_at::text AS updated_text
    FROM knowledge_articles a WHERE ${sql.join(where, sql` AND `)} ORDER BY ${order} LIMIT ${f.limit}`.execute(db);
  return r.rows;
}

/** For anonymous callers: the named jurisdiction if it exists, else the only one the server hosts (null otherwise). */
export async function jurisdictionExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('jurisdictions').select('id').where('id', '=', id).executeTakeFirst());
}

export async function onlyJurisdiction(db: Db): Promise<string | null> {
  const rows = await db.selectFrom('jurisdictions').select('id').limit(2).execute();
  return rows.length === 1 ? rows[0]!.id : null;
}
