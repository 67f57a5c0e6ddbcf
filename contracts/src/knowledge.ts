/**
 * The knowledge base (知识库: /knowledge/articles): built in server/src/modules/knowledge/knowledge.service.ts,
 * described for OpenAPI by knowledge.schema.ts.
 */

/** In the order the console's status filter offers them. */
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Written in the console, imported from a CSV file, or taken from the mayor's mailbox (the demo's letters). */
export const ARTICLE_SOURCES = ['manual', 'import', 'mailbox'] as const;
export type ArticleSource = (typeof ARTICLE_SOURCES)[number];

/** What an editor writes: an article's content, and what each kept version holds. */
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

export interface ArticleView {
  id: string;
  title: string;
  question: string;
  answer: string;
  categoryCode: string | null;
  agency: string | null;
  source: ArticleSource;
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
export interface ArticleVersionView extends ArticleContent {
  version: number;
  editedBy: string | null;
  editedAt: string;
  /** The article's status while this was its content; null for versions kept before that was recorded. */
  status: ArticleStatus | null;
}

/** GET /knowledge/articles/:id. */
export interface ArticleDetailView extends ArticleView {
  /** Earlier versions, newest first (editors only). */
  versions?: ArticleVersionView[];
  /** Who wrote the current content and when (editors only; updatedBy/At also change on a publish or archive). */
  contentBy?: string | null;
  contentAt?: string;
}

/** GET /knowledge/articles: by relevance to `q` (rank), else newest first. */
export interface ArticlePage {
  items: (ArticleView & { rank: number | null })[];
  /** How `q` matched: every word ('and') or, when none matched all, any word ('or'). */
  match: 'and' | 'or' | null;
  next: string | null;
  /** Whether this user's writes are accepted (a jurisdiction-wide grant); a department-scoped steward only reads. */
  canEdit: boolean;
}
