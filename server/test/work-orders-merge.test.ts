/**
 * Merged duplicates (合并) and their parent, when things happen at the same moment: two orders merged into each other
 * at once (one merge goes through, never both — both merged would leave nobody handling either), and an order merged
 * into one that is being closed at that moment (either it is merged first and the close tells its reporter, or the
 * close is first and the merge is refused). On PostgreSQL the requests really run side by side; on the embedded
 * database one after the other. And a parent that ends without a result hands its merged orders on: merged into
 * another, they follow it; cancelled, rejected or transferred, they are released to the status they had before.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let cgj: MadeDepartment;
const s: Record<string, Session> = {};

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  const city = { kind: 'jurisdiction' } as const;
  const users = {
    agent: { grants: [{ role: 'agent' as const, scope: city }] },
    dispatcher: { grants: [{ role: 'dispatcher' as const, scope: city }] },
    handler: { departmentId: cgj.id, grants: [{ role: 'handler' as const, scope: { kind: 'department' as const, departmentId: cgj.id } }] },
  };
  for (const [name, spec] of Object.entries(users)) s[name] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, ...spec }));
});
afterAll(async () => {
  await t?.close();
});

interface Order {
  id: string;
  code: string;
  version: number;
  status: string;
  parentId?: string | null;
}

const post = (who: string, url: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: s[who]!.bearer });
const order = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/work-orders/${id}`, headers: s.dispatcher!.bearer })).json().order as Order & { timeline: { action: string }[]; allowedActions: string[] };

async function created(title: string): Promise<Order> {
  const res = await post('agent', '/work-orders', { requestType: 'complaint', title, description: `${title}，请尽快处理`, reporter: { name: '张三', phone: '13800138000' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().order as Order;
}

const act = (who: string, o: { id: string; version: number }, action: object) => post(who, `/work-orders/${o.id}/actions`, { version: o.version, action });

/** Walks an order to 核查通过 (verified), the step before 结案. */
async function verified(title: string): Promise<Order> {
  let o = await created(title);
  for (const [who, action] of [
    ['agent', { type: 'accept' }],
    ['dispatcher', { type: 'dispatch', departmentId: cgj.id }],
    ['handler', { type: 'sign' }],
    ['handler', { type: 'start' }],
    ['handler', { type: 'report', note: '已处理' }],
    ['dispatcher', { type: 'verify_pass' }],
  ] as const) {
    const res = await act(who, o, action);
    expect(res.statusCode, res.body).toBe(200);
    o = res.json().order as Order;
  }
  return o;
}

describe(`merged duplicates at the same moment (${testStorageKind})`, () => {
  it('two orders merged into each other at once: exactly one merge goes through, ten times over', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await created(`互相合并 A${round}`);
      const b = await created(`互相合并 B${round}`);
      const [intoB, intoA] = await Promise.all([act('dispatcher', a, { type: 'merge', parentId: b.id }), act('dispatcher', b, { type: 'merge', parentId: a.id })]);
      const won = [intoB, intoA].filter((r) => r.statusCode === 200);
      const lost = [intoB, intoA].filter((r) => r.statusCode !== 200);
      expect(won, `round ${round}: ${intoB.body} / ${intoA.body}`).toHaveLength(1);
      // The other saw the first one's merge (its target is now merged), or was rolled back while both waited for each
      // other; either way nothing of it was written, and it says so in words.
      expect([400, 409]).toContain(lost[0]!.statusCode);
      expect(['work_order.merge_parent_final', 'request.concurrent_change']).toContain(lost[0]!.json().code);
      const [nowA, nowB] = [await order(a.id), await order(b.id)];
      expect([nowA.status, nowB.status].sort()).toEqual(['merged', 'received']);
      const child = nowA.status === 'merged' ? nowA : nowB;
      const parent = child === nowA ? nowB : nowA;
      expect(child.parentId).toBe(parent.id);
      expect(parent.parentId ?? null).toBeNull();
    }
  });

  it('an order merged into one being closed at that moment: merged first and told of the close, or not merged', async () => {
    for (let round = 0; round < 5; round++) {
      const parent = await verified(`结案时合并 主${round}`);
      const child = await created(`结案时合并 子${round}`);
      const [close, merge] = await Promise.all([act('dispatcher', parent, { type: 'close' }), act('dispatcher', child, { type: 'merge', parentId: parent.id })]);
      expect(close.statusCode, close.body).toBe(200);
      const nowChild = await order(child.id);
      if (merge.statusCode === 200) {
        expect(nowChild).toMatchObject({ status: 'merged', parentId: parent.id });
        expect(nowChild.timeline.map((e) => e.action)).toContain('parent_closed');
      } else {
        expect(merge.statusCode, merge.body).toBe(400);
        expect(merge.json().code).toBe('work_order.merge_parent_final');
        expect(nowChild.status).toBe('received');
      }
    }
  });

  it('a cancelled or rejected parent releases the orders merged into it to their status before the merge, deadline timers armed', async () => {
    for (const [end, action] of [
      ['cancel', { type: 'cancel', reason: '重复登记，撤销' }],
      ['reject', { type: 'reject', reason: '不属于受理范围' }],
    ] as const) {
      let parent = await created(`主单将${end}`);
      const received = await created(`待受理的重复 ${end}`);
      let accepted = await created(`已受理的重复 ${end}`);
      accepted = (await act('agent', accepted, { type: 'accept' })).json().order as Order;
      for (const child of [received, accepted]) expect((await act('dispatcher', child, { type: 'merge', parentId: parent.id })).statusCode).toBe(200);
      parent = await order(parent.id);
      const ended = await act('dispatcher', parent, action);
      expect(ended.statusCode, ended.body).toBe(200);
      for (const [child, before] of [
        [received, 'received'],
        [accepted, 'accepted'],
      ] as const) {
        const now = await order(child.id);
        expect(now).toMatchObject({ status: before, parentId: null });
        expect(now.timeline.at(-1)).toMatchObject({ action: 'unmerged', from: 'merged', to: before, data: { parentCode: parent.code } });
        expect(now.allowedActions).toContain(before === 'received' ? 'accept' : 'dispatch');
        const timers = await t.ctx.db.selectFrom('jobs').select('dedupe_key').where('status', '=', 'pending').where('dedupe_key', 'like', `${child.id}%`).execute();
        expect(timers.length, `${end}: ${child.code} has its deadline timer again`).toBe(1);
        const events = await t.ctx.db.selectFrom('events').select('payload').where('name', '=', 'work_order.transitioned').execute();
        expect(events.some((e) => (e.payload as { workOrderId: string; action: string }).workOrderId === child.id && (e.payload as { action: string }).action === 'unmerged')).toBe(true);
      }
    }
    // Each released report's reporter is told by SMS that it is handled on its own now.
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    await worker.drain(10_000);
    const told = await t.ctx.db.selectFrom('outbound_messages').select('body').where('jurisdiction_id', '=', j).where('body', 'like', '%改为单独办理%').execute();
    expect(told).toHaveLength(4);
  });

  it('a parent merged into another takes its merged orders along; closing or answering the last one tells every reporter', async () => {
    const top = await verified('最终主单');
    let middle = await created('中间主单');
    const leaf = await created('最早的重复');
    expect((await act('dispatcher', leaf, { type: 'merge', parentId: middle.id })).statusCode).toBe(200);
    middle = await order(middle.id);
    expect((await act('dispatcher', middle, { type: 'merge', parentId: top.id })).statusCode).toBe(200);
    const moved = await order(leaf.id);
    expect(moved).toMatchObject({ status: 'merged', parentId: top.id });
    expect(moved.timeline.at(-1)).toMatchObject({ action: 'parent_merged', data: { parentCode: top.code, previousParentCode: middle.code } });
    expect((await act('dispatcher', top, { type: 'close' })).statusCode).toBe(200);
    for (const id of [middle.id, leaf.id]) expect((await order(id)).timeline.at(-1)).toMatchObject({ action: 'parent_closed', data: { parentCode: top.code } });

    // An enquiry answered at intake (首接办结) is finished too: what was merged into it is told.
    const enquiry = (await post('agent', '/work-orders', { requestType: 'enquiry', title: '公积金提取咨询', description: '公积金提取需要什么材料', reporter: { name: '李四', phone: '13900139000' } })).json().order as Order;
    const same = await created('公积金提取咨询（重复）');
    expect((await act('dispatcher', same, { type: 'merge', parentId: enquiry.id })).statusCode).toBe(200);
    expect((await act('agent', await order(enquiry.id), { type: 'answer', note: '携带身份证和购房合同到公积金中心办理' })).statusCode).toBe(200);
    expect((await order(same.id)).timeline.at(-1)).toMatchObject({ action: 'parent_closed', data: { parentCode: enquiry.code } });
  });
});
