/**
 * `civicgrid import requests` on the real exports in ../shared/data (Boston, NYC, SF 311 and the Shangluo mailbox):
 * counts, no duplicates on repeated rows and re-imports, time zones, the mapping onto our categories and lifecycle,
 * rejects with line and reason, resume after an interruption, and that imported orders start no clocks and send
 * nothing. Each case imports into its own test jurisdiction (no grids, no boundary: US points are kept as they are).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPersonal } from '../src/modules/identity/index.js';
import { importRequests, seedStandardCategories, type ImportReport } from '../src/modules/work-orders/index.js';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { systemActor } from '../src/shared/actor.js';
import { AppError } from '../src/shared/errors.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { makeDepartment, makeJurisdiction } from './factories.js';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const BOSTON = path.join(DATA, '311/boston311-100.csv');
const BOSTON_DUPES = path.join(DATA, '311/boston311-100-20dupes-random.csv');
const NYC = path.join(DATA, '311/nyc311-999.csv');
const SF = path.join(DATA, '311/sf311-10000.csv');
const SHANGLUO = path.join(DATA, '12345/shangluo-mayor-mailbox.csv');

let t: TestApp;
let dir: string;
const actor = systemActor('import-test');

beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-import-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function city(): Promise<string> {
  const j = (await makeJurisdiction(t.ctx.db)).id;
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, systemActor('test', j)));
  return j;
}

const run = (j: string, file: string, format: 'boston' | 'nyc' | 'sf' | 'shangluo' | 'generic', more: Partial<Parameters<typeof importRequests>[1]> = {}) =>
  importRequests(t.ctx, { jurisdictionId: j, file, format, actor, ...more });

const count = async (j: string) =>
  Number((await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).executeTakeFirstOrThrow()).n);

const order = (j: string, externalId: string) =>
  t.ctx.db.selectFrom('work_orders').selectAll().where('jurisdiction_id', '=', j).where('external_id', '=', externalId).executeTakeFirstOrThrow();

const timeline = (id: string) => t.ctx.db.selectFrom('work_order_timeline').selectAll().where('work_order_id', '=', id).orderBy('id').execute();

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe(`import requests (${testStorageKind})`, () => {
  it('Boston: 100 orders; the variant with 20 repeated rows and a re-import add none', async () => {
    const j = await city();
    const first = await run(j, BOSTON, 'boston');
    expect(first).toMatchObject({ rows: 100, imported: 100, duplicates: 0, rejected: 0, completed: true, resumedAfter: 0, source: 'boston311' });
    expect(await count(j)).toBe(100);
    const dupes = await run(j, BOSTON_DUPES, 'boston');
    expect(dupes).toMatchObject({ rows: 100, imported: 0, duplicates: 100, rejected: 0, completed: true });
    const again = await run(j, BOSTON, 'boston');
    expect(again).toMatchObject({ imported: 0, duplicates: 100, completed: true, resumedAfter: 0 });
    expect(again.importId).not.toBe(first.importId);
    expect(await count(j)).toBe(100);

    // A closed case: Boston local time (EST) → UTC, closed with its closing time and the closure as the public note.
    const closed = await order(j, '101004113637');
    expect(closed).toMatchObject({ channel: 'import', import_source: 'boston311', status: 'closed', category_code: 'event.05.05', request_type: 'event', title: 'Parking Enforcement' });
    expect(closed.created_at.toISOString()).toBe('2022-01-01T22:24:56.000Z');
    expect(closed.closed_at!.toISOString()).toBe('2022-01-03T05:03:27.000Z');
    expect(closed.code).toMatch(/^GD20220102\d{6}$/); // the ticket day is the Shanghai day of its creation
    expect(closed.due_at).toBeNull();
    expect(closed.warn_at).toBeNull();
    expect(closed.grid_code).toBeNull();
    expect(closed.address).toBe('353-361 Athens St  South Boston  MA  02127');
    const entries = await timeline(closed.id);
    expect(entries.map((e) => [e.action, e.from_status, e.to_status])).toEqual([['imported', null, 'received'], ['close', 'received', 'closed']]);
    expect(entries[0]!.data).toMatchObject({ source: 'boston311', externalId: '101004113637', originalStatus: 'Closed', originalService: 'Parking Enforcement', originalDepartment: 'BTDT' });
    expect(entries[1]!.note).toContain('Case Resolved CLEAR');
    expect(entries[1]!.at.toISOString()).toBe('2022-01-03T05:03:27.000Z');

    // An open case stays received, without a deadline; nothing was scheduled or announced for any imported order.
    const open = await order(j, '101004114795');
    expect(open).toMatchObject({ status: 'received', closed_at: null, due_at: null });
    const jobs = await t.ctx.db.selectFrom('jobs').select('handler').where('jurisdiction_id', '=', j).execute();
    expect(jobs).toEqual([]);
    const events = await t.ctx.db.selectFrom('events').select('name').where('jurisdiction_id', '=', j).where('name', 'like', 'work_order.%').execute();
    expect(events).toEqual([]);
    // One audit entry per committed batch (batch 500: one per run here).
    const audits = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('jurisdiction_id', '=', j).where('action', '=', 'work_order.import_batch').execute();
    expect(audits).toHaveLength(3);
  });

  it('NYC: 999 orders, New York time, statuses onto the lifecycle', async () => {
    const j = await city();
    expect(await run(j, NYC, 'nyc')).toMatchObject({ rows: 999, imported: 999, rejected: 0, duplicates: 0 });
    expect(await count(j)).toBe(999);
    const o = await order(j, '19937896');
    expect(o.created_at.toISOString()).toBe('2011-03-01T19:27:57.000Z');
    expect(o.closed_at!.toISOString()).toBe('2011-03-14T19:59:20.000Z');
    expect(o).toMatchObject({ status: 'closed', category_code: 'government', request_type: 'report', title: 'DOF Property - Payment Issue / Misapplied Payment' });
    const statuses = await t.ctx.db.selectFrom('work_orders').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('jurisdiction_id', '=', j).groupBy('status').orderBy('status').execute();
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['accepted', 5], ['closed', 989], ['dispatched', 5]]);
    // 705 rows have coordinates; they are kept (outside any grid of this city).
    const located = await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).where('location', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(located.n)).toBe(705);
  });

  it('SF: 10,000 orders in batches, Pacific time, the point column, closings before openings kept', async () => {
    const j = await city();
    const report = await run(j, SF, 'sf', { batch: 2000 });
    expect(report).toMatchObject({ rows: 10000, imported: 10000, duplicates: 0, rejected: 0, completed: true });
    expect(await count(j)).toBe(10000);
    const o = await t.ctx.db
      .selectFrom('work_orders')
      .select(['status', 'created_at', 'closed_at', 'category_code', (eb) => eb.fn<number>('ST_X', ['location']).as('lng'), (eb) => eb.fn<number>('ST_Y', ['location']).as('lat')])
      .where('jurisdiction_id', '=', j)
      .where('external_id', '=', '3600298')
      .executeTakeFirstOrThrow();
    expect(o).toMatchObject({ status: 'received', closed_at: null, category_code: 'event.04.04' });
    expect(o.created_at.toISOString()).toBe('2014-04-30T21:51:52.000Z');
    expect(o.lng).toBeCloseTo(-122.395680023339, 9);
    expect(o.lat).toBeCloseTo(37.774007256355, 9);
    // 129 cases were "closed" before they were opened: kept, closed when opened, the source's time on the timeline.
    const early = await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).whereRef('closed_at', '<', 'created_at').executeTakeFirstOrThrow();
    expect(Number(early.n)).toBe(0);
    const flagged = await t.ctx.db.selectFrom('work_order_timeline').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).where('action', '=', 'imported').where((eb) => eb.fn('jsonb_exists', ['data', eb.val('originalClosedAt')])).executeTakeFirstOrThrow();
    expect(Number(flagged.n)).toBe(129);
    const audits = await t.ctx.db.selectFrom('audit_log').select('action').where('jurisdiction_id', '=', j).where('action', '=', 'work_order.import_batch').execute();
    expect(audits).toHaveLength(5);
  });

  it('Shangluo: letters become closed orders answered by the reply, categorised by the answering agency', async () => {
    const j = await city();
    const report = await run(j, SHANGLUO, 'shangluo');
    // 1,179 letters, 8 of them repeated under the same mail_id.
    expect(report).toMatchObject({ rows: 1179, imported: 1171, duplicates: 8, rejected: 0 });
    const o = await order(j, '20220510008');
    expect(o).toMatchObject({ status: 'closed', title: '洛南县东风砖厂的路何时硬化', category_code: 'construction', request_type: 'complaint' });
    expect(o.created_at.toISOString()).toBe('2022-05-09T16:00:00.000Z');
    expect(o.closed_at!.toISOString()).toBe('2022-05-11T16:00:00.000Z');
    expect(o.code).toMatch(/^GD20220510\d{6}$/);
    const entries = await timeline(o.id);
    expect(entries[1]).toMatchObject({ action: 'close', to_status: 'closed' });
    expect(entries[1]!.note).toContain('东风路建设项目2022年启动建设');
    expect(entries[0]!.data).toMatchObject({ originalDepartment: '洛南县人民政府办公室' });
    const statuses = await t.ctx.db.selectFrom('work_orders').select('status').distinct().where('jurisdiction_id', '=', j).execute();
    expect(statuses.map((s) => s.status)).toEqual(['closed']);
    const categories = await t.ctx.db.selectFrom('work_orders').select(['category_code', (eb) => eb.fn.countAll<number>().as('n')]).where('jurisdiction_id', '=', j).groupBy('category_code').execute();
    const by = new Map(categories.map((c) => [c.category_code, Number(c.n)]));
    expect(by.size).toBeGreaterThan(8);
    expect(by.get('transport')).toBeGreaterThan(10);
    // The public tracking page would show the reply: 'close' notes are public.
    expect(await count(j)).toBe(1171);
  });

  it('rejects bad rows with their line and reason, imports the rest, seals reporters, maps departments', async () => {
    const j = await city();
    await makeDepartment(t.ctx.db, { jurisdictionId: j, code: 'cgj' });
    const csv = [
      '编号,受理时间,办结时间,状态,类型,标题,内容,经度,纬度,承办,来电人,电话',
      'A1,2024-03-01 09:00,2024-03-02 10:00,已办结,井盖缺失,井盖丢了,"人民路口的井盖丢了,\n很危险",104.06,30.66,市城管局,张三,+86 138-0013-8000',
      ',2024-03-01 09:00,,已受理,井盖缺失,无编号,,,,,,',
      'A3,someday,,已受理,井盖缺失,坏日期,,,,,,',
      'A4,2024-03-01 09:00,,挂起,井盖缺失,未知状态,,,,,,',
      'A5,2024-03-01 09:00,,已受理,井盖缺失,坐标错,,200,30,,,',
      'A6,2024-03-01 09:00,,已受理,井盖缺失,电话错,,,,,李四,12ab',
      'A7,2024-03-01 09:00,,已受理',
      'A8,2024-03-01 09:00,,已受理,没有的类型,未映射,,,,,,',
      'A1,2024-03-05 09:00,,已受理,井盖缺失,重复,,,,,,',
      'A9,2024-03-01T09:00:00Z,,处理中,路灯不亮,路灯,,,,其他单位,,',
      '',
    ].join('\n');
    const file = path.join(dir, 'old-system.csv');
    writeFileSync(file, csv);
    const mapping = path.join(dir, 'old-system.yaml');
    writeFileSync(
      mapping,
      [
        'source: oldsystem',
        'timeZone: Asia/Shanghai',
        'requestType: complaint',
        'columns: { id: 编号, openedAt: 受理时间, closedAt: 办结时间, status: 状态, service: 类型, title: 标题, description: 内容, lng: 经度, lat: 纬度, department: 承办, reporterName: 来电人, reporterPhone: 电话 }',
        'statuses: { 已受理: received, 处理中: dispatched, 已办结: closed }',
        'categories: { 井盖缺失: component.01.0114, 路灯不亮: component.01.0118 }',
        'departments: { 市城管局: cgj }',
      ].join('\n'),
    );
    const rejectFile = path.join(dir, 'rejects.csv');
    const report = await run(j, file, 'generic', { mappingFile: mapping, rejectFile, locale: 'zh-CN' });
    expect(report).toMatchObject({ rows: 10, imported: 2, duplicates: 1, rejected: 7 });
    const rejects = readFileSync(rejectFile, 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('line,external_id,code,reason');
    expect(rejects.slice(1)).toEqual([
      '4,,work_order.import.id_missing,缺少原始编号（列 编号）',
      '5,A3,work_order.import.date_invalid,列 受理时间 不是有效的日期或时间：someday',
      '6,A4,work_order.import.status_unmapped,状态 挂起 不在映射中',
      '7,A5,work_order.import.coordinates_invalid,"不是有效的坐标：30, 200"',
      '8,A6,work_order.import.phone_invalid,反映人电话号码无效',
      '9,A7,work_order.import.column_count,该行的字段数与表头不一致',
      '10,A8,work_order.import.category_unmapped,服务类型 没有的类型 不在映射中，且没有默认分类',
    ]);
    const a1 = await order(j, 'A1');
    expect(a1).toMatchObject({ status: 'closed', title: '井盖丢了', description: '人民路口的井盖丢了,\n很危险', request_type: 'component', reporter_phone_last4: '8000', anonymous: false });
    expect(a1.department_id).not.toBeNull();
    expect(a1.created_at.toISOString()).toBe('2024-03-01T01:00:00.000Z');
    // Personal data sealed like any other order's: not in clear text, opened only with the key.
    expect(a1.reporter_phone_enc).not.toContain('138');
    expect(openPersonal(t.ctx.config.secretKey, a1.reporter_phone_enc!)).toBe('13800138000');
    expect(openPersonal(t.ctx.config.secretKey, a1.reporter_name_enc!)).toBe('张三');
    const a9 = await order(j, 'A9');
    expect(a9).toMatchObject({ status: 'dispatched', department_id: null, reporter_name_enc: null });
    expect(a9.created_at.toISOString()).toBe('2024-03-01T09:00:00.000Z');
  });

  it('refuses a mapping that names categories or departments the city does not have, and a file without its columns', async () => {
    const j = await city();
    const mapping = path.join(dir, 'bad.json');
    writeFileSync(mapping, JSON.stringify({ categories: { 'Parking Enforcement': 'no.such' }, departments: { BTDT: 'nope' } }));
    expect((await failure(run(j, BOSTON, 'boston', { mappingFile: mapping }))).code).toBe('work_order.import.category_unknown');
    writeFileSync(mapping, JSON.stringify({ departments: { BTDT: 'nope' } }));
    expect((await failure(run(j, BOSTON, 'boston', { mappingFile: mapping }))).code).toBe('work_order.import.department_unknown');
    expect((await failure(run(j, NYC, 'boston'))).code).toBe('work_order.import.columns_missing');
    expect((await failure(run(j, NYC, 'generic'))).code).toBe('work_order.import.mapping_required');
    writeFileSync(mapping, JSON.stringify({ timeZone: 'Mars/Olympus' }));
    expect((await failure(run(j, BOSTON, 'boston', { mappingFile: mapping }))).code).toBe('work_order.import.mapping_invalid');
    expect(await count(j)).toBe(0);
  });

  it('resumes an interrupted import after its last committed batch: same final count, no duplicates', async () => {
    const j = await city();
    // A run stopped by --limit after 400 rows (batches of 150: 150, 300, 400 committed).
    const partial = await run(j, NYC, 'nyc', { batch: 150, limit: 400 });
    expect(partial).toMatchObject({ rows: 400, imported: 400, completed: false });
    // A run that dies after its next batch committed (the process killed mid-file).
    const crashed = await run(j, NYC, 'nyc', {
      batch: 150,
      onProgress: (p) => {
        if (p.rows > 400) throw new Error('killed');
      },
    }).then(() => null, (e: unknown) => e);
    expect((crashed as Error).message).toBe('killed');
    expect(await count(j)).toBe(550);
    const resumed: ImportReport = await run(j, NYC, 'nyc', { batch: 150 });
    expect(resumed).toMatchObject({ resumedAfter: 550, rows: 999, imported: 999, duplicates: 0, rejected: 0, completed: true, importId: partial.importId });
    expect(await count(j)).toBe(999);
    const runs = await t.ctx.db.selectFrom('work_order_imports').select(['status', 'rows_done', 'imported']).where('jurisdiction_id', '=', j).execute();
    expect(runs).toEqual([{ status: 'completed', rows_done: 999, imported: 999 }]);
    // --no-resume starts a new run from the top; everything is a duplicate by then.
    expect(await run(j, NYC, 'nyc', { resume: false })).toMatchObject({ resumedAfter: 0, imported: 0, duplicates: 999 });
  });

  it('runs as the CLI command, and sends the mailbox letters to the knowledge base with --to knowledge', async () => {
    const j = await city();
    const reject = path.join(dir, 'cli-rejects.csv');
    const r = await runCommand(t.ctx, COMMANDS, 'import requests', { file: BOSTON, format: 'boston', jurisdiction: j, reject }, { locale: 'en' });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 100, completed: true });
    expect(r.stderr).toContain('100 rows: 100 imported, 0 duplicates skipped, 0 rejected');
    expect(readFileSync(reject, 'utf8')).toBe('line,external_id,code,reason\n');
    const bad = await runCommand(t.ctx, COMMANDS, 'import requests', { file: BOSTON, format: 'boston', jurisdiction: j, to: 'knowledge' }, { locale: 'en' });
    expect(bad.exitCode).toBe(2);
    const k = await runCommand(t.ctx, COMMANDS, 'import requests', { file: SHANGLUO, format: 'shangluo', jurisdiction: j, to: 'knowledge' }, { locale: 'en' });
    expect(k.exitCode).toBe(0);
    const articles = await t.ctx.db.selectFrom('knowledge_articles').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', j).executeTakeFirstOrThrow();
    expect(Number(articles.n)).toBeGreaterThan(1000);
  });
});
