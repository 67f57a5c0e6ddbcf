/** SQL for work-order attachments (the `attachments` table); reads jurisdictions, work orders and departments. */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { AttachmentsTable } from '../../db/schema.js';

export type AttachmentRow = Selectable<AttachmentsTable>;

/** Serialises everything that writes or deletes the blob under `key` (upload vs. clean-up) until the transaction ends. */
export async function lockBlob(tx: Db, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`attachment-blob:${key}`}, 0))`.execute(tx);
}

export async function jurisdictionExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('jurisdictions').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Up to two jurisdiction ids: enough to tell whether the server hosts exactly one. */
export async function someJurisdictionIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('jurisdictions').select('id').orderBy('id').limit(2).execute()).map((r) => r.id);
}

export async function insertAttachment(
  tx: Db,
  values: {
    jurisdictionId: string;
    sha256: string;
    contentType: AttachmentRow['content_type'];
    size: number;
    width: number | null;
    height: number | null;
    storageKey: string;
    thumbKey?: string | null;
    uploaderKind: AttachmentRow['uploader_kind'];
    uploadedBy: string | null;
    uploaderIpHash: string | null;
    createdAt: Date;
  },
): Promise<AttachmentRow> {
  return tx
    .insertInto('attachments')
    .values({
      jurisdiction_id: values.jurisdictionId,
      sha256: values.sha256,
      content_type: values.contentType,
      size: values.size,
      width: values.width,
      height: values.height,
      storage_key: values.storageKey,
      thumb_key: values.thumbKey ?? null,
      uploader_kind: values.uploaderKind,
      uploaded_by: values.uploadedBy,
      uploader_ip_hash: values.uploaderIpHash,
      created_at: values.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAttachment(db: Db, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Public (anonymous) uploads in a jurisdiction since `since`, and the oldest of them (for Retry-After). */
export async function countPublicSince(db: Db, jurisdictionId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('uploader_kind', '=', 'public')
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: row.oldest ? new Date(row.oldest) : null };
}

/** The rows with these ids, locked for linking. */
export async function lockAttachments(tx: Db, ids: readonly string[]): Promise<AttachmentRow[]> {
  if (ids.length === 0) return [];
  return tx.selectFrom('attachments').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

export async function markLinked(tx: Db, ids: readonly string[], workOrderId: string, timelineEntryId: number | null, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('attachments')
    .set({
      work_order_id: workOrderId,
      linked_at: sql<Date>`coalesce(linked_at, ${at})`,
      timeline_entry_id: sql<number | null>`coalesce(timeline_entry_id, ${timelineEntryId}::bigint)`,
    })
    .where('id', 'in', ids)
    .execute();
}

export async function timelineEntryBelongsTo(db: Db, entryId: number, workOrderId: string): Promise<boolean> {
  const row = await db.selectFrom('work_order_timeline').select('id').where('id', '=', entryId).where('work_order_id', '=', workOrderId).executeTakeFirst();
  return row !== undefined;
}

/** Attachments of one work order, oldest first. */
export async function listForWorkOrder(db: Db, jurisdictionId: string, workOrderId: string): Promise<AttachmentRow[]> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('work_order_id', '=', workOrderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Unlinked rows created before `before`, locked (skipping rows another sweeper holds), oldest first. */
export async function lockExpiredUnlinked(tx: Db, before: Date, limit: number): Promise<AttachmentRow[]> {
  return tx
    .selectFrom('attachments')
    .selectAll()
    .where('work_order_id', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function deleteAttachments(tx: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.deleteFrom('attachments').where('id', 'in', ids).execute();
}

/** Whether any row names the blob, as its photo or as its thumbnail. */
export async function storageKeyInUse(db: Db, key: string): Promise<boolean> {
  const row = await db.selectFrom('attachments').select('id').where((eb) => eb.or([eb('storage_key', '=', key), eb('thumb_key', '=', key)])).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The oldest unlinked row's creation time, or null when there is none. */
export async function oldestUnlinked(db: Db): Promise<Date | null> {
  const row = await db.selectFrom('attachments').select('created_at').where('work_order_id', 'is', null).orderBy('created_at').limit(1).executeTakeFirst();
  return row ? new Date(row.created_at) : null;
}

/** Where a work order sits for scope checks: its jurisdiction, department subtree path, grid and reporter. */
export interface WorkOrderCoordinates {
  id: string;
  jurisdictionId: string;
  departmentPath: string | null;
  gridCode: string | null;
  ownerUserId: string | null;
  /** The lookup HMAC of the phone it was filed with (a resident who verified that number reported it). */
  reporterPhoneHmac: string | null;
}

export async function findWorkOrderCoordinates(db: Db, jurisdictionId: string, id: string): Promise<WorkOrderCoordinates | undefined> {
  const row = await db
    .selectFrom('work_orders as w')
    .leftJoin('departments as d', 'd.id', 'w.department_id')
    .select(['w.id', 'w.jurisdiction_id', 'd.path', 'w.grid_code', 'w.reporter_user_id', 'w.reporter_phone_hmac'])
    .where('w.jurisdiction_id', '=', jurisdictionId)
    .where('w.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, jurisdictionId: row.jurisdiction_id, departmentPath: row.path, gridCode: row.grid_code, ownerUserId: row.reporter_user_id, reporterPhoneHmac: row.reporter_phone_hmac };
}
