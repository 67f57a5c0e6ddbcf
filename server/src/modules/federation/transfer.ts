/**
 * Transfers as durable jobs. A dispatcher's `transfer` action (work-orders, peer checked there) publishes
 * `work_order.transitioned`; the subscriber here records the transfer and schedules its send timer.
 *
 * Network calls never run inside a transaction (a slow peer would hold a connection — PGlite's only one — for up to
 * the client's timeout): send and poll are detached timers (events' onDetachedTimer). Each reads what it needs,
 * calls the peer, then records the result in a short transaction of its own, guarded by the state it read
 * ("only if still pending"), so a re-run is harmless. Send: POST with the transfer's Idempotency-Key — a crash
 * after the peer answered and before the record re-sends with the same key, which a CivicGrid peer answers with
 * the first request's id; a peer that is down fails the attempt (last error kept on the transfer), retried with
 * backoff. A refusal (4xx, or a token the peer later rejects) ends the transfer as failed and returns the order to
 * local work (work-orders' `transfer_failed`: → accepted, on the dispatcher's board again, timeline entry).
 *
 * Polling: one live timer per active peer (keyed by the peer: a re-schedule replaces it, so chains never stack;
 * re-started at server start for peers with open transfers), every POLL_INTERVAL_MS. It resolves tokens, reads
 * the mySociety servicerequestupdates since the last poll and GET requests for the open transfers, and mirrors
 * each remote update once (federation_mirrored) into the local timeline as `remote_update` entries; a closed
 * remote request ends polling for that transfer.
 */
import type { AppContext } from '../../app-context.js';
import { openPersonal } from '../identity/index.js';
import { INCOMING_STATUS, type ExtendedStatus } from '../open311/index.js';
import { appendExternalEntry, MAX_DESCRIPTION, photosOfOrders, publicAttachmentUrl, returnFromFailedTransfer } from '../work-orders/index.js';
import type { Db } from '../../app-context.js';
import type { DetachedJobContext } from '../events/index.js';
import { Open311ClientError, type RemoteRequest, type RemoteUpdate } from './open311-client.js';
import * as repo from './federation.repo.js';
import type { FederationContext } from './federation.service.js';
import { clientFor } from './peer-client.js';

export const SEND_TIMER = 'federation.send';
export const POLL_TIMER = 'federation.poll';
export const TRANSFER_SUBSCRIBER = 'federation.on-transfer';
export const POLL_INTERVAL_MS = 5 * 60_000;
/** With the worker's backoff (doubling, capped at an hour) about 14 hours of retries for a peer that is down. */
export const SEND_MAX_ATTEMPTS = 25;
const MAX_WINDOW_MS = 89 * 24 * 3600_000;
const IDS_PER_CALL = 50;

/** The longest mapped prefix of our category (a.b.c → a.b → a), else the peer's default service. */
export function mapServiceCode(serviceMap: Record<string, string>, fallback: string | null, categoryCode: string | null): string | null {
  if (categoryCode) {
    const parts = categoryCode.split('.');
    for (let n = parts.length; n > 0; n--) {
      const mapped = serviceMap[parts.slice(0, n).join('.')];
      if (mapped) return mapped;
    }
  }
  return fallback;
}

/** A remote status (standard open/closed or a mySociety extended one) as one of our statuses, for display. */
export function mirroredStatus(remote: string | null): string {
  const s = (remote ?? '').toLowerCase();
  if (s in INCOMING_STATUS) return INCOMING_STATUS[s as ExtendedStatus];
  return s === 'closed' ? 'closed' : 'in_progress';
}

/** The form a transfer POSTs: no personal data unless the peer is allowed it. */
export function outgoingFields(order: repo.OutgoingOrder, peer: repo.PeerRow, serviceCode: string, secretKey: string, sourceName: string): Record<string, string> {
  const ref = `\n\n（${sourceName}转办，原工单号 ${order.code}）`;
  const body = `${order.title}\n${order.description}`.trim();
  const fields: Record<string, string> = { service_code: serviceCode, description: body.slice(0, MAX_DESCRIPTION - ref.length) + ref };
  if (order.lat !== null && order.lng !== null) {
    fields.lat = String(order.lat);
    fields.long = String(order.lng);
  }
  if (order.address) fields.address_string = order.address;
  if (peer.send_personal_data) {
    if (order.reporter_name_enc) fields.last_name = openPersonal(secretKey, order.reporter_name_enc);
    if (order.reporter_phone_enc) fields.phone = openPersonal(secretKey, order.reporter_phone_enc);
  }
  return fields;
}

/** The peer's poll at `at`: one live timer per peer, so a re-schedule (poll now, server start, the chain) replaces it. */
export async function schedulePoll(tx: Db, ctx: Pick<AppContext, 'outbox'>, peer: { id: string; jurisdiction_id: string }, at: Date): Promise<void> {
  await ctx.outbox.schedule(tx, { handler: POLL_TIMER, key: peer.id, runAt: at, jurisdictionId: peer.jurisdiction_id, payload: { peerId: peer.id }, maxAttempts: 3 });
}

/** The client's timeout is 10 s a call; the lease covers a few calls and is renewed after each. */
const JOB_LEASE_MS = 60_000;

export function registerTransfers(ctx: FederationContext & Pick<AppContext, 'handlers'>): void {
  // Once per registry: modules may be created more than once on one context (a test building two apps).
  if (ctx.handlers.lookup(TRANSFER_SUBSCRIBER)) return;
  ctx.handlers.subscribe('work_order.transitioned', TRANSFER_SUBSCRIBER, async (event, job) => {
    const p = event.payload as { workOrderId?: string; action?: string; peerId?: string };
    if (p.action !== 'transfer' || !p.workOrderId || !p.peerId || !event.jurisdictionId) return;
    await recordTransfer(ctx, job.tx, event.id, event.jurisdictionId, p.workOrderId, p.peerId, new Date());
  }, { when: (payload) => payload.action === 'transfer' });
  ctx.handlers.onDetachedTimer(SEND_TIMER, async (payload, job) => sendTransfer(ctx, job, String(payload.transferId), new Date()), { leaseMs: JOB_LEASE_MS });
  ctx.handlers.onDetachedTimer(POLL_TIMER, async (payload, job) => pollPeer(ctx, String(payload.peerId), new Date(), job), { leaseMs: JOB_LEASE_MS });
}

/**
 * Server start: a poll for every active peer with open transfers (token or sent), due now. Keyed by peer, so this
 * replaces a pending poll rather than adding a second chain; safe to run on every start.
 */
export async function restartPolls(ctx: Pick<AppContext, 'db' | 'outbox'>, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const peers = await repo.activePeersWithOpenTransfers(tx);
    for (const peer of peers) await schedulePoll(tx, ctx, peer, now);
    return peers.length;
  });
}

async function recordTransfer(ctx: FederationContext, tx: Db, eventId: number, jurisdictionId: string, workOrderId: string, peerId: string, now: Date): Promise<void> {
  const peer = await repo.findPeer(tx, jurisdictionId, peerId);
  const order = await repo.findOutgoingOrder(tx, jurisdictionId, workOrderId);
  if (!peer || !order) {
    ctx.log.warn({ workOrderId, peerId }, 'transfer without its peer or order; nothing sent');
    return;
  }
  const serviceCode = mapServiceCode(peer.service_map, peer.default_service_code, order.category_code) ?? '';
  // An order back from a refused transfer may be transferred again (to this peer or another): a new attempt.
  const idempotencyKey = `civicgrid-transfer-${workOrderId}`;
  const transfer = await repo.startTransfer(tx, { jurisdictionId, workOrderId, peerId, serviceCode, idempotencyKey, retryKey: `${idempotencyKey}-e${eventId}`, now });
  if (!transfer) return; // delivered before
  await ctx.outbox.schedule(tx, { handler: SEND_TIMER, key: transfer.id, runAt: now, jurisdictionId, payload: { transferId: transfer.id }, maxAttempts: SEND_MAX_ATTEMPTS });
}

/** A refused transfer: failed, and the order back to local work — once (only while `from` is still its state). */
async function refuse(ctx: FederationContext, t: repo.TransferRow, from: 'pending' | 'token', peerName: string, message: string, attempts: number | undefined, now: Date): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const set = { state: 'failed' as const, last_error: message.slice(0, 1000), ...(attempts !== undefined ? { attempts } : {}) };
    if (!(await repo.updateTransferIf(tx, t.id, from, set, now))) return;
    await returnFromFailedTransfer(tx, ctx, { jurisdictionId: t.jurisdiction_id, workOrderId: t.work_order_id, reason: message, peer: peerName, now });
  });
}

async function sendTransfer(ctx: FederationContext, job: DetachedJobContext, transferId: string, now: Date): Promise<void> {
  const db = job.db;
  const t = await repo.findTransfer(db, transferId);
  if (!t || t.state !== 'pending') return;
  const peer = await repo.findPeerById(db, t.peer_id);
  const order = await repo.findOutgoingOrder(db, t.jurisdiction_id, t.work_order_id);
  if (!peer || !order) return;
  if (t.service_code === '') return refuse(ctx, t, 'pending', peer.name, 'no service code mapped for this category and no default', job.attempt, now);
  const source = await db.selectFrom('jurisdictions').select('name_zh').where('id', '=', t.jurisdiction_id).executeTakeFirst();
  const fields: Record<string, string | string[]> = outgoingFields(order, peer, t.service_code, ctx.config.secretKey, source?.name_zh ?? '');
  const media = await mediaUrls(ctx, db, order.id);
  if (media.length > 0) fields.media_url = media;
  let answer;
  try {
    answer = await clientFor(ctx.config.secretKey, peer).postRequest(fields, t.idempotency_key);
  } catch (e) {
    if (e instanceof Open311ClientError && !e.retryable) return refuse(ctx, t, 'pending', peer.name, e.message, job.attempt, now);
    // Kept on the transfer for the order's detail; the worker retries with backoff, the transfer stays pending.
    await ctx.db.transaction().execute((tx) => repo.updateTransferIf(tx, t.id, 'pending', { last_error: (e instanceof Error ? e.message : String(e)).slice(0, 1000), attempts: job.attempt }, new Date()));
    throw e;
  }
  const remoteId = answer.serviceRequestId;
  const done = new Date();
  await ctx.db.transaction().execute(async (tx) => {
    const set = { state: remoteId ? ('sent' as const) : ('token' as const), remote_id: remoteId, remote_token: answer.token, sent_at: done, last_error: null, attempts: job.attempt };
    if (!(await repo.updateTransferIf(tx, t.id, 'pending', set, done))) return; // recorded by an earlier run
    await appendExternalEntry(tx, { jurisdictionId: t.jurisdiction_id, workOrderId: t.work_order_id, at: done, action: 'transfer_sent', note: null, data: { peer: peer.name, ...(remoteId ? { remoteId } : { token: answer.token ?? '' }) } });
    await schedulePoll(tx, ctx, peer, new Date(done.getTime() + POLL_INTERVAL_MS));
  });
}

/** Most Open311 servers keep one media_url; CivicGrid peers show every link sent. */
const MAX_MEDIA_URLS = 5;

/**
 * The order's photos as signed public links (work-orders' publicAttachmentUrl) under PUBLIC_BASE_URL, the address the
 * peer can reach us at; without it, none (a relative link is useless to another server).
 */
async function mediaUrls(ctx: FederationContext, db: Db, workOrderId: string): Promise<string[]> {
  const base = ctx.config.publicBaseUrl;
  if (!base) return [];
  const ids = (await photosOfOrders(db, [workOrderId], MAX_MEDIA_URLS)).get(workOrderId) ?? [];
  return ids.map((id) => publicAttachmentUrl(ctx.config.secretKey, base, id));
}

/**
 * One poll of a peer, each network call outside any transaction and its result recorded in a short one. A peer
 * that cannot be reached is recorded (last_error) and tried again at the next poll; nothing is lost, updates are
 * read again. An active peer's next poll is scheduled in the last transaction (replacing this job's own row).
 */
export async function pollPeer(ctx: FederationContext, peerId: string, now: Date, job?: Pick<DetachedJobContext, 'renewLease'>): Promise<void> {
  const peer = await repo.findPeerById(ctx.db, peerId);
  if (!peer || !peer.active) return;
  const client = clientFor(ctx.config.secretKey, peer);
  const transfers = await repo.transfersToPoll(ctx.db, peer.id);
  const renew = async () => {
    if (job && !(await job.renewLease())) throw new Error('poll job no longer held by this worker');
  };
  let error: string | null = null;
  let since: Date | undefined;
  try {
    for (const t of transfers.filter((x) => x.state === 'token')) {
      let id: string | null;
      try {
        id = await client.token(t.remote_token!);
      } catch (e) {
        // A token the peer rejects (4xx other than "not yet": 404) is a refusal of the transfer.
        if (e instanceof Open311ClientError && !e.retryable && e.status !== null && e.status < 500) {
          await refuse(ctx, t, 'token', peer.name, e.message, undefined, new Date());
          t.state = 'failed';
          continue;
        }
        throw e;
      }
      await renew();
      if (id) {
        const resolved = id;
        await ctx.db.transaction().execute((tx) => repo.updateTransferIf(tx, t.id, 'token', { state: 'sent', remote_id: resolved }, new Date()));
        t.state = 'sent';
        t.remote_id = id;
      }
    }
    const open = transfers.filter((x) => x.state === 'sent' && x.remote_id !== null);
    if (open.length > 0) since = await mirrorPeer(ctx, peer, client, open, now, renew);
  } catch (e) {
    if (!(e instanceof Open311ClientError)) throw e;
    error = e.message;
  }
  await ctx.db.transaction().execute(async (tx) => {
    await repo.recordPoll(tx, peer.id, now, error, since);
    await schedulePoll(tx, ctx, peer, new Date(now.getTime() + POLL_INTERVAL_MS));
  });
}

async function mirrorPeer(ctx: FederationContext, peer: repo.PeerRow, client: ReturnType<typeof clientFor>, open: repo.TransferRow[], now: Date, renew: () => Promise<void>): Promise<Date> {
  const byRemote = new Map(open.map((t) => [t.remote_id!, t]));
  const oldest = Math.min(...open.map((t) => new Date(t.sent_at ?? t.created_at).getTime())) - 60_000;
  const from = new Date(Math.max(peer.updates_since ? new Date(peer.updates_since).getTime() : oldest, now.getTime() - MAX_WINDOW_MS));
  const updates = await client.updates(from);
  await renew();
  let next = from;
  const mirror = async (tx: Db, t: repo.TransferRow, key: string, remoteStatus: string | null, note: string | null, at: Date) => {
    if (!(await repo.claimMirrored(tx, t.id, key))) return;
    const data = { peer: peer.name, remoteId: t.remote_id!, remoteStatus: remoteStatus ?? '', mirroredStatus: mirroredStatus(remoteStatus) };
    const entry = await appendExternalEntry(tx, { jurisdictionId: t.jurisdiction_id, workOrderId: t.work_order_id, at, action: 'remote_update', note, data });
    await repo.setMirroredEntry(tx, t.id, key, entry);
  };
  if (updates) {
    const sorted = [...updates].sort((a, b) => (a.updatedAt?.getTime() ?? 0) - (b.updatedAt?.getTime() ?? 0));
    await ctx.db.transaction().execute(async (tx) => {
      for (const u of sorted) {
        if (u.updatedAt && u.updatedAt > next) next = u.updatedAt;
        const t = u.serviceRequestId ? byRemote.get(u.serviceRequestId) : undefined;
        if (t) await mirror(tx, t, updateKey(u), u.status, u.description, u.updatedAt ?? now);
      }
    });
  }
  const ids = [...byRemote.keys()];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
    const records = await client.requests(ids.slice(i, i + IDS_PER_CALL));
    await renew();
    await ctx.db.transaction().execute(async (tx) => {
      for (const r of records) {
        const t = r.serviceRequestId ? byRemote.get(r.serviceRequestId) : undefined;
        if (!t) continue;
        // Without the updates extension, a change of status or notes is the update.
        if (!updates && (r.status !== t.remote_status || r.statusNotes !== t.remote_notes)) await mirror(tx, t, requestKey(r), r.status, r.statusNotes, r.updatedAt ?? now);
        await repo.updateTransfer(tx, t.id, { remote_status: r.status, remote_notes: r.statusNotes, ...(r.status === 'closed' ? { state: 'done' as const } : {}) }, now);
      }
    });
  }
  return next;
}

const updateKey = (u: RemoteUpdate) => (u.updateId ? `u:${u.updateId}` : `s:${u.status ?? ''}@${u.updatedAt?.toISOString() ?? ''}:${(u.description ?? '').slice(0, 100)}`);
const requestKey = (r: RemoteRequest) => `r:${r.status ?? ''}@${r.updatedAt?.toISOString() ?? ''}:${(r.statusNotes ?? '').slice(0, 100)}`;
