/**
 * A resident hears about their report in the language they reported in: the report stores the reporter's language
 * (from its Accept-Language, as the server picks a locale everywhere) and the texts on registering, answering,
 * refusing and finishing are written in it. Orders staff register (a hotline call) keep Chinese texts, whatever
 * language the agent's console is in.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let worker: JobWorker;
const s: Record<string, Session> = {};

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db, { nameZh: '测试市', nameEn: 'Test City' })).id;
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher'] as const) s[role] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role, scope: city }] }));
  s.resident = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }));
  worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
});
afterAll(async () => {
  await t?.close();
});

const report = async (lang: string, requestType: string, phone: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/public/work-orders',
    headers: { 'accept-language': lang },
    payload: { jurisdictionId: j, requestType, title: `路灯不亮 ${phone}`, description: '晚上很黑', address: '测试路 1 号', reporter: { name: '王五', phone } },
    remoteAddress: `10.8.0.${phone.slice(-2)}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  // The public answer is the ticket code alone; staff act on the order by its id.
  const code = (res.json() as { code: string }).code;
  return t.ctx.db.selectFrom('work_orders').select(['id', 'code', 'version']).where('code', '=', code).executeTakeFirstOrThrow();
};
const act = async (who: string, o: { id: string; version: number }, action: object) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/work-orders/${o.id}/actions`, headers: s[who]!.bearer, payload: { version: o.version, action } });
  expect(res.statusCode, res.body).toBe(200);
};
/** The texts sent about an order, oldest first. */
const textsAbout = async (code: string) => {
  await worker.drain(10_000);
  const rows = await t.ctx.db.selectFrom('outbound_messages').select(['body', 'subject']).where('jurisdiction_id', '=', j).where('purpose', '=', 'work_order_update').orderBy('created_at').execute();
  return rows.filter((m) => m.body.includes(code));
};
const localeOf = async (id: string) => (await t.ctx.db.selectFrom('work_orders').select('reporter_locale').where('id', '=', id).executeTakeFirstOrThrow()).reporter_locale;

describe(`residents' texts in the language they reported in (${testStorageKind})`, () => {
  it('an English report: registered and not accepted, in English', async () => {
    const o = await report('en-GB,en;q=0.9', 'complaint', '13700137001');
    expect(await localeOf(o.id)).toBe('en');
    await act('agent', o, { type: 'reject', reason: 'Not within the city' });
    const texts = await textsAbout(o.code);
    expect(texts.map((m) => m.body)).toEqual([
      `[Test City 12345] Your report "路灯不亮 13700137001" is registered as ${o.code}. Track it on the residents' website with the code and the last 4 digits of your phone (7001).`,
      `[Test City 12345] Order ${o.code} was not accepted: Not within the city. Call 12345 with any questions.`,
    ]);
  });

  it('an English enquiry answered at first contact: the answer in English', async () => {
    const o = await report('en', 'enquiry', '13700137002');
    await act('agent', o, { type: 'answer', note: 'Bring your ID card' });
    expect((await textsAbout(o.code)).map((m) => m.body)[1]).toBe(`[Test City 12345] Order ${o.code} has been answered: Bring your ID card`);
  });

  it('a Chinese report, and one without Accept-Language: in Chinese', async () => {
    for (const [lang, phone] of [['zh-CN,zh;q=0.9,en;q=0.8', '13700137003'], ['', '13700137004']] as const) {
      const o = await report(lang, 'complaint', phone);
      expect(await localeOf(o.id)).toBe('zh-CN');
      await act('agent', o, { type: 'reject', reason: '不属于本市' });
      const texts = await textsAbout(o.code);
      expect(texts.map((m) => m.body)).toEqual([expect.stringMatching(/^【测试市12345】您反映的/), expect.stringContaining('不属于本市')]);
      expect(texts[1]!.body).toMatch(/^【测试市12345】/);
    }
  });

  it("a signed-in resident reporting in English through the API: English; a hotline agent's English console: Chinese", async () => {
    const create = (who: string, phone: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/work-orders', headers: { ...s[who]!.bearer, 'accept-language': 'en' }, payload: { requestType: 'complaint', title: `井盖松动 ${phone}`, description: '会响', address: '测试路 3 号', reporter: { name: '李四', phone } } });
    const mine = (await create('resident', '13700137005')).json().order as { id: string; code: string };
    expect(await localeOf(mine.id)).toBe('en');
    expect((await textsAbout(mine.code))[0]!.body).toMatch(/^\[Test City 12345\] Your report/);
    const call = (await create('agent', '13700137006')).json().order as { id: string; code: string };
    expect(await localeOf(call.id)).toBeNull();
    expect((await textsAbout(call.code))[0]!.body).toMatch(/^【测试市12345】您反映的/);
  });
});
