/**
 * Unit grids: import a layer (validate, number, swap in one transaction with its audit entry and event),
 * assign responsible people, list, and locate a point. Every change bumps the layer version, which is how
 * every process's in-memory index learns it must rebuild (grid-locator.ts).
 */
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, effectiveScope, scopeCondition, type CallOptions, type Principal } from '../identity/index.js';
import { findJurisdiction } from '../org/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';
import { assignCodes } from './codes.js';
import { DEFAULT_FIELDS, FileShapeError, parseGridFile, type FieldNames, type GridFeature, type RejectReason } from './grid-features.js';
import { locatorFor, type LocatedGrid } from './grid-locator.js';
import './grid.policy.js';
import * as repo from './grid.repo.js';

export type GridContext = Pick<AppContext, 'db' | 'outbox'>;

/** Report lists are cut here (the counts stay exact). */
const REPORT_ITEMS = 200;

export interface ImportOptions {
  /** Validate and report; change nothing. */
  dryRun?: boolean;
  /** Import the good features when some are rejected (otherwise any rejection changes nothing). */
  skipRejected?: boolean;
  fields?: FieldNames;
  /** 'full': also overlaps, gaps and grids outside the jurisdiction; 'validity': geometry validity only. */
  checks?: 'full' | 'validity';
  toleranceM2?: number;
  locale?: Locale;
  /** Do nothing when the jurisdiction already has grids (seeding). */
  onlyIfEmpty?: boolean;
  onProgress?: (line: string) => void;
  /** The same progress as numbers, for a progress bar: features parsed, grids staged, checks run, written. */
  onStep?: (step: ImportStep) => void;
}

export interface ImportStep {
  phase: 'parse' | 'stage' | 'check' | 'write';
  done: number;
  total: number;
}

/** Checks run after staging, counted for the progress bar: validity, numbering, overlaps, gaps, outside. */
const CHECK_STEPS = 5;

export interface ReportItem {
  index: number;
  reason: RejectReason;
  message: string;
  detail?: string;
}

export interface ImportReport {
  applied: boolean;
  dryRun: boolean;
  total: number;
  accepted: number;
  rejectedCount: number;
  rejected: ReportItem[];
  unchanged: number;
  inserted: number;
  updated: number;
  removed: number;
  /** Stored grids the file does not keep (removed by applying it) — known in a dry run too. */
  wouldRemove: number;
  version: number | null;
  checks: 'full' | 'validity';
  toleranceM2: number;
  overlaps: { count: number; items: { a: number; b: number; codes: [string, string]; areaM2: number }[] };
  gaps: { count: number; items: { district: string; lng: number; lat: number; areaM2: number }[] };
  outside: { checked: boolean; count: number; items: { index: number; code: string; areaM2: number }[] };
  durationMs: number;
}

class Abort extends Error {}

function defaultName(f: GridFeature, code: string): string {
  return f.name ?? `${f.communityName ?? f.communityCode}${Number(code.slice(12))}号网格`;
}

function unitsOf(features: GridFeature[]): repo.UnitUpsert[] {
  const units = new Map<string, repo.UnitUpsert>();
  const put = (code: string, level: repo.UnitUpsert['level'], parentCode: string | null, name: string | null) => {
    const u = units.get(code);
    if (!u) units.set(code, { code, level, parentCode, name });
    else if (u.name === null && name !== null) u.name = name;
  };
  for (const f of features) {
    const c = f.communityCode;
    put(c.slice(0, 6), 'district', null, f.districtName);
    put(c.slice(0, 9), 'street', c.slice(0, 6), f.streetName);
    put(c, 'community', c.slice(0, 9), f.communityName);
  }
  return [...units.values()];
}

/**
 * Imports a GeoJSON FeatureCollection as the jurisdiction's whole grid layer. Grids absent from the file are
 * removed; unchanged ones keep their code and row (so their responsible people stay).
 */
export async function importGrids(
  ctx: GridContext,
  jurisdictionId: string,
  fc: unknown,
  actor: Actor,
  options: ImportOptions = {},
  opts: CallOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const principal = opts.principal ?? null;
  authorize(principal, 'grid.manage', { jurisdictionId });
  const locale = options.locale ?? 'en';
  const checks = options.checks ?? 'full';
  const tolerance = options.toleranceM2 ?? 1;
  const onProgress = options.onProgress;
  const step = (phase: ImportStep['phase'], done: number, total: number) => options.onStep?.({ phase, done, total });
  const progress = (line: string) => onProgress?.(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (!(await findJurisdiction(ctx, jurisdictionId))) throw notFound('grid.jurisdiction_not_found', { id: jurisdictionId });
  const message = (reason: string, detail?: string) => translate(locale, reason, { detail: detail ?? '' });

  let parsed;
  try {
    parsed = parseGridFile(fc, options.fields ?? DEFAULT_FIELDS, (done, total) => {
      progress(`parsed ${done}/${total} features`);
      step('parse', done, total);
    });
  } catch (err) {
    if (err instanceof FileShapeError) throw badRequest(err.reason);
    throw err;
  }
  progress(`parsed ${parsed.total} features, ${parsed.rejected.length} rejected`);
  step('parse', parsed.total, parsed.total);
  const rejected: ReportItem[] = parsed.rejected.map((r) => ({ ...r, message: message(r.reason, r.detail) }));
  const report: ImportReport = {
    applied: false,
    dryRun: options.dryRun ?? false,
    total: parsed.total,
    accepted: 0,
    rejectedCount: 0,
    rejected: [],
    unchanged: 0,
    inserted: 0,
    updated: 0,
    removed: 0,
    wouldRemove: 0,
    version: null,
    checks,
    toleranceM2: tolerance,
    overlaps: { count: 0, items: [] },
    gaps: { count: 0, items: [] },
    outside: { checked: false, count: 0, items: [] },
    durationMs: 0,
  };

  try {
    await ctx.db.transaction().execute(async (tx) => {
      await repo.lockLayer(tx, jurisdictionId);
      if (options.onlyIfEmpty && (await repo.countGrids(tx, jurisdictionId)) > 0) throw new Abort();
      await repo.createStaging(tx);
      // Staged first without codes: invalid geometries must not use up sequence numbers.
      await repo.insertStaged(
        tx,
        parsed.features.map((f) => ({ idx: f.index, code: '', communityCode: f.communityCode, name: '', geojson: JSON.stringify({ type: 'MultiPolygon', coordinates: f.polygons }), hash: f.hash, keepId: null })),
        (done) => {
          if (done % 10_000 === 0) progress(`staged ${done}/${parsed.features.length} grids`);
          step('stage', done, parsed.features.length);
        },
      );
      step('stage', parsed.features.length, parsed.features.length);
      const invalid = await repo.takeInvalid(tx);
      for (const i of invalid) rejected.push({ index: i.idx, reason: 'grid.geometry_invalid', detail: i.reason, message: message('grid.geometry_invalid', i.reason) });
      progress(`validity checked: ${invalid.length} invalid`);
      step('check', 1, CHECK_STEPS);
      const invalidSet = new Set(invalid.map((i) => i.idx));
      const valid = parsed.features.filter((f) => !invalidSet.has(f.index));

      const stored = await repo.listStored(tx, jurisdictionId);
      const codes = assignCodes(valid, stored.map((s) => ({ id: s.id, code: s.code, communityCode: s.community_code, hash: s.geom_hash })));
      for (const r of codes.rejected) rejected.push({ ...r, message: message(r.reason, r.detail) });
      const byIndex = new Map(valid.map((f) => [f.index, f]));
      const staged = codes.assigned.map((a) => {
        const f = byIndex.get(a.index)!;
        return { idx: a.index, code: a.code, name: defaultName(f, a.code), keepId: a.keepId };
      });
      await repo.setStagedCodes(tx, staged, codes.rejected.map((r) => r.index));
      const codeOf = new Map(staged.map((s) => [s.idx, s.code]));
      report.unchanged = codes.assigned.filter((a) => a.unchanged).length;
      report.accepted = staged.length;
      report.wouldRemove = stored.length - new Set(staged.map((x) => x.keepId).filter((id) => id !== null)).size;
      progress(`numbered ${staged.length} grids (${report.unchanged} unchanged)`);
      step('check', 2, CHECK_STEPS);

      if (checks === 'full') {
        const overlaps = await repo.findOverlaps(tx, tolerance, 10_000);
        report.overlaps = { count: overlaps.length, items: overlaps.slice(0, REPORT_ITEMS).map((o) => ({ ...o, codes: [codeOf.get(o.a) ?? '', codeOf.get(o.b) ?? ''] as [string, string] })) };
        progress(`overlaps: ${overlaps.length}`);
        step('check', 3, CHECK_STEPS);
        const gaps = await repo.findGaps(tx, tolerance, 10_000);
        report.gaps = { count: gaps.length, items: gaps.slice(0, REPORT_ITEMS) };
        progress(`gaps: ${gaps.length}`);
        step('check', 4, CHECK_STEPS);
        if (await repo.hasJurisdictionBoundary(tx, jurisdictionId)) {
          const outside = await repo.findOutside(tx, jurisdictionId, tolerance, 10_000);
          report.outside = { checked: true, count: outside.length, items: outside.slice(0, REPORT_ITEMS).map((o) => ({ index: o.idx, code: codeOf.get(o.idx) ?? '', areaM2: o.areaM2 })) };
          progress(`outside the jurisdiction: ${outside.length}`);
        }
      }

      step('check', CHECK_STEPS, CHECK_STEPS);
      rejected.sort((a, b) => a.index - b.index);
      report.rejectedCount = rejected.length;
      report.rejected = rejected.slice(0, REPORT_ITEMS);
      if (report.dryRun || (rejected.length > 0 && !options.skipRejected) || staged.length === 0) throw new Abort();

      step('write', 0, 1);
      const accepted = valid.filter((f) => codeOf.has(f.index));
      await repo.upsertUnits(tx, jurisdictionId, unitsOf(accepted));
      const counts = await repo.applyStaged(tx, jurisdictionId);
      Object.assign(report, counts);
      report.version = await repo.bumpVersion(tx, jurisdictionId);
      const details = {
        total: report.total,
        accepted: report.accepted,
        rejected: report.rejectedCount,
        unchanged: report.unchanged,
        ...counts,
        overlaps: report.overlaps.count,
        gaps: report.gaps.count,
        outside: report.outside.count,
        version: report.version,
      };
      await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'grid.import', jurisdictionId, objectType: 'grid_layer', objectId: jurisdictionId, details });
      await ctx.outbox.publish(tx, { name: 'grid.changed', jurisdictionId, payload: { reason: 'import', ...details } });
      report.applied = true;
      step('write', 1, 1);
      progress(`written: ${counts.inserted} new, ${counts.updated} updated, ${counts.removed} removed; layer version ${report.version}`);
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
  }
  if (report.applied) locatorFor(ctx.db).invalidate(jurisdictionId);
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

// ---- responsible people ----

export interface ResponsibleInput {
  inspectorIds: string[];
  departmentIds: string[];
}

async function loadGrid(db: Db, principal: Principal | null, permission: string, jurisdictionId: string, code: string) {
  authorizeAny(principal, permission);
  const grid = await repo.findByCode(db, jurisdictionId, code);
  if (!grid) throw notFound('grid.not_found', { code });
  authorize(principal, permission, { jurisdictionId, gridCode: grid.code }, 'grid.not_found');
  return grid;
}

export async function setResponsible(
  ctx: GridContext,
  jurisdictionId: string,
  code: string,
  input: ResponsibleInput,
  actor: Actor,
  opts: CallOptions = {},
): Promise<GridDetail> {
  const inspectorIds = [...new Set(input.inspectorIds.map((s) => s.toLowerCase()))];
  const departmentIds = [...new Set(input.departmentIds.map((s) => s.toLowerCase()))];
  await ctx.db.transaction().execute(async (tx) => {
    const grid = await loadGrid(tx, opts.principal ?? null, 'grid.manage', jurisdictionId, code);
    await repo.lockLayer(tx, jurisdictionId);
    const users = new Set(await repo.existingUsers(tx, jurisdictionId, inspectorIds));
    const missingUser = inspectorIds.find((id) => !users.has(id));
    if (missingUser) throw badRequest('grid.inspector_not_found', { id: missingUser });
    const departments = new Set(await repo.existingDepartments(tx, jurisdictionId, departmentIds));
    const missingDept = departmentIds.find((id) => !departments.has(id));
    if (missingDept) throw badRequest('grid.department_not_found', { id: missingDept });
    await repo.replaceResponsible(tx, jurisdictionId, grid.id, inspectorIds, departmentIds);
    const version = await repo.bumpVersion(tx, jurisdictionId);
    const details = { code, inspectorIds, departmentIds, version };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'grid.responsible_set', jurisdictionId, objectType: 'grid', objectId: grid.id, details });
    await ctx.outbox.publish(tx, { name: 'grid.changed', jurisdictionId, payload: { reason: 'responsible', ...details } });
  });
  locatorFor(ctx.db).invalidate(jurisdictionId);
  return getGrid(ctx, jurisdictionId, code, opts.principal ?? null);
}

// ---- reads ----

export interface GridDetail {
  id: string;
  code: string;
  name: string;
  communityCode: string;
  community: { code: string; name: string | null };
  street: { code: string; name: string | null };
  district: { code: string; name: string | null };
  areaM2: number;
  /** [west, south, east, north] in WGS 84. */
  bbox: [number, number, number, number];
  inspectors: { id: string; name: string }[];
  departments: { id: string; name: string }[];
}

export async function getGrid(ctx: Pick<AppContext, 'db'>, jurisdictionId: string, code: string, principal: Principal | null): Promise<GridDetail> {
  const grid = await loadGrid(ctx.db, principal, 'grid.read', jurisdictionId, code);
  const [people, place] = await Promise.all([repo.listResponsible(ctx.db, jurisdictionId, grid.id), repo.findPlace(ctx.db, grid.id)]);
  const c = grid.community_code;
  return {
    id: grid.id,
    code: grid.code,
    name: grid.name,
    communityCode: c,
    community: { code: c, name: place?.community_name ?? null },
    street: { code: place?.street_code ?? c.slice(0, 9), name: place?.street_name ?? null },
    district: { code: place?.district_code ?? c.slice(0, 6), name: place?.district_name ?? null },
    areaM2: Math.round(Number(place?.area_m2 ?? 0)),
    bbox: (place?.bbox.split(',').map(Number) ?? [0, 0, 0, 0]) as [number, number, number, number],
    inspectors: people.filter((p) => p.kind === 'inspector').map((p) => ({ id: p.id, name: p.name })),
    departments: people.filter((p) => p.kind === 'department').map((p) => ({ id: p.id, name: p.name })),
  };
}

export async function listGrids(
  ctx: Pick<AppContext, 'db'>,
  principal: Principal,
  query: { prefix?: string; q?: string; after?: string; limit: number; withGeometry: boolean },
) {
  authorizeAny(principal, 'grid.read');
  const scope = scopeCondition(effectiveScope(principal, 'grid.read'), { jurisdiction: 'jurisdiction_id', gridCode: 'code' });
  const rows = await repo.listPage(ctx.db, scope, query);
  const items = rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    communityCode: r.community_code,
    ...(query.withGeometry ? { geometry: r.geojson ? (JSON.parse(r.geojson) as unknown) : null } : {}),
  }));
  return { items, next: rows.length === query.limit ? rows[rows.length - 1]!.code : null };
}

/** At most this many grids in one map answer; a wider view says `truncated` (zoom in). */
export const SHAPES_LIMIT = 3000;

/**
 * The grid layer inside a box as a GeoJSON FeatureCollection for the console map: geometries simplified to about a
 * thousandth of the box width (a pixel or so on screen), at most SHAPES_LIMIT grids, by code.
 */
export async function gridShapes(ctx: Pick<AppContext, 'db'>, principal: Principal, box: [number, number, number, number], limit = SHAPES_LIMIT) {
  authorizeAny(principal, 'grid.read');
  const scope = scopeCondition(effectiveScope(principal, 'grid.read'), { jurisdiction: 'jurisdiction_id', gridCode: 'code' });
  const tolerance = (box[2] - box[0]) / 1000;
  const rows = await repo.listShapes(ctx.db, scope, box, tolerance, limit + 1);
  const features = rows.slice(0, limit).map((r) => ({
    type: 'Feature' as const,
    geometry: JSON.parse(r.geojson) as unknown,
    properties: { code: r.code, name: r.name, communityCode: r.community_code },
  }));
  return { type: 'FeatureCollection' as const, truncated: rows.length > limit, features };
}

/** The hierarchy one level at a time: districts (no parent), a district's streets, a street's communities. */
export async function gridUnits(ctx: Pick<AppContext, 'db'>, principal: Principal, parentCode: string | null) {
  authorizeAny(principal, 'grid.read');
  const scope = scopeCondition(effectiveScope(principal, 'grid.read'), { jurisdiction: 'jurisdiction_id', gridCode: 'code' });
  return repo.listUnits(ctx.db, principal.jurisdictionId, scope, parentCode);
}

/** The grid covering a point, from the in-memory index (PostGIS stays the source of truth). */
export async function locateGrid(ctx: Pick<AppContext, 'db'>, principal: Principal, lat: number, lng: number): Promise<LocatedGrid> {
  authorizeAny(principal, 'grid.read');
  const grid = await locatorFor(ctx.db).locate(principal.jurisdictionId, lng, lat);
  if (!grid) throw notFound('grid.outside', { lat, lng });
  return grid;
}

/** For other modules (work orders): the grid covering a point in a jurisdiction, or null. No scope check. */
export async function gridAt(ctx: Pick<AppContext, 'db'>, jurisdictionId: string, lng: number, lat: number): Promise<LocatedGrid | null> {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) throw new AppError('bad_request', 'grid.point_invalid');
  return locatorFor(ctx.db).locate(jurisdictionId, lng, lat);
}
