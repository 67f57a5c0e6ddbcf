/**
 * Who may read, use and edit the hotline knowledge base. Articles belong to the whole jurisdiction (there is no
 * department or grid on them), so:
 * - reading and using needs the permission in any scope (an agent granted within the hotline centre's
 *   department reads the whole base); readers see published articles within their validity only;
 * - editing (create, change, publish, archive, back to draft, import) needs a jurisdiction-wide grant: a steward
 *   (数据管理员) or administrator scoped to one department gets 403 auth.out_of_scope. Anyone holding knowledge.edit
 *   in some scope sees every article with its versions — the department-scoped one too, read-only: the list answer
 *   says whether the caller's writes are accepted (`canEdit`), and the console shows them the page without edits.
 */
import { definePolicy } from '../identity/index.js';

export const knowledgePolicy = definePolicy({
  'knowledge.read': ['agent', 'dispatcher', 'admin', 'steward', 'leader'],
  // "An agent used this article to answer a call" (首接负责): the people who take calls.
  'knowledge.use': ['agent', 'dispatcher', 'admin', 'steward'],
  'knowledge.edit': ['admin', 'steward'],
});
