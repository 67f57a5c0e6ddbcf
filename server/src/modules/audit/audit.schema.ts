import { ACTOR_KINDS } from '@civicgrid/contracts/audit';
import { z } from 'zod';

const text = z.string().trim().min(1).max(200);

export const listAuditQuery = z
  .strictObject({
    action: text.optional(),
    actorId: text.optional(),
    actorKind: z.enum(ACTOR_KINDS).optional(),
    objectType: text.optional(),
    objectId: text.optional(),
    jurisdictionId: text.optional(),
    purpose: text.optional(),
    from: z.iso.datetime({ offset: true }).optional().describe('Entries at or after this time'),
    to: z.iso.datetime({ offset: true }).optional().describe('Entries before this time'),
    cursor: z.string().max(40).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .describe('Newest first');

export type ListAuditQuery = z.infer<typeof listAuditQuery>;

export const auditEntrySchema = z.object({
  id: z.number().describe('Write order; the list cursor'),
  seq: z.number().nullable().describe('Position in the hash chain; null while the entry waits to be chained (well under a second)'),
  at: z.string(),
  jurisdictionId: z.string().nullable(),
  actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  action: z.string(),
  object: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  purpose: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});

export const listAuditResponse = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});

export const verifyAuditResponse = z.object({
  ok: z.boolean(),
  entries: z.number(),
  firstBadSeq: z.number().optional(),
  problem: z.string().optional(),
  head: z.object({ seq: z.number(), hash: z.string() }).nullable().optional(),
});
