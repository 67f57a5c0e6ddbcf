/**
 * Demo components: a few thousand plausible ones (manhole covers, street lights, litter bins, signs, trees …) spread
 * over the demo city's unit grids, seeded (the same city every time), through the ordinary import; nothing happens
 * when the jurisdiction already has components.
 */
import { sql } from 'kysely';
import type { Actor } from '../../shared/actor.js';
import { importComponents, type ComponentImportContext, type ComponentImportReport } from './components-import.js';
import { mulberry32 } from '../../shared/random.js';

/** Subclass and how many of it a grid has on average (about 4 per grid in all). */
const MIX: [string, number][] = [
  ['0102', 0.9], // 污水井盖
  ['0103', 0.5], // 雨水井盖
  ['0104', 0.4], // 雨水箅子
  ['0105', 0.3], // 电力井盖
  ['0118', 0.7], // 路灯
  ['0305', 0.5], // 垃圾箱
  ['0209', 0.25], // 交通标志牌
  ['0203', 0.1], // 公交站亭
  ['0113', 0.15], // 消防设施
  ['0402', 0.3], // 行道树
];

export async function ensureDemoComponents(ctx: ComponentImportContext, jurisdictionId: string, actor: Actor): Promise<ComponentImportReport | null> {
  const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM components WHERE jurisdiction_id = ${jurisdictionId}`.execute(ctx.db);
  if (Number(existing.rows[0]?.n ?? 0) > 0) return null;
  // A point inside each grid and the grid's extent; components are scattered around the point within the cell.
  const grids = await sql<{ code: string; x: number; y: number; w: number; h: number }>`
    SELECT code, ST_X(p) AS x, ST_Y(p) AS y, ST_XMax(geom) - ST_XMin(geom) AS w, ST_YMax(geom) - ST_YMin(geom) AS h
      FROM (SELECT code, geom, ST_PointOnSurface(geom) AS p FROM grids WHERE jurisdiction_id = ${jurisdictionId}) g ORDER BY code`.execute(ctx.db);
  if (grids.rows.length === 0) return null;
  const next = mulberry32(20240521);
  const lines = ['class_code,lng,lat,status'];
  for (const g of grids.rows) {
    for (const [classCode, mean] of MIX) {
      // 0, 1 or 2 (rarely 3) of a subclass per grid, averaging `mean`.
      let n = 0;
      for (let k = 0; k < 3; k++) if (next() < mean / 3) n++;
      for (let k = 0; k < n; k++) {
        const lng = Number(g.x) + (next() - 0.5) * Number(g.w) * 0.6;
        const lat = Number(g.y) + (next() - 0.5) * Number(g.h) * 0.6;
        const status = next() < 0.03 ? 'damaged' : 'normal';
        lines.push(`${classCode},${lng.toFixed(7)},${lat.toFixed(7)},${status}`);
      }
    }
  }
  // Points that miss every grid (a cell's odd shape) are simply left out.
  const report = await importComponents(ctx, jurisdictionId, { format: 'csv', content: lines.join('\n') }, actor, { skipRejected: true, onlyIfEmpty: true });
  return report.applied ? report : null;
}
