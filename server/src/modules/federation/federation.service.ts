/**
 * Peers: a neighbouring jurisdiction's Open311 endpoint, registered by an administrator. The API key is sealed with
 * the server's SECRET_KEY (as reporters' personal data) and never shown again — views carry its last 4 characters.
 * Every change is audited and published in its transaction; a new or re-activated peer starts its polling timer.
 */
import type { ConnectionTest, PeerChoice, PeerInput, PeerView, TransferView } from '@civicgrid/contracts/federation';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, openPersonal, sealPersonal, type Principal } from '../identity/index.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import { Open311ClientError } from './open311-client.js';
import { clientFor } from './peer-client.js';
import * as repo from './federation.repo.js';
import { schedulePoll } from './transfer.js';

export type FederationContext = Pick<AppContext, 'db' | 'outbox' | 'log'> & { config: Pick<AppContext['config'], 'secretKey' | 'publicBaseUrl'> };

export type { PeerChoice, PeerInput, PeerView };

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

export function presentPeer(secretKey: string, p: repo.PeerRow): PeerView {
  return {
    id: p.id,
    name: p.name,
    baseUrl: p.base_url,
    remoteJurisdictionId: p.remote_jurisdiction_id,
    apiKeyLast4: openPersonal(secretKey, p.api_key_enc).slice(-4),
    format: p.format,
    serviceMap: p.service_map,
    defaultServiceCode: p.default_service_code,
    sendPersonalData: p.send_personal_data,
    active: p.active,
    lastPolledAt: iso(p.last_polled_at),
    lastError: p.last_error,
    version: p.version,
    createdAt: iso(p.created_at)!,
    updatedAt: iso(p.updated_at)!,
  };
}

function validate(input: PeerInput): void {
  let url: URL;
  try {
    url = new URL(input.baseUrl);
  } catch {
    throw badRequest('federation.base_url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('federation.base_url_invalid');
  if (url.username || url.password || url.search || url.hash) throw badRequest('federation.base_url_invalid');
  for (const [ours, theirs] of Object.entries(input.serviceMap)) {
    if (!/^[a-z0-9]+(\.[a-z0-9]+)*$/.test(ours) || theirs.trim() === '' || theirs.length > 100) throw badRequest('federation.service_map_invalid', { code: ours.slice(0, 100) });
  }
}

function fieldsOf(secretKey: string, input: PeerInput, keptKeyEnc: string | null): repo.PeerFields {
  const apiKeyEnc = input.apiKey !== undefined ? sealPersonal(secretKey, input.apiKey) : keptKeyEnc;
  if (apiKeyEnc === null) throw badRequest('federation.api_key_required');
  return {
    name: input.name.trim(),
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    remoteJurisdictionId: input.remoteJurisdictionId?.trim() || null,
    apiKeyEnc,
    format: input.format,
    serviceMap: input.serviceMap,
    defaultServiceCode: input.defaultServiceCode.trim(),
    sendPersonalData: input.sendPersonalData,
    active: input.active,
  };
}

/** The audit details of a peer change: what changed, never the key itself (only that it was replaced). */
function auditDetails(p: repo.PeerFields, keyReplaced: boolean) {
  return { name: p.name, baseUrl: p.baseUrl, remoteJurisdictionId: p.remoteJurisdictionId ?? '', format: p.format, services: Object.keys(p.serviceMap).length, defaultServiceCode: p.defaultServiceCode, sendPersonalData: p.sendPersonalData, active: p.active, keyReplaced };
}

export async function listPeers(ctx: FederationContext, principal: Principal): Promise<PeerView[]> {
  authorize(principal, 'federation.peer.manage', { jurisdictionId: principal.jurisdictionId });
  return (await repo.listPeers(ctx.db, principal.jurisdictionId)).map((p) => presentPeer(ctx.config.secretKey, p));
}

export async function listPeerChoices(ctx: FederationContext, principal: Principal): Promise<PeerChoice[]> {
  authorize(principal, 'federation.peer.read', { jurisdictionId: principal.jurisdictionId });
  return (await repo.listPeers(ctx.db, principal.jurisdictionId, true)).map((p) => ({ id: p.id, name: p.name }));
}

async function peerOrNotFound(ctx: FederationContext, principal: Principal, id: string): Promise<repo.PeerRow> {
  authorize(principal, 'federation.peer.manage', { jurisdictionId: principal.jurisdictionId }, 'federation.peer_not_found');
  const peer = await repo.findPeer(ctx.db, principal.jurisdictionId, id);
  if (!peer) throw notFound('federation.peer_not_found', { id });
  return peer;
}

export async function getPeer(ctx: FederationContext, principal: Principal, id: string): Promise<PeerView> {
  return presentPeer(ctx.config.secretKey, await peerOrNotFound(ctx, principal, id));
}

export async function createPeer(ctx: FederationContext, principal: Principal, input: PeerInput, actor: Actor, request: RequestMeta, now = new Date()): Promise<PeerView> {
  authorize(principal, 'federation.peer.manage', { jurisdictionId: principal.jurisdictionId });
  validate(input);
  const fields = fieldsOf(ctx.config.secretKey, input, null);
  const j = principal.jurisdictionId;
  if (await repo.peerNameTaken(ctx.db, j, fields.name, null)) throw conflict('federation.peer_name_taken', { name: fields.name });
  const row = await ctx.db.transaction().execute(async (tx) => {
    const peer = await repo.insertPeer(tx, j, fields, now);
    await recordAudit(tx, { actor, request, action: 'federation.peer.create', jurisdictionId: j, objectType: 'federation_peer', objectId: peer.id, details: auditDetails(fields, true) });
    await ctx.outbox.publish(tx, { name: 'federation.peer_changed', jurisdictionId: j, payload: { peerId: peer.id, change: 'create' } });
    if (peer.active) await schedulePoll(tx, ctx, peer, now);
    return peer;
  });
  return presentPeer(ctx.config.secretKey, row);
}

export async function updatePeer(ctx: FederationContext, principal: Principal, id: string, version: number, input: PeerInput, actor: Actor, request: RequestMeta, now = new Date()): Promise<PeerView> {
  const before = await peerOrNotFound(ctx, principal, id);
  validate(input);
  const fields = fieldsOf(ctx.config.secretKey, input, before.api_key_enc);
  if (await repo.peerNameTaken(ctx.db, before.jurisdiction_id, fields.name, id)) throw conflict('federation.peer_name_taken', { name: fields.name });
  const row = await ctx.db.transaction().execute(async (tx) => {
    const peer = await repo.updatePeerIfVersion(tx, id, version, fields, now);
    if (!peer) throw conflict('federation.peer_version_conflict', { version: (await repo.findPeer(tx, before.jurisdiction_id, id))?.version ?? version });
    await recordAudit(tx, { actor, request, action: 'federation.peer.update', jurisdictionId: peer.jurisdiction_id, objectType: 'federation_peer', objectId: id, details: auditDetails(fields, input.apiKey !== undefined) });
    await ctx.outbox.publish(tx, { name: 'federation.peer_changed', jurisdictionId: peer.jurisdiction_id, payload: { peerId: id, change: 'update' } });
    if (peer.active && !before.active) await schedulePoll(tx, ctx, peer, now);
    return peer;
  });
  return presentPeer(ctx.config.secretKey, row);
}

/** A peer that has transfers is kept for their history (deactivate it instead). */
export async function deletePeer(ctx: FederationContext, principal: Principal, id: string, actor: Actor, request: RequestMeta): Promise<void> {
  const peer = await peerOrNotFound(ctx, principal, id);
  if ((await repo.countTransfers(ctx.db, id)) > 0) throw conflict('federation.peer_in_use', { name: peer.name });
  await ctx.db.transaction().execute(async (tx) => {
    await repo.deletePeer(tx, id);
    await recordAudit(tx, { actor, request, action: 'federation.peer.delete', jurisdictionId: peer.jurisdiction_id, objectType: 'federation_peer', objectId: id, details: { name: peer.name } });
    await ctx.outbox.publish(tx, { name: 'federation.peer_changed', jurisdictionId: peer.jurisdiction_id, payload: { peerId: id, change: 'delete' } });
  });
}

export type { ConnectionTest };

/** Test connection: the peer's services list (also what the administrator maps our categories to). */
export async function testPeer(ctx: FederationContext, principal: Principal, id: string, actor: Actor, request: RequestMeta): Promise<ConnectionTest> {
  const peer = await peerOrNotFound(ctx, principal, id);
  let result: ConnectionTest;
  try {
    result = { ok: true, services: await clientFor(ctx.config.secretKey, peer).services(), error: null };
  } catch (e) {
    if (!(e instanceof Open311ClientError)) throw e;
    result = { ok: false, services: [], error: e.message };
  }
  await ctx.db.transaction().execute(async (tx) => {
    await recordAudit(tx, { actor, request, action: 'federation.peer.test', jurisdictionId: peer.jurisdiction_id, objectType: 'federation_peer', objectId: id, details: { ok: result.ok, services: result.services.length, error: result.error ?? '' } });
  });
  return result;
}

/** Poll now (administrators): the peer's timer is due at once. */
export async function pollPeerNow(ctx: FederationContext, principal: Principal, id: string, now = new Date()): Promise<void> {
  const peer = await peerOrNotFound(ctx, principal, id);
  if (!peer.active) throw conflict('federation.peer_inactive', { name: peer.name });
  await ctx.db.transaction().execute((tx) => schedulePoll(tx, ctx, peer, now));
}

export type { TransferView };

export async function getTransfer(ctx: FederationContext, principal: Principal, workOrderId: string): Promise<TransferView> {
  authorize(principal, 'federation.peer.read', { jurisdictionId: principal.jurisdictionId }, 'federation.transfer_not_found');
  const t = await repo.findTransferOfOrder(ctx.db, principal.jurisdictionId, workOrderId);
  if (!t) throw notFound('federation.transfer_not_found', { id: workOrderId });
  const peer = await repo.findPeerById(ctx.db, t.peer_id);
  return {
    peer: { id: t.peer_id, name: peer?.name ?? '' },
    state: t.state,
    serviceCode: t.service_code,
    remoteId: t.remote_id,
    remoteStatus: t.remote_status,
    remoteNotes: t.remote_notes,
    attempts: t.attempts,
    lastError: t.last_error,
    createdAt: iso(t.created_at)!,
    sentAt: iso(t.sent_at),
    lastPolledAt: t.state === 'pending' || t.state === 'failed' ? null : iso(peer?.last_polled_at ?? null),
    mirrored: (await repo.mirroredEntries(ctx.db, t.id, 20)).map((m) => ({ at: iso(m.at)!, remoteStatus: String(m.data.remoteStatus ?? ''), mirroredStatus: String(m.data.mirroredStatus ?? ''), note: m.note })),
  };
}
