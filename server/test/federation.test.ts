/**
 * Cross-jurisdiction transfer against a real peer: a second CivicGrid app (its own database, jurisdiction and API
 * key) listening on 127.0.0.1. Server A registers it, a dispatcher transfers an order, A's send job retries while
 * the peer is down (connection refused) and succeeds once it is up, never creating the request twice; B's staff
 * work the order to its close; A polls and mirrors the progress into the order's timeline and the resident's
 * tracking page — once, however often it polls. The peer's HTTP calls run outside any transaction (a slow peer
 * does not stall A's requests); a refused transfer (4xx, or a token the peer later rejects) brings the order back to
 * A's dispatchers; polls are re-started at server start, one chain per peer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { restartPolls } from '../src/modules/federation/index.js';
import { createApiKey } from '../src/modules/identity/index.js';
import { createWorkOrder, publicAttachmentUrl, seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

const CENTRE = { lng: 104.05, lat: 30.65 };
const square = { type: 'MultiPolygon', coordinates: [[[[104.0, 30.6], [104.1, 30.6], [104.1, 30.7], [104.0, 30.7], [104.0, 30.6]]]] };

let A: TestApp;
let B: TestApp;
let jA: string;
let jB: string;
let keyB: string;
let adminA: Session;
let dispatcherA: Session;
let dispatcherB: Session;
let handlerB: Session;
let deptB: string;
let proxy: Server | null = null;
let proxyPort: number;
/** While set, the proxy holds every request until it resolves (a slow peer). */
let hold: Promise<void> | null = null;
/** Called when the proxy starts holding a request (the slow peer has it). */
let onHeld: (() => void) | null = null;
let worker: JobWorker;

async function city(t: TestApp, j: string) {
  const db = t.ctx.db;
  await db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, systemActor('test', j)));
  await db.insertInto('divisions').values({ jurisdiction_id: j, code: '510100', parent_code: null, level: 'city', name_zh: '测试市', name_en: 'Test City', boundary: null }).execute();
  await db
    .updateTable('divisions')
    .set({ boundary: (eb) => eb.fn('ST_SetSRID', [eb.fn('ST_GeomFromGeoJSON', [eb.val(JSON.stringify(square))]), eb.lit(4326)]) as never })
    .where('jurisdiction_id', '=', j)
    .execute();
}

/** A port nothing listens on (yet): the peer is "down" until the proxy to B starts there. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Forwards to B's listening server (so B can be "down" at the registered address, then up). */
async function startProxy(target: string): Promise<void> {
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (hold) {
        onHeld?.();
        await hold;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      fetch(`${target}${req.url}`, { method: req.method, headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(proxyPort, '127.0.0.1', resolve));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs A's due jobs until `done` holds (bounded). */
async function runJobsUntil(done: () => Promise<boolean>, rounds = 40): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await worker.drain(10_000);
    if (await done()) return;
    await sleep(60);
  }
  throw new Error('condition not reached');
}

async function actB(id: string, action: Record<string, unknown>, who: Session) {
  const { version } = await B.ctx.db.selectFrom('work_orders').select('version').where('id', '=', id).executeTakeFirstOrThrow();
  const res = await B.app.inject({ method: 'POST', url: `/api/v1/work-orders/${id}/actions`, headers: who.bearer, payload: { version, action } });
  expect(res.statusCode, res.body).toBe(200);
}

const transferOf = (orderId: string) => A.ctx.db.selectFrom('federation_transfers').selectAll().where('work_order_id', '=', orderId).executeTakeFirst();
const timelineOf = (orderId: string) => A.ctx.db.selectFrom('work_order_timeline').select(['action', 'to_status', 'note', 'data']).where('work_order_id', '=', orderId).orderBy('id').execute();

beforeAll(async () => {
  A = await createTestApp({ publicBaseUrl: 'https://a.example.gov' });
  B = await createTestApp();
  jA = (await makeJurisdiction(A.ctx.db, { nameZh: '甲市', nameEn: 'City A' })).id;
  jB = (await makeJurisdiction(B.ctx.db, { nameZh: '乙市', nameEn: 'City B' })).id;
  await city(A, jA);
  await city(B, jB);
  const cityScope = { kind: 'jurisdiction' } as const;
  adminA = await loginAs(A.app, await makeUser(A.ctx.db, { jurisdictionId: jA, grants: [{ role: 'admin', scope: cityScope }] }));
  dispatcherA = await loginAs(A.app, await makeUser(A.ctx.db, { jurisdictionId: jA, grants: [{ role: 'dispatcher', scope: cityScope }] }));
  deptB = (await makeDepartment(B.ctx.db, { jurisdictionId: jB, nameZh: '乙市城管局' })).id;
  dispatcherB = await loginAs(B.app, await makeUser(B.ctx.db, { jurisdictionId: jB, grants: [{ role: 'dispatcher', scope: cityScope }] }));
  handlerB = await loginAs(B.app, await makeUser(B.ctx.db, { jurisdictionId: jB, departmentId: deptB, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: deptB } }] }));
  keyB = (await createApiKey(B.ctx, { jurisdictionId: jB, name: 'city A', scopes: ['open311.*'] }, { kind: 'system', id: null, name: 'test', jurisdictionId: jB })).key;
  await B.app.listen({ host: '127.0.0.1', port: 0 });
  proxyPort = await freePort();
  worker = new JobWorker({ db: A.ctx.db, handlers: A.ctx.handlers, log: pino({ level: 'silent' }), pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 80 }, housekeeping: false });
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await A?.close();
  await B?.close();
});

let peerId: string;

describe('peers', () => {
  it('registers a peer with its key sealed, audited, and refuses bad input with stable codes', async () => {
    const body = { name: '乙市 12345', baseUrl: `http://127.0.0.1:${proxyPort}/open311/v2/`, remoteJurisdictionId: jB, apiKey: keyB, serviceMap: { 'component.01': 'component.01.0102' }, defaultServiceCode: 'component.01.0102' };
    const res = await A.app.inject({ method: 'POST', url: '/api/v1/federation/peers', headers: adminA.bearer, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    const peer = res.json().peer;
    peerId = peer.id;
    expect(peer).toMatchObject({ baseUrl: `http://127.0.0.1:${proxyPort}/open311/v2`, apiKeyLast4: keyB.slice(-4), format: 'json', sendPersonalData: false, active: true, version: 1 });
    expect(JSON.stringify(peer)).not.toContain(keyB);
    const row = await A.ctx.db.selectFrom('federation_peers').select('api_key_enc').where('id', '=', peerId).executeTakeFirstOrThrow();
    expect(row.api_key_enc).not.toContain(keyB);
    const audit = await A.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', peerId).execute();
    expect(audit.map((a) => a.action)).toEqual(['federation.peer.create']);
    expect(JSON.stringify(audit)).not.toContain(keyB);

    const bad = async (payload: Record<string, unknown>, status: number, code: string) => {
      const r = await A.app.inject({ method: 'POST', url: '/api/v1/federation/peers', headers: { ...adminA.bearer, 'accept-language': 'zh-CN' }, payload });
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().code).toBe(code);
      expect(r.json().message).toMatch(/[\u4e00-\u9fff]/);
    };
    await bad({ ...body, name: '另一个', baseUrl: 'ftp://x/open311' }, 400, 'federation.base_url_invalid');
    await bad({ ...body, name: '另一个', baseUrl: 'http://u:p@x/open311' }, 400, 'federation.base_url_invalid');
    await bad({ ...body, name: '另一个', serviceMap: { 'Not A Code': 'x' } }, 400, 'federation.service_map_invalid');
    await bad(body, 409, 'federation.peer_name_taken');
    await bad({ ...body, apiKey: undefined }, 400, 'request.invalid');
    // Dispatchers see the choices, not the peers' settings; nobody else sees either.
    expect((await A.app.inject({ method: 'GET', url: '/api/v1/federation/peers', headers: dispatcherA.bearer })).statusCode).toBe(403);
    const choices = await A.app.inject({ method: 'GET', url: '/api/v1/federation/peer-choices', headers: dispatcherA.bearer });
    expect(choices.json().items).toEqual([{ id: peerId, name: '乙市 12345' }]);
  });

  it('updates with the version (stale → 409), keeping the key when none is sent', async () => {
    const current = (await A.app.inject({ method: 'GET', url: `/api/v1/federation/peers/${peerId}`, headers: adminA.bearer })).json().peer;
    const { id: _id, apiKeyLast4: _k, lastPolledAt: _l, lastError: _e, createdAt: _c, updatedAt: _u, ...fields } = current;
    const put = (payload: Record<string, unknown>) => A.app.inject({ method: 'PUT', url: `/api/v1/federation/peers/${peerId}`, headers: adminA.bearer, payload });
    const ok = await put({ ...fields, format: 'xml' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().peer).toMatchObject({ format: 'xml', version: 2, apiKeyLast4: keyB.slice(-4) });
    const stale = await put({ ...fields, format: 'json' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('federation.peer_version_conflict');
    expect((await put({ ...fields, version: 2, format: 'json' })).statusCode).toBe(200);
  });

  it('tests the connection: an error while the peer is down (its services once up: last test)', async () => {
    const down = await A.app.inject({ method: 'POST', url: `/api/v1/federation/peers/${peerId}/test`, headers: adminA.bearer });
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json()).toMatchObject({ ok: false, services: [] });
    expect(down.json().error).toMatch(/ECONNREFUSED/);
  });
});

describe('transfer, retry, polling and mirroring', () => {
  let orderId: string;
  let orderCode: string;
  let remoteOrderId: string;
  let photoId: string;

  it('transfers an order: the dispatcher action, then the send job retries while the peer is down', async () => {
    const { order } = await createWorkOrder(
      A.ctx,
      { jurisdictionId: jA, channel: 'hotline', requestType: 'component', categoryCode: 'component.01.0102', title: '井盖缺失', description: '交界处人行道井盖缺失', location: CENTRE, address: '两市交界处人民路', reporter: { name: '张三', phone: '13800138000' }, urgency: 'normal' },
      { principal: null, audit: systemActor('test', jA) },
    );
    orderId = order.id;
    orderCode = order.code;
    // A photo of the order: sent to the peer as a signed public link under PUBLIC_BASE_URL (media_url).
    const photo = await A.ctx.db
      .insertInto('attachments')
      .values({ jurisdiction_id: jA, sha256: 'a'.repeat(64), content_type: 'image/jpeg', size: 1000, storage_key: `aa/${'a'.repeat(64)}`, uploader_kind: 'public', work_order_id: orderId, linked_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    photoId = photo.id;
    const act = (payload: Record<string, unknown>) => A.app.inject({ method: 'POST', url: `/api/v1/work-orders/${orderId}/actions`, headers: dispatcherA.bearer, payload });
    const wrongPeer = await act({ version: order.version, action: { type: 'transfer', peerId: '00000000-0000-4000-8000-000000000000' } });
    expect(wrongPeer.statusCode).toBe(400);
    expect(wrongPeer.json().code).toBe('work_order.transfer_peer_invalid');
    const res = await act({ version: order.version, action: { type: 'transfer', peerId, note: '位于乙市辖区' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().order).toMatchObject({ status: 'transferred', allowedActions: [] });

    // The peer is down: the job fails and is retried (attempts counted), the transfer stays pending.
    await worker.drain(10_000);
    await sleep(100);
    await worker.drain(10_000);
    const job = await A.ctx.db.selectFrom('jobs').select(['attempts', 'last_error', 'status']).where('handler', '=', 'federation.send').executeTakeFirstOrThrow();
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(job.status).toBe('pending');
    expect(job.last_error).toMatch(/ECONNREFUSED/);
    expect(await transferOf(orderId)).toMatchObject({ state: 'pending', remote_id: null });

    // Up again: the retry succeeds and the remote id is recorded with the job's completion.
    await startProxy(`http://127.0.0.1:${(B.app.server.address() as AddressInfo).port}`);
    await runJobsUntil(async () => (await transferOf(orderId))?.state === 'sent');
    const t = (await transferOf(orderId))!;
    expect(t.remote_id).toMatch(/^[A-Z]+\d{14}$/);
    const remote = await B.ctx.db.selectFrom('work_orders').selectAll().where('jurisdiction_id', '=', jB).execute();
    expect(remote).toHaveLength(1);
    remoteOrderId = remote[0]!.id;
    expect(remote[0]).toMatchObject({ code: t.remote_id, channel: 'open311', category_code: 'component.01.0102', anonymous: true, reporter_name_enc: null, reporter_phone_enc: null });
    expect(remote[0]!.description).toContain(orderCode);
    expect(remote[0]!.description).not.toContain('13800138000');
    const media = await B.ctx.db.selectFrom('work_order_timeline').select('data').where('work_order_id', '=', remoteOrderId).where('action', '=', 'media_links').executeTakeFirstOrThrow();
    expect((media.data as Record<string, string>).url1).toBe(publicAttachmentUrl(A.ctx.config.secretKey, 'https://a.example.gov', photoId));
    expect((await timelineOf(orderId)).map((e) => e.action)).toEqual(['create', 'transfer', 'transfer_sent']);
  });

  it('never posts twice: a send re-run after a lost acknowledgement gets the same remote request', async () => {
    const before = (await transferOf(orderId))!;
    // As if the process died after the peer answered but before the commit: pending again, job due again.
    await A.ctx.db.updateTable('federation_transfers').set({ state: 'pending', remote_id: null, sent_at: null }).where('id', '=', before.id).execute();
    await A.ctx.db.transaction().execute((tx) => A.ctx.outbox.schedule(tx, { handler: 'federation.send', key: before.id, runAt: new Date(), jurisdictionId: jA, payload: { transferId: before.id } }));
    await runJobsUntil(async () => (await transferOf(orderId))?.state === 'sent');
    expect((await transferOf(orderId))!.remote_id).toBe(before.remote_id);
    expect(await B.ctx.db.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', jB).execute()).toHaveLength(1);
  });

  it("mirrors the peer's progress to the close note into the timeline and the tracking page, once", async () => {
    await actB(remoteOrderId, { type: 'accept' }, dispatcherB);
    await actB(remoteOrderId, { type: 'dispatch', departmentId: deptB }, dispatcherB);
    await actB(remoteOrderId, { type: 'sign' }, handlerB);
    await actB(remoteOrderId, { type: 'start' }, handlerB);
    await actB(remoteOrderId, { type: 'report', note: '已更换新井盖' }, handlerB);
    await actB(remoteOrderId, { type: 'verify_pass' }, dispatcherB);
    await actB(remoteOrderId, { type: 'close', note: '乙市已办结：井盖已更换' }, dispatcherB);

    const poll = () => A.app.inject({ method: 'POST', url: `/api/v1/federation/peers/${peerId}/poll`, headers: adminA.bearer });
    expect((await poll()).statusCode).toBe(202);
    await runJobsUntil(async () => (await transferOf(orderId))?.state === 'done');
    const mirrored = (await timelineOf(orderId)).filter((e) => e.action === 'remote_update');
    expect(mirrored.map((e) => (e.data as Record<string, string>).mirroredStatus)).toEqual(['accepted', 'dispatched', 'dispatched', 'in_progress', 'in_progress', 'closed', 'closed']);
    expect(mirrored.every((e) => e.to_status === 'transferred')).toBe(true);
    expect(mirrored.at(-1)!.note).toBe('乙市已办结：井盖已更换');
    expect(mirrored.map((e) => e.note)).toContain('已更换新井盖');
    const transfer = await A.app.inject({ method: 'GET', url: `/api/v1/federation/transfers/${orderId}`, headers: dispatcherA.bearer });
    expect(transfer.json().transfer).toMatchObject({ state: 'done', remoteStatus: 'closed', remoteNotes: '乙市已办结：井盖已更换', peer: { name: '乙市 12345' } });
    const view = transfer.json().transfer;
    expect(view.lastPolledAt).not.toBeNull();
    expect(view.mirrored).toHaveLength(mirrored.length);
    expect(view.mirrored[0]).toMatchObject({ mirroredStatus: 'closed', note: '乙市已办结：井盖已更换' });

    // Polling again (the peer still lists the same updates) writes nothing new.
    await A.ctx.db.updateTable('federation_transfers').set({ state: 'sent' }).where('work_order_id', '=', orderId).execute();
    await A.ctx.db.updateTable('federation_peers').set({ updates_since: null }).where('id', '=', peerId).execute();
    expect((await poll()).statusCode).toBe(202);
    await runJobsUntil(async () => (await transferOf(orderId))?.state === 'done');
    expect((await timelineOf(orderId)).filter((e) => e.action === 'remote_update')).toHaveLength(mirrored.length);

    // One tracking page: the resident sees the peer's progress and its close note on A.
    const track = await A.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${jA}&code=${orderCode}&phoneLast4=8000` });
    expect(track.statusCode, track.body).toBe(200);
    const page = track.json();
    expect(page.status).toBe('closed');
    expect(page.timeline.at(-1)).toMatchObject({ action: 'remote_update', to: 'closed', note: '乙市已办结：井盖已更换' });
    expect(page.timeline.find((e: { action: string }) => e.action === 'transfer').note).toBeNull();
  });

  it('keeps a peer that has transfers (deactivate instead of delete)', async () => {
    const res = await A.app.inject({ method: 'DELETE', url: `/api/v1/federation/peers/${peerId}`, headers: adminA.bearer });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('federation.peer_in_use');
    const test = await A.app.inject({ method: 'POST', url: `/api/v1/federation/peers/${peerId}/test`, headers: adminA.bearer });
    expect(test.json().ok).toBe(true);
    expect(test.json().services.map((s: { code: string }) => s.code)).toContain('component.01.0102');
  });
});

async function newOrder(title: string) {
  const { order } = await createWorkOrder(
    A.ctx,
    { jurisdictionId: jA, channel: 'hotline', requestType: 'component', categoryCode: 'component.01.0102', title, description: `${title}（交界处）`, location: CENTRE, address: '两市交界处人民路', reporter: { name: '李四', phone: '13900139000' }, urgency: 'normal' },
    { principal: null, audit: systemActor('test', jA) },
  );
  return order;
}

async function actA(id: string, action: Record<string, unknown>) {
  const { version } = await A.ctx.db.selectFrom('work_orders').select('version').where('id', '=', id).executeTakeFirstOrThrow();
  const res = await A.app.inject({ method: 'POST', url: `/api/v1/work-orders/${id}/actions`, headers: dispatcherA.bearer, payload: { version, action } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().order;
}

async function addPeer(name: string, baseUrl: string, serviceCode: string): Promise<string> {
  const res = await A.app.inject({ method: 'POST', url: '/api/v1/federation/peers', headers: adminA.bearer, payload: { name, baseUrl, remoteJurisdictionId: jB, apiKey: keyB, serviceMap: {}, defaultServiceCode: serviceCode } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().peer.id;
}

describe('network calls outside transactions', () => {
  it("a slow peer does not stall the server: A answers requests while the send job waits for the peer", async () => {
    const order = await newOrder('慢速对端');
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const atPeer = new Promise<void>((r) => (onHeld = r));
    let arrived = 0;
    try {
      await actA(order.id, { type: 'transfer', peerId });
      const sending = runJobsUntil(async () => (await transferOf(order.id))?.state === 'sent');
      // The POST is held at the proxy — waited for, not slept for: on a busy machine the jobs that record the transfer
      // and send it took longer than a fixed 300 ms. Meanwhile A's API (one PGlite connection) still answers.
      await Promise.race([atPeer, sending.then(() => Promise.reject(new Error('sent without reaching the held proxy')))]);
      for (let i = 0; i < 3; i++) {
        const res = await A.app.inject({ method: 'GET', url: `/api/v1/work-orders/${order.id}`, headers: dispatcherA.bearer });
        expect(res.statusCode).toBe(200);
        arrived++;
      }
      expect(await transferOf(order.id)).toMatchObject({ state: 'pending' });
      release();
      await sending;
    } finally {
      hold = null;
      onHeld = null;
      release?.();
    }
    expect(arrived).toBe(3);
    expect((await transferOf(order.id))!.remote_id).toMatch(/^[A-Z]+\d{14}$/);
  });
});

describe('refused transfers come back to local work', () => {
  it('a 4xx from the peer: transfer failed, the order accepted again with the reason in its timeline, on the board, transferable again', async () => {
    const badPeer = await addPeer('乙市（错误映射）', `http://127.0.0.1:${proxyPort}/open311/v2`, 'no.such.service');
    const order = await newOrder('拒收测试');
    await actA(order.id, { type: 'transfer', peerId: badPeer });
    await runJobsUntil(async () => (await transferOf(order.id))?.state === 'failed');
    const row = await A.ctx.db.selectFrom('work_orders').select(['status', 'department_id']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'accepted', department_id: null });
    const back = (await timelineOf(order.id)).at(-1)!;
    expect(back).toMatchObject({ action: 'transfer_failed', to_status: 'accepted', data: { peer: '乙市（错误映射）' } });
    expect(back.note).toMatch(/HTTP 4\d\d.*no\.such\.service/);
    const transfer = await A.app.inject({ method: 'GET', url: `/api/v1/federation/transfers/${order.id}`, headers: dispatcherA.bearer });
    expect(transfer.json().transfer).toMatchObject({ state: 'failed', peer: { name: '乙市（错误映射）' } });
    expect(transfer.json().transfer.lastError).toMatch(/HTTP 4\d\d/);
    const audit = await A.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', order.id).execute();
    expect(audit.map((a) => a.action)).toContain('work_order.transfer_failed');

    // The dispatcher's board (new: received + accepted) lists it again, with dispatch and transfer allowed.
    const board = await A.app.inject({ method: 'GET', url: '/api/v1/work-orders?status=received,accepted&sort=created', headers: dispatcherA.bearer });
    expect(board.statusCode, board.body).toBe(200);
    expect(board.json().items.map((o: { id: string }) => o.id)).toContain(order.id);
    const detail = (await A.app.inject({ method: 'GET', url: `/api/v1/work-orders/${order.id}`, headers: dispatcherA.bearer })).json().order;
    expect(detail.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'transfer']));

    // Transferred again, to the right peer: a new request there (a new Idempotency-Key), the same transfer row.
    const before = (await transferOf(order.id))!;
    await actA(order.id, { type: 'transfer', peerId });
    await runJobsUntil(async () => (await transferOf(order.id))?.state === 'sent');
    const after = (await transferOf(order.id))!;
    expect(after).toMatchObject({ id: before.id, peer_id: peerId, last_error: null });
    expect(after.idempotency_key).not.toBe(before.idempotency_key);
    expect(await B.ctx.db.selectFrom('work_orders').select('id').where('code', '=', after.remote_id!).execute()).toHaveLength(1);
  });

  it('a token the peer later rejects: the same way back', async () => {
    // A peer that answers with a token, then refuses it (410 with an Open311 error body).
    const fake = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method === 'POST') return res.end(JSON.stringify([{ token: 'tok-refused-0001', service_notice: '待审核' }]));
        if (req.url?.includes('/tokens/')) {
          res.statusCode = 410;
          return res.end(JSON.stringify([{ code: 410, description: 'request refused in review' }]));
        }
        res.end('[]');
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const fakePeer = await addPeer('丁市', `http://127.0.0.1:${(fake.address() as AddressInfo).port}/open311/v2`, 'x');
      const order = await newOrder('令牌拒收');
      await actA(order.id, { type: 'transfer', peerId: fakePeer });
      await runJobsUntil(async () => (await transferOf(order.id))?.state === 'token');
      const poll = await A.app.inject({ method: 'POST', url: `/api/v1/federation/peers/${fakePeer}/poll`, headers: adminA.bearer });
      expect(poll.statusCode).toBe(202);
      await runJobsUntil(async () => (await transferOf(order.id))?.state === 'failed');
      expect((await A.ctx.db.selectFrom('work_orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('accepted');
      const back = (await timelineOf(order.id)).at(-1)!;
      expect(back).toMatchObject({ action: 'transfer_failed', to_status: 'accepted', data: { peer: '丁市' } });
      expect(back.note).toContain('request refused in review');
      await A.app.inject({ method: 'PUT', url: `/api/v1/federation/peers/${fakePeer}`, headers: adminA.bearer, payload: { name: '丁市', baseUrl: 'http://127.0.0.1:9/open311/v2', remoteJurisdictionId: jB, format: 'json', serviceMap: {}, defaultServiceCode: 'x', sendPersonalData: false, active: false, version: 1 } });
    } finally {
      await new Promise<void>((resolve) => fake.close(() => resolve()));
    }
  });
});

describe('polls at server start', () => {
  const livePolls = () => A.ctx.db.selectFrom('jobs').select(['dedupe_key', 'run_at']).where('handler', '=', 'federation.poll').where('status', 'in', ['pending', 'running']).orderBy('dedupe_key').execute();

  it('one chain per active peer with open transfers, however often it is (re)started', async () => {
    await A.ctx.db.updateTable('jobs').set({ status: 'cancelled' }).where('handler', '=', 'federation.poll').where('status', 'in', ['pending', 'running']).execute();
    expect(await livePolls()).toEqual([]);
    const open = await A.ctx.db.selectFrom('federation_transfers').select('peer_id').distinct().where('state', 'in', ['token', 'sent']).execute();
    expect(open.map((t) => t.peer_id)).toEqual([peerId]);
    expect(await restartPolls(A.ctx)).toBe(1);
    expect(await restartPolls(A.ctx)).toBe(1);
    expect((await livePolls()).map((j) => j.dedupe_key)).toEqual([peerId]);
    // The chain goes on: after the poll runs, exactly one poll of the peer is pending, a poll interval later.
    await runJobsUntil(async () => (await livePolls()).every((j) => new Date(j.run_at).getTime() > Date.now() + 60_000));
    expect((await livePolls()).map((j) => j.dedupe_key)).toEqual([peerId]);
  });
});
