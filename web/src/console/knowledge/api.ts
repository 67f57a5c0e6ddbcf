/**
 * The knowledge-base editing API (/knowledge/articles) — the answers' shapes are @civicgrid/contracts' (knowledge.ts).
 * Reading needs knowledge.read; every write here needs knowledge.edit (stewards and administrators).
 */
import type { ArticleContent, ArticleDetailView, ArticlePage, ArticleStatus, ArticleView } from '@civicgrid/contracts/knowledge';
import { api } from '../../shared/api';

const base = '/api/v1/knowledge/articles';

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

const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const knowledgeApi = {
  list: (q: ListQuery) => api.get<ArticlePage>(base, { ...q }),
  get: (id: string) => api.get<{ article: ArticleDetailView }>(one(id)).then((r) => r.article),
  create: (body: CreateArticleBody) => api.post<{ article: ArticleView }>(base, body).then((r) => r.article),
  update: (id: string, body: UpdateArticleBody) => api.patch<{ article: ArticleView }>(one(id), body).then((r) => r.article),
  /** draft/archived → published; draft/published → archived; archived → draft — only while the article is still at `version`. */
  setStatus: (id: string, action: 'publish' | 'archive' | 'unarchive', version: number) => api.post<{ article: ArticleView }>(`${one(id)}/${action}`, { version }).then((r) => r.article),
};
