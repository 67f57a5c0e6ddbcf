/**
 * Photos on upload: EXIF/GPS metadata removed (the stripped copy is what is stored and hashed, upright), a JPEG
 * thumbnail within 320 px served by GET /attachments/:id?size=thumb, photos without metadata kept byte for byte,
 * HEIC (not decodable here) kept only when it carries no metadata, undecodable images refused, and the clean-up
 * of unlinked uploads deleting thumbnails with their photos.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { PURGE_UNLINKED_ATTACHMENTS } from '../src/modules/work-orders/index.js';
import pino from 'pino';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { imageFixture, makePng } from './fixtures/images.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let resident: Session;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blob = (key: string) => path.join(dataDir, 'attachments', key);
const keyOf = (sha256: string) => `${sha256.slice(0, 2)}/${sha256}`;
let ip = 1;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cg-photos-'));
  t = await createTestApp({ dataDir });
  const j = (await makeJurisdiction(t.ctx.db)).id;
  resident = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }));
});
afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function upload(body: Buffer, contentType = 'image/jpeg') {
  return t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...resident.bearer, 'content-type': contentType }, payload: body, remoteAddress: `192.0.2.${ip++}` });
}
const get = (id: string, query = '') => t.app.inject({ method: 'GET', url: `/api/v1/attachments/${id}${query}`, headers: resident.bearer });
const row = (id: string) => t.ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** An 800 × 600 phone photo taken sideways (EXIF orientation 6), with the camera, its owner and a GPS position. */
const phonePhoto = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'PhoneCo-Secret', Artist: 'Zhang San' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 39/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '104/1 4/1 0/1' } })
    .toBuffer();

describe(`photos: metadata removed, thumbnails (${testStorageKind})`, () => {
  it('stores a phone photo without its EXIF and GPS, upright, hashed as stored, with a 320 px thumbnail', async () => {
    const original = await phonePhoto();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const res = await upload(original);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    // Upright: the sideways 800 × 600 becomes 600 × 800; the hash and size are the stored copy's.
    expect(body).toMatchObject({ contentType: 'image/jpeg', width: 600, height: 800 });
    expect(body.sha256).not.toBe(sha(original));
    const r = await row(body.id);
    const stored = readFileSync(blob(r.storage_key));
    expect(sha(stored)).toBe(body.sha256);
    expect(stored.length).toBe(body.size);
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect([undefined, 1]).toContain(meta.orientation);
    expect(stored.includes(Buffer.from('PhoneCo-Secret'))).toBe(false);
    expect(stored.includes(Buffer.from('Zhang San'))).toBe(false);
    // The original bytes are nowhere in the store.
    expect(existsSync(blob(keyOf(sha(original))))).toBe(false);

    const full = await get(body.id);
    expect(full.statusCode).toBe(200);
    expect(sha(full.rawPayload)).toBe(body.sha256);
    const thumb = await get(body.id, '?size=thumb');
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers.etag).toBe(`"${body.sha256}-thumb"`);
    const tm = await sharp(thumb.rawPayload).metadata();
    expect([tm.width, tm.height]).toEqual([240, 320]);
    expect(tm.exif).toBeUndefined();
    expect(r.thumb_key).toBe(keyOf(sha(thumb.rawPayload)));
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('object_id', '=', body.id).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ metadataRemoved: true, sha256: body.sha256 });
  });

  it('keeps a photo without metadata byte for byte (same hash), still with a thumbnail; small ones are not enlarged', async () => {
    const png = makePng(12, 7, 4242);
    const res = await upload(png, 'image/png');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ sha256: sha(png), size: png.length, width: 12, height: 7 });
    const thumb = await get(res.json().id, '?size=thumb');
    const tm = await sharp(thumb.rawPayload).metadata();
    expect([tm.format, tm.width, tm.height]).toEqual(['jpeg', 12, 7]);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/attachments/${res.json().id}?size=huge`, headers: resident.bearer })).statusCode).toBe(400);
  });

  it('keeps a HEIC without metadata as it is (no thumbnail: the full photo answers ?size=thumb)', async () => {
    const heic = imageFixture('photo-40x30.heic');
    const res = await upload(heic, 'image/heic');
    expect(res.statusCode, res.body).toBe(201);
    expect((await row(res.json().id)).thumb_key).toBeNull();
    const thumb = await get(res.json().id, '?size=thumb');
    expect(thumb.statusCode).toBe(200);
    expect(sha(thumb.rawPayload)).toBe(sha(heic));
  });

  it('refuses an image that cannot be decoded with 415, leaving no row and no temp file', async () => {
    const before = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x42)]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...resident.bearer, 'content-type': 'image/jpeg', 'accept-language': 'en' }, payload: broken, remoteAddress: '192.0.2.250' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'attachment.undecodable', message: expect.stringContaining('could not be read') });
    const after = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const tmp = path.join(dataDir, 'attachments', '.tmp');
    expect(existsSync(tmp) ? await readdir(tmp) : []).toEqual([]);
  });

  it('deletes the thumbnail with its photo when an unlinked upload expires', async () => {
    const res = await upload(await sharp({ create: { width: 500, height: 500, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer());
    const r = await row(res.json().id);
    expect(existsSync(blob(r.thumb_key!))).toBe(true);
    await t.ctx.db.updateTable('attachments').set({ created_at: new Date(Date.now() - 3 * 86_400_000) }).where('id', '=', r.id).execute();
    await t.ctx.db.transaction().execute((tx) => t.ctx.outbox.schedule(tx, { handler: PURGE_UNLINKED_ATTACHMENTS, key: 'photos-test', runAt: new Date(), jurisdictionId: null, payload: {} }));
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    await worker.drain(10_000);
    expect(existsSync(blob(r.storage_key))).toBe(false);
    expect(existsSync(blob(r.thumb_key!))).toBe(false);
  });
});
