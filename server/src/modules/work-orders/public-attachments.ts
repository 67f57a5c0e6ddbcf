/**
 * Public, read-only links to photos of orders the public may see (Open311 `media_url`, federation's transfers):
 * `/api/v1/public/attachments/:id?sig=…`, where `sig` is an HMAC of the attachment id under the server's secret
 * key. Nobody can make a link for a photo without the secret, so the link is the permission: only the code that
 * decided the order is public (Open311's VISIBLE rule) mints one. Photos are served as stored (EXIF/GPS already
 * removed on upload); only photos linked to an order are served, and a deleted photo is a 404.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../app-context.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { AttachmentStore } from './attachment-store.js';
import * as repo from './attachments.repo.js';
import { attachmentIdParams } from './attachments.schema.js';
import type { AttachmentDeps } from './attachments.service.js';

/** The path of public links, under the API prefix. */
export const PUBLIC_ATTACHMENT_PATH = '/api/v1/public/attachments';

/** The signature of a public link: 128 bits of HMAC-SHA256 over the id, base64url (22 characters). */
export function publicAttachmentSig(secretKey: string, attachmentId: string): string {
  return createHmac('sha256', secretKey).update(`public-attachment:v1:${attachmentId.toLowerCase()}`).digest().subarray(0, 16).toString('base64url');
}

export function verifyPublicAttachmentSig(secretKey: string, attachmentId: string, sig: string): boolean {
  const expected = Buffer.from(publicAttachmentSig(secretKey, attachmentId));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The public URL of a photo: `${baseUrl}/api/v1/public/attachments/<id>?sig=<sig>` (a relative path when `baseUrl`
 * is empty). Call it only for photos of orders the public may see.
 */
export function publicAttachmentUrl(secretKey: string, baseUrl: string, attachmentId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${PUBLIC_ATTACHMENT_PATH}/${attachmentId}?sig=${publicAttachmentSig(secretKey, attachmentId)}`;
}

/** The ids of the photos linked to each of these orders, oldest first (at most `perOrder` each). */
export async function photosOfOrders(db: Db, workOrderIds: readonly string[], perOrder = 20): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (workOrderIds.length === 0) return out;
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'work_order_id'])
    .where('work_order_id', 'in', [...new Set(workOrderIds)])
    .orderBy('work_order_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.work_order_id!) ?? [];
    if (list.length < perOrder) list.push(r.id);
    out.set(r.work_order_id!, list);
  }
  return out;
}

const publicQuery = z.strictObject({
  sig: z.string().min(1).max(100).describe('The signature the link was issued with'),
  size: z.enum(['full', 'thumb']).default('full').describe('thumb: a JPEG within 320 × 320 (the full photo when none was made)'),
});

/** GET /public/attachments/:id?sig= — the bytes of a linked photo, for anyone holding a link the server issued. */
export function publicAttachmentRoutes(app: FastifyInstance, deps: Pick<AttachmentDeps, 'ctx'> & { store: AttachmentStore }): void {
  const { ctx, store } = deps;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/public/attachments/:id',
    {
      schema: {
        tags: ['attachments'],
        summary: 'A photo of a public order through a signed link (Open311 media_url); no sign-in, read-only',
        description: 'The link is issued by the server (HMAC of the id under its secret key); a wrong signature, an unknown or unlinked photo → 404 attachment.not_found.',
        params: attachmentIdParams,
        querystring: publicQuery,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = verifyPublicAttachmentSig(ctx.config.secretKey, id, request.query.sig) ? await repo.findAttachment(ctx.db, id) : undefined;
      if (!row || row.work_order_id === null) throw notFound('attachment.not_found');
      const thumb = request.query.size === 'thumb' && row.thumb_key !== null;
      const etag = thumb ? `"${row.sha256}-thumb"` : `"${row.sha256}"`;
      void reply.header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').header('etag', etag).header('content-disposition', 'inline');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const stream = await store.open(thumb ? row.thumb_key! : row.storage_key);
      if (!stream) {
        ctx.log.error({ attachmentId: row.id, storageKey: row.storage_key }, 'attachment blob missing from the store');
        throw new AppError('not_found', 'attachment.content_missing');
      }
      if (thumb) return reply.type('image/jpeg').send(stream);
      return reply.type(row.content_type).header('content-length', String(row.size)).send(stream);
    },
  );
}
