/** /knowledge/articles (agents read and use, stewards and administrators edit) and the public /public/knowledge. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { AppError } from '../../shared/errors.js';
import './knowledge.policy.js';
import {
  articleDetailResponse,
  articleParams,
  articleResponse,
  createArticleBody,
  listQuery,
  listResponse,
  publicQuery,
  publicResponse,
  statusBody,
  updateArticleBody,
  usedBody,
  usedResponse,
} from './knowledge.schema.js';
import { createArticle, getArticle, listArticles, publicSearch, recordArticleUse, setArticleStatus, updateArticle, type KnowledgeContext } from './knowledge.service.js';
import type { WindowLimiter } from './rate-limit.js';

export function knowledgeRoutes(app: FastifyInstance, ctx: KnowledgeContext, publicLimiter: WindowLimiter): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('knowledge.read') };
  const edit = { preHandler: requirePermission('knowledge.edit') };
  const tags = ['knowledge'];
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get(
    '/knowledge/articles',
    {
      ...read,
      schema: {
        tags,
        summary: 'Search the knowledge base (Chinese full text; every word, else any word) or list newest first; keyset paging with `after`',
        querystring: listQuery,
        response: { 200: listResponse },
      },
    },
    async (request) => listArticles(ctx, principalOf(request), request.query),
  );

  r.get(
    '/knowledge/articles/:id',
    { ...read, schema: { tags, summary: 'One article (editors also get its earlier versions)', params: articleParams, response: { 200: articleDetailResponse } } },
    async (request) => ({ article: await getArticle(ctx, principalOf(request), request.params.id) }),
  );

  r.post(
    '/knowledge/articles',
    { ...edit, schema: { tags, summary: 'Write an article (a draft unless `publish`)', body: createArticleBody, response: { 201: articleResponse } } },
    async (request, reply) => reply.status(201).send({ article: await createArticle(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.patch(
    '/knowledge/articles/:id',
    {
      ...edit,
      schema: { tags, summary: 'Edit an article: a new version, the previous one kept; 409 when `version` is not the current one', params: articleParams, body: updateArticleBody, response: { 200: articleResponse } },
    },
    async (request) => ({ article: await updateArticle(ctx, principalOf(request), request.params.id, request.body, actorOf(request), opts(request)) }),
  );

  const statusRoutes = [
    ['publish', 'published', 'Publish an article'],
    ['archive', 'archived', 'Archive an article'],
    ['unarchive', 'draft', 'Take an archived article back to draft (归档 → 草稿); 409 knowledge.status_not_allowed from any other status'],
  ] as const;
  for (const [action, status, summary] of statusRoutes) {
    r.post(
      `/knowledge/articles/:id/${action}`,
      { ...edit, schema: { tags, summary: `${summary} (optionally only at \`version\`)`, params: articleParams, body: statusBody, response: { 200: articleResponse } } },
      async (request) => ({ article: await setArticleStatus(ctx, principalOf(request), request.params.id, status, request.body, actorOf(request), opts(request)) }),
    );
  }

  r.post(
    '/knowledge/articles/:id/used',
    {
      preHandler: requirePermission('knowledge.use'),
      schema: { tags, summary: 'An agent answered a call with this article (首接负责): counts the use, audited', params: articleParams, body: usedBody, response: { 200: usedResponse } },
    },
    async (request) => recordArticleUse(ctx, principalOf(request), request.params.id, request.body, actorOf(request), opts(request)),
  );

  r.get(
    '/public/knowledge',
    {
      schema: {
        tags,
        summary: "Residents' 常见问题: published articles' title, question and answer (public, rate-limited per address)",
        querystring: publicQuery,
        response: { 200: publicResponse },
      },
    },
    async (request) => {
      const wait = publicLimiter.take(request.ip);
      if (wait > 0) throw new AppError('rate_limited', 'knowledge.rate_limited', { retryAfterSeconds: wait });
      return publicSearch(ctx, request.principal ?? null, request.query);
    },
  );
}
