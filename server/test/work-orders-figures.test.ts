/**
 * 办结 (finished) and 在办 (open) mean the same in every figure: the statistics, the overview (辖区总览), the list's
 * filters and — for registered cases — the performance evaluation's 结案. Orders in the states where they could drift:
 *
 * - answered: an enquiry answered at intake (首接办结) — 办结, never 在办; no 立案, so not a 结案 case.
 * - review: closed after handling (late), rated 不满意 and supervised while under review — 办结 (closed once; the result
 *   stands until the review decides), not 在办, so in none of the overview's 在办/超期/督办 figures; 结案 in performance.
 * - reopened: closed, rated 不满意, then reopened by the review — 在办 again, no longer 办结 or 结案.
 * - enquiry-reopened: an enquiry answered at intake, rated 不满意 and reopened by the review — 在办, and now a registered
 *   (立案) case: the reopen accepts it for handling.
 * - open: dispatched and being handled — 在办.
 * - imported rejected / cancelled records with a closing time (closed_at set by the import) — neither 办结 nor 在办.
 * - imported closed record — 办结 in the statistics, but never registered (立案), so not 结案.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRequests, seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, walkOrder, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let dir: string;
let cgj: MadeDepartment;
const s: Record<string, Session> = {};
const ids: Record<string, { id: string; version: number; code: string }> = {};

const post = (who: string, url: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: s[who]!.bearer });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });
const setRow = (name: string, values: Record<string, unknown>) => t.ctx.db.updateTable('work_orders').set(values as never).where('id', '=', ids[name]!.id).execute();
const row = (name: string) => t.ctx.db.selectFrom('work_orders').select(['status', 'closed_at', 'overdue', 'supervised', 'rating']).where('id', '=', ids[name]!.id).executeTakeFirstOrThrow();

let phone = 0;
async function make(name: string, requestType = 'complaint') {
  const res = await post('agent', '/work-orders', {
    requestType,
    categoryCode: requestType === 'enquiry' ? null : 'component.01.0102',
    title: `口径 ${name}`,
    description: '办结与在办口径测试',
    address: '测试路 1 号',
    reporter: { name: '王五', phone: `1380013${String(++phone).padStart(4, '0')}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  const o = res.json().order;
  ids[name] = { id: o.id, version: o.version, code: o.code };
}

const walk = (name: string, steps: [string, object][]) => walkOrder(t.app, s, ids[name]!, steps);

async function rateUnsatisfied(name: string) {
  const o = ids[name]!;
  const last4 = (await t.ctx.db.selectFrom('work_orders').select('reporter_phone_last4').where('id', '=', o.id).executeTakeFirstOrThrow()).reporter_phone_last4;
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders/rating', payload: { jurisdictionId: j, code: o.code, phoneLast4: last4, rating: 'unsatisfied' }, remoteAddress: `10.9.0.${phone++}` });
  expect(res.statusCode, res.body).toBe(200);
  o.version = (await t.ctx.db.selectFrom('work_orders').select('version').where('id', '=', o.id).executeTakeFirstOrThrow()).version;
}

async function importRecords() {
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const csv = [
    '编号,受理时间,办结时间,状态,类型,标题',
    `R1,${at(120_000)},${at(60_000)},不予受理,井盖缺失,导入不予受理`,
    `C1,${at(120_000)},${at(60_000)},已撤销,井盖缺失,导入已撤销`,
    `D1,${at(120_000)},${at(60_000)},已办结,井盖缺失,导入已办结`,
    '',
  ].join('\n');
  const file = path.join(dir, 'old.csv');
  writeFileSync(file, csv);
  const mapping = path.join(dir, 'old.yaml');
  writeFileSync(
    mapping,
    [
      'source: oldsystem',
      'timeZone: Asia/Shanghai',
      'requestType: complaint',
      'columns: { id: 编号, openedAt: 受理时间, closedAt: 办结时间, status: 状态, service: 类型, title: 标题 }',
      'statuses: { 不予受理: rejected, 已撤销: cancelled, 已办结: closed }',
      'categories: { 井盖缺失: component.01.0114 }',
    ].join('\n'),
  );
  const report = await importRequests(t.ctx, { jurisdictionId: j, file, format: 'generic', mappingFile: mapping, actor: systemActor('import-test') });
  expect(report).toMatchObject({ imported: 3, rejected: 0 });
  for (const [name, externalId] of [['imp-rejected', 'R1'], ['imp-cancelled', 'C1'], ['imp-closed', 'D1']] as const) {
    const o = await t.ctx.db.selectFrom('work_orders').select(['id', 'version', 'code']).where('jurisdiction_id', '=', j).where('external_id', '=', externalId).executeTakeFirstOrThrow();
    ids[name] = o;
  }
}

beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-figures-'));
  j = (await makeJurisdiction(t.ctx.db)).id;
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, systemActor('test', j)));
  cgj = await makeDepartment(t.ctx.db, { jurisdictionId: j, kind: 'functional', nameZh: '城市管理局' });
  const city = { kind: 'jurisdiction' } as const;
  for (const role of ['agent', 'dispatcher', 'inspector', 'leader'] as const) s[role] = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role, scope: city }] }));
  s.handler = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, departmentId: cgj.id, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: cgj.id } }] }));

  const dispatched: [string, object][] = [['agent', { type: 'accept' }], ['dispatcher', { type: 'dispatch', departmentId: cgj.id }]];
  const closed: [string, object][] = [
    ...dispatched,
    ['handler', { type: 'sign' }],
    ['handler', { type: 'start' }],
    ['handler', { type: 'report', note: '已处理' }],
    ['inspector', { type: 'verify_pass' }],
    ['dispatcher', { type: 'close' }],
  ];
  await make('answered', 'enquiry');
  await walk('answered', [['agent', { type: 'answer', note: '已电话答复' }]]);
  await make('review');
  await walk('review', closed);
  // Rated 不满意 and supervised in review; closed after its deadline had passed (the timer had flagged it overdue).
  await rateUnsatisfied('review');
  await walk('review', [['dispatcher', { type: 'supervise', note: '请复核办理结果' }]]);
  await setRow('review', { due_at: new Date(Date.now() - 3600_000), overdue: true, warned: true });
  await make('reopened');
  await walk('reopened', closed);
  await rateUnsatisfied('reopened');
  await walk('reopened', [['dispatcher', { type: 'reopen', reason: '问题仍未解决' }]]);
  await make('enquiry-reopened', 'enquiry');
  await walk('enquiry-reopened', [['agent', { type: 'answer', note: '已电话答复' }]]);
  await rateUnsatisfied('enquiry-reopened');
  await walk('enquiry-reopened', [['dispatcher', { type: 'reopen', reason: '答复未解决问题' }]]);
  await make('open');
  await walk('open', dispatched);
  await importRecords();
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const names = (codes: string[]) => codes.map((c) => Object.keys(ids).find((k) => ids[k]!.code === c) ?? c).sort();

async function listed(query: string): Promise<string[]> {
  const res = await get('dispatcher', `/work-orders?${query}&limit=200`);
  expect(res.statusCode, res.body).toBe(200);
  return names(res.json().items.map((i: { code: string }) => i.code));
}

describe(`办结 and 在办 in every figure (${testStorageKind})`, () => {
  it('the orders are in the states the figures are about', async () => {
    expect(await row('answered')).toMatchObject({ status: 'answered' });
    expect(await row('review')).toMatchObject({ status: 'under_review', overdue: true, supervised: true, rating: 'unsatisfied' });
    expect(await row('reopened')).toMatchObject({ status: 'accepted', closed_at: null, rating: null });
    expect(await row('enquiry-reopened')).toMatchObject({ status: 'accepted', closed_at: null, rating: null });
    expect(await row('open')).toMatchObject({ status: 'dispatched', closed_at: null });
    for (const name of ['answered', 'review', 'imp-rejected', 'imp-cancelled', 'imp-closed']) expect((await row(name)).closed_at, name).not.toBeNull();
    expect((await row('imp-rejected')).status).toBe('rejected');
    expect((await row('imp-cancelled')).status).toBe('cancelled');
    expect((await row('imp-closed')).status).toBe('closed');
  });

  it('statistics: 办结 = answered, under review and closed (the import included); 在办 = open and reopened; never both', async () => {
    const from = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    const res = await get('dispatcher', `/work-orders/stats?from=${from}&to=${to}&groupBy=status`);
    expect(res.statusCode, res.body).toBe(200);
    const { summary, groups } = res.json();
    expect(summary).toMatchObject({
      total: 8,
      open: 3, // open, reopened, enquiry-reopened
      closed: 3, // answered, review, imp-closed — not the imported rejected and cancelled ones despite their closed_at
      closedOnTime: 2, // review was closed late
      overdue: 1, // review: closed late counts as lateness of the period
      rated: 1, // review's 不满意 (the reopen cleared the other's rating)
      unsatisfied: 1,
      ratedRate: 0.3333,
    });
    expect(summary.open + summary.closed).toBeLessThanOrEqual(summary.total);
    const byStatus = Object.fromEntries(groups.status.map((g: { key: string; total: number; closed: number }) => [g.key, [g.total, g.closed]]));
    expect(byStatus).toEqual({ answered: [1, 1], under_review: [1, 1], closed: [1, 1], accepted: [2, 0], dispatched: [1, 0], rejected: [1, 0], cancelled: [1, 0] });
  });

  it("overview: 今日办结 and the rates count the same orders; 在办, 超期 and 督办 leave the order under review out; each equals its list", async () => {
    const res = await get('dispatcher', '/work-orders/overview');
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    expect(o.counts).toEqual({
      receivedToday: 8,
      open: 3, // open, reopened, enquiry-reopened
      awaitingDispatch: 2, // reopened, enquiry-reopened: back to the dispatcher
      overdue: 0, // review is flagged overdue, but its clock stopped when it was closed
      supervised: 0, // review is supervised, but under review
      warning: 0,
      closedToday: 3, // answered, review, imp-closed
    });
    expect(o.rates).toMatchObject({ total: 8, closed: 3, closedOnTime: 2, rated: 1, satisfactionRate: 0 });
    expect(o.districts).toEqual([{ code: null, open: 3, overdue: 0 }]);

    const at = encodeURIComponent;
    expect(await listed('open=true')).toEqual(['enquiry-reopened', 'open', 'reopened']);
    expect(await listed('open=true&overdue=true')).toEqual([]);
    expect(await listed('open=true&supervised=true')).toEqual([]);
    expect(await listed(`closedFrom=${at(o.today.from)}&closedTo=${at(o.today.to)}`)).toEqual(['answered', 'imp-closed', 'review']);
    // The dispatch board's review tab still finds it.
    expect(await listed('status=under_review')).toEqual(['review']);
  });

  it('performance: 结案 is 办结 of registered cases — the order under review only; answered and imported orders are no cases, a reopened enquiry is one', async () => {
    const from = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    const period = `from=${from}&to=${to}`;
    const res = await get('leader', `/performance/ranking?${period}&dimension=department`);
    expect(res.statusCode, res.body).toBe(200);
    const { counts, rates } = res.json().overall;
    expect(counts).toMatchObject({
      reported: 8,
      validReported: 5, // answered, review, reopened, enquiry-reopened, open
      registered: 4, // review, reopened, enquiry-reopened (the reopen accepted it for handling), open
      toClose: 1, // review (reopened and open are not due)
      closed: 1, // review: closed, rated 不满意, under review
      closedOnTime: 0, // closed after its deadline
    });
    expect(rates).toMatchObject({ closeRate: 1, closedOnTimeRate: 0 });
    const behind = await get('leader', `/performance/orders?${period}&count=closed`);
    expect(behind.statusCode, behind.body).toBe(200);
    expect(behind.json().items.map((i: { id: string }) => Object.keys(ids).find((k) => ids[k]!.id === i.id))).toEqual(['review']);
  });
});
