/** /responsibility-rules: the responsibility list (清单化定责) and the suggestion preview. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './categories.policy.js';
import { createRuleBody, previewBody, previewResponse, ruleIdParams, ruleResponse, rulesQuery, rulesResponse, updateRuleBody } from './responsibility.schema.js';
import { createRule, deleteRule, listRules, previewSuggestion, updateRule, type ResponsibilityContext } from './responsibility.service.js';

export function responsibilityRoutes(app: FastifyInstance, ctx: ResponsibilityContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('responsibility_rule.read') };
  const manage = { preHandler: requirePermission('responsibility_rule.manage') };
  const tags = ['responsibility-rules'];
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get('/responsibility-rules', { ...read, schema: { tags, summary: 'The responsibility list of my jurisdiction', querystring: rulesQuery, response: { 200: rulesResponse } } }, async (request) => {
    const q = request.query;
    return { items: await listRules(ctx, principalOf(request), { departmentId: q.departmentId, categoryPrefix: q.categoryPrefix, districtCode: q.districtCode, active: q.active === undefined ? undefined : q.active === 'true' }) };
  });

  r.post(
    '/responsibility-rules',
    { ...manage, schema: { tags, summary: 'Add a rule: conditions (null = any) → department, with priority and fallback', body: createRuleBody, response: { 201: ruleResponse } } },
    async (request, reply) => reply.status(201).send({ rule: await createRule(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.post(
    '/responsibility-rules/preview',
    {
      preHandler: requirePermission('responsibility_rule.preview'),
      schema: { tags, summary: 'The department the rules suggest for a category, point or grid/district and component subclass', body: previewBody, response: { 200: previewResponse } },
    },
    async (request) => previewSuggestion(ctx, principalOf(request), request.body),
  );

  r.patch(
    '/responsibility-rules/:id',
    { ...manage, schema: { tags, summary: 'Change a rule (conditions set to null mean any)', params: ruleIdParams, body: updateRuleBody, response: { 200: ruleResponse } } },
    async (request) => ({ rule: await updateRule(ctx, principalOf(request), request.params.id, request.body, actorOf(request), opts(request)) }),
  );

  r.delete('/responsibility-rules/:id', { ...manage, schema: { tags, summary: 'Delete a rule', params: ruleIdParams } }, async (request, reply) => {
    await deleteRule(ctx, principalOf(request), request.params.id, actorOf(request), opts(request));
    return reply.status(204).send();
  });
}
