/**
 * The hotline knowledge base (知识库): articles agents use to answer enquiries at first contact (首接负责).
 * Every write is one transaction with its audit entry and event. Editing keeps the previous content as a
 * version; a stale `version` is refused (409). Search segments Chinese with jieba (shared/chinese-text.ts):
 * every word must match, and when nothing has them all, any word may (ranked by ts_rank, title first).
 */
import type { ArticleDetailView, ArticlePage, ArticleView } from '@civicgrid/contracts/knowledge';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, canOn, hasPermission, type CallOptions, type Principal } from '../identity/index.js';
import { searchText } from '../../shared/chinese-text.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.js';
import { cleanText, readArticlesCsv, type RowReject } from './import-csv.js';
import './knowledge.policy.js';
import * as repo from './knowledge.repo.js';
import { decodeCursor, encodeCursor, queryWords, type SearchMode } from './search.js';

export type KnowledgeContext = Pick<AppContext, 'db' | 'outbox'>;

export type { ArticleView };

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const present = (a: repo.ArticleRow): ArticleView => ({
  id: a.id,
  title: a.title,
  question: a.question,
  answer: a.answer,
  categoryCode: a.category_code,
  agency: a.agency,
  source: a.source,
  sourceUrl: a.source_url,
  status: a.status,
  internal: a.internal,
  tags: a.tags,
  validFrom: a.valid_from,
  validTo: a.valid_to,
  current: a.current,
  version: a.version,
  useCount: a.use_count,
  lastUsedAt: iso(a.last_used_at),
  createdBy: a.created_by,
  createdAt: iso(a.created_at)!,
  updatedBy: a.updated_by,
  updatedAt: iso(a.updated_at)!,
  publishedAt: iso(a.published_at),
});

/** The segmented text the search index covers: title and tags (weight A), question (B), answer (C). */
function searchColumns(a: { title: string; question: string; answer: string; tags: string[] }) {
  return { title: searchText(`${a.title} ${a.tags.join(' ')}`), question: searchText(a.question), answer: searchText(a.answer) };
}

const actorIds = (actor: Actor) => ({ id: actor.kind === 'user' ? actor.id : null, name: actor.name });

function checkValidity(from: string | null, to: string | null): void {
  if (from && to && to < from) throw badRequest('knowledge.validity_invalid', { from, to });
}

/** Editors act on the whole jurisdiction's base (see knowledge.policy.ts). */
const authorizeEdit = (principal: Principal | null, jurisdictionId: string) => authorize(principal, 'knowledge.edit', { jurisdictionId });
const isEditor = (principal: Principal) => hasPermission(principal, 'knowledge.edit');
/** An editor whose grant covers the whole jurisdiction: the only one whose writes are accepted. */
const canWrite = (principal: Principal) => canOn(principal, 'knowledge.edit', { jurisdictionId: principal.jurisdictionId });

// ---- reads ---------------------------------------------------------------------------------------------------

export interface ListFilter {
  q?: string;
  category?: string;
  status?: repo.ArticleStatus;
  limit: number;
  after?: string;
}

export type ListResult = ArticlePage;

/** Articles by relevance to `q` (or newest first). Readers see current published articles; editors see all. */
export async function listArticles(ctx: Pick<AppContext, 'db'>, principal: Principal, filter: ListFilter): Promise<ListResult> {
  authorizeAny(principal, 'knowledge.read');
  const editor = isEditor(principal);
  if (!editor && filter.status && filter.status !== 'published') throw new AppError('forbidden', 'knowledge.status_forbidden', { status: filter.status }, { status: filter.status });
  const found = await searchArticles(ctx, {
    jurisdictionId: principal.jurisdictionId,
    q: filter.q,
    category: filter.category,
    status: filter.status,
    currentOnly: !editor,
    limit: filter.limit,
    after: filter.after,
  });
  return { ...found, canEdit: canWrite(principal) };
}

async function searchArticles(
  ctx: Pick<AppContext, 'db'>,
  f: { jurisdictionId: string; q?: string; category?: string; status?: repo.ArticleStatus; currentOnly: boolean; publicOnly?: boolean; byUse?: boolean; limit: number; after?: string },
): Promise<Omit<ListResult, 'canEdit'>> {
  const cursor = f.after !== undefined ? decodeCursor(f.after) : null;
  if (f.after !== undefined && !cursor) throw badRequest('knowledge.cursor_invalid');
  const words = f.q ? queryWords(f.q).join(' ') : '';
  const base = { jurisdictionId: f.jurisdictionId, category: f.category, status: f.status, currentOnly: f.currentOnly, publicOnly: f.publicOnly, limit: f.limit };
  if (!words) {
    if (cursor && cursor.kind !== 'time') throw badRequest('knowledge.cursor_invalid');
    const rows = await repo.search(ctx.db, { ...base, byUse: f.byUse, ...(cursor ? { after: { at: cursor.at, id: cursor.id } } : {}) });
    const last = rows[rows.length - 1];
    return { items: rows.map((r) => ({ ...present(r), rank: null })), match: null, next: rows.length === f.limit && last ? encodeCursor({ kind: 'time', at: last.updated_text, id: last.id }) : null };
  }
  if (cursor && cursor.kind !== 'rank') throw badRequest('knowledge.cursor_invalid');
  let mode: SearchMode = cursor?.mode ?? 'and';
  let rows = await repo.search(ctx.db, { ...base, words, mode, ...(cursor ? { after: { rank: cursor.rank, id: cursor.id } } : {}) });
  // A caller says a sentence; not every word is in an article. Nothing with all of them → any of them.
  if (rows.length === 0 && !cursor && mode === 'and') {
    mode = 'or';
    rows = await repo.search(ctx.db, { ...base, words, mode });
  }
  const last = rows[rows.length - 1];
  return {
    items: rows.map((r) => ({ ...present(r), rank: r.rank === null ? null : Number(r.rank) })),
    match: mode,
    next: rows.length === f.limit && last ? encodeCursor({ kind: 'rank', mode, rank: last.rank_text!, id: last.id }) : null,
  };
}

/** One article; readers only a current published one (else 404), editors any, with its earlier versions. */
export async function getArticle(ctx: Pick<AppContext, 'db'>, principal: Principal, id: string): Promise<ArticleDetailView> {
  authorizeAny(principal, 'knowledge.read');
  const row = await repo.findArticle(ctx.db, principal.jurisdictionId, id);
  const editor = isEditor(principal);
  if (!row || (!editor && !row.current)) throw notFound('knowledge.not_found', { id });
  if (!editor) return present(row);
  const versions = await repo.listVersions(ctx.db, id);
  return {
    ...present(row),
    contentBy: row.content_by,
    contentAt: iso(row.content_at)!,
    versions: versions.map((v) => ({
      version: v.version,
      title: v.title,
      question: v.question,
      answer: v.answer,
      categoryCode: v.category_code,
      agency: v.agency,
      internal: v.internal,
      tags: v.tags,
      validFrom: v.valid_from,
      validTo: v.valid_to,
      editedBy: v.edited_by,
      editedAt: iso(v.edited_at)!,
      status: v.status,
    })),
  };
}

/**
 * The resident portal's 常见问题: current, non-internal published articles, title/question/answer only. The
 * caller is anonymous or signed in (then always their own jurisdiction); anonymous callers name the
 * jurisdiction or get the only one the server hosts.
 */
export async function publicSearch(ctx: Pick<AppContext, 'db'>, principal: Principal | null, input: { q?: string; jurisdiction?: string; limit: number }) {
  let jurisdictionId: string;
  if (principal) {
    if (input.jurisdiction && input.jurisdiction !== principal.jurisdictionId) throw notFound('knowledge.jurisdiction_not_found', { id: input.jurisdiction });
    jurisdictionId = principal.jurisdictionId;
  } else if (input.jurisdiction) {
    if (!(await repo.jurisdictionExists(ctx.db, input.jurisdiction))) throw notFound('knowledge.jurisdiction_not_found', { id: input.jurisdiction });
    jurisdictionId = input.jurisdiction;
  } else {
    const only = await repo.onlyJurisdiction(ctx.db);
    if (!only) throw badRequest('knowledge.jurisdiction_required');
    jurisdictionId = only;
  }
  const result = await searchArticles(ctx, { jurisdictionId, q: input.q, currentOnly: true, publicOnly: true, byUse: true, limit: input.limit });
  return { jurisdictionId, items: result.items.map((a) => ({ id: a.id, title: a.title, question: a.question, answer: a.answer })) };
}

// ---- writes --------------------------------------------------------------------------------------------------

export interface CreateArticleInput {
  title: string;
  question: string;
  answer: string;
  categoryCode?: string | null;
  agency?: string | null;
  tags?: string[];
  validFrom?: string | null;
  validTo?: string | null;
  internal?: boolean;
  sourceUrl?: string | null;
  publish?: boolean;
}

const normaliseTags = (tags: string[] | undefined) => [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))];

export async function createArticle(ctx: KnowledgeContext, principal: Principal, input: CreateArticleInput, actor: Actor, opts: CallOptions = {}): Promise<ArticleView> {
  const j = principal.jurisdictionId;
  authorizeEdit(principal, j);
  checkValidity(input.validFrom ?? null, input.validTo ?? null);
  const tags = normaliseTags(input.tags);
  const content = { title: cleanText(input.title), question: cleanText(input.question), answer: cleanText(input.answer), tags };
  const by = actorIds(actor);
  const status: repo.ArticleStatus = input.publish ? 'published' : 'draft';
  return ctx.db.transaction().execute(async (tx) => {
    const id = await repo.insertArticle(tx, {
      jurisdictionId: j,
      ...content,
      categoryCode: input.categoryCode ?? null,
      agency: input.agency ?? null,
      source: 'manual',
      sourceUrl: input.sourceUrl ?? null,
      sourceRef: null,
      status,
      internal: input.internal ?? false,
      validFrom: input.validFrom ?? null,
      validTo: input.validTo ?? null,
      search: searchColumns(content),
      byId: by.id,
      byName: by.name,
    });
    const details = { title: content.title, categoryCode: input.categoryCode ?? null, status };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'knowledge.create', jurisdictionId: j, objectType: 'knowledge_article', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'knowledge.created', jurisdictionId: j, payload: { articleId: id, ...details } });
    return present((await repo.findArticle(tx, j, id))!);
  });
}

export interface UpdateArticleInput {
  version: number;
  title?: string;
  question?: string;
  answer?: string;
  categoryCode?: string | null;
  agency?: string | null;
  tags?: string[];
  validFrom?: string | null;
  validTo?: string | null;
  internal?: boolean;
}

/** A new version of the content; the previous one is kept. 409 knowledge.version_conflict when `version` is stale. */
export async function updateArticle(ctx: KnowledgeContext, principal: Principal, id: string, input: UpdateArticleInput, actor: Actor, opts: CallOptions = {}): Promise<ArticleView> {
  const j = principal.jurisdictionId;
  authorizeEdit(principal, j);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findArticle(tx, j, id, true);
    if (!row) throw notFound('knowledge.not_found', { id });
    if (row.version !== input.version) throw conflict('knowledge.version_conflict', { expected: input.version, current: row.version }, { current: present(row) });
    const next = {
      title: input.title !== undefined ? cleanText(input.title) : row.title,
      question: input.question !== undefined ? cleanText(input.question) : row.question,
      answer: input.answer !== undefined ? cleanText(input.answer) : row.answer,
      categoryCode: input.categoryCode !== undefined ? input.categoryCode : row.category_code,
      agency: input.agency !== undefined ? input.agency : row.agency,
      tags: input.tags !== undefined ? normaliseTags(input.tags) : row.tags,
      validFrom: input.validFrom !== undefined ? input.validFrom : row.valid_from,
      validTo: input.validTo !== undefined ? input.validTo : row.valid_to,
      internal: input.internal ?? row.internal,
    };
    checkValidity(next.validFrom, next.validTo);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(currentValue(row, k)));
    if (changed.length === 0) return present(row);
    const by = actorIds(actor);
    if (!(await repo.updateContent(tx, id, input.version, { ...next, search: searchColumns(next) }, by.id, by.name))) {
      throw conflict('knowledge.version_conflict', { expected: input.version, current: row.version });
    }
    const details = { version: input.version + 1, changed };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'knowledge.update', jurisdictionId: j, objectType: 'knowledge_article', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'knowledge.updated', jurisdictionId: j, payload: { articleId: id, ...details } });
    return present((await repo.findArticle(tx, j, id))!);
  });
}

function currentValue(row: repo.ArticleRow, key: 'title' | 'question' | 'answer' | 'categoryCode' | 'agency' | 'tags' | 'validFrom' | 'validTo' | 'internal'): unknown {
  const map = { categoryCode: row.category_code, validFrom: row.valid_from, validTo: row.valid_to } as const;
  return key in map ? map[key as keyof typeof map] : row[key as 'title' | 'question' | 'answer' | 'agency' | 'tags' | 'internal'];
}

/**
 * draft/archived → published, draft/published → archived, archived → draft (taken back to be reworked before it is
 * published again); the same status again changes nothing. A published article goes to draft only through archive:
 * taking it from agents is its own, audited step.
 */
export async function setArticleStatus(
  ctx: KnowledgeContext,
  principal: Principal,
  id: string,
  status: repo.ArticleStatus,
  input: { version?: number } | undefined,
  actor: Actor,
  opts: CallOptions = {},
): Promise<ArticleView> {
  const j = principal.jurisdictionId;
  authorizeEdit(principal, j);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findArticle(tx, j, id, true);
    if (!row) throw notFound('knowledge.not_found', { id });
    if (input?.version !== undefined && input.version !== row.version) throw conflict('knowledge.version_conflict', { expected: input.version, current: row.version }, { current: present(row) });
    if (row.status === status) return present(row);
    if (status === 'draft' && row.status !== 'archived') throw conflict('knowledge.status_not_allowed', { from: row.status, to: status }, { from: row.status, to: status });
    const by = actorIds(actor);
    await repo.setStatus(tx, id, status, by.id, by.name);
    const { action, event } = STATUS_CHANGES[status];
    const details = { from: row.status, to: status, version: row.version };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: `knowledge.${action}`, jurisdictionId: j, objectType: 'knowledge_article', objectId: id, details });
    await ctx.outbox.publish(tx, { name: `knowledge.${event}`, jurisdictionId: j, payload: { articleId: id, ...details } });
    return present((await repo.findArticle(tx, j, id))!);
  });
}

/** The audit action and event of a change to each status. */
const STATUS_CHANGES: Record<repo.ArticleStatus, { action: string; event: string }> = {
  published: { action: 'publish', event: 'published' },
  archived: { action: 'archive', event: 'archived' },
  draft: { action: 'unarchive', event: 'unarchived' },
};

/** An agent answered a call with this article (首接负责): counts the use, audited. Only current articles. */
export async function recordArticleUse(
  ctx: KnowledgeContext,
  principal: Principal,
  id: string,
  input: { workOrderId?: string } | undefined,
  actor: Actor,
  opts: CallOptions = {},
): Promise<{ id: string; useCount: number }> {
  const j = principal.jurisdictionId;
  authorizeAny(principal, 'knowledge.use');
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findArticle(tx, j, id);
    if (!row || (!row.current && !isEditor(principal))) throw notFound('knowledge.not_found', { id });
    if (!row.current) throw conflict('knowledge.not_current', { id });
    const useCount = await repo.countUse(tx, id);
    const details = { title: row.title, version: row.version, workOrderId: input?.workOrderId ?? null };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'knowledge.use', jurisdictionId: j, objectType: 'knowledge_article', objectId: id, details });
    await ctx.outbox.publish(tx, { name: 'knowledge.used', jurisdictionId: j, payload: { articleId: id, ...details } });
    return { id, useCount };
  });
}

// ---- import --------------------------------------------------------------------------------------------------

export interface ImportKnowledgeOptions {
  /** 'mailbox' for the demo letters (a source URL is required), 'import' for a city's own file. */
  source?: 'import' | 'mailbox';
  /** Publish at once (default: drafts for a steward to review). */
  publish?: boolean;
  dryRun?: boolean;
  /** Import the good rows even when some are rejected (default: any reject changes nothing). */
  skipRejected?: boolean;
  /** Check the caller may edit (the API); the CLI and the demo seed act as the system. */
  principal?: Principal | null;
  request?: CallOptions['request'];
}

export interface ImportKnowledgeReport {
  total: number;
  accepted: number;
  /** Rows whose mail_id this jurisdiction already has (from the same source): left as they are. */
  existing: number;
  inserted: number;
  rejectedCount: number;
  /** The first 200 rejects, with their CSV record number (the header is 1). */
  rejected: RowReject[];
  applied: boolean;
  dryRun: boolean;
}

/**
 * Loads articles from CSV text (columns of the mailbox export, see import-csv.ts) in one transaction, with
 * bulk inserts; rows already imported (same mail_id and source) are skipped, so running it again adds only
 * what is new.
 */
export async function importKnowledgeCsv(ctx: KnowledgeContext, jurisdictionId: string, csv: string, actor: Actor, options: ImportKnowledgeOptions = {}): Promise<ImportKnowledgeReport> {
  authorizeEdit(options.principal ?? null, jurisdictionId);
  if (!(await repo.jurisdictionExists(ctx.db, jurisdictionId))) throw notFound('knowledge.jurisdiction_not_found', { id: jurisdictionId });
  const source = options.source ?? 'import';
  const { total, drafts, rejected } = readArticlesCsv(csv);
  if (source === 'mailbox') {
    for (const d of drafts.filter((x) => !x.sourceUrl)) rejected.push({ row: d.row, code: 'knowledge.row_field_missing', params: { field: 'url' } });
  }
  const good = source === 'mailbox' ? drafts.filter((d) => d.sourceUrl) : drafts;
  rejected.sort((a, b) => a.row - b.row);
  const report: ImportKnowledgeReport = {
    total,
    accepted: good.length,
    existing: 0,
    inserted: 0,
    rejectedCount: rejected.length,
    rejected: rejected.slice(0, 200),
    applied: false,
    dryRun: options.dryRun ?? false,
  };
  const refs = good.map((d) => d.sourceRef).filter((r): r is string => r !== null);
  const existing = await repo.existingRefs(ctx.db, jurisdictionId, source, refs);
  report.existing = existing.size;
  if (report.dryRun || (rejected.length > 0 && !options.skipRejected)) return report;
  const fresh = good.filter((d) => !d.sourceRef || !existing.has(d.sourceRef));
  const status: repo.ArticleStatus = options.publish ? 'published' : 'draft';
  const by = actorIds(actor);
  const rows: repo.NewArticle[] = fresh.map((d) => ({
    jurisdictionId,
    title: d.title,
    question: d.question,
    answer: d.answer,
    categoryCode: d.categoryCode,
    agency: d.agency,
    source,
    sourceUrl: d.sourceUrl,
    sourceRef: d.sourceRef,
    status,
    internal: false,
    tags: d.tags,
    validFrom: d.validFrom,
    validTo: d.validTo,
    search: searchColumns(d),
    byId: by.id,
    byName: by.name,
  }));
  await ctx.db.transaction().execute(async (tx) => {
    report.inserted = await repo.insertMany(tx, rows);
    report.existing = good.length - report.inserted;
    const details = { source, total, inserted: report.inserted, existing: report.existing, rejected: report.rejectedCount, status };
    await recordAudit(tx, { actor, request: options.request ?? noRequest, action: 'knowledge.import', jurisdictionId, objectType: 'knowledge_articles', objectId: jurisdictionId, details });
    await ctx.outbox.publish(tx, { name: 'knowledge.imported', jurisdictionId, payload: details });
  });
  report.applied = true;
  return report;
}
