/**
 * Timeline entries written by another module about an order it holds for someone else — federation's transfer
 * (sent to the peer, the peer's progress mirrored back). They never move the local lifecycle: `to` stays the
 * order's status ('transferred'), and what the peer reports is kept in `data` (`mirroredStatus`, one of our
 * statuses, shown on the resident's tracking page). `media_links`: the photo links (data.url1, url2, …) an Open311
 * client sent with a request, shown on the order as external links (never fetched by the server).
 */
import type { Db } from '../../app-context.js';
import * as repo from './work-orders.repo.js';

export const EXTERNAL_ACTIONS = ['transfer_sent', 'transfer_failed', 'remote_update', 'media_links'] as const;
export type ExternalAction = (typeof EXTERNAL_ACTIONS)[number];

export async function appendExternalEntry(
  tx: Db,
  e: { jurisdictionId: string; workOrderId: string; at: Date; action: ExternalAction; note: string | null; data: Record<string, string | number> },
): Promise<number> {
  if (!tx.isTransaction) throw new Error('appendExternalEntry must run inside the transaction of the change');
  const row = await tx.selectFrom('work_orders').select('status').where('id', '=', e.workOrderId).where('jurisdiction_id', '=', e.jurisdictionId).executeTakeFirstOrThrow();
  const id = await repo.insertTimelineEntry(tx, { ...e, from: row.status, to: row.status, actorId: null, actorRole: 'system', photos: [] });
  // Open311 clients and list views see the order as changed (updated_after), though its state did not move.
  await tx.updateTable('work_orders').set({ updated_at: e.at }).where('id', '=', e.workOrderId).execute();
  return id;
}
