/**
 * Work-order attachments (photos): upload, read, link to an order, and the clean-up of uploads never linked.
 *
 * - Upload: the body is streamed to a temp file while it is hashed and counted, never buffered whole; over the limit
 *   → 413 at once; the type is decided by the first bytes (image-sniff.ts), not the Content-Type header → 415; an
 *   empty body → 400. The blob goes into the store under its SHA-256 and the row, audit entry and event are written
 *   in one transaction, holding a per-blob lock that the clean-up also takes (so it never deletes a blob that a
 *   concurrent upload of the same bytes has just named).
 * - The public portal uploads without an account: attempts are limited per client address (in memory, per process)
 *   and public uploads per jurisdiction per hour (counted in the database, so across processes and restarts).
 * - Link: the work-order service calls `linkAttachments` in its own transaction when a report, handler's report or
 *   inspector's check carries photos.
 * - Clean-up: unlinked uploads older than a day are deleted (row and, when no other row names it, blob) by a durable
 *   timer job; every upload schedules it for the hour its upload expires, and each run reschedules itself for the
 *   oldest unlinked upload left. Timer keys are hours (`h<hour>`), so uploads, runs and restarts never stack timers.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { AppContext, Db } from '../../app-context.js';
import type { Config } from '../../config.js';
import { recordAudit } from '../audit/index.js';
import { canOn, type Principal } from '../identity/index.js';
import { noRequest, systemActor, type Actor as AuditActor, type RequestMeta } from '../../shared/actor.js';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.js';
import { storageKeyFor, sweepTempDir, type AttachmentStore } from './attachment-store.js';
import { imageDimensions, sniffImageType, SNIFF_BYTES, type Dimensions, type ImageType } from './image-sniff.js';
import { reportedWithOwnPhone } from './own-reports.js';
import { preparePhoto } from './photo-processing.js';
import * as repo from './attachments.repo.js';

export type AttachmentContext = Pick<AppContext, 'db' | 'outbox' | 'log' | 'handlers'> & {
  config: Pick<Config, 'secretKey' | 'attachments'>;
};

export interface AttachmentDeps {
  ctx: AttachmentContext;
  store: AttachmentStore;
  limiter: UploadRateLimiter;
}

/** Unlinked uploads older than this are deleted. */
export const UNLINKED_TTL_MS = 24 * 3600_000;
/** An anonymous report may use anonymous uploads this recent. */
export const ANONYMOUS_LINK_WINDOW_MS = 3600_000;
/** At most this many photos per link (one report, one handler's report, one check). */
export const MAX_LINKED_PER_CALL = 20;
/** Bytes of an upload kept in memory to read the pixel size from the header (JPEG EXIF can be long). */
const HEADER_BYTES = 256 * 1024;
/** Uploads abandoned in the temp directory by a crash are removed after this. */
const TEMP_MAX_AGE_MS = 3600_000;
/** Rows one clean-up run deletes at most; the rest wait for the next run. */
const PURGE_BATCH = 500;
const HOUR_MS = 3600_000;

/** Timer handler name of the clean-up of unlinked uploads. */
export const PURGE_UNLINKED_ATTACHMENTS = 'work_orders.purge-unlinked-attachments';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- views ---------------------------------------------------------------------------------------------------

export interface AttachmentView {
  id: string;
  contentType: ImageType;
  size: number;
  sha256: string;
  width?: number;
  height?: number;
}

/** What a timeline entry or an order's detail shows of a photo. */
export interface AttachmentRef extends AttachmentView {
  createdAt: Date;
  workOrderId: string | null;
  timelineEntryId: number | null;
}

function view(row: repo.AttachmentRow): AttachmentView {
  return {
    id: row.id,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
  };
}

function ref(row: repo.AttachmentRow): AttachmentRef {
  return { ...view(row), createdAt: new Date(row.created_at), workOrderId: row.work_order_id, timelineEntryId: row.timeline_entry_id === null ? null : Number(row.timeline_entry_id) };
}

// ---- per-address limiter -------------------------------------------------------------------------------------

export interface UploadRatePolicy {
  attempts: number;
  windowMs: number;
  /** Bound on remembered addresses; the oldest window is forgotten first. */
  maxKeys: number;
}

/**
 * Fixed-window counter of public upload attempts per client address (its HMAC), in memory — the pattern of
 * identity's LoginRateLimiter, except that every attempt counts (a refused 10 MB upload costs us as much as an
 * accepted one). Per process; the per-jurisdiction hourly cap in the database is the hard stop.
 */
export class UploadRateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly policy: UploadRatePolicy,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one attempt: 0 when it may go ahead, else the seconds until the window ends. */
  take(key: string): number {
    const now = this.clock();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.policy.windowMs) {
      if (w) this.#windows.delete(key);
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      this.#evict(now);
    }
    if (w.count >= this.policy.attempts) return Math.max(1, Math.ceil((w.start + this.policy.windowMs - now) / 1000));
    w.count += 1;
    return 0;
  }

  get size(): number {
    return this.#windows.size;
  }

  #evict(now: number): void {
    if (this.#windows.size <= this.policy.maxKeys) return;
    for (const [key, w] of this.#windows) {
      if (this.#windows.size <= this.policy.maxKeys && now - w.start < this.policy.windowMs) break;
      this.#windows.delete(key);
    }
  }
}

export function defaultUploadLimiter(config: Pick<Config, 'attachments'>): UploadRateLimiter {
  return new UploadRateLimiter({ attempts: config.attachments.publicPerIpPerHour, windowMs: HOUR_MS, maxKeys: 50_000 });
}

/** The uploader's address as stored: an HMAC under the secret key, never the address itself. */
export function ipHash(secretKey: string, ip: string): string {
  return createHmac('sha256', secretKey).update(`attachment-ip:${ip}`).digest('hex');
}

// ---- receiving -----------------------------------------------------------------------------------------------

const tooLarge = (limit: number) => new AppError('too_large', 'attachment.too_large', { limit, limitMb: Math.round((limit / 1048576) * 10) / 10 });
const unsupported = () => new AppError('unsupported_media_type', 'attachment.unsupported_type');

export interface ReceivedUpload {
  file: string;
  size: number;
  sha256: string;
  contentType: ImageType;
  dimensions: Dimensions | null;
}

/**
 * Streams `body` into a new file in `tempDir`, hashing and counting as it goes. Fails (and removes the file) as soon
 * as the body passes `maxBytes` (413) or its first bytes are not an accepted image (415); an empty body is 400.
 * The request stream is paused, not destroyed, on failure, so the error can still be answered on its connection.
 */
export async function receiveUpload(body: Readable, tempDir: string, maxBytes: number): Promise<ReceivedUpload> {
  await mkdir(tempDir, { recursive: true });
  const file = path.join(tempDir, `${randomUUID()}.part`);
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let type: ImageType | null | undefined;

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', fail);
      body.off('close', onClose);
    };
    function fail(err: unknown) {
      if (settled) return;
      settled = true;
      cleanup();
      body.pause();
      // The file is removed once the stream has closed: a stream still opening its file (open is asynchronous; a
      // body refused by its first bytes can get here first) creates it after an unlink made now — a CI run on a
      // busy machine found such a file left behind after a 415.
      const closed = out.closed ? Promise.resolve() : new Promise<void>((resolve) => out.once('close', () => resolve()));
      out.destroy();
      void closed
        .then(() => unlink(file))
        .catch(() => undefined)
        .finally(() => reject(err instanceof AppError ? err : badRequest('attachment.upload_interrupted')));
    }
    function sniff(): boolean {
      type = sniffImageType(Buffer.concat(head));
      if (type === null) fail(unsupported());
      return type !== null;
    }
    function onData(chunk: Buffer | string) {
      if (settled) return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > maxBytes) return fail(tooLarge(maxBytes));
      if (headLength < HEADER_BYTES) {
        const part = buf.subarray(0, HEADER_BYTES - headLength);
        head.push(part);
        headLength += part.length;
      }
      if (type === undefined && headLength >= SNIFF_BYTES && !sniff()) return;
      hash.update(buf);
      if (!out.write(buf)) {
        body.pause();
        out.once('drain', () => {
          if (!settled) body.resume();
        });
      }
    }
    function onEnd() {
      if (settled) return;
      if (size === 0) return fail(badRequest('attachment.empty'));
      if (type === undefined && !sniff()) return;
      settled = true;
      cleanup();
      out.end(() => {
        const contentType = type as ImageType;
        resolve({ file, size, sha256: hash.digest('hex'), contentType, dimensions: imageDimensions(contentType, Buffer.concat(head)) });
      });
    }
    function onClose() {
      // A client that goes away mid-upload: 'close' without 'end'.
      if (!settled) fail(badRequest('attachment.upload_interrupted'));
    }
    out.once('error', fail);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', fail);
    body.once('close', onClose);
    body.resume();
  });
}

// ---- upload --------------------------------------------------------------------------------------------------

export interface UploadInput {
  /** The request body as a stream; null when the request had none. */
  body: Readable | null;
  /** The Content-Length header, when given: a declared size over the limit is refused before reading. */
  declaredLength: number | null;
  /** For public uploads: the jurisdiction reported to (optional when the server hosts only one). */
  jurisdiction?: string;
}

export interface UploadCaller {
  /** Null for the public portal (anonymous). */
  principal: Principal | null;
  ip: string | null;
  request: RequestMeta;
}

async function resolvePublicJurisdiction(db: Db, given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (!(await repo.jurisdictionExists(db, given))) throw badRequest('attachment.jurisdiction_unknown', { id: given });
    return given;
  }
  const ids = await repo.someJurisdictionIds(db);
  if (ids.length !== 1) throw badRequest('attachment.jurisdiction_required');
  return ids[0]!;
}

/** Schedules the clean-up at the end of hour number `hour` (since the epoch); one timer per hour whoever asks. */
async function scheduleSweep(ctx: AttachmentContext, tx: Db, hour: number): Promise<void> {
  await ctx.outbox.schedule(tx, { handler: PURGE_UNLINKED_ATTACHMENTS, key: `h${hour}`, runAt: new Date(hour * HOUR_MS), jurisdictionId: null, payload: { hour } });
}

const hourAtOrAfter = (ms: number) => Math.ceil(ms / HOUR_MS);

export async function uploadAttachment(deps: AttachmentDeps, input: UploadInput, caller: UploadCaller): Promise<AttachmentView> {
  const { ctx, store } = deps;
  const limits = ctx.config.attachments;
  const principal = caller.principal;
  const ipKey = caller.ip ? ipHash(ctx.config.secretKey, caller.ip) : null;

  let jurisdictionId: string;
  let actor: AuditActor;
  if (principal === null) {
    jurisdictionId = await resolvePublicJurisdiction(ctx.db, input.jurisdiction);
    const wait = deps.limiter.take(ipKey ?? 'unknown');
    if (wait > 0) throw new AppError('rate_limited', 'attachment.rate_limited', { retryAfterSeconds: wait });
    const since = new Date(Date.now() - HOUR_MS);
    const recent = await repo.countPublicSince(ctx.db, jurisdictionId, since);
    if (recent.count >= limits.publicPerHour) {
      const retry = recent.oldest ? Math.max(1, Math.ceil((recent.oldest.getTime() + HOUR_MS - Date.now()) / 1000)) : 3600;
      throw new AppError('rate_limited', 'attachment.public_quota_exhausted', { retryAfterSeconds: retry, limit: limits.publicPerHour });
    }
    actor = { kind: 'anonymous', id: null, name: 'portal', jurisdictionId };
  } else {
    if (input.jurisdiction !== undefined && input.jurisdiction !== principal.jurisdictionId) throw forbidden('attachment.other_jurisdiction');
    jurisdictionId = principal.jurisdictionId;
    actor =
      principal.kind === 'user'
        ? { kind: 'user', id: principal.userId, name: principal.username, jurisdictionId }
        : { kind: 'api_key', id: principal.keyId, name: principal.name, jurisdictionId };
  }

  if (input.declaredLength !== null && input.declaredLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (input.body === null || input.declaredLength === 0) throw badRequest('attachment.empty');
  const received = await receiveUpload(input.body, store.tempDir, limits.maxBytes);
  const temps = [received.file];
  try {
    // EXIF/GPS removed (the stripped copy replaces the upload) and a thumbnail made: photo-processing.ts.
    const photo = await preparePhoto(
      received.file,
      received.contentType,
      { file: received.file, size: received.size, sha256: received.sha256, width: received.dimensions?.width ?? null, height: received.dimensions?.height ?? null },
      store.tempDir,
    );
    temps.push(photo.file, ...(photo.thumb ? [photo.thumb.file] : []));
    const key = storageKeyFor(photo.sha256);
    const thumbKey = photo.thumb ? storageKeyFor(photo.thumb.sha256) : null;
    const now = new Date();
    const row = await ctx.db.transaction().execute(async (tx) => {
      // Under the blobs' locks: the clean-up cannot delete them between our put and our row.
      await repo.lockBlob(tx, key);
      if (thumbKey) await repo.lockBlob(tx, thumbKey);
      try {
        await store.put(key, photo.file, { contentType: received.contentType, size: photo.size, sha256: photo.sha256 });
        if (photo.thumb && thumbKey) await store.put(thumbKey, photo.thumb.file, { contentType: 'image/jpeg', size: photo.thumb.size, sha256: photo.thumb.sha256 });
      } catch (err) {
        ctx.log.error({ err, storageKey: key, store: store.kind }, 'attachment store refused a blob');
        throw new AppError('unavailable', 'attachment.store_unavailable');
      }
      const inserted = await repo.insertAttachment(tx, {
        jurisdictionId,
        sha256: photo.sha256,
        contentType: received.contentType,
        size: photo.size,
        width: photo.width,
        height: photo.height,
        storageKey: key,
        thumbKey,
        uploaderKind: principal === null ? 'public' : principal.kind === 'user' ? 'user' : 'api_key',
        uploadedBy: principal?.kind === 'user' ? principal.userId : null,
        uploaderIpHash: ipKey,
        createdAt: now,
      });
      const details = { sha256: photo.sha256, contentType: received.contentType, size: photo.size, metadataRemoved: photo.stripped };
      await recordAudit(tx, { actor, request: caller.request, action: 'attachment.upload', jurisdictionId, objectType: 'attachment', objectId: inserted.id, details });
      await ctx.outbox.publish(tx, { name: 'attachment.uploaded', jurisdictionId, payload: { attachmentId: inserted.id, ...details } });
      await scheduleSweep(ctx, tx, hourAtOrAfter(now.getTime() + UNLINKED_TTL_MS));
      return inserted;
    });
    return view(row);
  } finally {
    // The store consumed the temp files on success; after a failure they may still be there.
    await Promise.all([...new Set(temps)].map((f) => unlink(f).catch(() => undefined)));
  }
}

// ---- read ----------------------------------------------------------------------------------------------------

/**
 * The one place that decides whether `principal` may see the work order an attachment is linked to:
 * `work_order.read` on the order's jurisdiction, department subtree, grid and reporter (authorize's semantics), or —
 * as for the order itself (own-reports.ts) — a resident who filed it with the phone they have since verified.
 */
export async function mayReadLinkedOrder(db: Db, principal: Principal, order: repo.WorkOrderCoordinates): Promise<boolean> {
  const granted = canOn(principal, 'work_order.read', {
    jurisdictionId: order.jurisdictionId,
    departmentPath: order.departmentPath,
    gridCode: order.gridCode,
    ownerUserId: order.ownerUserId,
  });
  return granted || reportedWithOwnPhone(db, principal, order.reporterPhoneHmac);
}

export interface ReadableAttachment {
  attachment: AttachmentView;
  /** Opens the bytes (after the caller has checked, say, If-None-Match); `thumb`: the thumbnail when there is one. */
  open(size?: 'full' | 'thumb'): Promise<Readable>;
  /** Whether a thumbnail exists (else `open('thumb')` gives the full photo). */
  hasThumb: boolean;
}

/** The attachment, for its uploader or for whoever may read its work order; otherwise 404 (no existence leak). */
export async function findReadableAttachment(deps: Pick<AttachmentDeps, 'ctx' | 'store'>, principal: Principal, id: string): Promise<ReadableAttachment> {
  const { ctx, store } = deps;
  const row = UUID.test(id) ? await repo.findAttachment(ctx.db, id) : undefined;
  if (!row || row.jurisdiction_id !== principal.jurisdictionId) throw notFound('attachment.not_found');
  let allowed = principal.kind === 'user' && row.uploaded_by === principal.userId;
  if (!allowed && row.work_order_id !== null) {
    const order = await repo.findWorkOrderCoordinates(ctx.db, row.jurisdiction_id, row.work_order_id);
    allowed = order !== undefined && (await mayReadLinkedOrder(ctx.db, principal, order));
  }
  if (!allowed) throw notFound('attachment.not_found');
  return {
    attachment: view(row),
    hasThumb: row.thumb_key !== null,
    open: async (size = 'full') => {
      const stream = await store.open(size === 'thumb' && row.thumb_key ? row.thumb_key : row.storage_key);
      if (!stream) {
        ctx.log.error({ attachmentId: row.id, storageKey: row.storage_key }, 'attachment blob missing from the store');
        throw new AppError('not_found', 'attachment.content_missing');
      }
      return stream;
    },
  };
}

/** The photos linked to a work order, oldest first (for the order's detail and timeline). */
export async function listWorkOrderAttachments(db: Db, jurisdictionId: string, workOrderId: string): Promise<AttachmentRef[]> {
  return (await repo.listForWorkOrder(db, jurisdictionId, workOrderId)).map(ref);
}

// ---- link ----------------------------------------------------------------------------------------------------

export interface LinkAttachmentsInput {
  jurisdictionId: string;
  workOrderId: string;
  ids: readonly string[];
  /** The user filing the report / action; null for an anonymous (public portal) or API-key report. */
  uploadedBy: string | null;
  /** The timeline entry the photos came with (the create entry, a handler's report, a check). */
  timelineEntryId?: number | null;
}

/**
 * Links uploaded attachments to a work order, inside the caller's transaction (the one that creates the order or
 * its timeline entry). Each id must exist in the jurisdiction, be unlinked (or already linked to this order), not
 * have expired, and have been uploaded by `uploadedBy` — or, when that is null, anonymously (public portal or API
 * key) within the last hour. Otherwise 400 `attachment.not_usable` naming the id. Returns the attachments in the
 * order given (duplicates dropped).
 */
export async function linkAttachments(tx: Db, input: LinkAttachmentsInput, now = new Date()): Promise<AttachmentRef[]> {
  if (!tx.isTransaction) throw new Error('linkAttachments must run inside the transaction of the change');
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) return [];
  if (ids.length > MAX_LINKED_PER_CALL) throw badRequest('attachment.too_many', { max: MAX_LINKED_PER_CALL });
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined) throw badRequest('attachment.not_usable', { id: bad });
  if (input.timelineEntryId != null && !(await repo.timelineEntryBelongsTo(tx, input.timelineEntryId, input.workOrderId))) {
    throw new Error(`timeline entry ${input.timelineEntryId} is not an entry of work order ${input.workOrderId}`);
  }
  const rows = new Map((await repo.lockAttachments(tx, ids)).map((r) => [r.id, r]));
  for (const id of ids) {
    const row = rows.get(id);
    const created = row ? new Date(row.created_at).getTime() : 0;
    const usable =
      row !== undefined &&
      row.jurisdiction_id === input.jurisdictionId &&
      (row.work_order_id === null ? now.getTime() - created < UNLINKED_TTL_MS : row.work_order_id === input.workOrderId) &&
      (input.uploadedBy !== null
        ? row.uploaded_by === input.uploadedBy
        : row.uploaded_by === null && now.getTime() - created <= ANONYMOUS_LINK_WINDOW_MS);
    if (!usable) throw badRequest('attachment.not_usable', { id });
  }
  await repo.markLinked(tx, ids, input.workOrderId, input.timelineEntryId ?? null, now);
  const linked = new Map((await repo.lockAttachments(tx, ids)).map((r) => [r.id, r]));
  return ids.map((id) => ref(linked.get(id)!));
}

// ---- clean-up ------------------------------------------------------------------------------------------------

export interface PurgeResult {
  deleted: number;
  blobsDeleted: number;
  tempFilesDeleted: number;
}

/**
 * Deletes unlinked attachments older than a day (a batch per run), and their blobs when no other row names them;
 * removes temp files abandoned by a crash; reschedules itself for when the oldest unlinked upload left expires.
 * Runs in the timer job's transaction.
 */
export async function purgeUnlinkedAttachments(
  deps: Pick<AttachmentDeps, 'ctx' | 'store'>,
  tx: Db,
  now = new Date(),
  /** The hour key of the timer running this (its reschedule must use another key). */
  ownHour: number | null = null,
): Promise<PurgeResult> {
  const { ctx, store } = deps;
  const expired = await repo.lockExpiredUnlinked(tx, new Date(now.getTime() - UNLINKED_TTL_MS), PURGE_BATCH);
  await repo.deleteAttachments(
    tx,
    expired.map((r) => r.id),
  );
  let blobsDeleted = 0;
  for (const key of new Set(expired.flatMap((r) => (r.thumb_key ? [r.storage_key, r.thumb_key] : [r.storage_key])))) {
    await repo.lockBlob(tx, key);
    if (await repo.storageKeyInUse(tx, key)) continue;
    await store.delete(key);
    blobsDeleted++;
  }
  const byJurisdiction = new Map<string, string[]>();
  for (const r of expired) byJurisdiction.set(r.jurisdiction_id, [...(byJurisdiction.get(r.jurisdiction_id) ?? []), r.id]);
  for (const [jurisdictionId, ids] of byJurisdiction) {
    await recordAudit(tx, {
      actor: systemActor('attachments.purge', jurisdictionId),
      request: noRequest,
      action: 'attachment.purge_unlinked',
      jurisdictionId,
      objectType: 'attachment',
      details: { count: ids.length, ids },
    });
  }
  const tempFilesDeleted = await sweepTempDir(store.tempDir, TEMP_MAX_AGE_MS, now.getTime());

  // Next run: when the oldest unlinked upload left expires, but always in a later hour than now and than this run's
  // own timer (a timer with the key of the running job would be overwritten when the job is marked done).
  const oldest = await repo.oldestUnlinked(tx);
  if (oldest) {
    const hour = Math.max(hourAtOrAfter(oldest.getTime() + UNLINKED_TTL_MS), Math.floor(now.getTime() / HOUR_MS) + 1, (ownHour ?? 0) + 1);
    await scheduleSweep(ctx, tx, hour);
  }
  if (expired.length > 0) ctx.log.info({ deleted: expired.length, blobsDeleted, tempFilesDeleted }, 'unlinked attachments purged');
  return { deleted: expired.length, blobsDeleted, tempFilesDeleted };
}

/** Registers the clean-up timer handler (once per context: tests build several modules on one). */
export function registerAttachmentTimers(deps: Pick<AttachmentDeps, 'ctx' | 'store'>): void {
  if (deps.ctx.handlers.hasTimer(PURGE_UNLINKED_ATTACHMENTS)) return;
  deps.ctx.handlers.onTimer(PURGE_UNLINKED_ATTACHMENTS, async (payload, job) => {
    await purgeUnlinkedAttachments(deps, job.tx, new Date(), typeof payload.hour === 'number' ? payload.hour : null);
  });
}
