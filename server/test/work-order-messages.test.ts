/**
 * Work-order error messages name statuses and actions in the reader's words (zh-CN and en), never as the codes
 * clients match on — those stay in the error's details: a refused transition, a merge into a finished order, a rating
 * of an order that cannot be rated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
const s: Record<string, Session> = {};

const post = (who: string, url: string, payload: object, lang = 'zh-CN') =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: { ...s[who]!.bearer, 'accept-language': lang } });

async function make(requestType: string, phone: string) {
  const res = await post('agent', '/work-orders', { requestType, title: `消息 ${requestType}`, description: '消息测试', address: '测试路 2 号', reporter: { name: '赵六', phone } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().order as { id: string; code: string; version: number };
}

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher'] as const) s[role] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role, scope: city }] }));
});
afterAll(async () => {
  await t?.close();
});

describe(`work-order messages name statuses and actions (${testStorageKind})`, () => {
  it('a refused transition: status, action and what is allowed in words; their codes in the details', async () => {
    const o = await make('complaint', '13600136001');
    const details = { status: 'received', action: 'close', allowed: ['accept', 'reject'] };
    const zh = await post('agent', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'close' } });
    expect(zh.statusCode).toBe(409);
    expect(zh.json()).toMatchObject({ code: 'work_order.transition_not_allowed', message: '工单当前状态为“待受理”，不能执行“结案”；当前可执行：受理、不予受理', details });
    const en = await post('agent', `/work-orders/${o.id}/actions`, { version: o.version, action: { type: 'close' } }, 'en');
    expect(en.json()).toMatchObject({ message: 'Cannot close a work order whose status is “Received”; allowed now: accept, reject', details });
    // Nothing allowed: a dash, not an empty list.
    const done = await make('enquiry', '13600136002');
    const answered = await post('agent', `/work-orders/${done.id}/actions`, { version: done.version, action: { type: 'answer', note: '已答复' } });
    expect(answered.statusCode, answered.body).toBe(200);
    const again = await post('dispatcher', `/work-orders/${done.id}/actions`, { version: answered.json().order.version, action: { type: 'reopen', reason: '再办' } }, 'en');
    expect(again.json()).toMatchObject({ message: 'Cannot reopen a work order whose status is “Answered”; allowed now: —', details: { status: 'answered', action: 'reopen', allowed: [] } });
  });

  it('a merge into a finished order names its status', async () => {
    const parent = await make('enquiry', '13600136003');
    const answered = await post('agent', `/work-orders/${parent.id}/actions`, { version: parent.version, action: { type: 'answer', note: '已答复' } });
    expect(answered.statusCode, answered.body).toBe(200);
    const child = await make('complaint', '13600136004');
    const merge = { version: child.version, action: { type: 'merge', parentId: parent.id } };
    const zh = await post('dispatcher', `/work-orders/${child.id}/actions`, merge);
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({ code: 'work_order.merge_parent_final', message: `工单 ${parent.code} 已是“已答复”状态，请合并到仍在办理的工单`, details: { status: 'answered' } });
    const en = await post('dispatcher', `/work-orders/${child.id}/actions`, merge, 'en');
    expect(en.json().message).toBe(`Order ${parent.code} is already “Answered”; merge into an order that is still open`);
  });

  it('a rating refused on the tracking page names the status', async () => {
    const o = await make('complaint', '13600136005');
    const rate = (lang: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', headers: { 'accept-language': lang }, payload: { jurisdictionId: j, code: o.code, phoneLast4: '6005', rating: 'satisfied' }, remoteAddress: '10.7.0.1' });
    const zh = await rate('zh-CN');
    expect(zh.statusCode).toBe(409);
    expect(zh.json()).toMatchObject({ code: 'work_order.rating_not_open', message: '该工单当前无法评价（状态：待受理）', details: { status: 'received' } });
    expect((await rate('en')).json().message).toBe('This order cannot be rated now (status: Received)');
  });
});
