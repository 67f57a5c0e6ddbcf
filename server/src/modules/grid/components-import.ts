/**
 * Component inventory import (CSV or GeoJSON): every row is checked (coordinates, code, class in the class table,
 * inside a unit grid, county of a given code = the grid's district, owner department, duplicates in the file), then
 * new components are inserted in one transaction with their history, one audit entry and one event. Codes are read
 * from the file when valid, otherwise assigned per county and subclass. Re-importing does not duplicate: a row whose
 * code is already there, or (without a code) with a component of its subclass within a metre, counts as existing.
 * Any rejection changes nothing unless skipRejected (as the grid import).
 */
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, type CallOptions } from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { badRequest } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';
import { componentCode, nextSerial } from './component-codes.js';
import { ComponentFileError, parseComponentFile, type ComponentCandidate, type ComponentFileFormat, type ComponentReject, type ComponentRejectReason } from './component-file.js';
import { locatorFor } from './grid-locator.js';
import './grid.policy.js';
import * as repo from './components.repo.js';

export type ComponentImportContext = Pick<AppContext, 'db' | 'outbox'>;

const REPORT_ITEMS = 200;
const BATCH = 1000;
/** A row without a code is "already there" when a component of its subclass stands this close. */
const SAME_POINT_M = 1;

export interface ComponentImportOptions {
  dryRun?: boolean;
  skipRejected?: boolean;
  locale?: Locale;
  /** Do nothing when the jurisdiction already has components (the demo seed). */
  onlyIfEmpty?: boolean;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  phase: 'parse' | 'check' | 'insert' | 'done';
  done: number;
  total: number;
}

export interface ComponentImportReport {
  applied: boolean;
  dryRun: boolean;
  total: number;
  accepted: number;
  inserted: number;
  existing: number;
  rejectedCount: number;
  rejected: { index: number; reason: ComponentRejectReason; message: string; detail?: string }[];
  /** Rejections per reason (exact, while the list is cut at 200). */
  reasons: Partial<Record<ComponentRejectReason, number>>;
  durationMs: number;
}

class Abort extends Error {}

interface Placed extends ComponentCandidate {
  county: string;
  gridCode: string;
  ownerId: string | null;
}

export async function importComponents(
  ctx: ComponentImportContext,
  jurisdictionId: string,
  file: { format: ComponentFileFormat; content: string },
  actor: Actor,
  options: ComponentImportOptions = {},
  opts: CallOptions = {},
): Promise<ComponentImportReport> {
  const started = performance.now();
  authorize(opts.principal ?? null, 'component.manage', { jurisdictionId });
  const locale = options.locale ?? 'en';
  const progress = (phase: ImportProgress['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total });
  let parsed;
  try {
    parsed = parseComponentFile(file.format, file.content);
  } catch (err) {
    if (err instanceof ComponentFileError) throw badRequest(err.reason, { detail: err.detail });
    throw err;
  }
  const total = parsed.total;
  progress('parse', total, total);
  const rejected: ComponentReject[] = [...parsed.rejected];
  const reject = (c: ComponentCandidate, reason: ComponentRejectReason, detail?: string) => rejected.push({ index: c.index, reason, ...(detail ? { detail } : {}) });

  // In-memory checks first (outside the transaction: the locator reads through the pool).
  const locator = locatorFor(ctx.db);
  const classes = new Set((await repo.listClasses(ctx.db, jurisdictionId)).filter((c) => c.parent_code !== null).map((c) => c.code));
  const departments = await repo.departmentKeys(ctx.db, jurisdictionId);
  const placed: Placed[] = [];
  const seenCodes = new Map<string, number>();
  const seenPoints = new Map<string, number>();
  for (const [i, c] of parsed.candidates.entries()) {
    if (i % 5000 === 0) progress('check', i, parsed.candidates.length);
    if (!classes.has(c.classCode)) {
      reject(c, 'component.import.class_unknown', c.classCode);
      continue;
    }
    const grid = await locator.locate(jurisdictionId, c.lng, c.lat);
    if (!grid) {
      reject(c, 'component.import.outside_grids', `${c.lng},${c.lat}`);
      continue;
    }
    const county = c.code ? c.code.slice(0, 6) : grid.district.code;
    if (county !== grid.district.code) {
      reject(c, 'component.import.county_mismatch', `${county} / ${grid.district.code}`);
      continue;
    }
    const ownerId = c.owner === null ? null : (departments.get(c.owner) ?? undefined);
    if (ownerId === undefined) {
      reject(c, 'component.import.department_unknown', c.owner ?? '');
      continue;
    }
    const key = c.code ?? `${c.classCode}@${c.lng.toFixed(7)},${c.lat.toFixed(7)}`;
    const seen = c.code ? seenCodes : seenPoints;
    const first = seen.get(key);
    if (first !== undefined) {
      reject(c, 'component.import.duplicate_code', c.code ? `${c.code} (#${first})` : `#${first}`);
      continue;
    }
    seen.set(key, c.index);
    placed.push({ ...c, county, gridCode: grid.code, ownerId });
  }
  progress('check', parsed.candidates.length, parsed.candidates.length);

  rejected.sort((a, b) => a.index - b.index);
  const reasons: ComponentImportReport['reasons'] = {};
  for (const r of rejected) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  const report: ComponentImportReport = {
    applied: false,
    dryRun: options.dryRun ?? false,
    total,
    accepted: placed.length,
    inserted: 0,
    existing: 0,
    rejectedCount: rejected.length,
    rejected: rejected.slice(0, REPORT_ITEMS).map((r) => ({ ...r, message: translate(locale, r.reason, { detail: r.detail ?? '' }) })),
    reasons,
    durationMs: 0,
  };

  try {
    await ctx.db.transaction().execute(async (tx) => {
      await repo.lockSerial(tx, jurisdictionId, 'import');
      if (options.onlyIfEmpty && (await repo.countComponents(tx, jurisdictionId)) > 0) throw new Abort();
      const existingByCode = await repo.existingCodes(tx, jurisdictionId, placed.flatMap((p) => (p.code ? [p.code] : [])));
      const existingByPoint = await repo.pointsAlreadyThere(tx, jurisdictionId, placed.filter((p) => !p.code).map((p) => ({ idx: p.index, classCode: p.classCode, lng: p.lng, lat: p.lat })), SAME_POINT_M);
      const fresh = placed.filter((p) => (p.code ? !existingByCode.has(p.code) : !existingByPoint.has(p.index)));
      report.existing = placed.length - fresh.length;
      if (report.dryRun || (rejected.length > 0 && !options.skipRejected) || fresh.length === 0) throw new Abort();

      // Given codes first, then the next free serials per county and subclass (which see the given ones).
      const rows: repo.NewComponent[] = [];
      const toRow = (p: Placed, code: string): repo.NewComponent => ({ code, county: p.county, classCode: p.classCode, name: p.name, lng: p.lng, lat: p.lat, gridCode: p.gridCode, ownerDepartmentId: p.ownerId, status: p.status });
      for (const p of fresh) if (p.code) rows.push(toRow(p, p.code));
      const byPrefix = new Map<string, Placed[]>();
      for (const p of fresh) {
        if (p.code) continue;
        const key = `${p.county}${p.classCode}`;
        byPrefix.set(key, [...(byPrefix.get(key) ?? []), p]);
      }
      const highest = new Map<string, number | null>();
      for (const [prefix, list] of byPrefix) {
        await repo.lockSerial(tx, jurisdictionId, prefix);
        highest.set(prefix, await repo.highestSerial(tx, jurisdictionId, list[0]!.county, list[0]!.classCode));
      }
      for (const r of rows) {
        const key = r.code.slice(0, 10);
        const serial = Number(r.code.slice(10));
        if (byPrefix.has(key) && serial > (highest.get(key) ?? 0)) highest.set(key, serial);
      }
      for (const [prefix, list] of byPrefix) {
        let last = highest.get(prefix) ?? null;
        for (const p of list) {
          const serial = nextSerial(last);
          if (serial === null) throw badRequest('component.serials_exhausted', { prefix });
          rows.push(toRow(p, componentCode(p.county, p.classCode, serial)));
          last = serial;
        }
      }
      for (let i = 0; i < rows.length; i += BATCH) {
        await repo.insertComponents(tx, jurisdictionId, rows.slice(i, i + BATCH), actor.name, 'import');
        progress('insert', Math.min(i + BATCH, rows.length), rows.length);
      }
      report.inserted = rows.length;
      report.applied = true;
      const details = { total, inserted: report.inserted, existing: report.existing, rejected: report.rejectedCount, format: file.format };
      await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component.import', jurisdictionId, objectType: 'components', objectId: jurisdictionId, details });
      await ctx.outbox.publish(tx, { name: 'component.imported', jurisdictionId, payload: details });
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
  }
  report.durationMs = Math.round(performance.now() - started);
  progress('done', total, total);
  return report;
}
