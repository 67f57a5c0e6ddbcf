/** Federation's tables (peers, transfers, mirrored updates) and the narrow read of the order a transfer sends. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import type { FederationPeersTable, FederationTransfersTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';

export type PeerRow = Selectable<FederationPeersTable>;
export type TransferRow = Selectable<FederationTransfersTable>;

export interface PeerFields {
  name: string;
  baseUrl: string;
  remoteJurisdictionId: string | null;
  apiKeyEnc: string;
  format: 'json' | 'xml';
  serviceMap: Record<string, string>;
  defaultServiceCode: string;
  sendPersonalData: boolean;
  active: boolean;
}

const peerValues = (f: PeerFields) => ({
  name: f.name,
  base_url: f.baseUrl,
  remote_jurisdiction_id: f.remoteJurisdictionId,
  api_key_enc: f.apiKeyEnc,
  format: f.format,
  service_map: JSON.stringify(f.serviceMap),
  default_service_code: f.defaultServiceCode,
  send_personal_data: f.sendPersonalData,
  active: f.active,
});

export async function listPeers(db: Db, jurisdictionId: string, activeOnly = false): Promise<PeerRow[]> {
  let q = db.selectFrom('federation_peers').selectAll().where('jurisdiction_id', '=', jurisdictionId);
  if (activeOnly) q = q.where('active', '=', true);
  return q.orderBy('name').execute();
}

export async function findPeer(db: Db, jurisdictionId: string, id: string): Promise<PeerRow | undefined> {
  return db.selectFrom('federation_peers').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
}

export async function findPeerById(db: Db, id: string): Promise<PeerRow | undefined> {
  return db.selectFrom('federation_peers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function peerNameTaken(db: Db, jurisdictionId: string, name: string, exceptId: string | null): Promise<boolean> {
  let q = db.selectFrom('federation_peers').select('id').where('jurisdiction_id', '=', jurisdictionId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertPeer(tx: Db, jurisdictionId: string, f: PeerFields, now: Date): Promise<PeerRow> {
  return tx.insertInto('federation_peers').values({ jurisdiction_id: jurisdictionId, ...peerValues(f), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
}

/** Writes only when the stored version is `version` (else undefined: someone else saved first). */
export async function updatePeerIfVersion(tx: Db, id: string, version: number, f: PeerFields, now: Date): Promise<PeerRow | undefined> {
  return tx
    .updateTable('federation_peers')
    .set({ ...peerValues(f), version: sql<number>`version + 1`, updated_at: now })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function deletePeer(tx: Db, id: string): Promise<void> {
  await tx.deleteFrom('federation_peers').where('id', '=', id).execute();
}

export async function countTransfers(db: Db, peerId: string): Promise<number> {
  const r = await db.selectFrom('federation_transfers').select((eb) => eb.fn.countAll<string>().as('n')).where('peer_id', '=', peerId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function recordPoll(tx: Db, id: string, at: Date, error: string | null, updatesSince?: Date): Promise<void> {
  await tx
    .updateTable('federation_peers')
    .set({ last_polled_at: at, last_error: error === null ? null : error.slice(0, 1000), ...(updatesSince ? { updates_since: updatesSince } : {}) })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Transfers

/**
 * A transfer of the order, pending: a new row, or — when the order's earlier transfer was refused (failed) — that
 * row started afresh for this peer with a new Idempotency-Key (`retryKey`), so the peer sees a new request.
 * Undefined when the order already has a live transfer (the event was delivered before).
 */
export async function startTransfer(tx: Db, t: { jurisdictionId: string; workOrderId: string; peerId: string; serviceCode: string; idempotencyKey: string; retryKey: string; now: Date }): Promise<TransferRow | undefined> {
  return tx
    .insertInto('federation_transfers')
    .values({ jurisdiction_id: t.jurisdictionId, work_order_id: t.workOrderId, peer_id: t.peerId, service_code: t.serviceCode, idempotency_key: t.idempotencyKey, created_at: t.now, updated_at: t.now })
    .onConflict((oc) =>
      oc
        .column('work_order_id')
        .doUpdateSet({ peer_id: t.peerId, service_code: t.serviceCode, idempotency_key: t.retryKey, state: 'pending', remote_id: null, remote_token: null, remote_status: null, remote_notes: null, attempts: 0, last_error: null, sent_at: null, created_at: t.now, updated_at: t.now })
        .where('federation_transfers.state', '=', 'failed'),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Peers to poll at start: active, with a transfer waiting for a token or open at the peer. */
export async function activePeersWithOpenTransfers(db: Db): Promise<Array<{ id: string; jurisdiction_id: string }>> {
  return db
    .selectFrom('federation_peers as p')
    .select(['p.id', 'p.jurisdiction_id'])
    .where('p.active', '=', true)
    .where((eb) => eb.exists(eb.selectFrom('federation_transfers as t').select('t.id').whereRef('t.peer_id', '=', 'p.id').where('t.state', 'in', ['token', 'sent'])))
    .execute();
}

export async function findTransfer(db: Db, id: string): Promise<TransferRow | undefined> {
  return db.selectFrom('federation_transfers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTransferOfOrder(db: Db, jurisdictionId: string, workOrderId: string): Promise<TransferRow | undefined> {
  return db.selectFrom('federation_transfers').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('work_order_id', '=', workOrderId).executeTakeFirst();
}

export async function transfersToPoll(db: Db, peerId: string): Promise<TransferRow[]> {
  return db.selectFrom('federation_transfers').selectAll().where('peer_id', '=', peerId).where('state', 'in', ['token', 'sent']).orderBy('created_at').limit(1000).execute();
}

type TransferSet = Partial<Pick<TransferRow, 'state' | 'remote_id' | 'remote_token' | 'remote_status' | 'remote_notes' | 'last_error' | 'sent_at'>> & { attempts?: number };

export async function updateTransfer(
  tx: Db,
  id: string,
  set: TransferSet,
  now: Date,
): Promise<void> {
  await tx.updateTable('federation_transfers').set({ ...set, updated_at: now }).where('id', '=', id).execute();
}

/** Updates the transfer only while it is still in state `from` (a re-run or a concurrent poll changes nothing). */
export async function updateTransferIf(tx: Db, id: string, from: TransferRow['state'], set: TransferSet, now: Date): Promise<boolean> {
  const r = await tx.updateTable('federation_transfers').set({ ...set, updated_at: now }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Claims `remoteKey` for a transfer; false when it was mirrored before (nothing to write). */
export async function claimMirrored(tx: Db, transferId: string, remoteKey: string): Promise<boolean> {
  const row = await tx.insertInto('federation_mirrored').values({ transfer_id: transferId, remote_key: remoteKey.slice(0, 300) }).onConflict((oc) => oc.columns(['transfer_id', 'remote_key']).doNothing()).returning('transfer_id').executeTakeFirst();
  return row !== undefined;
}

export async function setMirroredEntry(tx: Db, transferId: string, remoteKey: string, timelineId: number): Promise<void> {
  await tx.updateTable('federation_mirrored').set({ timeline_id: timelineId }).where('transfer_id', '=', transferId).where('remote_key', '=', remoteKey.slice(0, 300)).execute();
}

/** The timeline entries a transfer's mirrored updates wrote, newest first. */
export async function mirroredEntries(db: Db, transferId: string, limit: number): Promise<Array<{ at: Date; note: string | null; data: Record<string, unknown> }>> {
  return db
    .selectFrom('federation_mirrored as m')
    .innerJoin('work_order_timeline as e', 'e.id', 'm.timeline_id')
    .select(['e.at', 'e.note', 'e.data'])
    .where('m.transfer_id', '=', transferId)
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute() as Promise<Array<{ at: Date; note: string | null; data: Record<string, unknown> }>>;
}

// ---------------------------------------------------------------------------------------------------------------
// The order a transfer sends (work-orders' table, read only)

export interface OutgoingOrder {
  id: string;
  jurisdiction_id: string;
  code: string;
  status: string;
  title: string;
  description: string;
  category_code: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
}

export async function findOutgoingOrder(db: Db, jurisdictionId: string, id: string): Promise<OutgoingOrder | undefined> {
  const r = await sql<OutgoingOrder>`
    SELECT id, jurisdiction_id, code, status, title, description, category_code, address, ST_X(location) AS lng, ST_Y(location) AS lat,
           reporter_name_enc, reporter_phone_enc
      FROM work_orders WHERE jurisdiction_id = ${jurisdictionId} AND id = ${id}`.execute(db);
  return r.rows[0];
}
