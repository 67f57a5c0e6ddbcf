/** GET /audit (auditors' query over the log) and GET /audit/verify (chain check). */
import type { AuditPage } from '@civicgrid/contracts/audit';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app-context.js';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './audit.policy.js';
import { listAuditEntries, verifyForAuditor } from './audit-query.service.js';
import { presentAuditEntry } from './audit.presenter.js';
import { listAuditQuery, listAuditResponse, verifyAuditResponse } from './audit.schema.js';

export function auditRoutes(app: FastifyInstance, ctx: Pick<AppContext, 'db'>): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const caller = (request: Parameters<typeof principalOf>[0]) => ({
    principal: principalOf(request),
    actor: actorOf(request),
    request: requestMeta(request),
  });

  r.get(
    '/audit',
    {
      preHandler: requirePermission('audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries in my jurisdiction, newest first (this read is itself audited)',
        querystring: listAuditQuery,
        response: { 200: listAuditResponse },
      },
    },
    async (request): Promise<AuditPage> => {
      const page = await listAuditEntries(ctx.db, caller(request), request.query);
      return { items: page.items.map(presentAuditEntry), nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/audit/verify',
    {
      preHandler: requirePermission('audit.verify'),
      schema: {
        tags: ['audit'],
        summary: 'Verify the audit hash chain; names the first bad entry',
        response: { 200: verifyAuditResponse },
      },
    },
    async (request) => verifyForAuditor(ctx.db, caller(request)),
  );
}
