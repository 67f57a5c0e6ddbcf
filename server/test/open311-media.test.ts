/**
 * Open311 media: request records carry the order's first photo as a signed public link (media_url; all of them in
 * extended_attributes.media_urls), the link serves the photo without sign-in and nothing without the right
 * signature; the media_url links a client POSTs are shown on the order as a `media_links` timeline entry; the
 * administrators' list of categories tells which are served as services.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/identity/index.js';
import { seedDemoOpen311 } from '../src/modules/open311/index.js';
import { publicAttachmentSig, publicAttachmentUrl, seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let dataDir: string;
let j: string;
let key: string;
let admin: Session;
let agent: Session;
const CENTRE = { lng: 104.05, lat: 30.65 };
const square = { type: 'MultiPolygon', coordinates: [[[[104.0, 30.6], [104.1, 30.6], [104.1, 30.7], [104.0, 30.7], [104.0, 30.6]]]] };
let ip = 1;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cg-o311-media-'));
  t = await createTestApp({ dataDir });
  j = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
  const actor = systemActor('test', j);
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, actor));
  await t.ctx.db.insertInto('divisions').values({ jurisdiction_id: j, code: '510100', parent_code: null, level: 'city', name_zh: '测试市', name_en: 'Test City', boundary: null }).execute();
  await t.ctx.db
    .updateTable('divisions')
    .set({ boundary: (eb) => eb.fn('ST_SetSRID', [eb.fn('ST_GeomFromGeoJSON', [eb.val(JSON.stringify(square))]), eb.lit(4326)]) as never })
    .where('jurisdiction_id', '=', j)
    .execute();
  await seedDemoOpen311(t.ctx.db, j, actor);
  const system = { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j };
  key = (await createApiKey(t.ctx, { jurisdictionId: j, name: 'fixmystreet', scopes: ['open311.*'] }, system)).key;
  const city = { kind: 'jurisdiction' } as const;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: city }] }));
  agent = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: city }] }));
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function uploadAnonymously(seed: number): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/attachments?jurisdiction=${j}`, headers: { 'content-type': 'image/png' }, payload: makePng(40, 30, seed), remoteAddress: `198.51.100.${ip++}` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A resident's public report of a street problem (an event: the public may see it) with photos. */
async function publicReport(photos: string[], requestType = 'event', categoryCode: string | null = 'event.01.01'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/public/work-orders',
    payload: { jurisdictionId: j, requestType, categoryCode, title: '路边垃圾堆积', description: '三天没人清理', location: CENTRE, attachmentIds: photos },
    remoteAddress: `198.51.100.${ip++}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().code as string;
}

const getJson = (url: string) => t.app.inject({ method: 'GET', url, headers: { host: 'open311.test.example' } });
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['request'].includes(name) });

describe(`Open311 media_url (${testStorageKind})`, () => {
  it('gives the first photo of a public order as a signed link that serves it without sign-in', async () => {
    const first = await uploadAnonymously(1);
    const second = await uploadAnonymously(2);
    const code = await publicReport([first, second]);
    const one = await getJson(`/open311/v2/requests/${code}.json?jurisdiction_id=${j}&extensions=true`);
    expect(one.statusCode, one.body).toBe(200);
    const record = one.json()[0];
    const expected = publicAttachmentUrl(t.ctx.config.secretKey, 'http://open311.test.example', first);
    expect(record.media_url).toBe(expected);
    expect(record.extended_attributes.media_urls).toEqual([expected, publicAttachmentUrl(t.ctx.config.secretKey, 'http://open311.test.example', second)]);
    // The list carries the same link, in XML too.
    const list = await getJson(`/open311/v2/requests.xml?jurisdiction_id=${j}&service_request_id=${code}`);
    expect(xml.parse(list.body).service_requests.request[0].media_url).toBe(expected);

    const link = new URL(record.media_url as string);
    const photo = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['cache-control']).toContain('public');
    expect(photo.rawPayload.equals(makePng(40, 30, 1))).toBe(true);
    const thumb = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}&size=thumb` });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const cached = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { 'if-none-match': photo.headers.etag as string } });
    expect(cached.statusCode).toBe(304);
  });

  it('serves nothing without the right signature, for unlinked uploads, or for unknown ids', async () => {
    const linked = await uploadAnonymously(3);
    await publicReport([linked]);
    const unlinked = await uploadAnonymously(4);
    const sig = (id: string) => publicAttachmentSig(t.ctx.config.secretKey, id);
    // One character changed for certain (a fixed replacement is a no-op when the signature already has it).
    const tampered = (s: string) => `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    const cases = [
      `/api/v1/public/attachments/${linked}?sig=${sig(unlinked)}`,
      `/api/v1/public/attachments/${linked}?sig=${tampered(sig(linked))}`,
      `/api/v1/public/attachments/${linked}?sig=`,
      `/api/v1/public/attachments/${unlinked}?sig=${sig(unlinked)}`,
      `/api/v1/public/attachments/00000000-0000-4000-8000-000000000000?sig=${sig('00000000-0000-4000-8000-000000000000')}`,
    ];
    for (const url of cases) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
      expect(res.statusCode, url).toBe(url.endsWith('sig=') ? 400 : 404);
      if (res.statusCode === 404) expect(res.json()).toMatchObject({ code: 'attachment.not_found', message: expect.any(String) });
    }
    // A signature is bound to the secret: another server's link for the same id does not open it.
    const foreign = publicAttachmentSig('another-secret-key-of-another-server-000000', linked);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/public/attachments/${linked}?sig=${foreign}` })).statusCode).toBe(404);
  });

  it('lists only orders the public may see: a hotline enquiry with a photo gets no link', async () => {
    const photo = await uploadAnonymously(5);
    const code = await publicReport([photo], 'complaint', null);
    const res = await getJson(`/open311/v2/requests/${code}.json?jurisdiction_id=${j}`);
    expect(res.statusCode).toBe(404);
  });

  it('shows the media_url links an Open311 client sent on the order, and answers them when there is no photo', async () => {
    const p = new URLSearchParams({ api_key: key, jurisdiction_id: j, service_code: 'event.01.01', lat: String(CENTRE.lat), long: String(CENTRE.lng), description: '井盖松动' });
    p.append('media_url', 'https://photos.example.com/1.jpg');
    p.append('media_url', 'https://photos.example.com/2.jpg');
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: p.toString() });
    expect(res.statusCode, res.body).toBe(200);
    const code = res.json()[0].service_request_id as string;
    const order = await t.ctx.db.selectFrom('work_orders').select('id').where('code', '=', code).executeTakeFirstOrThrow();
    const detail = await t.app.inject({ method: 'GET', url: `/api/v1/work-orders/${order.id}`, headers: agent.bearer });
    expect(detail.statusCode, detail.body).toBe(200);
    const entry = detail.json().order.timeline.find((e: { action: string }) => e.action === 'media_links');
    expect(entry).toMatchObject({ data: { url1: 'https://photos.example.com/1.jpg', url2: 'https://photos.example.com/2.jpg' }, note: null });
    const record = (await getJson(`/open311/v2/requests/${code}.json?jurisdiction_id=${j}&extensions=true`)).json()[0];
    expect(record.media_url).toBe('https://photos.example.com/1.jpg');
    expect(record.extended_attributes.media_urls).toEqual(['https://photos.example.com/1.jpg', 'https://photos.example.com/2.jpg']);
  });
});

describe(`Open311 service list for administrators (${testStorageKind})`, () => {
  it('lists every category with whether it is a service, why not, its type and attribute count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/open311/services', headers: admin.bearer });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ code: string; exposed: boolean; reason: string | null; type: string; attributeCount: number }>;
    const byCode = new Map(items.map((i) => [i.code, i]));
    expect(byCode.get('event')).toMatchObject({ exposed: false, reason: 'group' });
    expect(byCode.get('component.01.0102')).toMatchObject({ exposed: true, reason: null });
    expect(items.filter((i) => i.attributeCount > 0).length).toBeGreaterThan(0);
    // The services Open311 serves are exactly the exposed ones.
    const served = (await getJson(`/open311/v2/services.json?jurisdiction_id=${j}`)).json() as Array<{ service_code: string }>;
    expect(served.map((s) => s.service_code).sort()).toEqual(items.filter((i) => i.exposed).map((i) => i.code).sort());
    // A deactivated category is not a service, and says so.
    await t.ctx.db.updateTable('work_order_categories').set({ active: false }).where('jurisdiction_id', '=', j).where('code', '=', 'event.01.02').execute();
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/open311/services', headers: admin.bearer })).json().items as typeof items;
    expect(after.find((i) => i.code === 'event.01.02')).toMatchObject({ exposed: false, reason: 'inactive' });
  });

  it('is for administrators only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/open311/services', headers: { ...agent.bearer, 'accept-language': 'en' } });
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/open311/services' })).statusCode).toBe(401);
  });
});
