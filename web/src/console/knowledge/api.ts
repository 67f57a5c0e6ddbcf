/**
 * The knowledge-base editing API (/knowledge/articles) — shapes from server/src/modules/knowledge/knowledge.schema.ts.
 * Reading needs knowledge.read; every write here needs knowledge.edit (stewards and administrators).
 */
import { api } from '../../shared/api';

const base = '/api/v1/knowledge/articles';

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export interface Article {
  id: string;
  title: string;
  question: string;
  answer: string;
  categoryCode: string | null;
  agency: string | null;
  source: 'manual' | 'import' | 'mailbox';
  sourceUrl: string | null;
  status: ArticleStatus;
  internal: boolean;
  tags: string[];
  validFrom: string | null;
  validTo: string | null;
  /** Published and within its validity today (what agents and residents see). */
  current: boolean;
  version: number;
  useCount: number;
  lastUsedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
  publishedAt: string | null;
}

/** A kept version: its content as it was (what 版本记录 compares), who saved it and when. */
export interface ArticleVersion extends ArticleContent {
  version: number;
  editedBy: string | null;
  editedAt: string;
  /** The article's status while this was its content; null for versions kept before that was recorded. */
  status: ArticleStatus | null;
}

export interface ArticleDetail extends Article {
  /** Earlier versions, newest first (editors only). */
  versions?: ArticleVersion[];
  /** Who wrote the current content and when (editors only; updatedBy/At also change on a publish or archive). */
  contentBy?: string | null;
  contentAt?: string;
}

export interface ArticleContent {
  title: string;
  question: string;
  answer: string;
  categoryCode: string | null;
  agency: string | null;
  tags: string[];
  validFrom: string | null;
  validTo: string | null;
  internal: boolean;
}

export interface CreateArticleBody extends ArticleContent {
  sourceUrl: string | null;
  /** Publish at once (default: a draft). */
  publish: boolean;
}

/** Only the fields that changed, and the version the editor started from (409 when stale). */
export type UpdateArticleBody = Partial<ArticleContent> & { version: number };

export interface ListQuery {
  q?: string;
  status?: ArticleStatus;
  limit: number;
  after?: string;
}

export interface ArticlePage {
  items: Article[];
  match: 'and' | 'or' | null;
  next: string | null;
  /** Whether this user's writes are accepted (a jurisdiction-wide grant); a department-scoped steward only reads. */
  canEdit: boolean;
}

const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const knowledgeApi = {
  list: (q: ListQuery) => api.get<ArticlePage>(base, { ...q }),
  get: (id: string) => api.get<{ article: ArticleDetail }>(one(id)).then((r) => r.article),
  create: (body: CreateArticleBody) => api.post<{ article: Article }>(base, body).then((r) => r.article),
  update: (id: string, body: UpdateArticleBody) => api.patch<{ article: Article }>(one(id), body).then((r) => r.article),
  /** draft/archived → published; draft/published → archived; archived → draft — only while the article is still at `version`. */
  setStatus: (id: string, action: 'publish' | 'archive' | 'unarchive', version: number) => api.post<{ article: Article }>(`${one(id)}/${action}`, { version }).then((r) => r.article),
};
