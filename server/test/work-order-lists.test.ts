/**
 * Work-order lists for staff: each row carries the viewer's allowedActions (from the row itself, no query per row),
 * the 延期申请待批 filter (extension requested, not yet decided), sorting by created / deadline / status with keyset
 * paging that neither repeats nor skips a row, a cursor of one sort refused by another, and the 回访 queue with each
 * row's follow-up deadline (回访时限).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, UserPrincipal } from '../src/modules/identity/index.js';
import { createWorkOrder, getWorkOrder, listWorkOrders, STATUSES, transitionWorkOrder, type Action } from '../src/modules/work-orders/index.js';
import type { Actor as AuditActor } from '../src/shared/actor.js';
import { AppError } from '../src/shared/errors.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makeDepartment, makeJurisdiction, makeUser, staffPrincipal } from './factories.js';

let t: TestApp;
let j: string;
let dept: string;
let deptPath: string;
const principal = (role: Role, departmentId: string | null = null): UserPrincipal => staffPrincipal(j, role, departmentId ? { id: departmentId, path: deptPath } : undefined);
const audit = (who?: UserPrincipal): AuditActor => ({ kind: 'user', id: who?.userId ?? null, name: who?.username ?? 'tester', jurisdictionId: j });
let agent: UserPrincipal;
let dispatcher: UserPrincipal;
let handler: UserPrincipal;
const ids: Record<string, string> = {};

async function walk(id: string, steps: [UserPrincipal, Action][]) {
  let version = 1;
  for (const [who, action] of steps) {
    version = (await transitionWorkOrder(t.ctx, { jurisdictionId: j, id, expectedVersion: version }, action, { principal: who, audit: audit(who) })).version;
  }
}

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  const made = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional' });
  dept = made.id;
  deptPath = made.path;
  // The agent is a real user (the timeline shows staff their display name).
  agent = { ...principal('agent'), userId: (await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '话务员王芳', grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] })).id };
  dispatcher = principal('dispatcher');
  handler = principal('handler', dept);
  const make = async (name: string, urgency: 'normal' | 'urgent' | 'emergency' = 'normal') => {
    const { order } = await createWorkOrder(
      t.ctx,
      { jurisdictionId: j, channel: 'hotline', requestType: 'complaint', title: `列表 ${name}`, description: '列表测试', urgency, reporter: { name: '张三', phone: '13800138000' } },
      { principal: agent, audit: audit(agent) },
    );
    ids[name] = order.id;
    return order.id;
  };
  await make('received-1');
  await make('received-2', 'urgent');
  const dispatch: [UserPrincipal, Action][] = [[agent, { type: 'accept' }], [dispatcher, { type: 'dispatch', departmentId: dept }]];
  await walk(await make('dispatched', 'emergency'), dispatch);
  await walk(await make('extension'), [...dispatch, [handler, { type: 'sign' }], [handler, { type: 'request_extension', days: 3, reason: '材料未到' }]]);
  await walk(await make('extension-denied'), [...dispatch, [handler, { type: 'sign' }], [handler, { type: 'request_extension', days: 2, reason: '天气' }], [dispatcher, { type: 'deny_extension', reason: '可按期完成' }]]);
  await walk(await make('accepted'), [[agent, { type: 'accept' }]]);
  await make('received-3');
});
afterAll(async () => {
  await t?.close();
});

const list = (who: UserPrincipal, over: Partial<Parameters<typeof listWorkOrders>[2]> = {}) =>
  listWorkOrders(t.ctx, who, { filters: {}, sort: 'created', limit: 50, ...over });

async function allPages(who: UserPrincipal, sort: 'created' | 'due' | 'status' | 'closed', limit: number) {
  const seen: { id: string; status: string; dueAt: string | null; createdAt: string; closedAt: string | null; followUpDueAt: string | null }[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await list(who, { sort, limit, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return seen;
}

describe(`work-order lists (${testStorageKind})`, () => {
  it("carries each row's allowed actions for the viewer, as the detail would", async () => {
    const { items } = await list(dispatcher);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(ids.extension!)!.allowedActions).toEqual(expect.arrayContaining(['approve_extension', 'deny_extension']));
    expect(byId.get(ids['received-1']!)!.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject']));
    expect(byId.get(ids.accepted!)!.allowedActions).toContain('dispatch');
    const forHandler = new Map((await list(handler)).items.map((i) => [i.id, i]));
    expect(forHandler.get(ids.dispatched!)!.allowedActions).toEqual(['sign', 'return']);
    // The handler's scope is the department: orders not dispatched to it are not listed at all.
    expect(forHandler.has(ids['received-1']!)).toBe(false);
  });

  it('filters the orders whose extension request waits for a decision (延期申请待批)', async () => {
    const pending = await list(dispatcher, { filters: { extensionPending: true } });
    expect(pending.items.map((i) => i.id)).toEqual([ids.extension]);
    expect(pending.items[0]!.extensionPending).toBe(true);
    const others = await list(dispatcher, { filters: { extensionPending: false } });
    expect(others.items.map((i) => i.id)).not.toContain(ids.extension);
    expect(others.items.map((i) => i.id)).toContain(ids['extension-denied']);
    expect(others.items.every((i) => !i.extensionPending)).toBe(true);
  });

  it('sorts by status in lifecycle order, newest first within one, and pages without repeating or skipping', async () => {
    const whole = (await list(dispatcher, { sort: 'status', limit: 200 })).items;
    expect(whole).toHaveLength(7);
    const positions = whole.map((i) => STATUSES.indexOf(i.status as (typeof STATUSES)[number]));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const received = whole.filter((i) => i.status === 'received').map((i) => i.id);
    expect(received).toEqual([ids['received-3'], ids['received-2'], ids['received-1']]);
    for (const size of [1, 2, 3]) expect((await allPages(dispatcher, 'status', size)).map((i) => i.id)).toEqual(whole.map((i) => i.id));
  });

  it('pages by created and by deadline the same way', async () => {
    for (const sort of ['created', 'due'] as const) {
      const whole = (await list(dispatcher, { sort, limit: 200 })).items.map((i) => i.id);
      expect(new Set(whole).size).toBe(7);
      expect((await allPages(dispatcher, sort, 2)).map((i) => i.id)).toEqual(whole);
    }
    const due = (await list(dispatcher, { sort: 'due', limit: 200 })).items;
    const times = due.map((i) => (i.dueAt ? Date.parse(i.dueAt) : Infinity));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("shows staff the acting user's display name in the timeline", async () => {
    const staffView = await getWorkOrder(t.ctx, dispatcher, ids.accepted!);
    expect(staffView.timeline.map((e) => [e.action, e.actorRole, e.actorName])).toEqual([
      ['create', 'agent', '话务员王芳'],
      ['accept', 'agent', '话务员王芳'],
    ]);
  });

  it("refuses one sort's cursor under another", async () => {
    const first = await list(dispatcher, { sort: 'created', limit: 1 });
    const err = await list(dispatcher, { sort: 'status', limit: 1, cursor: first.nextCursor! }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('work_order.cursor_invalid');
  });

  // Last: it adds finished orders the counts above do not expect.
  it('lists the 回访 queue: finished, unrated, with a phone to call — finished longest ago first, paged', async () => {
    const enquiry = async (title: string, phone: string | null) =>
      (
        await createWorkOrder(
          t.ctx,
          { jurisdictionId: j, channel: 'hotline', requestType: 'enquiry', title, description: '回访测试', urgency: 'normal', reporter: phone ? { name: '李四', phone } : null },
          { principal: agent, audit: audit(agent) },
        )
      ).order.id;
    const first = await enquiry('回访 先登记', '13900000001');
    const second = await enquiry('回访 后登记', '13900000002');
    const silent = await enquiry('回访 无电话', null);
    // Answered (首接办结) in the other order than created, at set instants: the queue follows the finishing time, not
    // the creation; the follow-up deadline (回访时限, 3 working days by default) runs over the holiday and the weekend.
    const answeredAt: [string, Date][] = [
      [second, new Date('2026-09-30T07:00:00Z')], // Wed 15:00, the eve of National Day: 3 h that day, then from 8 Oct
      [silent, new Date('2026-10-20T02:00:00Z')],
      [first, new Date('2026-11-27T08:00:00Z')], // Fri 16:00: 2 h that day, then Monday and Tuesday, 4.5 h on Wednesday
    ];
    for (const [id, at] of answeredAt) await transitionWorkOrder(t.ctx, { jurisdictionId: j, id, expectedVersion: 1 }, { type: 'answer', note: '已答复' }, { principal: agent, audit: audit(agent) }, at);
    const queue = { statuses: ['closed', 'answered'], contactable: true };
    const whole = (await list(agent, { filters: queue, sort: 'closed', limit: 50 })).items;
    expect(whole.map((i) => i.id)).toEqual([second, first]);
    expect(whole.map((i) => i.closedAt)).toEqual(['2026-09-30T07:00:00.000Z', '2026-11-27T08:00:00.000Z']);
    // Sat 10 Oct is a make-up workday (调休); Wed 2 Dec at the same clock as Friday's finish.
    expect(whole.map((i) => i.followUpDueAt)).toEqual(['2026-10-10T07:00:00.000Z', '2026-12-02T08:00:00.000Z']);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 5; n++) {
      const page = await list(agent, { filters: queue, sort: 'closed', limit: 1, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual([second, first]);
    expect((await list(agent, { filters: { ...queue, contactable: false }, sort: 'closed' })).items.map((i) => i.id)).toEqual([silent]);
    // Unfinished orders sort last under `closed`, and page there too.
    const all = await allPages(dispatcher, 'closed', 3);
    expect(all.slice(0, 3).map((i) => i.id)).toEqual([second, silent, first]);
    expect(new Set(all.map((i) => i.id)).size).toBe(10);
    // Only finished, unrated orders have one; a rating (here the 回访's) ends it.
    expect(all.filter((i) => i.followUpDueAt !== null).map((i) => i.id)).toEqual([second, silent, first]);
    await transitionWorkOrder(t.ctx, { jurisdictionId: j, id: first, expectedVersion: 2 }, { type: 'rate', rating: 'satisfied', comment: '电话回访：满意' }, { principal: agent, audit: audit(agent) });
    const rated = (await list(agent, { filters: { statuses: ['rated'] }, sort: 'closed' })).items;
    expect(rated.map((i) => [i.id, i.followUpDueAt])).toEqual([[first, null]]);
  });
});
