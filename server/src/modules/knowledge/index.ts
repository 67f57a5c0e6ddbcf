/**
 * The hotline knowledge base (知识库): articles (typical question, answer, responsible agency, category,
 * validity) that agents search to answer enquiries at first contact (首接负责), with version history, use
 * counts, a public 常见问题 search for residents, CSV import (`civicgrid import knowledge`) and the demo seed
 * from the Shangluo mayor's mailbox.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { knowledgeRoutes } from './knowledge.routes.js';
import { PUBLIC_SEARCH_RATE, WindowLimiter, type WindowPolicy } from './rate-limit.js';

export {
  createArticle,
  getArticle,
  importKnowledgeCsv,
  listArticles,
  publicSearch,
  recordArticleUse,
  setArticleStatus,
  updateArticle,
  type ArticleView,
  type CreateArticleInput,
  type ImportKnowledgeOptions,
  type ImportKnowledgeReport,
  type ListFilter,
  type UpdateArticleInput,
} from './knowledge.service.js';
export { seedDemoKnowledge, MAILBOX_CSV } from './demo-knowledge.js';
export { redactPersonalData } from './redact.js';
export { knowledgePolicy } from './knowledge.policy.js';

export interface KnowledgeOptions {
  /** Requests per address on /public/knowledge (tests pass a tighter one). */
  publicRate?: WindowPolicy;
}

export function createKnowledgeModule(ctx: AppContext, options: KnowledgeOptions = {}): ApiModule {
  const limiter = new WindowLimiter(options.publicRate ?? PUBLIC_SEARCH_RATE);
  return { routes: (app) => knowledgeRoutes(app, ctx, limiter) };
}
