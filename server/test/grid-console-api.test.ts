/**
 * The grid endpoints the console's grid screen reads: the map layer (GET /grids/geojson), the hierarchy
 * (GET /grids/units), search (GET /grids?q=), a grid's place and area (GET /grids/:code), and the import's
 * NDJSON progress (POST /grids/import with Accept: application/x-ndjson).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridShapes } from '../src/modules/grid/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';
import { dbf, shpPolygons, squareRing, storedZip } from './shapefile-fixtures.js';
import type { Principal } from '../src/modules/identity/index.js';

let t: TestApp;
let j: string;
let admin: Session;
let inspector: Session;

const D = 0.01;
const square = (x0: number, y0: number) => squareRing(x0, y0, D);
const STREET_A = { community_code: '510104001001', district_name: '锦江区', street_name: '春熙路街道', community_name: '红星路社区' };
const STREET_B = { community_code: '510104002001', district_name: '锦江区', street_name: '书院街街道', community_name: '玉泉社区' };
const cell = (col: number, row: number, props: object) => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'Polygon', coordinates: [square(104 + col * D, 30.6 - row * D)] },
});
/** Two cells in street A (west), two in street B (east). */
const layer = () => [cell(0, 0, STREET_A), cell(1, 0, STREET_A), cell(2, 0, STREET_B), cell(3, 0, STREET_B)];

const api = (s: Session, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...s.bearer, 'accept-language': 'en', ...headers }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  const res = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features: layer() }, checks: 'validity' });
  expect(res.json().report.applied, res.body).toBe(true);
  const u = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['51010400200101'] } }] });
  inspector = await loginAs(t.app, u);
});
afterAll(async () => {
  await t?.close();
});

describe('grid console API', () => {
  it('GET /grids/geojson returns the grids meeting the box as features, within the scope; a bad box is a 400', async () => {
    const all = await api(admin, 'GET', '/grids/geojson?bbox=103.99,30.59,104.05,30.62');
    expect(all.statusCode, all.body).toBe(200);
    const fc = all.json();
    expect(fc).toMatchObject({ type: 'FeatureCollection', truncated: false });
    expect(fc.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['51010400100101', '51010400100102', '51010400200101', '51010400200102']);
    expect(fc.features[0].geometry.type).toMatch(/Polygon/);
    // Only the two western cells meet this box.
    const west = (await api(admin, 'GET', '/grids/geojson?bbox=103.99,30.59,104.015,30.62')).json();
    expect(west.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['51010400100101', '51010400100102']);
    // An inspector sees only the grids of their grant.
    const mine = (await api(inspector, 'GET', '/grids/geojson?bbox=103.99,30.59,104.05,30.62')).json();
    expect(mine.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['51010400200101']);
    for (const bad of ['1,2,3', '104.1,30,104,31', 'a,b,c,d']) {
      const res = await api(admin, 'GET', `/grids/geojson?bbox=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBeTruthy();
    }
  });

  it('says truncated when the box holds more grids than the limit', async () => {
    const reader: Principal = { kind: 'api_key', keyId: 'test', name: 'test', prefix: '', jurisdictionId: j, scopes: ['grid.read'] };
    const res = await gridShapes(t.ctx, reader, [103.99, 30.59, 104.05, 30.62], 3);
    expect(res.truncated).toBe(true);
    expect(res.features).toHaveLength(3);
  });

  it('GET /grids/units walks district → street → community with grid counts', async () => {
    const districts = (await api(admin, 'GET', '/grids/units')).json().items;
    expect(districts).toEqual([{ code: '510104', level: 'district', name: '锦江区', grids: 4 }]);
    const streets = (await api(admin, 'GET', '/grids/units?parent=510104')).json().items;
    expect(streets).toEqual([
      { code: '510104001', level: 'street', name: '春熙路街道', grids: 2 },
      { code: '510104002', level: 'street', name: '书院街街道', grids: 2 },
    ]);
    const communities = (await api(admin, 'GET', '/grids/units?parent=510104002')).json().items;
    expect(communities).toEqual([{ code: '510104002001', level: 'community', name: '玉泉社区', grids: 2 }]);
    // The inspector's hierarchy holds only their grid's units.
    expect((await api(inspector, 'GET', '/grids/units?parent=510104')).json().items).toEqual([{ code: '510104002', level: 'street', name: '书院街街道', grids: 1 }]);
    expect((await api(admin, 'GET', '/grids/units?parent=5101')).statusCode).toBe(400);
  });

  it('GET /grids?q= finds by code prefix or part of the name', async () => {
    const byName = (await api(admin, 'GET', `/grids?q=${encodeURIComponent('玉泉')}`)).json().items;
    expect(byName.map((g: { code: string }) => g.code)).toEqual(['51010400200101', '51010400200102']);
    const byCode = (await api(admin, 'GET', '/grids?q=51010400100102')).json().items;
    expect(byCode.map((g: { code: string }) => g.code)).toEqual(['51010400100102']);
    // LIKE wildcards in the text are literal.
    expect((await api(admin, 'GET', '/grids?q=%25')).json().items).toEqual([]);
  });

  it('GET /grids/:code names the community, street and district and gives the area and box', async () => {
    const g = (await api(admin, 'GET', '/grids/51010400100101')).json().grid;
    expect(g).toMatchObject({
      code: '51010400100101',
      community: { code: '510104001001', name: '红星路社区' },
      street: { code: '510104001', name: '春熙路街道' },
      district: { code: '510104', name: '锦江区' },
    });
    // 0.01° × 0.01° at 30.6°N ≈ 1113 m × 958 m.
    expect(g.areaM2).toBeGreaterThan(1_000_000);
    expect(g.areaM2).toBeLessThan(1_150_000);
    expect(g.bbox[0]).toBeCloseTo(104, 6);
    expect(g.bbox[3]).toBeCloseTo(30.61, 6);
  });

  it('POST /grids/import streams progress lines then the report when asked for NDJSON', async () => {
    const bowtie = { type: 'Feature', properties: STREET_A, geometry: { type: 'Polygon', coordinates: [[[104, 30.5], [104.01, 30.51], [104.01, 30.5], [104, 30.51], [104, 30.5]]] } };
    const res = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features: [...layer(), bowtie] }, dryRun: true }, { accept: 'application/x-ndjson' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; done?: number; total?: number; report?: { dryRun: boolean; rejected: { reason: string }[] } });
    const phases = lines.filter((l) => l.type === 'progress').map((l) => l.phase);
    expect(phases).toContain('parse');
    expect(phases).toContain('stage');
    expect(phases).toContain('check');
    expect(phases).not.toContain('write'); // a dry run writes nothing
    const last = lines.at(-1)!;
    expect(last.type).toBe('report');
    expect(last.report!.dryRun).toBe(true);
    expect(last.report!.rejected.map((r) => r.reason)).toEqual(['grid.geometry_invalid']);
    // Without the Accept header the answer is still the one JSON report.
    const plain = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features: layer() }, dryRun: true });
    expect(plain.json().report.unchanged).toBe(4);
    expect(plain.json().report.wouldRemove).toBe(0);
    // A file that keeps only the western street would remove the two eastern grids; a dry run says so, changes nothing.
    const west = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features: layer().slice(0, 2) }, dryRun: true });
    expect(west.json().report).toMatchObject({ applied: false, unchanged: 2, wouldRemove: 2, removed: 0 });
  });
});

describe('grid import from a zipped Shapefile', () => {
  // Shapefile rings run clockwise: two cells of the western street, the stored ones' neighbours to the south.
  const ring = (x: number, y: number) => [[x, y + D], [x + D, y + D], [x + D, y], [x, y], [x, y + D]];

  it('reads the .zip (geometry, attributes in the .cpg encoding) and reports like GeoJSON; an unreadable one is a 400', async () => {
    const zip = storedZip({
      'grids.shp': shpPolygons([[ring(104, 30.59)], [ring(104.01, 30.59)]]),
      'grids.dbf': dbf(['SQBM', 'SQMC'], [['510104001002', '新社区'], ['510104001002', '新社区']]),
      'grids.cpg': Buffer.from('UTF-8'),
    });
    const res = await api(admin, 'POST', '/grids/import', { shapefileZip: zip.toString('base64'), communityField: 'SQBM', dryRun: true, checks: 'validity' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().report).toMatchObject({ applied: false, total: 2, accepted: 2, rejectedCount: 0, wouldRemove: 4 });
    const bad = await api(admin, 'POST', '/grids/import', { shapefileZip: Buffer.from('not a zip').toString('base64') }, { accept: 'application/x-ndjson' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'grid.shapefile_unreadable' });
    // Neither or both of geojson and shapefileZip: a 400.
    expect((await api(admin, 'POST', '/grids/import', { dryRun: true })).statusCode).toBe(400);
    expect((await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features: [] }, shapefileZip: zip.toString('base64') })).statusCode).toBe(400);
  });
});
