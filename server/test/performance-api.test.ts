/**
 * Performance evaluation through HTTP on a real database: hand-built orders with known timelines (so every expected
 * number is worked out in the comments), the ranking per dimension with Jinniu scores and grades, the orders behind
 * a count, scopes (a department-scoped leader sees its subtree only), filters, trend, hotspots against the previous
 * period, XLSX export (audited), versioned schemes, and bad input.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type MadeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let A: MadeDepartment; // 城管局
let A1: MadeDepartment; // its 市容科
let B: MadeDepartment; // 水务局
const u: Record<string, MadeUser> = {};
const s: Record<string, Session> = {};
const ids: Record<string, string> = {};

const H = 3_600_000;
const DAY0 = new Date('2026-01-05T00:00:00+08:00'); // a Monday
const FROM = DAY0.toISOString();
const TO = new Date('2026-01-12T00:00:00+08:00').toISOString();
const G1 = '51010400100101';
const G2 = '51010400100102';
let seq = 0;

type Step = [action: string, hours: number, who: 'insp' | 'disp' | 'agent' | 'handler', to: string];

async function order(name: string, spec: { created: number; dept?: MadeDepartment; grid: string; category: string; type?: string; creator: 'insp' | 'agent'; steps: Step[]; parent?: string }) {
  const created = new Date(DAY0.getTime() + spec.created * H);
  const status = spec.steps.at(-1)?.[3] ?? 'received';
  const row = await t.ctx.db
    .insertInto('work_orders')
    .values({
      jurisdiction_id: j,
      code: `PF${String(20260105000000 + ++seq)}`,
      channel: 'inspector',
      request_type: (spec.type ?? 'event') as 'event',
      category_code: spec.category,
      title: `测试${name}`,
      description: '',
      urgency: 'normal',
      status: status as 'received',
      department_id: spec.dept?.id ?? null,
      parent_id: spec.parent ? ids[spec.parent]! : null,
      grid_code: spec.grid,
      district_code: '510104',
      sla_started_at: created,
      due_at: new Date(created.getTime() + 48 * H),
      created_at: created,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids[name] = row.id;
  let from: string | null = null;
  const entries: Array<[string, number, string, string]> = [['create', 0, spec.creator, 'received'], ...spec.steps];
  for (const [action, hours, who, to] of entries) {
    const actor = who === 'handler' ? null : u[who]!;
    await t.ctx.db
      .insertInto('work_order_timeline')
      .values({ jurisdiction_id: j, work_order_id: row.id, at: new Date(created.getTime() + hours * H), action, from_status: from, to_status: to, actor_id: actor?.id ?? null, actor_role: who === 'insp' ? 'inspector' : who === 'disp' ? 'dispatcher' : who, note: null, photos: '[]', data: '{}' })
      .execute();
    from = to;
  }
}

const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...s[who]!.bearer } });
const period = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  A = await makeDepartment(t.ctx.db, { jurisdictionId: j, nameZh: '城市管理局', nameEn: 'Urban Management' });
  A1 = await makeDepartment(t.ctx.db, { jurisdictionId: j, parent: A, nameZh: '市容科', nameEn: 'City Appearance' });
  B = await makeDepartment(t.ctx.db, { jurisdictionId: j, nameZh: '水务局', nameEn: 'Water' });
  const city = { kind: 'jurisdiction' } as const;
  u.insp = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '监督员甲', grants: [{ role: 'inspector', scope: city }] });
  u.disp = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '派遣员乙', grants: [{ role: 'dispatcher', scope: city }] });
  u.agent = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '话务员丙', grants: [{ role: 'agent', scope: city }] });
  u.leader = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'leader', scope: city }] });
  u.analyst = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'analyst', scope: city }] });
  u.deptLeader = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'leader', scope: { kind: 'department', departmentId: A.id } }] });
  u.handler = await makeUser(t.ctx.db, { jurisdictionId: j, departmentId: A.id, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: A.id } }] });
  for (const k of ['leader', 'analyst', 'deptLeader', 'handler', 'disp']) s[k] = await loginAs(t.app, u[k]!);

  const flow = (report: number, verify: number, close: number): Step[] => [
    ['accept', 0.5, 'disp', 'accepted'],
    ['dispatch', 1, 'disp', 'dispatched'],
    ['sign', 1.5, 'handler', 'signed'],
    ['start', 2, 'handler', 'in_progress'],
    ['report', report, 'handler', 'reported'],
    ['verify_pass', verify, 'insp', 'verified'],
    ['close', close, 'disp', 'closed'],
  ];
  // o0: previous period (hotspots only).
  await order('o0', { created: -24 * 4, dept: A, grid: G1, category: 'event.01.01', creator: 'insp', steps: flow(10, 11, 12) });
  // o1: A — handled at 10 h, checked in 1 h, closed at 12 h: all on time.
  await order('o1', { created: 2, dept: A, grid: G1, category: 'event.01.01', creator: 'insp', steps: flow(10, 11, 12) });
  // o2: A1 — handled at 60 h (> 48 h: late), checked 10 h later (> 4 h: late), closed late.
  await order('o2', { created: 3, dept: A1, grid: G1, category: 'event.01.01', creator: 'insp', steps: flow(60, 70, 71) });
  // o3: B — judged after 2 h (核实 late), extension granted, never reported: overdue and still open at the end.
  await order('o3', { created: 4, dept: B, grid: G1, category: 'event.01.01', creator: 'agent', steps: [['accept', 2, 'disp', 'accepted'], ['dispatch', 3, 'disp', 'dispatched'], ['sign', 4, 'handler', 'signed'], ['request_extension', 5, 'handler', 'signed'], ['approve_extension', 6, 'disp', 'signed'], ['start', 7, 'handler', 'in_progress']] });
  // o4: B — returned once (not an accurate dispatch), reworked once, then handled at 8 h and closed.
  await order('o4', {
    created: 5,
    dept: B,
    grid: G2,
    category: 'component.01.0102',
    type: 'component',
    creator: 'agent',
    steps: [
      ['accept', 0.5, 'disp', 'accepted'],
      ['dispatch', 1, 'disp', 'dispatched'],
      ['return', 1.5, 'handler', 'returned'],
      ['dispatch', 2, 'disp', 'dispatched'],
      ['sign', 2.5, 'handler', 'signed'],
      ['start', 3, 'handler', 'in_progress'],
      ['report', 5, 'handler', 'reported'],
      ['verify_fail', 6, 'insp', 'in_progress'],
      ['report', 8, 'handler', 'reported'],
      ['verify_pass', 9, 'insp', 'verified'],
      ['close', 10, 'disp', 'closed'],
    ],
  });
  // o5: an enquiry answered at intake; o6 rejected; o7 a duplicate merged into o1; o8 still waiting for intake.
  await order('o5', { created: 6, grid: G2, category: 'housing', type: 'enquiry', creator: 'agent', steps: [['answer', 0.1, 'agent', 'answered']] });
  await order('o6', { created: 7, grid: G2, category: 'component.01.0102', creator: 'insp', steps: [['reject', 0.2, 'disp', 'rejected']] });
  await order('o7', { created: 8, grid: G2, category: 'component.01.0102', creator: 'insp', steps: [['merge', 0.3, 'disp', 'merged']], parent: 'o1' });
  await order('o8', { created: 24 * 6, grid: G2, category: 'component.01.0102', creator: 'insp', steps: [] });
  // o9: after the period.
  await order('o9', { created: 24 * 15, dept: A, grid: G1, category: 'event.01.01', creator: 'insp', steps: flow(10, 11, 12) });
});
afterAll(async () => {
  await t?.close();
});

describe('ranking', () => {
  it('counts, rates, Jinniu score and grade of the whole period, as worked out by hand', async () => {
    const res = await get('leader', `/performance/ranking?${period}&dimension=department`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.scheme).toMatchObject({ key: 'jinniu', version: 1, builtIn: true, isDefault: true });
    expect(body.period.asOf).toBe(TO);
    expect(body.overall.counts).toEqual({
      reported: 8,
      validReported: 5,
      registered: 4,
      toDispatch: 4,
      dispatched: 4,
      dispatchedAccurately: 3,
      toHandle: 4,
      handled: 3,
      handledOnTime: 2,
      reworked: 1,
      overdue: 2,
      overdueOpen: 1,
      extended: 1,
      toClose: 4,
      closed: 3,
      closedOnTime: 2,
      toVerify: 8,
      verifiedOnTime: 6,
      toCheck: 3,
      checkedOnTime: 2,
    });
    expect(body.overall.rates).toMatchObject({ handleRate: 0.75, handledOnTimeRate: 0.5, reworkRate: 0.3333, overdueOpenRate: 0.25, extensionRate: 0.25, closeRate: 0.75, closedOnTimeRate: 0.5, accurateDispatchRate: 0.75, validReportRate: 0.625 });
    // 30×0.75 + 20×0.5 + 20×(1−0.3333) + 20×(1−0.25) + 10×(1−0.25) = 68.334
    expect([body.overall.score, body.overall.grade]).toEqual([68.33, 'C']);

    // Per department (the order's own department): A 100 (A), A1 80 (B), B 15+10+0+10+5 = 40 (D).
    const rows = body.rows.map((r: { key: string; label: { zh: string }; score: number; grade: string; rank: number }) => [r.label.zh, r.score, r.grade, r.rank]);
    expect(rows).toEqual([
      ['城市管理局', 100, 'A', 1],
      ['市容科', 80, 'B', 2],
      ['水务局', 40, 'D', 3],
    ]);
  });

  it('people: the orders each acted on in their role', async () => {
    const insp = (await get('leader', `/performance/ranking?${period}&dimension=inspector`)).json();
    expect(insp.rows).toHaveLength(1);
    expect(insp.rows[0]).toMatchObject({ key: u.insp!.id, label: { zh: '监督员甲' } });
    // o1, o2, o6, o7, o8 created by the inspector, o4 checked by them.
    expect(insp.rows[0].counts.reported).toBe(6);
    const agent = (await get('leader', `/performance/ranking?${period}&dimension=agent`)).json();
    expect(agent.rows[0].counts).toMatchObject({ reported: 3, validReported: 3, registered: 2 });
    const grids = (await get('leader', `/performance/ranking?${period}&dimension=grid`)).json();
    expect(Object.fromEntries(grids.rows.map((r: { key: string; counts: { reported: number } }) => [r.key, r.counts.reported]))).toEqual({ [G1]: 3, [G2]: 5 });
    const streets = (await get('leader', `/performance/ranking?${period}&dimension=street`)).json();
    expect(streets.rows.map((r: { key: string }) => r.key)).toEqual(['510104001']);
  });

  it('filters: a department subtree, a category subtree, one person', async () => {
    const dept = (await get('leader', `/performance/ranking?${period}&dimension=department&departmentId=${A.id}`)).json();
    expect(dept.overall.counts.reported).toBe(2); // o1, o2
    const events = (await get('leader', `/performance/ranking?${period}&dimension=district&category=event`)).json();
    expect(events.overall.counts).toMatchObject({ reported: 3, toClose: 3, closed: 2 });
    const byInsp = (await get('leader', `/performance/ranking?${period}&dimension=department&inspector=${u.insp!.id}`)).json();
    expect(byInsp.overall.counts.reported).toBe(6);
    const two = await get('leader', `/performance/ranking?${period}&dimension=department&inspector=${u.insp!.id}&agent=${u.agent!.id}`);
    expect([two.statusCode, two.json().code]).toEqual([400, 'performance.one_person_only']);
  });

  it("a department-scoped leader counts only its subtree's orders", async () => {
    const res = (await get('deptLeader', `/performance/ranking?${period}&dimension=department`)).json();
    expect(res.overall.counts.reported).toBe(2);
    expect(res.rows.map((r: { key: string }) => r.key).sort()).toEqual([A.id, A1.id].sort());
  });

  it('evaluated at an earlier instant: later entries are ignored', async () => {
    // At day 1 12:00 nothing is due yet (deadlines are 48 h), o2 is still in progress, o1 closed.
    const asOf = new Date(DAY0.getTime() + 36 * H).toISOString();
    const res = (await get('leader', `/performance/ranking?${period}&dimension=department&asOf=${encodeURIComponent(asOf)}`)).json();
    expect(res.overall.counts).toMatchObject({ reported: 7, toHandle: 2, handled: 2, closed: 2, overdueOpen: 0 });
  });
});

describe('the orders behind a number', () => {
  it('lists exactly the orders of a count, overall or of one row, and the complement within a denominator', async () => {
    const codes = async (q: string) => {
      const res = await get('leader', `/performance/orders?${period}&${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items.map((i: { id: string }) => Object.keys(ids).find((k) => ids[k] === i.id)).sort();
    };
    expect(await codes('count=overdueOpen')).toEqual(['o3']);
    expect(await codes('count=overdue')).toEqual(['o2', 'o3']);
    expect(await codes(`count=reworked&dimension=department&key=${B.id}`)).toEqual(['o4']);
    expect(await codes('count=handled&within=toHandle')).toEqual(['o3']);
    expect(await codes('count=validReported&within=reported')).toEqual(['o6', 'o7', 'o8']);
    expect(await codes('count=checkedOnTime&within=toCheck')).toEqual(['o2']);
    const half = await get('leader', `/performance/orders?${period}&count=dimension`);
    expect(half.statusCode).toBe(400);
    const noKey = await get('leader', `/performance/orders?${period}&count=handled&dimension=department`);
    expect([noKey.statusCode, noKey.json().code]).toEqual([400, 'performance.dimension_key_together']);
  });
});

describe('trend and hotspots', () => {
  it('per day of creation; the days add up to the period', async () => {
    const res = (await get('leader', `/performance/trend?${period}&interval=day`)).json();
    expect(res.points.map((p: { label: string }) => p.label)).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11']);
    expect(res.points.reduce((sum: number, p: { counts: { reported: number } }) => sum + p.counts.reported, 0)).toBe(8);
    expect(res.points[0].counts.reported).toBe(7);
    expect(res.points[0].score).toBe(68.33);
    const weeks = (await get('leader', `/performance/trend?${period}&interval=week`)).json();
    expect(weeks.points).toHaveLength(1);
  });

  it('top grids with the change against the previous period of the same length (merged duplicates left out)', async () => {
    const res = await get('leader', `/performance/hotspots?${period}&level=grid`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.previous.to).toBe(FROM);
    expect([body.total, body.previousTotal]).toEqual([7, 1]);
    expect(body.top.map((x: { key: string; count: number; previous: number; change: number; changeRate: number | null }) => [x.key, x.count, x.previous, x.change, x.changeRate])).toEqual([
      [G2, 4, 0, 4, null],
      [G1, 3, 1, 2, 2],
    ]);
    expect(body.top[0].topCategory).toMatchObject({ code: 'component.01.0102', count: 3 });
    expect(body.categories[0]).toMatchObject({ code: 'component.01.0102', count: 3, previous: 0 });
    const districts = (await get('leader', `/performance/hotspots?${period}&level=district`)).json();
    expect(districts.top).toEqual([expect.objectContaining({ key: '510104', count: 7, previous: 1 })]);
  });
});

describe('export', () => {
  it('XLSX of a ranking with the same numbers, audited', async () => {
    const res = await get('leader', `/performance/ranking.xlsx?${period}&dimension=department`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('jinniu@1');
    expect(sheet.getRow(2).getCell(4).value).toBe('得分');
    const rows = [3, 4, 5].map((i) => [sheet.getRow(i).getCell(3).value, sheet.getRow(i).getCell(4).value, sheet.getRow(i).getCell(5).value]);
    expect(rows).toEqual([
      ['城市管理局', 100, 'A'],
      ['市容科', 80, 'B'],
      ['水务局', 40, 'D'],
    ]);
    expect(sheet.getRow(6).getCell(4).value).toBe(68.33);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'performance.export').execute();
    expect(audit).toHaveLength(1);
    const en = await t.app.inject({ method: 'GET', url: `/api/v1/performance/ranking.xlsx?${period}&dimension=department`, headers: { ...s.leader!.bearer, 'accept-language': 'en' } });
    const book2 = new ExcelJS.Workbook();
    await book2.xlsx.load(en.rawPayload as unknown as ArrayBuffer);
    expect(book2.worksheets[0]!.getRow(2).getCell(4).value).toBe('Score');
  });
});

describe('schemes', () => {
  const definition = {
    terms: [
      { rate: 'closeRate', weight: 50, invert: false },
      { rate: 'closedOnTimeRate', weight: 50, invert: false },
    ],
    grades: [
      { grade: '优', min: 80 },
      { grade: '差', min: 0 },
    ],
    limits: { verifyHours: 2, checkHours: 24 },
  };

  it('versions per key; a ranking names the version it used; the default can move', async () => {
    const post = (who: string, payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/performance/schemes', payload, headers: { ...s[who]!.bearer } });
    const first = await post('analyst', { key: 'closure', nameZh: '结案考评', nameEn: 'Closure', definition });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ key: 'closure', version: 1, isDefault: false });
    const second = await post('analyst', { key: 'closure', nameZh: '结案考评', nameEn: 'Closure', definition: { ...definition, limits: { verifyHours: 3, checkHours: 24 } }, isDefault: true });
    expect(second.json()).toMatchObject({ version: 2, isDefault: true });

    // Default now closure@2: 50×0.75 + 50×0.5 = 62.5 → 差; with 3 h to 核实, o3 (2 h) is on time too.
    const r = (await get('leader', `/performance/ranking?${period}&dimension=department`)).json();
    expect(r.scheme).toMatchObject({ key: 'closure', version: 2 });
    expect([r.overall.score, r.overall.grade, r.overall.counts.verifiedOnTime]).toEqual([62.5, '差', 7]);
    const v1 = (await get('leader', `/performance/ranking?${period}&dimension=department&scheme=closure@1`)).json();
    expect(v1.overall.counts.verifiedOnTime).toBe(7); // 2 h limit: o3 at exactly 2 h is on time
    const jinniu = (await get('leader', `/performance/ranking?${period}&dimension=department&scheme=jinniu`)).json();
    expect(jinniu.overall.score).toBe(68.33);

    const list = (await get('leader', '/performance/schemes')).json();
    expect(list.items.map((x: { key: string; version: number; isDefault: boolean }) => `${x.key}@${x.version}${x.isDefault ? '*' : ''}`)).toEqual(['jinniu@1', 'closure@2*', 'closure@1']);
    const events = await t.ctx.db.selectFrom('events').select('name').where('name', '=', 'performance.scheme_created').execute();
    expect(events).toHaveLength(2);
  });

  it('refuses unsound schemes, unknown ones and people without the permission', async () => {
    const post = (who: string, payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/performance/schemes', payload, headers: { ...s[who]!.bearer } });
    const bad = await post('analyst', { key: 'x', nameZh: 'x', nameEn: 'x', definition: { ...definition, terms: [definition.terms[0]] } });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'performance.scheme_weights_sum']);
    expect(bad.json().message).toContain('100');
    const reserved = await post('analyst', { key: 'jinniu', nameZh: 'x', nameEn: 'x', definition });
    expect([reserved.statusCode, reserved.json().code]).toEqual([400, 'performance.scheme_key_reserved']);
    expect((await post('leader', { key: 'y', nameZh: 'y', nameEn: 'y', definition })).statusCode).toBe(403);
    const unknown = await get('leader', `/performance/ranking?${period}&dimension=department&scheme=nope`);
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'performance.scheme_not_found']);
  });
});

describe('bad input and permissions', () => {
  it('answers with stable codes', async () => {
    const backwards = await get('leader', `/performance/ranking?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}&dimension=grid`);
    expect([backwards.statusCode, backwards.json().code]).toEqual([400, 'performance.period_invalid']);
    const long = await get('leader', `/performance/ranking?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&dimension=grid`);
    expect([long.statusCode, long.json().code]).toEqual([400, 'performance.period_too_long']);
    const future = await get('leader', `/performance/ranking?${period}&dimension=grid&asOf=2099-01-01T00:00:00Z`);
    expect([future.statusCode, future.json().code]).toEqual([400, 'performance.as_of_future']);
    const dept = await get('leader', `/performance/ranking?${period}&dimension=grid&departmentId=00000000-0000-4000-8000-000000000000`);
    expect([dept.statusCode, dept.json().code]).toEqual([404, 'performance.department_not_found']);
    expect((await get('leader', `/performance/ranking?${period}&dimension=planet`)).statusCode).toBe(400);
    expect((await get('handler', `/performance/ranking?${period}&dimension=grid`)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/performance/ranking?${period}&dimension=grid` })).statusCode).toBe(401);
  });
});
