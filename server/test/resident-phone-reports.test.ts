/**
 * A resident's own reports include those filed before they signed in: an order filed signed out with a name and phone
 * P belongs, once its reporter signs in with P (a verified number: a code sent to it), to "my reports" and to the
 * resident's read scope for its detail — masked as every resident view is, marked as their own (reporter.self) — and
 * its photos. Another resident, one with a different number and one without any, still sees none of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';

let t: TestApp;
let j: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cg-phone-reports-'));
  t = await createTestApp({ dataDir });
  j = (await makeJurisdiction(t.ctx.db)).id;
});
afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const P = '13912340001';
const OTHER = '13912340002';

let ip = 1;
/** Uploads a photo signed out, as the public form does before filing. */
async function photo(seed: number): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/attachments?jurisdiction=${j}`, headers: { 'content-type': 'image/png' }, payload: makePng(8, 8, seed), remoteAddress: `203.0.113.${ip++}` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Files an order through the public form, signed out (or with the given headers), with a name and phone. */
async function file(title: string, reporter: { name?: string; phone?: string } | undefined, headers: Record<string, string> = {}, attachmentIds?: string[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/public/work-orders',
    headers,
    remoteAddress: `203.0.113.${ip++}`,
    payload: { jurisdictionId: j, requestType: 'suggestion', title, description: `${title}，请尽快处理。`, ...(reporter ? { reporter } : {}), ...(attachmentIds ? { attachmentIds } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  const code = res.json().code as string;
  const row = await t.ctx.db.selectFrom('work_orders').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return { code, id: row.id };
}

/** Signs in with a phone code, read from the outbox as an SMS gateway would: the resident's bearer header. */
async function signInWithPhone(phone: string): Promise<Record<string, string>> {
  const sent = await t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/code', payload: { phone, jurisdiction: j }, remoteAddress: `198.51.100.${ip++}` });
  expect(sent.statusCode, sent.body).toBe(200);
  const sms = await t.ctx.db.selectFrom('outbound_messages').select('body').where('recipient_masked', '=', `${phone.slice(0, 3)}****${phone.slice(-4)}`).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/login', payload: { phone, code: /\d{6}/.exec(sms.body)![0], jurisdiction: j }, remoteAddress: `198.51.100.${ip++}` });
  expect(login.statusCode, login.body).toBe(200);
  return { authorization: `Bearer ${login.json().accessToken as string}` };
}

const codes = (res: { json: () => { items: Array<{ code: string }> } }) => res.json().items.map((o) => o.code);
const get = (headers: Record<string, string>, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

describe(`my reports by a verified phone (${testStorageKind})`, () => {
  let earlier: { code: string; id: string };
  let theirs: { code: string; id: string };
  let anonymous: { code: string; id: string };
  let owner: Record<string, string>;
  const photos: Record<'earlier' | 'theirs' | 'anonymous', string> = { earlier: '', theirs: '', anonymous: '' };

  beforeAll(async () => {
    photos.earlier = await photo(1);
    earlier = await file('E 小区路灯不亮', { name: '张三', phone: P }, {}, [photos.earlier]);
    // Typed with the country code and blanks: the same number.
    await file('E 楼道堆放杂物', { phone: `+86 139 1234 0001` });
    photos.theirs = await photo(2);
    theirs = await file('E 噪音扰民', { name: '李四', phone: OTHER }, {}, [photos.theirs]);
    photos.anonymous = await photo(3);
    anonymous = await file('E 井盖松动', undefined, {}, [photos.anonymous]);
  });

  it('lists the orders filed signed out with the number, beside those filed signed in, newest first', async () => {
    owner = await signInWithPhone(P);
    const signedIn = await file('E 公交站缺座椅', { name: '张三' }, owner);
    const mine = await get(owner, '/work-orders?mine=true');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(codes(mine)).toHaveLength(3);
    expect(codes(mine)[0]).toBe(signedIn.code);
    expect(codes(mine)).toContain(earlier.code);
    expect(codes(mine)).not.toContain(theirs.code);
    expect(codes(mine)).not.toContain(anonymous.code);
    // The read scope itself (the list without "mine") is the same.
    expect(codes(await get(owner, '/work-orders?limit=100'))).toEqual(codes(mine));
    // Keyset pages walk the same rows.
    const first = await get(owner, '/work-orders?mine=true&limit=2');
    const next = await get(owner, `/work-orders?mine=true&limit=2&cursor=${first.json().nextCursor as string}`);
    expect([...codes(first), ...codes(next)]).toEqual(codes(mine));
  });

  it('opens such an order, its reporter masked', async () => {
    const res = await get(owner, `/work-orders/${earlier.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const order = res.json().order;
    expect(order.code).toBe(earlier.code);
    // Theirs: the detail says so, as for an order they filed signed in.
    expect(order.reporter).toEqual({ anonymous: false, name: '张*', phone: '139****0001', self: true });
    expect(res.body).not.toContain(P);
    expect(order.allowedActions).toEqual([]);
    expect((await get(owner, `/work-orders/${theirs.id}`)).statusCode).toBe(404);
    expect((await get(owner, `/work-orders/${anonymous.id}`)).statusCode).toBe(404);
  });

  it("shows such an order's photos to its reporter, full size and as a thumbnail", async () => {
    for (const size of ['', '?size=thumb']) {
      const res = await get(owner, `/attachments/${photos.earlier}${size}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\//);
    }
    expect((await get(owner, `/attachments/${photos.theirs}`)).statusCode).toBe(404);
    expect((await get(owner, `/attachments/${photos.anonymous}`)).statusCode).toBe(404);
  });

  it('shows nothing of it to a resident with another number, or with none', async () => {
    const other = await signInWithPhone(OTHER);
    expect(codes(await get(other, '/work-orders?mine=true'))).toEqual([theirs.code]);
    expect((await get(other, `/work-orders/${earlier.id}`)).statusCode).toBe(404);
    expect((await get(other, `/attachments/${photos.earlier}`)).statusCode).toBe(404);
    const own = await get(other, `/work-orders/${theirs.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().order.reporter.self).toBe(true);
    expect((await get(other, `/attachments/${photos.theirs}`)).statusCode).toBe(200);

    const noPhone = (await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }))).bearer;
    expect(codes(await get(noPhone, '/work-orders?mine=true'))).toEqual([]);
    expect(codes(await get(noPhone, '/work-orders?limit=100'))).toEqual([]);
    expect((await get(noPhone, `/work-orders/${earlier.id}`)).statusCode).toBe(404);
    expect((await get(noPhone, `/attachments/${photos.earlier}`)).statusCode).toBe(404);
  });

  it('leaves staff lists as they were: "mine" is what they filed signed in', async () => {
    const agent = (await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] }))).bearer;
    expect(codes(await get(agent, '/work-orders?mine=true'))).toEqual([]);
    expect(codes(await get(agent, '/work-orders?limit=100'))).toContain(earlier.code);
    // Staff read the order and its photos by their grant, and are not its reporter.
    expect((await get(agent, `/work-orders/${earlier.id}`)).json().order.reporter.self).toBe(false);
    expect((await get(agent, `/attachments/${photos.earlier}`)).statusCode).toBe(200);
  });
});
