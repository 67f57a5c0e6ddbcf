/**
 * Component import (CSV and GeoJSON): the reject report (bad class, outside every grid, duplicate code, bad
 * coordinates, …), nothing changed on any rejection unless skipRejected, codes read or assigned, re-import without
 * duplicates, NDJSON progress over HTTP, the CLI command, the map points and the link-distance setting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/ops/commands.js';
import { runCommand } from '../src/ops/command.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;
let inspector: Session;
let dir: string;

const COMMUNITY = '510104001001';
const sq = (x: number, y: number) => [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]];
const api = (s: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...s.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

interface Report {
  applied: boolean;
  total: number;
  accepted: number;
  inserted: number;
  existing: number;
  rejectedCount: number;
  rejected: { index: number; reason: string; message: string }[];
  reasons: Record<string, number>;
}

/** Posts an import and reads the NDJSON answer: progress lines, then the report. */
async function importFile(format: 'csv' | 'geojson', content: string, options: object = {}) {
  const res = await api(admin, 'POST', '/components/import', { format, content, ...options });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('application/x-ndjson');
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; done?: number; total?: number; report?: Report });
  const last = lines.at(-1)!;
  expect(last.type).toBe('report');
  return { progress: lines.filter((l) => l.type === 'progress'), report: last.report! };
}

const codes = async () => (await t.ctx.db.selectFrom('components').select(['code', 'class_code', 'status', 'grid_code']).where('jurisdiction_id', '=', j).orderBy('code').execute()).map((c) => c.code);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cg-components-'));
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  inspector = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] }));
  await makeDepartment(t.ctx.db, { jurisdictionId: j, code: 'water', nameZh: '水务局' });
  const features = [0, 1].map((col) => ({ type: 'Feature', properties: { community_code: COMMUNITY }, geometry: { type: 'Polygon', coordinates: [sq(104 + col * 0.01, 30.6)] } }));
  expect((await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features }, checks: 'validity' })).statusCode).toBe(200);
  expect((await api(admin, 'POST', '/component-classes/standard')).statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CSV = [
  'code,class_code,name,lng,lat,owner_department,status',
  '5101040102000005,0102,污水井盖 5,104.002,30.602,water,normal', // 1: code read from the file
  ',0118,路灯 A,104.012,30.603,,damaged', // 2: code assigned (grid 02)
  ',0102,,104.004,30.604,,', // 3: code assigned after the given serial
  ',9999,,104.005,30.605,,', // 4: no such subclass
  ',0102,,104.5,30.9,,', // 5: outside every grid
  '5101040102000005,0102,again,104.006,30.606,,', // 6: duplicate code in the file
  ',0102,,abc,30.6,,', // 7: bad coordinates
  '5101050102000001,0102,,104.007,30.607,,', // 8: county differs from the grid's district
  ',0102,,104.008,30.608,nobody,', // 9: unknown owner department
  ',0102,,104.009,30.609,,broken', // 10: bad status
  '5101040102000009,0103,,104.009,30.601,,', // 11: code of another subclass
].join('\n');

describe(`component import (${testStorageKind})`, () => {
  it('reports every rejected row with its reason and changes nothing', async () => {
    const { report, progress } = await importFile('csv', CSV);
    expect(report).toMatchObject({ applied: false, total: 11, accepted: 3, inserted: 0, existing: 0, rejectedCount: 8 });
    expect(report.rejected.map((r) => [r.index, r.reason])).toEqual([
      [4, 'component.import.class_unknown'],
      [5, 'component.import.outside_grids'],
      [6, 'component.import.duplicate_code'],
      [7, 'component.import.bad_coordinates'],
      [8, 'component.import.county_mismatch'],
      [9, 'component.import.department_unknown'],
      [10, 'component.import.status_invalid'],
      [11, 'component.import.code_class_mismatch'],
    ]);
    expect(report.rejected[1]!.message).toContain('outside every unit grid');
    expect(report.reasons['component.import.outside_grids']).toBe(1);
    expect(progress.map((p) => p.phase)).toContain('check');
    expect(await codes()).toEqual([]);
  });

  it('imports the good rows with skipRejected: codes read or assigned per county and subclass, status and owner kept', async () => {
    const { report, progress } = await importFile('csv', CSV, { skipRejected: true });
    expect(report).toMatchObject({ applied: true, inserted: 3, existing: 0, rejectedCount: 8 });
    expect(progress.filter((p) => p.phase === 'insert').at(-1)).toMatchObject({ done: 3, total: 3 });
    expect(await codes()).toEqual(['5101040102000005', '5101040102000006', '5101040118000001']);
    const lamp = (await api(admin, 'GET', '/components/5101040118000001')).json().component;
    expect(lamp).toMatchObject({ status: 'damaged', gridCode: `${COMMUNITY}02`, name: '路灯 A', className: { zh: '路灯' } });
    expect(lamp.history).toEqual([expect.objectContaining({ action: 'create', toStatus: 'damaged', note: 'import' })]);
    const cover = (await api(admin, 'GET', '/components/5101040102000005')).json().component;
    expect(cover.ownerDepartmentId).not.toBeNull();
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'component.import').where('jurisdiction_id', '=', j).execute();
    expect(audit).toHaveLength(1);
  });

  it('does not duplicate on re-import (same code, or same subclass at the same point)', async () => {
    const { report } = await importFile('csv', CSV, { skipRejected: true });
    expect(report).toMatchObject({ applied: false, inserted: 0, existing: 3 });
    expect(await codes()).toHaveLength(3);
  });

  it('imports GeoJSON points, and a file that is not one is a 400 with a stable code', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { class_code: '0305', name: '垃圾箱' }, geometry: { type: 'Point', coordinates: [104.013, 30.607] } },
        { type: 'Feature', properties: { class_code: '0305' }, geometry: { type: 'Point', coordinates: [200, 30.607] } },
      ],
    };
    const { report } = await importFile('geojson', JSON.stringify(fc), { skipRejected: true });
    expect(report).toMatchObject({ applied: true, inserted: 1, rejectedCount: 1 });
    expect(report.rejected[0]).toMatchObject({ index: 2, reason: 'component.import.bad_coordinates' });
    const bad = await api(admin, 'POST', '/components/import', { format: 'geojson', content: '{"type":"Feature"}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('component.import.file_unreadable');
    const zh = await t.app.inject({ method: 'POST', url: '/api/v1/components/import', headers: { ...admin.bearer, 'accept-language': 'zh-CN' }, payload: { format: 'geojson', content: 'nope' } });
    expect(zh.json().message).toContain('无法读取部件文件');
    expect((await api(inspector, 'POST', '/components/import', { format: 'csv', content: CSV })).statusCode).toBe(403);
  });

  it('imports through the CLI with the same report', async () => {
    const file = path.join(dir, 'components.csv');
    writeFileSync(file, ['class_code,lng,lat', '0402,104.015,30.605', '0402,104.9,30.605'].join('\n'));
    const strict = await runCommand(t.ctx, COMMANDS, 'import components', { jurisdiction: j, file }, { locale: 'en' });
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain('rejected row 2');
    const lenient = await runCommand(t.ctx, COMMANDS, 'import components', { jurisdiction: j, file, skipRejected: true }, { locale: 'en' });
    expect(lenient.exitCode, lenient.stderr).toBe(0);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ applied: true, inserted: 1 });
    expect(await codes()).toContain('5101040402000001');
  });

  it('serves map points within scope, filtered by class and status', async () => {
    const all = (await api(admin, 'GET', '/components/map')).json();
    expect(all.truncated).toBe(false);
    expect(all.items).toHaveLength(5);
    const lamps = (await api(admin, 'GET', '/components/map?classCode=01&status=damaged')).json().items;
    expect(lamps.map((p: { code: string }) => p.code)).toEqual(['5101040118000001']);
    // The inspector patrols grid 01 only.
    const mine = (await api(inspector, 'GET', '/components/map')).json().items as { code: string }[];
    expect(mine.map((p) => p.code).sort()).toEqual(['5101040102000005', '5101040102000006']);
  });

  it('keeps the link distance per jurisdiction (default 30 m), set by administrators only', async () => {
    expect((await api(inspector, 'GET', '/component-settings')).json()).toEqual({ linkDistanceM: 30 });
    expect((await api(admin, 'PUT', '/component-settings', { linkDistanceM: 50 })).json()).toEqual({ linkDistanceM: 50 });
    expect((await api(admin, 'GET', '/component-settings')).json()).toEqual({ linkDistanceM: 50 });
    expect((await api(admin, 'PUT', '/component-settings', { linkDistanceM: 0 })).statusCode).toBe(400);
    expect((await api(inspector, 'PUT', '/component-settings', { linkDistanceM: 10 })).statusCode).toBe(403);
  });
});
