/**
 * POST /attachments (raw image body: image/jpeg, image/png, image/webp, image/heic — the bytes decide, not the
 * header) and GET /attachments/:id (the bytes, for the uploader and for those who may read the linked work order).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf, requestMeta, requireAuth, requirePermission } from '../identity/index.js';
import type { AppContext } from '../../app-context.js';
import { createAttachmentStore, type AttachmentStore } from './attachment-store.js';
import './attachments.policy.js';
import { publicAttachmentRoutes } from './public-attachments.js';
import { attachmentIdParams, attachmentResponse, downloadQuery, uploadQuery } from './attachments.schema.js';
import {
  defaultUploadLimiter,
  findReadableAttachment,
  registerAttachmentTimers,
  uploadAttachment,
  type AttachmentDeps,
  type UploadRateLimiter,
} from './attachments.service.js';

export interface AttachmentRouteOptions {
  /** Tests pass a store of their choice and a tighter limiter. */
  store?: AttachmentStore;
  limiter?: UploadRateLimiter;
}

export function attachmentRoutes(app: FastifyInstance, ctx: AppContext, options: AttachmentRouteOptions = {}): void {
  const deps: AttachmentDeps = {
    ctx,
    store: options.store ?? createAttachmentStore(ctx.config),
    limiter: options.limiter ?? defaultUploadLimiter(ctx.config),
  };
  registerAttachmentTimers(deps);
  const mayUpload = requirePermission('attachment.upload');

  // A child scope: the raw-body parser below applies to these routes only.
  void app.register(async (scoped) => {
    scoped.addHook('onClose', async () => {
      if (!options.store) await deps.store.close();
    });
    // Any content type: the body stays a stream (the service reads it with its own limit), and the first bytes
    // decide what it is — a browser may send HEIC as '' or application/octet-stream.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const r = scoped.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: 'Upload a photo (raw JPEG, PNG, WebP or HEIC body); signed in, or anonymously from the public portal within limits',
          description:
            `The body is the image itself (no multipart). At most ${ctx.config.attachments.maxBytes} bytes (413 attachment.too_large); ` +
            'the type is decided by the bytes (415 attachment.unsupported_type); empty → 400 attachment.empty. Anonymous uploads are ' +
            'limited per address and per hour (429, Retry-After). Link the returned id when filing the report.',
          querystring: uploadQuery,
          response: { 201: attachmentResponse },
        },
      },
      async (request, reply) => {
        if (request.principal) await mayUpload.call(scoped, request, reply);
        const length = request.headers['content-length'];
        try {
          const attachment = await uploadAttachment(
            deps,
            {
              body: (request.body as Readable | undefined) ?? null,
              declaredLength: length === undefined ? null : Number(length),
              ...(request.query.jurisdiction !== undefined ? { jurisdiction: request.query.jurisdiction } : {}),
            },
            { principal: request.principal ?? null, ip: request.ip ?? null, request: requestMeta(request) },
          );
          return reply.status(201).send(attachment);
        } catch (err) {
          // The rest of a refused body is not read: close the connection after the answer instead of draining it.
          if (!request.raw.complete) void reply.header('connection', 'close');
          throw err;
        }
      },
    );

    r.get(
      '/attachments/:id',
      {
        preHandler: requireAuth,
        schema: {
          tags: ['attachments'],
          summary: 'The photo bytes (or ?size=thumb: a JPEG thumbnail within 320 px), for its uploader and for those who may read its work order',
          params: attachmentIdParams,
          querystring: downloadQuery,
        },
      },
      async (request, reply) => {
        const found = await findReadableAttachment(deps, principalOf(request), request.params.id);
        const thumb = request.query.size === 'thumb' && found.hasThumb;
        const etag = thumb ? `"${found.attachment.sha256}-thumb"` : `"${found.attachment.sha256}"`;
        // no-cache: a browser keeps the bytes but asks again (a cheap 304), so a revoked grant takes effect at once.
        void reply.header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff').header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.status(304).send();
        if (thumb) return reply.type('image/jpeg').header('content-disposition', 'inline').send(await found.open('thumb'));
        const stream = await found.open();
        return reply.type(found.attachment.contentType).header('content-length', String(found.attachment.size)).header('content-disposition', 'inline').send(stream);
      },
    );

    // Signed public links to photos of public orders (Open311 media_url).
    publicAttachmentRoutes(scoped, deps);
  });
}
