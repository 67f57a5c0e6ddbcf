/**
 * Work-order attachments end to end: uploads through POST /api/v1/attachments (signed in and anonymous), the type
 * decided by the bytes (415), the size limit while streaming (413), per-address and hourly limits for the public,
 * reading back with the right headers and scope, linkAttachments' rules, the clean-up timer run by the real
 * worker, a restarted process reading the same files, and the same flow on an S3-compatible server (s3rver).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentsConfig, Config } from '../src/config.js';
import { createContext } from '../src/context.js';
import { buildApp } from '../src/http/app.js';
import { JobWorker } from '../src/modules/events/index.js';
import { createApiKey } from '../src/modules/identity/index.js';
import { createModules } from '../src/modules/registry.js';
import { linkAttachments, PURGE_UNLINKED_ATTACHMENTS, type LinkAttachmentsInput } from '../src/modules/work-orders/index.js';
import { AppError } from '../src/shared/errors.js';
import type { AppContext } from '../src/app-context.js';
import { createTestApp, testConfig, type TestApp } from './app.js';
import { imageFixture, makePng } from './fixtures/images.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

const MAX = 64 * 1024;
const attachmentsConfig = (over: Partial<AttachmentsConfig> = {}): AttachmentsConfig => ({
  store: 'file',
  maxBytes: MAX,
  publicPerHour: 6,
  publicPerIpPerHour: 3,
  s3: null,
  ...over,
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const JPEG = imageFixture('photo-40x30.jpg');

let t: TestApp;
let dataDir: string;
let j: string;
let j2: string;
let quotaJ: string;
let resident: Session;
let otherResident: Session;
let dispatcher: Session;
let handlerInDept: Session;
let handlerElsewhere: Session;
let inspector: Session;
let auditor: Session;
let foreigner: Session;
let residentId: string;
let handlerId: string;
let dept: string;
let ipCounter = 1;
const freshIp = () => `192.0.2.${ipCounter++}`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cg-attach-'));
  t = await createTestApp({ dataDir, attachments: attachmentsConfig() });
  const db = t.ctx.db;
  j = (await makeJurisdiction(db)).id;
  j2 = (await makeJurisdiction(db)).id;
  quotaJ = (await makeJurisdiction(db)).id;
  dept = (await makeDepartment(db, { jurisdictionId: j })).id;
  const otherDept = (await makeDepartment(db, { jurisdictionId: j })).id;
  const self = { kind: 'self' } as const;
  const r = await makeUser(db, { jurisdictionId: j, grants: [{ role: 'resident', scope: self }] });
  residentId = r.id;
  resident = await loginAs(t.app, r);
  otherResident = await loginAs(t.app, await makeUser(db, { jurisdictionId: j, grants: [{ role: 'resident', scope: self }] }));
  dispatcher = await loginAs(t.app, await makeUser(db, { jurisdictionId: j, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }));
  const h = await makeUser(db, { jurisdictionId: j, departmentId: dept, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: dept } }] });
  handlerId = h.id;
  handlerInDept = await loginAs(t.app, h);
  handlerElsewhere = await loginAs(t.app, await makeUser(db, { jurisdictionId: j, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: otherDept } }] }));
  inspector = await loginAs(t.app, await makeUser(db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['510104001001'] } }] }));
  auditor = await loginAs(t.app, await makeUser(db, { jurisdictionId: j, grants: [{ role: 'auditor', scope: { kind: 'jurisdiction' } }] }));
  foreigner = await loginAs(t.app, await makeUser(db, { jurisdictionId: j2, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }));
});
afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface UploadOptions {
  headers?: Record<string, string>;
  contentType?: string | null;
  query?: string;
  ip?: string;
}

function upload(app: FastifyInstance, body: Buffer | Readable, options: UploadOptions = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'image/jpeg';
  return app.inject({ method: 'POST', url: `/api/v1/attachments${options.query ?? ''}`, headers, payload: body, remoteAddress: options.ip ?? freshIp() });
}

const get = (app: FastifyInstance, id: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/api/v1/attachments/${id}`, headers });
const blobPath = (root: string, sha256: string) => path.join(root, 'attachments', sha256.slice(0, 2), sha256);
const row = (id: string) => t.ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
const tempFiles = async () => (existsSync(path.join(dataDir, 'attachments', '.tmp')) ? readdir(path.join(dataDir, 'attachments', '.tmp')) : []);

let orderSeq = 0;
/** A work order row placed in a department and grid (written directly: these tests are about attachments). */
async function makeOrder(values: { jurisdictionId?: string; departmentId?: string | null; gridCode?: string | null; reporterUserId?: string | null } = {}) {
  const order = await t.ctx.db
    .insertInto('work_orders')
    .values({
      jurisdiction_id: values.jurisdictionId ?? j,
      code: `AT20261122${String(++orderSeq).padStart(6, '0')}`,
      channel: 'inspector',
      request_type: 'report',
      title: '井盖破损',
      description: '人民路口井盖破损',
      urgency: 'normal',
      sla_started_at: new Date(),
      department_id: values.departmentId === undefined ? dept : values.departmentId,
      grid_code: values.gridCode === undefined ? '51010400100101' : values.gridCode,
      reporter_user_id: values.reporterUserId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const entry = await t.ctx.db
    .insertInto('work_order_timeline')
    .values({ jurisdiction_id: values.jurisdictionId ?? j, work_order_id: order.id, at: new Date(), action: 'create', from_status: null, to_status: 'received', note: null, photos: '[]', data: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: order.id, timelineEntryId: Number(entry.id) };
}

const link = (input: Partial<LinkAttachmentsInput> & Pick<LinkAttachmentsInput, 'workOrderId' | 'ids'>, now?: Date) =>
  t.ctx.db.transaction().execute((tx) => linkAttachments(tx, { jurisdictionId: j, uploadedBy: residentId, ...input }, now));

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function uploadAs(session: Session | null, body: Buffer = makePng(8, 8, Math.floor(Math.random() * 1e9)), options: UploadOptions = {}) {
  const res = await upload(t.app, body, { contentType: 'image/png', ...(session ? { headers: session.bearer } : {}), ...options });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; sha256: string; size: number; contentType: string; width?: number; height?: number };
}

describe('upload', () => {
  it('stores a JPEG from a signed-in resident and returns its id, type, size, hash and pixel size', async () => {
    const res = await upload(t.app, JPEG, { headers: resident.bearer });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toEqual({ id: expect.any(String), contentType: 'image/jpeg', size: JPEG.length, sha256: sha(JPEG), width: 40, height: 30 });
    expect(existsSync(blobPath(dataDir, sha(JPEG)))).toBe(true);

    const stored = await row(body.id);
    expect(stored).toMatchObject({ jurisdiction_id: j, uploader_kind: 'user', uploaded_by: residentId, work_order_id: null, storage_key: `${sha(JPEG).slice(0, 2)}/${sha(JPEG)}` });
    // The address is kept only as an HMAC.
    expect(stored!.uploader_ip_hash).toMatch(/^[0-9a-f]{64}$/);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'attachment.upload').where('object_id', '=', body.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(residentId);
    expect(await tempFiles()).toEqual([]);
  });

  it('decides the type by the bytes, whatever the header says (PNG, WebP, HEIC)', async () => {
    const png = makePng(12, 7, 1);
    const asOctets = await upload(t.app, png, { headers: resident.bearer, contentType: 'application/octet-stream' });
    expect(asOctets.json()).toMatchObject({ contentType: 'image/png', width: 12, height: 7, size: png.length });
    const webp = await upload(t.app, imageFixture('photo-40x30.webp'), { headers: resident.bearer, contentType: 'image/jpeg' });
    expect(webp.json()).toMatchObject({ contentType: 'image/webp', width: 40, height: 30 });
    const heic = await upload(t.app, imageFixture('photo-40x30.heic'), { headers: resident.bearer, contentType: 'image/heic' });
    expect(heic.json()).toMatchObject({ contentType: 'image/heic', width: 40, height: 30 });
    const noType = await upload(t.app, makePng(3, 3, 2), { headers: resident.bearer, contentType: null });
    expect(noType.statusCode, noType.body).toBe(201);
    expect(noType.json().contentType).toBe('image/png');
  });

  it('refuses a GIF, a PDF and text disguised as image/jpeg with 415, leaving nothing behind', async () => {
    const before = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), Buffer.alloc(100, 7), Buffer.from(';')]);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const text = Buffer.from('这不是照片 — just some text pretending to be a photo, long enough to sniff.');
    for (const body of [gif, pdf, text]) {
      const res = await upload(t.app, body, { headers: { ...resident.bearer, 'accept-language': 'en' }, contentType: 'image/jpeg' });
      expect(res.statusCode, res.body).toBe(415);
      expect(res.json()).toMatchObject({ code: 'attachment.unsupported_type', message: expect.stringContaining('JPEG, PNG, WebP or HEIC') });
    }
    const zh = await upload(t.app, gif, { headers: resident.bearer });
    expect(zh.json().message).toContain('仅支持上传');
    // A short body that ends before the signature could be read is refused the same way.
    expect((await upload(t.app, Buffer.from([0xff, 0xd8]), { headers: resident.bearer })).statusCode).toBe(415);
    const after = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await tempFiles(), String(await tempFiles())).toEqual([]);
  });

  it('accepts exactly the limit and refuses one byte more with 413 naming the limit — also when streamed without a length', async () => {
    // A real photo padded after its end marker (decoders ignore the rest): exactly MAX bytes, and readable.
    const atLimit = Buffer.concat([JPEG, Buffer.alloc(MAX - JPEG.length, 0x11)]);
    const ok = await upload(t.app, atLimit, { headers: resident.bearer });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().size).toBe(MAX);

    const over = Buffer.concat([atLimit, Buffer.from([0x22])]);
    const declared = await upload(t.app, over, { headers: { ...resident.bearer, 'accept-language': 'en' } });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'attachment.too_large', message: expect.stringContaining(String(MAX)) });

    // Chunked (no Content-Length): refused while streaming, once the running count passes the limit.
    let sent = 0;
    const chunks = function* () {
      yield JPEG.subarray(0, 64);
      for (let i = 0; i < 40; i++) {
        sent += 4096;
        yield Buffer.alloc(4096, 0x33);
      }
    };
    const streamed = await upload(t.app, Readable.from(chunks()), { headers: resident.bearer });
    expect(streamed.statusCode, streamed.body).toBe(413);
    expect(streamed.json().code).toBe('attachment.too_large');
    expect(sent).toBeGreaterThan(MAX);
    expect(await tempFiles()).toEqual([]);
  });

  it('over a real connection, answers 413 while the client is still sending, without reading the rest', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL('/api/v1/attachments', address);
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { ...resident.bearer, 'content-type': 'image/jpeg' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => (written > MAX ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 0x44);
      const pump = () => {
        if (written === 0) {
          written += JPEG.length;
          req.write(JPEG.subarray(0, 64));
        }
        // Up to 50 MB; the answer must come long before.
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(written).toBeLessThan(50 * 1024 * 1024);
    expect(await tempFiles()).toEqual([]);
  });

  it('refuses an empty body with 400', async () => {
    const res = await upload(t.app, Buffer.alloc(0), { headers: resident.bearer });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('attachment.empty');
  });

  it('takes uploads from an API key with the scope (recorded as an API-key upload) and refuses keys without it', async () => {
    const system = { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j };
    const withScope = await createApiKey(t.ctx, { jurisdictionId: j, name: 'open311 bridge', scopes: ['attachment.upload'] }, system);
    const without = await createApiKey(t.ctx, { jurisdictionId: j, name: 'reader', scopes: ['work_order.read'] }, system);
    const res = await upload(t.app, makePng(5, 3, 800), { headers: { 'x-api-key': withScope.key } });
    expect(res.statusCode, res.body).toBe(201);
    expect(await row(res.json().id)).toMatchObject({ uploader_kind: 'api_key', uploaded_by: null, jurisdiction_id: j });
    expect((await upload(t.app, makePng(5, 3, 801), { headers: { 'x-api-key': without.key } })).statusCode).toBe(403);
  });

  it('lets only roles that report upload, each into their own jurisdiction', async () => {
    expect((await upload(t.app, JPEG, { headers: auditor.bearer })).json().code).toBe('auth.forbidden');
    const other = await upload(t.app, JPEG, { headers: resident.bearer, query: `?jurisdiction=${j2}` });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('attachment.other_jurisdiction');
    // A cookie session needs its CSRF token, as for every write.
    expect((await upload(t.app, JPEG, { headers: resident.cookieOnly })).json().code).toBe('auth.csrf');
    expect((await upload(t.app, JPEG, { headers: resident.cookie })).statusCode).toBe(201);
  });
});

describe('public (anonymous) uploads', () => {
  it('needs the jurisdiction named when the server hosts several', async () => {
    const res = await upload(t.app, JPEG, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('attachment.jurisdiction_required');
    expect((await upload(t.app, JPEG, { query: '?jurisdiction=nowhere.gov.cn' })).json().code).toBe('attachment.jurisdiction_unknown');
  });

  it('limits attempts per address, with Retry-After', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const res = await upload(t.app, makePng(4, 4, 100 + i), { query: `?jurisdiction=${j}`, ip, contentType: 'image/png' });
      expect(res.statusCode, res.body).toBe(201);
      expect((await row(res.json().id))).toMatchObject({ uploader_kind: 'public', uploaded_by: null });
    }
    const limited = await upload(t.app, makePng(4, 4, 104), { query: `?jurisdiction=${j}`, ip, headers: { 'accept-language': 'en' } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('attachment.rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000);
    // Refused attempts count too, and other addresses are not affected.
    expect((await upload(t.app, makePng(4, 4, 105), { query: `?jurisdiction=${j}`, ip: freshIp() })).statusCode).toBe(201);
  });

  it('caps public uploads per jurisdiction per hour across addresses', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await upload(t.app, makePng(4, 4, 200 + i), { query: `?jurisdiction=${quotaJ}`, ip: freshIp() });
      expect(res.statusCode, res.body).toBe(201);
    }
    const capped = await upload(t.app, makePng(4, 4, 300), { query: `?jurisdiction=${quotaJ}`, ip: freshIp(), headers: { 'accept-language': 'en' } });
    expect(capped.statusCode).toBe(429);
    expect(capped.json()).toMatchObject({ code: 'attachment.public_quota_exhausted', message: expect.stringContaining('6 photos an hour') });
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0);
    // Signed-in uploads are not part of the public cap.
    expect((await upload(t.app, makePng(4, 4, 301), { headers: foreigner.bearer })).statusCode).toBe(201);
  });

  it('cannot read anything back', async () => {
    const { id } = await uploadAs(null, makePng(5, 5, 400), { query: `?jurisdiction=${j}` });
    expect((await get(t.app, id)).statusCode).toBe(401);
  });
});

describe('reading', () => {
  it('serves the uploader their photo with the type, ETag, private caching and nosniff; 304 on a matching ETag', async () => {
    const { id } = await uploadAs(resident, JPEG, { contentType: 'image/jpeg' });
    const res = await get(t.app, id, resident.bearer);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(JPEG);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-length']).toBe(String(JPEG.length));
    expect(res.headers['cache-control']).toContain('private');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBe(`"${sha(JPEG)}"`);
    const again = await get(t.app, id, { ...resident.bearer, 'if-none-match': `"${sha(JPEG)}"` });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('hides an unlinked photo from everyone but its uploader, and a linked one from those who cannot read the order', async () => {
    const { id } = await uploadAs(resident);
    for (const s of [otherResident, dispatcher, foreigner]) expect((await get(t.app, id, s.bearer)).json().code).toBe('attachment.not_found');

    const order = await makeOrder({ departmentId: dept, gridCode: '51010400100101' });
    await link({ workOrderId: order.id, ids: [id] });
    expect((await get(t.app, id, dispatcher.bearer)).statusCode).toBe(200); // whole jurisdiction
    expect((await get(t.app, id, handlerInDept.bearer)).statusCode).toBe(200); // the order's department
    expect((await get(t.app, id, inspector.bearer)).statusCode).toBe(200); // the order's grid
    expect((await get(t.app, id, resident.bearer)).statusCode).toBe(200); // the uploader
    expect((await get(t.app, id, handlerElsewhere.bearer)).statusCode).toBe(404);
    expect((await get(t.app, id, otherResident.bearer)).statusCode).toBe(404);
    expect((await get(t.app, id, foreigner.bearer)).statusCode).toBe(404);

    // A resident who reported the order (its owner) reads photos others attached to it.
    const mine = await makeOrder({ departmentId: null, gridCode: null, reporterUserId: (await loginAsId(otherResident)) });
    const { id: handlerPhoto } = await uploadAs(handlerInDept);
    await link({ workOrderId: mine.id, ids: [handlerPhoto], uploadedBy: handlerId });
    expect((await get(t.app, handlerPhoto, otherResident.bearer)).statusCode).toBe(200);
    expect((await get(t.app, handlerPhoto, resident.bearer)).statusCode).toBe(404);
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    expect((await get(t.app, randomUUID(), dispatcher.bearer)).json().code).toBe('attachment.not_found');
    expect((await get(t.app, 'not-a-uuid', dispatcher.bearer)).statusCode).toBe(400);
  });
});

async function loginAsId(s: Session): Promise<string> {
  return s.user.id;
}

describe('linkAttachments', () => {
  it('links the uploader’s own photos, records the timeline entry, and is idempotent for the same order', async () => {
    const a = await uploadAs(resident);
    const b = await uploadAs(resident);
    const order = await makeOrder();
    const linked = await link({ workOrderId: order.id, ids: [b.id, a.id, b.id], timelineEntryId: order.timelineEntryId });
    expect(linked.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(linked[0]).toMatchObject({ workOrderId: order.id, timelineEntryId: order.timelineEntryId, sha256: b.sha256, contentType: 'image/png' });
    expect(await row(a.id)).toMatchObject({ work_order_id: order.id });
    expect((await row(a.id))!.linked_at).not.toBeNull();
    // Again, for the same order: fine (a retried request).
    expect(await link({ workOrderId: order.id, ids: [a.id] })).toHaveLength(1);
    // A timeline entry of another order is a programming error, not a client's.
    const other = await makeOrder();
    await expect(link({ workOrderId: order.id, ids: [a.id], timelineEntryId: other.timelineEntryId })).rejects.toThrow(/not an entry of work order/);
  });

  it('refuses, naming the id: another user’s upload, another order’s, another jurisdiction’s, unknown and malformed ids', async () => {
    const mine = await uploadAs(resident);
    const theirs = await uploadAs(otherResident);
    const order = await makeOrder();
    const other = await makeOrder();

    const e1 = await refusal(link({ workOrderId: order.id, ids: [mine.id, theirs.id] }));
    expect(e1).toMatchObject({ kind: 'bad_request', code: 'attachment.not_usable', params: { id: theirs.id } });
    expect(await row(mine.id)).toMatchObject({ work_order_id: null }); // nothing linked when one fails (the caller's transaction rolls back)

    await link({ workOrderId: order.id, ids: [mine.id] });
    expect((await refusal(link({ workOrderId: other.id, ids: [mine.id] }))).params).toEqual({ id: mine.id });

    const foreign = await uploadAs(foreigner);
    expect((await refusal(link({ workOrderId: order.id, ids: [foreign.id], uploadedBy: (await loginAsId(foreigner)) }))).params).toEqual({ id: foreign.id });

    const unknown = randomUUID();
    expect((await refusal(link({ workOrderId: order.id, ids: [unknown] }))).params).toEqual({ id: unknown });
    expect((await refusal(link({ workOrderId: order.id, ids: ['../etc'] }))).params).toEqual({ id: '../etc' });
    expect((await refusal(link({ workOrderId: order.id, ids: Array.from({ length: 21 }, () => randomUUID()) }))).code).toBe('attachment.too_many');
  });

  it('lets an anonymous report use anonymous uploads of the last hour only, and never a signed-in user’s', async () => {
    const jj = (await makeJurisdiction(t.ctx.db)).id;
    const anon = await uploadAs(null, makePng(6, 6, 500), { query: `?jurisdiction=${jj}` });
    const old = await uploadAs(null, makePng(6, 6, 501), { query: `?jurisdiction=${jj}` });
    await t.ctx.db.updateTable('attachments').set({ created_at: new Date(Date.now() - 61 * 60_000) }).where('id', '=', old.id).execute();
    const member = await makeUser(t.ctx.db, { jurisdictionId: jj, grants: [{ role: 'resident', scope: { kind: 'self' } }] });
    const residents = await uploadAs(await loginAs(t.app, member));
    const order = await makeOrder({ jurisdictionId: jj, departmentId: null });
    const anonLink = (ids: string[], uploadedBy: string | null = null) => link({ jurisdictionId: jj, workOrderId: order.id, ids, uploadedBy });

    expect((await refusal(anonLink([old.id]))).params).toEqual({ id: old.id });
    expect((await refusal(anonLink([residents.id]))).params).toEqual({ id: residents.id });
    // And a signed-in reporter cannot take an anonymous upload.
    expect((await refusal(anonLink([anon.id], member.id))).params).toEqual({ id: anon.id });
    expect(await anonLink([anon.id])).toHaveLength(1);
  });

  it('refuses an unlinked upload past its day (due for clean-up)', async () => {
    const stale = await uploadAs(resident);
    await t.ctx.db.updateTable('attachments').set({ created_at: new Date(Date.now() - 25 * 3600_000) }).where('id', '=', stale.id).execute();
    const order = await makeOrder();
    expect((await refusal(link({ workOrderId: order.id, ids: [stale.id] }))).params).toEqual({ id: stale.id });
  });
});

function workerFor(ctx: AppContext) {
  return new JobWorker({ db: ctx.db, handlers: ctx.handlers, log: ctx.log, outbox: ctx.outbox, pollIntervalMs: 50, housekeeping: false });
}

const sweepJobs = (ctx: AppContext = t.ctx) => ctx.db.selectFrom('jobs').selectAll().where('handler', '=', PURGE_UNLINKED_ATTACHMENTS).orderBy('id').execute();

/** Makes every pending clean-up timer due now, and runs the due jobs with a real worker. */
async function runSweepNow(ctx: AppContext) {
  await ctx.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('handler', '=', PURGE_UNLINKED_ATTACHMENTS).where('status', '=', 'pending').execute();
  const result = await workerFor(ctx).drain(20_000);
  expect(result.complete).toBe(true);
}

describe('clean-up of unlinked uploads', () => {
  it('is scheduled by uploads once per hour of expiry, never twice for one key', async () => {
    const pending = (await sweepJobs()).filter((x) => x.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    const keys = pending.map((x) => x.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const job of pending) {
      expect(job.dedupe_key).toMatch(/^h\d+$/);
      expect(new Date(job.run_at).getTime()).toBe(Number(job.dedupe_key!.slice(1)) * 3600_000);
      expect(new Date(job.run_at).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    }
  });

  it('deletes unlinked uploads older than a day (row and blob), keeps linked and recent ones and shared blobs, and reschedules itself', async () => {
    const expired = await uploadAs(resident, makePng(9, 9, 600));
    const linkedOld = await uploadAs(resident, makePng(9, 9, 601));
    const recent = await uploadAs(resident, makePng(9, 9, 602));
    // The same bytes twice: one row linked, one expired — the blob must stay for the linked one.
    const sharedBytes = makePng(9, 9, 603);
    const sharedLinked = await uploadAs(resident, sharedBytes);
    const sharedExpired = await uploadAs(resident, sharedBytes);
    expect(sharedExpired.sha256).toBe(sharedLinked.sha256);
    const order = await makeOrder();
    await link({ workOrderId: order.id, ids: [linkedOld.id, sharedLinked.id] });
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await t.ctx.db.updateTable('attachments').set({ created_at: dayAgo }).where('id', 'in', [expired.id, linkedOld.id, sharedExpired.id, sharedLinked.id]).execute();
    // A temp file left by a crash two hours ago, and one being written now.
    const tmp = path.join(dataDir, 'attachments', '.tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'crashed.part'), 'x');
    await writeFile(path.join(tmp, 'uploading.part'), 'y');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(tmp, 'crashed.part'), twoHoursAgo, twoHoursAgo);

    await runSweepNow(t.ctx);

    expect(await row(expired.id)).toBeUndefined();
    expect(existsSync(blobPath(dataDir, expired.sha256))).toBe(false);
    expect(await row(sharedExpired.id)).toBeUndefined();
    expect(existsSync(blobPath(dataDir, sharedLinked.sha256))).toBe(true);
    expect(await row(linkedOld.id)).toBeDefined();
    expect(existsSync(blobPath(dataDir, linkedOld.sha256))).toBe(true);
    expect(await row(recent.id)).toBeDefined();
    expect(existsSync(blobPath(dataDir, recent.sha256))).toBe(true);
    expect((await get(t.app, linkedOld.id, dispatcher.bearer)).statusCode).toBe(200);
    expect(await readdir(tmp)).toEqual(['uploading.part']);
    await rm(path.join(tmp, 'uploading.part'));

    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'attachment.purge_unlinked').execute();
    expect(audit.flatMap((a) => (a.details as { ids: string[] }).ids)).toEqual(expect.arrayContaining([expired.id, sharedExpired.id]));

    // Rescheduled itself (every pending timer had been run): a pending timer in a later hour, no earlier than the
    // oldest unlinked upload left expires; keys still unique; nothing failed.
    const jobs = await sweepJobs();
    const pending = jobs.filter((x) => x.status === 'pending');
    const oldest = await t.ctx.db.selectFrom('attachments').select('created_at').where('work_order_id', 'is', null).orderBy('created_at').limit(1).executeTakeFirstOrThrow();
    expect(pending.length).toBeGreaterThan(0);
    for (const job of pending) expect(new Date(job.run_at).getTime()).toBeGreaterThanOrEqual(new Date(oldest.created_at).getTime() + 24 * 3600_000);
    expect(new Set(pending.map((x) => x.dedupe_key)).size).toBe(pending.length);
    expect(jobs.filter((x) => x.status === 'failed')).toEqual([]);
    expect(jobs.filter((x) => x.status === 'done').length).toBeGreaterThan(0);
  });
});

describe('a restarted process', () => {
  it('serves the same files, runs the durable clean-up timer and does not stack timers', async () => {
    const { id, sha256 } = await uploadAs(resident, makePng(10, 10, 700));
    const pendingBefore = (await sweepJobs()).filter((x) => x.status === 'pending').map((x) => x.dedupe_key).sort();

    // A new process: new context, handler registry, store and limiter, on the same database and DATA_DIR.
    const ctx2 = createContext(t.ctx.config, t.storage);
    const app2 = await buildApp(ctx2, createModules(ctx2));
    await app2.ready();
    try {
      const res = await get(app2, id, resident.bearer);
      expect(res.statusCode).toBe(200);
      expect(sha(res.rawPayload)).toBe(sha256);
      // Uploading in the new process reuses the hour's timer.
      const second = await upload(app2, makePng(10, 10, 701), { headers: resident.bearer });
      expect(second.statusCode).toBe(201);
      const pendingAfter = (await sweepJobs(ctx2)).filter((x) => x.status === 'pending').map((x) => x.dedupe_key);
      expect(new Set(pendingAfter).size).toBe(pendingAfter.length);
      expect(pendingAfter.length).toBeLessThanOrEqual(pendingBefore.length + 1);

      // The timer written by the first process runs in the second one.
      const stale = (await upload(app2, makePng(10, 10, 702), { headers: resident.bearer })).json().id as string;
      await t.ctx.db.updateTable('attachments').set({ created_at: new Date(Date.now() - 30 * 3600_000) }).where('id', '=', stale).execute();
      await runSweepNow(ctx2);
      expect(await row(stale)).toBeUndefined();
      expect(await row(id)).toBeDefined();
    } finally {
      await app2.close();
    }
  });
});

describe('on an S3-compatible store (s3rver)', () => {
  let server: S3rver | undefined;
  let s3App: TestApp;

  beforeAll(async () => {
    const dir = path.join(dataDir, 's3rver');
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: 'civicgrid-photos' }));
    admin.destroy();
    const config: Partial<Config> = {
      dataDir: path.join(dataDir, 's3-node'),
      attachments: attachmentsConfig({ store: 's3', s3: { endpoint, bucket: 'civicgrid-photos', region: 'us-east-1', credentials, forcePathStyle: true, prefix: 'wo/' } }),
    };
    s3App = await createTestApp(config);
    void testConfig;
  });
  afterAll(async () => {
    await s3App?.close();
    await server?.close();
  });

  it('uploads into the bucket, reads back, refuses bad types, and the clean-up deletes the object', async () => {
    const db = s3App.ctx.db;
    const jj = (await makeJurisdiction(db)).id;
    const u = await makeUser(db, { jurisdictionId: jj, grants: [{ role: 'inspector', scope: { kind: 'jurisdiction' } }] });
    const s = await loginAs(s3App.app, u);
    const res = await upload(s3App.app, JPEG, { headers: s.bearer });
    expect(res.statusCode, res.body).toBe(201);
    const { id, sha256 } = res.json() as { id: string; sha256: string };
    const objectDir = path.join(dataDir, 's3rver', 'civicgrid-photos', 'wo', sha256.slice(0, 2));
    const objects = () => readdir(objectDir).catch(() => [] as string[]);
    expect((await objects()).some((f) => f.startsWith(sha256))).toBe(true);
    const back = await get(s3App.app, id, s.bearer);
    expect(back.statusCode).toBe(200);
    expect(back.rawPayload).toEqual(JPEG);
    expect(back.headers['content-type']).toBe('image/jpeg');
    expect((await upload(s3App.app, Buffer.from('%PDF-1.7 not a photo at all, no'), { headers: s.bearer })).statusCode).toBe(415);

    await db.updateTable('attachments').set({ created_at: new Date(Date.now() - 25 * 3600_000) }).where('id', '=', id).execute();
    await runSweepNow(s3App.ctx);
    expect(await db.selectFrom('attachments').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect((await objects()).some((f) => f.startsWith(sha256))).toBe(false);
  });

  it('answers 503 when the store is unreachable, and keeps no row', async () => {
    const db = s3App.ctx.db;
    const jj = (await makeJurisdiction(db)).id;
    const s = await loginAs(s3App.app, await makeUser(db, { jurisdictionId: jj, grants: [{ role: 'handler', scope: { kind: 'jurisdiction' } }] }));
    await server!.close();
    server = undefined;
    const res = await upload(s3App.app, makePng(7, 7, 900), { headers: { ...s.bearer, 'accept-language': 'en' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'attachment.store_unavailable', message: expect.stringContaining('unavailable') });
    expect(await db.selectFrom('attachments').select('id').where('jurisdiction_id', '=', jj).execute()).toEqual([]);
  });
});
