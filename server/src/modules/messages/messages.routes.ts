/** GET /messages: the outbound message record with its delivery state, for administrators (recipients masked, codes redacted, audited). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { CHANNELS } from './channels.js';
import './messages.policy.js';
import { listMessages, type OutboundMessageRow } from './messages.repo.js';

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(['recorded', 'queued', 'sent', 'failed']).optional(),
});
const messageView = z.object({
  id: z.string(),
  channel: z.string(),
  purpose: z.string(),
  recipient: z.string(),
  body: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
const listResponse = z.object({ items: z.array(messageView) });

/** One-time codes are for the recipient only: an administrator sees that a code was sent, not which. */
const redact = (row: OutboundMessageRow): string => (row.purpose === 'phone_code' ? row.body.replace(/\d{4,}/g, (d) => '*'.repeat(d.length)) : row.body);

export function presentMessage(row: OutboundMessageRow): z.infer<typeof messageView> {
  return {
    id: row.id,
    channel: row.channel,
    purpose: row.purpose,
    recipient: row.recipient_masked,
    body: redact(row),
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function messagesRoutes(app: FastifyInstance, ctx: Pick<AppContext, 'db'>): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/messages',
    {
      preHandler: requirePermission('message.read'),
      schema: { tags: ['messages'], summary: 'Outbound messages in my jurisdiction, newest first (this read is audited)', querystring: listQuery, response: { 200: listResponse } },
    },
    async (request) => {
      const principal = principalOf(request);
      return ctx.db.transaction().execute(async (tx) => {
        const { limit, channel, status } = request.query;
        const rows = await listMessages(tx, principal.jurisdictionId, limit, { channel, status });
        await recordAudit(tx, {
          actor: actorOf(request),
          request: requestMeta(request),
          action: 'message.read',
          jurisdictionId: principal.jurisdictionId,
          objectType: 'outbound_messages',
          details: { limit, channel: channel ?? null, status: status ?? null, returned: rows.length },
        });
        return { items: rows.map(presentMessage) };
      });
    },
  );
}
