/**
 * GET /work-orders rows say why an order came back or is pressed, so that the department inbox shows it without
 * opening each order: the latest 核查不通过 reason of a reworked order and the latest 督办 notice of a supervised one
 * (null for the others).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeTestCity, makeUser, type Session } from './factories.js';

let t: TestApp;
let departmentId: string;
const s: Record<string, Session> = {};

beforeAll(async () => {
  t = await createTestApp();
  const j = await makeTestCity(t.ctx);
  departmentId = (await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' })).id;
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher'] as const) s[role] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role, scope: city }] }));
  s.handler = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, departmentId, grants: [{ role: 'handler', scope: { kind: 'department', departmentId } }] }));
});
afterAll(async () => {
  await t?.close();
});

interface Order { id: string; code: string; version: number }
const post = async (who: string, url: string, payload: object): Promise<Order> => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s[who]!.bearer, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json().order as Order;
};
const act = (who: string, o: Order, action: object) => post(who, `/work-orders/${o.id}/actions`, { version: o.version, action });

async function inProgress(title: string): Promise<Order> {
  let o = await post('agent', '/work-orders', { requestType: 'complaint', title, description: '井盖松动，车辆经过有响声', address: '人民路 1 号' });
  o = await act('dispatcher', o, { type: 'accept' });
  o = await act('dispatcher', o, { type: 'dispatch', departmentId });
  o = await act('handler', o, { type: 'sign' });
  return act('handler', o, { type: 'start' });
}

describe(`list rows carry the rework reason and the 督办 notice (${testStorageKind})`, () => {
  it('the latest 核查不通过 reason, the latest 督办 note, and null for an order with neither', async () => {
    let reworked = await act('handler', await inProgress('井盖松动'), { type: 'report', note: '已加固' });
    reworked = await act('dispatcher', reworked, { type: 'verify_fail', reason: '现场核查井盖仍松动' });
    reworked = await act('handler', reworked, { type: 'report', note: '已更换井盖' });
    reworked = await act('dispatcher', reworked, { type: 'verify_fail', reason: '  井盖四周路面仍有塌陷  ' });
    reworked = await act('dispatcher', reworked, { type: 'supervise', note: '请三日内整改到位' });
    const plain = await inProgress('路灯不亮');
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/work-orders?open=true&sort=due&departmentId=${departmentId}`, headers: s.handler!.bearer });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().items as Array<{ code: string; reworkCount: number; supervised: boolean; reworkReason: string | null; supervisionNote: string | null }>;
    const row = (code: string) => rows.find((r) => r.code === code)!;
    expect(row(reworked.code)).toMatchObject({ reworkCount: 2, supervised: true, reworkReason: '井盖四周路面仍有塌陷', supervisionNote: '请三日内整改到位' });
    expect(row(plain.code)).toMatchObject({ reworkCount: 0, supervised: false, reworkReason: null, supervisionNote: null });
  });
});
