/**
 * 默认满意 (default rating): with a rating period set (sla.defaultRatingDays, off by default), an order finished and
 * not rated that many working days later counts as rated 满意 — by a durable timer, as a system transition, marked as
 * the default (statistics count it on its own, the tracking page says so). A rating given in time stands; a policy
 * switched off or a period made longer since the order was finished is respected when the timer fires, and a period
 * made shorter applies at once to the orders already waiting.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import type { Role, UserPrincipal } from '../src/modules/identity/index.js';
import { DEFAULT_RATING_TIMER, createWorkOrder, transitionWorkOrder, workOrderStats } from '../src/modules/work-orders/index.js';
import type { Actor as AuditActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, staffPrincipal, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;
let worker: JobWorker;
const principal = (role: Role): UserPrincipal => staffPrincipal(j, role);
const caller = (role: Role) => ({ principal: principal(role), audit: { kind: 'user', id: null, name: role, jurisdictionId: j } as AuditActor });
/** Long ago enough for any rating period of a few working days to have passed (holidays included). */
const LONG_AGO = () => new Date(Date.now() - 40 * 86_400_000);

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional' });
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
});
afterAll(async () => {
  await t?.close();
});

const settings = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/work-order-settings', headers: admin.bearer })).json().settings;
const putSla = async (sla: object, lang = 'zh-CN') =>
  t.app.inject({ method: 'PUT', url: '/api/v1/work-order-settings', headers: { ...admin.bearer, 'accept-language': lang }, payload: { version: (await settings()).version, sla } });

/** An enquiry answered at first contact (首接办结) at `at`: finished, waiting for its rating. */
async function answeredAt(at: Date, title = '社保卡在哪里办理') {
  const { order } = await createWorkOrder(t.ctx, { jurisdictionId: j, channel: 'hotline', requestType: 'enquiry', title, description: `${title}？`, urgency: 'normal', reporter: { name: '李四', phone: '13900001234' } }, caller('agent'), { now: at });
  return transitionWorkOrder(t.ctx, { jurisdictionId: j, id: order.id, expectedVersion: order.version }, { type: 'answer', note: '到就近的社保经办网点办理' }, caller('agent'), at);
}
const row = (id: string) => t.ctx.db.selectFrom('work_orders').select(['status', 'rating', 'rating_default', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
const timerOf = (id: string) => t.ctx.db.selectFrom('jobs').select(['run_at', 'status', 'payload']).where('handler', '=', DEFAULT_RATING_TIMER).where('dedupe_key', '=', `${id}:default-rating`).orderBy('id', 'desc').executeTakeFirst();
const actionsOf = async (id: string) => (await t.ctx.db.selectFrom('work_order_timeline').select(['action', 'actor_role', 'data']).where('work_order_id', '=', id).orderBy('id').execute());

describe(`默认满意, the default rating (${testStorageKind})`, () => {
  it('is off by default: a finished order gets no timer and stays unrated', async () => {
    expect((await settings()).sla.defaultRatingDays).toBeNull();
    const order = await answeredAt(LONG_AGO());
    expect(await timerOf(order.id)).toBeUndefined();
    await worker.drain(10_000);
    expect(await row(order.id)).toMatchObject({ status: 'answered', rating: null, rating_default: false });
  });

  it('refuses a rating period shorter than the follow-up time, or not a whole number, in words', async () => {
    const short = await putSla({ followUpDays: 5, defaultRatingDays: 3 });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'work_order.default_rating_days_invalid', details: { field: 'sla.defaultRatingDays' } });
    expect(short.json().message).toBe('默认满意时限须为 1 至 60 之间的整数个工作日，且不短于回访时限（5 个工作日）（收到 3）');
    const half = await putSla({ defaultRatingDays: 4.5 }, 'en');
    expect(half.statusCode).toBe(400);
    expect(half.json().message).toBe('The rating period must be a whole number of working days from 1 to 60, and not shorter than the follow-up call time (3 working days) (got 4.5)');
    expect((await settings()).sla.defaultRatingDays).toBeNull();
  });

  it('rates an order nobody rated in time 满意, as the system, audited — once; statistics count it on its own', async () => {
    const put = await putSla({ defaultRatingDays: 5 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().settings.sla.defaultRatingDays).toBe(5);
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.settings_update').where('jurisdiction_id', '=', j).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((audit.details as { changes: object }).changes).toEqual({ 'sla.defaultRatingDays': { from: null, to: 5 } });

    const finished = LONG_AGO();
    const order = await answeredAt(finished);
    const timer = await timerOf(order.id);
    // Armed for 5 working days after it was answered (a few calendar days later, never sooner).
    expect(timer).toMatchObject({ status: 'pending', payload: { workOrderId: order.id, finishedAt: finished.toISOString() } });
    const days = (new Date(timer!.run_at).getTime() - finished.getTime()) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(5);
    expect(days).toBeLessThan(15);
    // An order rated in time keeps its rating.
    const ratedInTime = await answeredAt(finished, '公积金怎么提取');
    await transitionWorkOrder(t.ctx, { jurisdictionId: j, id: ratedInTime.id, expectedVersion: ratedInTime.version }, { type: 'rate', rating: 'basically', comment: '电话回访：基本满意' }, caller('agent'), new Date(finished.getTime() + 86_400_000));

    await worker.drain(10_000);
    expect(await row(order.id)).toMatchObject({ status: 'rated', rating: 'satisfied', rating_default: true });
    const last = (await actionsOf(order.id)).at(-1)!;
    expect(last).toMatchObject({ action: 'default_rate', actor_role: 'system', data: { rating: 'satisfied', default: 1, days: 5 } });
    const audits = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_kind']).where('object_id', '=', order.id).orderBy('id').execute();
    expect(audits.at(-1)).toMatchObject({ action: 'work_order.default_rate', actor_kind: 'system' });
    expect(await row(ratedInTime.id)).toMatchObject({ status: 'rated', rating: 'basically', rating_default: false });
    expect((await actionsOf(ratedInTime.id)).map((e) => e.action)).not.toContain('default_rate');

    // Nobody rates it again; the API and the tracking page say the rating was the default.
    const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/work-orders/${order.id}`, headers: admin.bearer })).json().order;
    expect(detail).toMatchObject({ status: 'rated', rating: 'satisfied', ratingDefault: true });
    const tracked = await t.app.inject({ method: 'GET', url: `/api/v1/public/work-orders/track?jurisdictionId=${encodeURIComponent(j)}&code=${order.code}&phoneLast4=1234` });
    expect(tracked.json()).toMatchObject({ rating: 'satisfied', ratingDefault: true, canRate: false });

    const stats = await workOrderStats(t.ctx.db, principal('leader'), { from: new Date(finished.getTime() - 86_400_000), to: new Date(finished.getTime() + 86_400_000), groupBy: [] });
    expect(stats.summary).toMatchObject({ rated: 2, satisfied: 1, basically: 1, defaultRated: 1, satisfactionRate: 1 });

    // Running the worker again changes nothing.
    const version = (await row(order.id)).version;
    await worker.drain(5_000);
    expect((await row(order.id)).version).toBe(version);
  });

  it('respects the settings of the moment it fires: switched off, nothing; made longer, it waits for the later day', async () => {
    const finished = new Date(Date.now() - 9 * 86_400_000);
    const off = await answeredAt(finished, '户口迁移要什么材料');
    const longer = await answeredAt(finished, '居住证怎么办');
    const armedAt = (await timerOf(longer.id))!.run_at;
    // Switched off, then both timers are due: nothing happens to the first.
    expect((await putSla({ defaultRatingDays: null })).statusCode).toBe(200);
    await t.ctx.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('handler', '=', DEFAULT_RATING_TIMER).where('dedupe_key', '=', `${off.id}:default-rating`).execute();
    await worker.drain(10_000);
    expect(await row(off.id)).toMatchObject({ status: 'answered', rating: null, rating_default: false });
    // On again with a period of 30 working days: the second order's timer, due by the old period, moves to the new one.
    expect((await putSla({ defaultRatingDays: 30 })).statusCode).toBe(200);
    await t.ctx.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000), status: 'pending' }).where('handler', '=', DEFAULT_RATING_TIMER).where('dedupe_key', '=', `${longer.id}:default-rating`).execute();
    await worker.drain(10_000);
    expect(await row(longer.id)).toMatchObject({ status: 'answered', rating: null });
    const moved = (await timerOf(longer.id))!;
    expect(moved.status).toBe('pending');
    expect(new Date(moved.run_at).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(moved.run_at).getTime()).toBeGreaterThan(new Date(armedAt).getTime());
  });

  it('a period made shorter applies to the orders already waiting: one past the new period is rated, one not yet waits for its earlier day', async () => {
    expect((await putSla({ defaultRatingDays: 30 })).statusCode).toBe(200);
    // 25 calendar days ago is more than 5 and fewer than 30 working days ago, whatever the holidays.
    const past = await answeredAt(new Date(Date.now() - 25 * 86_400_000), '医保异地备案怎么办');
    const recent = await answeredAt(new Date(), '新生儿怎么办医保');
    const armed = { past: new Date((await timerOf(past.id))!.run_at), recent: new Date((await timerOf(recent.id))!.run_at) };
    expect(armed.past.getTime()).toBeGreaterThan(Date.now());
    await worker.drain(5_000);
    expect(await row(past.id)).toMatchObject({ status: 'answered', rating: null });

    const shorter = await putSla({ defaultRatingDays: 5 });
    expect(shorter.statusCode, shorter.body).toBe(200);
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.settings_update').where('jurisdiction_id', '=', j).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ changes: { 'sla.defaultRatingDays': { from: 30, to: 5 } }, defaultRatingsRechecked: expect.any(Number) });
    expect((audit.details as { defaultRatingsRechecked: number }).defaultRatingsRechecked).toBeGreaterThanOrEqual(2);
    await worker.drain(10_000);
    expect(await row(past.id)).toMatchObject({ status: 'rated', rating: 'satisfied', rating_default: true });
    expect((await actionsOf(past.id)).at(-1)).toMatchObject({ action: 'default_rate', data: { days: 5 } });
    // The recent one waits for its new day: 5 working days after it was answered, sooner than the 30 it was armed for.
    expect(await row(recent.id)).toMatchObject({ status: 'answered', rating: null });
    const rearmed = (await timerOf(recent.id))!;
    expect(rearmed.status).toBe('pending');
    expect(new Date(rearmed.run_at).getTime()).toBeGreaterThan(Date.now() + 4 * 86_400_000);
    expect(new Date(rearmed.run_at).getTime()).toBeLessThan(armed.recent.getTime());

    // Made longer again: nothing is brought forward (the timers find out when they fire).
    expect((await putSla({ defaultRatingDays: 10 })).statusCode).toBe(200);
    const longer = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'work_order.settings_update').where('jurisdiction_id', '=', j).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(longer.details).not.toHaveProperty('defaultRatingsRechecked');
    expect(new Date((await timerOf(recent.id))!.run_at).getTime()).toBe(new Date(rearmed.run_at).getTime());
  });
});
