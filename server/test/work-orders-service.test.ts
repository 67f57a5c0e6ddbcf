/**
 * Work-order service: create (code, deadlines, sealed reporter, timeline + audit + event in one transaction) and
 * transitions, including concurrent transitions on one order — exactly one wins, the other gets 409 with the
 * current state (real parallel connections on PostgreSQL; queued on PGlite's single connection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPersonal } from '../src/modules/identity/index.js';
import type { Role, UserPrincipal } from '../src/modules/identity/index.js';
import { createWorkOrder, transitionWorkOrder, type WorkOrderDetail } from '../src/modules/work-orders/index.js';
import type { Actor as AuditActor } from '../src/shared/actor.js';
import { AppError } from '../src/shared/errors.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makeDepartment, makeJurisdiction, staffPrincipal } from './factories.js';

let t: TestApp;
let j: string;
let dept: string;
const audit = (): AuditActor => ({ kind: 'user', id: null, name: 'tester', jurisdictionId: j });
const principal = (role: Role): UserPrincipal => staffPrincipal(j, role);
let agent: { principal: UserPrincipal; audit: AuditActor };
let dispatcher: { principal: UserPrincipal; audit: AuditActor };
const timelineOf = (id: string) => t.ctx.db.selectFrom('work_order_timeline').selectAll().where('work_order_id', '=', id).orderBy('id').execute();
const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  dept = (await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional' })).id;
  agent = { principal: principal('agent'), audit: audit() };
  dispatcher = { principal: principal('dispatcher'), audit: audit() };
});
afterAll(async () => {
  await t?.close();
});

const create = (over: Partial<Parameters<typeof createWorkOrder>[1]> = {}) =>
  createWorkOrder(
    t.ctx,
    { jurisdictionId: j, channel: 'hotline', requestType: 'complaint', title: '路灯不亮', description: '人民路 12 号门前路灯连续三晚不亮', urgency: 'normal', reporter: { name: '张三', phone: '138 0013 8000' }, ...over },
    { principal: agent.principal, audit: audit() },
    { now: NOW },
  ).then((r) => r.order);

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe(`work-order service (${testStorageKind})`, () => {
  it('creates an order with a code, deadlines, a sealed reporter, a timeline entry, an audit entry and an event', async () => {
    const order = await create({ location: { lng: 104.06, lat: 30.66 }, address: '人民路 12 号' });
    expect(order).toMatchObject({ status: 'received', version: 1, reporter: { anonymous: false, name: '张*', phone: '138****8000' }, location: { lng: 104.06, lat: 30.66 } });
    expect(order.code).toMatch(/^GD20261123\d{6}$/);
    // Normal urgency: 7 working days from Monday 10:00.
    expect(order.dueAt).toBe('2026-12-02T02:00:00.000Z');
    const stored = await t.ctx.db.selectFrom('work_orders').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(stored.reporter_phone_enc).not.toContain('13800138000');
    expect(openPersonal(t.ctx.config.secretKey, stored.reporter_phone_enc!)).toBe('13800138000');
    expect(openPersonal(t.ctx.config.secretKey, stored.reporter_name_enc!)).toBe('张三');
    expect((await timelineOf(order.id)).map((e) => e.action)).toEqual(['create']);
    const auditRows = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', order.id).execute();
    expect(auditRows.map((r) => r.action)).toEqual(['work_order.create']);
    const events = await t.ctx.db.selectFrom('events').select(['name', 'payload']).where('name', '=', 'work_order.created').execute();
    expect(events.some((e) => e.payload.workOrderId === order.id)).toBe(true);
  });

  it('refuses a missing title and a description over 4,000 characters', async () => {
    expect((await failure(create({ title: '  ' }))).code).toBe('work_order.title_required');
    expect((await failure(create({ description: '字'.repeat(4001) }))).code).toBe('work_order.description_too_long');
    expect((await create({ description: '字'.repeat(4000), reporter: null })).reporter.anonymous).toBe(true);
  });

  it('transitions with timeline, audit and event, and bumps the version', async () => {
    const order = await create();
    const accepted = await transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 1 }, { type: 'accept' }, agent, NOW);
    const dispatched = await transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 2 }, { type: 'dispatch', departmentId: dept }, dispatcher, NOW);
    expect(accepted).toMatchObject({ status: 'accepted', version: 2 });
    expect(dispatched).toMatchObject({ status: 'dispatched', version: 3, department: { id: dept } });
    const timeline = await timelineOf(order.id);
    expect(timeline.map((e) => [e.action, e.from_status, e.to_status, e.actor_role])).toEqual([
      ['create', null, 'received', 'agent'],
      ['accept', 'received', 'accepted', 'agent'],
      ['dispatch', 'accepted', 'dispatched', 'dispatcher'],
    ]);
    expect(timeline[2]!.data).toEqual({ departmentId: dept });
    const auditRows = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', order.id).orderBy('id').execute();
    expect(auditRows.map((r) => r.action)).toEqual(['work_order.create', 'work_order.accept', 'work_order.dispatch']);
  });

  it('answers a refused action with 409 listing the allowed ones, and a missing reason with 400; nothing is written', async () => {
    const order = await create();
    const refused = await failure(transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 1 }, { type: 'close' }, dispatcher, NOW));
    expect(refused).toMatchObject({ kind: 'conflict', code: 'work_order.transition_not_allowed' });
    expect(refused.details).toMatchObject({ allowed: ['accept', 'reject', 'cancel', 'merge', 'transfer'], current: { status: 'received', version: 1 } });
    const noReason = await failure(transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 1 }, { type: 'reject', reason: '' }, agent, NOW));
    expect(noReason).toMatchObject({ kind: 'bad_request', code: 'work_order.field_required', params: { field: 'reason' } });
    expect((await timelineOf(order.id)).length).toBe(1);
    const missing = await failure(transitionWorkOrder(t.ctx, { jurisdictionId: j, id: '00000000-0000-4000-8000-000000000000', expectedVersion: 1 }, { type: 'accept' }, agent, NOW));
    expect(missing).toMatchObject({ kind: 'not_found', code: 'work_order.not_found' });
  });

  it('answers a stale version with 409 and the current state', async () => {
    const order = await create();
    await transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 1 }, { type: 'accept' }, agent, NOW);
    const stale = await failure(transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: 1 }, { type: 'reject', reason: '重复' }, agent, NOW));
    expect(stale).toMatchObject({ kind: 'conflict', code: 'work_order.version_conflict', params: { version: 2 } });
    expect((stale.details as { current: WorkOrderDetail }).current).toMatchObject({ status: 'accepted', version: 2 });
  });

  it('lets exactly one of two concurrent transitions win, twenty times over', async () => {
    for (let round = 0; round < 20; round++) {
      const order = await create();
      const ref = { jurisdictionId: j, id: order.id, expectedVersion: 1 };
      const results = await Promise.allSettled([
        transitionWorkOrder(t.ctx, ref, { type: 'accept' }, agent, NOW),
        transitionWorkOrder(t.ctx, ref, { type: 'reject', reason: '不属于受理范围' }, dispatcher, NOW),
      ]);
      const won = results.filter((r): r is PromiseFulfilledResult<WorkOrderDetail> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const err = lost[0]!.reason as AppError;
      expect(err).toMatchObject({ kind: 'conflict', code: 'work_order.version_conflict' });
      expect((err.details as { current: WorkOrderDetail }).current).toMatchObject({ status: won[0]!.value.status, version: 2 });
      const timeline = await timelineOf(order.id);
      expect(timeline.map((e) => e.to_status)).toEqual(['received', won[0]!.value.status]);
    }
  });
});
