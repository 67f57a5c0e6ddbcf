/**
 * Generated unit grids for a demo city: each district's boundary cut into square cells of about 0.5 km²
 * (laid out in UTM zone 48N, which holds Chengdu, clipped to the district, back to WGS 84). Cells are grouped
 * into synthetic communities of 2×2 cells and streets of 3×3 communities, numbered north→south, west→east,
 * and go through the ordinary import — same validation, same numbering of grids within a community.
 */
import { recordAudit } from '../audit/index.js';
import { findDepartmentByCode } from '../org/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import type { GridFeature } from './grid-features.js';
import * as repo from './grid.repo.js';
import { locatorFor } from './grid-locator.js';
import { importGrids, type GridContext, type ImportReport } from './grid.service.js';

/** √(0.5 km²): a square cell of half a square kilometre. */
export const CELL_SIZE_M = Math.sqrt(500_000);
const UTM_48N = 32648;
const COMMUNITY_CELLS = 2;
/**
 * The five central districts (锦江, 青羊, 金牛, 武侯, 成华): about 1,200 grids, generated in ~5 s on PGlite at the
 * first demo start. The eleven districts of the main urban area give ~8,400 grids in ~10 s (measured on a
 * 2-core machine), too slow for a first start.
 */
export const CENTRAL_DISTRICTS = ['510104', '510105', '510106', '510107', '510108'];
const STREET_COMMUNITIES = 3;

export interface DemoDistrict {
  code: string;
  name: string;
  /** GeoJSON Polygon or MultiPolygon in WGS 84. */
  boundary: unknown;
}

/** Local names the demo's departments and inspector already use (street 001 and its communities in 锦江区). */
const KNOWN_NAMES: Record<string, string> = {
  '510104001': '春熙路街道',
  '510104001001': '红星路社区',
  '510104001002': '总府路社区',
};

interface Block {
  bi: number;
  bj: number;
}

/** Numbers blocks north→south, then west→east: the order of the lattice rows (j grows northward). */
function numberBlocks(blocks: Block[]): Map<string, number> {
  const keys = [...new Set(blocks.map((b) => `${b.bi},${b.bj}`))].map((k) => k.split(',').map(Number) as [number, number]);
  keys.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return new Map(keys.map(([i, j], n) => [`${i},${j}`, n + 1]));
}

const pad3 = (n: number) => String(n).padStart(3, '0');

/** The cells of one district as import features with synthetic street and community codes (pure). */
export function planDistrict(district: DemoDistrict, cells: repo.CellRow[]): object[] {
  const streetOf = (c: repo.CellRow) => ({ bi: Math.floor(c.i / (COMMUNITY_CELLS * STREET_COMMUNITIES)), bj: Math.floor(c.j / (COMMUNITY_CELLS * STREET_COMMUNITIES)) });
  const communityOf = (c: repo.CellRow) => ({ bi: Math.floor(c.i / COMMUNITY_CELLS), bj: Math.floor(c.j / COMMUNITY_CELLS) });
  const streets = numberBlocks(cells.map(streetOf));
  if (streets.size > 999) throw new Error(`district ${district.code} is too large for 3-digit street codes`);
  const communitiesByStreet = new Map<number, Block[]>();
  for (const c of cells) {
    const s = streets.get(`${streetOf(c).bi},${streetOf(c).bj}`)!;
    const list = communitiesByStreet.get(s) ?? [];
    list.push(communityOf(c));
    communitiesByStreet.set(s, list);
  }
  const communityNumbers = new Map([...communitiesByStreet].map(([s, blocks]) => [s, numberBlocks(blocks)]));
  return cells.map((c) => {
    const s = streets.get(`${streetOf(c).bi},${streetOf(c).bj}`)!;
    const m = communityNumbers.get(s)!.get(`${communityOf(c).bi},${communityOf(c).bj}`)!;
    const streetCode = `${district.code}${pad3(s)}`;
    const communityCode = `${streetCode}${pad3(m)}`;
    return {
      type: 'Feature',
      properties: {
        community_code: communityCode,
        district_name: district.name,
        street_name: KNOWN_NAMES[streetCode] ?? `${district.name}第${s}街道`,
        community_name: KNOWN_NAMES[communityCode] ?? `${district.name}第${s}街道第${m}社区`,
      },
      geometry: JSON.parse(c.geojson) as GridFeature['polygons'],
    };
  });
}

/** The generated cells of the districts as a FeatureCollection's features, ready for importGrids. */
export async function demoGridFeatures(ctx: Pick<GridContext, 'db'>, districts: DemoDistrict[]): Promise<object[]> {
  const features: object[] = [];
  for (const d of districts) {
    const cells = await repo.squareCells(ctx.db, d.boundary, { sizeM: CELL_SIZE_M, srid: UTM_48N, minAreaM2: 1000 });
    features.push(...planDistrict(d, cells));
  }
  return features;
}

/**
 * Generates and imports the demo grids when the jurisdiction has none (idempotent: a restart, or a second
 * process, finds them and does nothing; the import itself serialises on the layer lock).
 */
export async function ensureDemoGrids(
  ctx: GridContext,
  jurisdictionId: string,
  districts: () => DemoDistrict[],
  actor: Actor,
  codes: readonly string[] = CENTRAL_DISTRICTS,
  responsible: DemoResponsible = {},
): Promise<ImportReport | null> {
  if ((await repo.countGrids(ctx.db, jurisdictionId)) > 0) return null;
  const features = await demoGridFeatures(ctx, districts().filter((x) => codes.includes(x.code)));
  // District outlines from display data overlap their neighbours a little; overlaps are not worth a demo start.
  const report = await importGrids(ctx, jurisdictionId, { type: 'FeatureCollection', features }, actor, { checks: 'validity', skipRejected: true, onlyIfEmpty: true });
  if (!report.applied) return null;
  await assignDemoResponsible(ctx, jurisdictionId, responsible, actor);
  return report;
}

export interface DemoResponsible {
  /** District code → the code of the department responsible for its grids. */
  districtDepartments?: Record<string, string>;
  /** Username → the grid codes that user patrols. */
  inspectors?: Record<string, readonly string[]>;
}

/** Responsible departments and inspectors for freshly generated demo grids, in one audited transaction. */
async function assignDemoResponsible(ctx: GridContext, jurisdictionId: string, responsible: DemoResponsible, actor: Actor): Promise<void> {
  const departments: [string, string][] = [];
  for (const [district, code] of Object.entries(responsible.districtDepartments ?? {})) {
    const d = await findDepartmentByCode(ctx, jurisdictionId, code);
    if (d) departments.push([district, d.id]);
  }
  const inspectors = Object.entries(responsible.inspectors ?? {});
  if (departments.length === 0 && inspectors.length === 0) return;
  await ctx.db.transaction().execute(async (tx) => {
    await repo.lockLayer(tx, jurisdictionId);
    let links = 0;
    for (const [district, id] of departments) links += await repo.addDepartmentByPrefix(tx, jurisdictionId, district, id);
    for (const [username, codes] of inspectors) links += await repo.addInspectorByUsername(tx, jurisdictionId, username, [...codes]);
    const version = await repo.bumpVersion(tx, jurisdictionId);
    const details = { links, departments: departments.map(([d]) => d), inspectors: inspectors.map(([u]) => u), version };
    await recordAudit(tx, { actor, request: noRequest, action: 'grid.responsible_seed', jurisdictionId, objectType: 'grid_layer', objectId: jurisdictionId, details });
    await ctx.outbox.publish(tx, { name: 'grid.changed', jurisdictionId, payload: { reason: 'responsible', ...details } });
  });
  locatorFor(ctx.db).invalidate(jurisdictionId);
}
