/**
 * `civicgrid import requests`: historical requests from a CSV of any size into work orders.
 *
 * The file is streamed (csv-parse over a read stream; one batch in memory) and hashed first, so a run of the same
 * file with the same mapping that did not finish resumes after its last committed batch. Each batch is one
 * transaction: its orders (one multi-row INSERT), their timeline entries, the run's checkpoint and one audit entry.
 * Imported orders are history, not new work: channel 'import', their source and original id (unique per
 * jurisdiction: repeated rows and re-imports add nothing), no SLA deadlines or timers, no `work_order.created`
 * event (so no SMS and no auto-dispatch), reporter data (if the file has any) sealed like any other. Points go
 * into a grid when one covers them; a point outside every grid — or outside the city — is kept without a grid (the
 * record is still wanted), with the district PostGIS finds for it, if any.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, type Info } from 'csv-parse';
import type { AppContext } from '../../../app-context.js';
import { recordAudit } from '../../audit/index.js';
import { locatorFor } from '../../grid/index.js';
import { phoneLookup, sealPersonal } from '../../identity/index.js';
import { noRequest, type Actor } from '../../../shared/actor.js';
import { searchText } from '../../../shared/chinese-text.js';
import { AppError } from '../../../shared/errors.js';
import { translate, type Locale } from '../../../shared/i18n.js';
import { DEFAULT_TICKET_PREFIX, formatTicketCode, shanghaiDay } from '../ticket-code.js';
import { findTicketPrefix } from '../work-orders.repo.js';
import * as repo from './import.repo.js';
import { ENDING_STATUSES, loadMapping, mappedColumns, type ImportFormat, type Mapping } from './mapping.js';
import { mapRecord, type CsvRecord, type ImportRow, type Rejection } from './rows.js';

type Ctx = Pick<AppContext, 'db'> & { config: Pick<AppContext['config'], 'secretKey'> };

export const DEFAULT_BATCH = 500;
export const MAX_BATCH = 5000;

export interface ImportRequestsOptions {
  jurisdictionId: string;
  file: string;
  format: ImportFormat;
  mappingFile?: string;
  /** Where rejected rows go (CSV: line, id, code, reason); appended to when a run resumes. */
  rejectFile?: string;
  batch?: number;
  /** Resume an unfinished run of the same file and mapping (default); false starts a new run from the top. */
  resume?: boolean;
  /** Stop after this many data rows of the file (a trial run; the next run resumes after them). */
  limit?: number;
  actor: Actor;
  locale?: Locale;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
  imported: number;
  duplicates: number;
  rejected: number;
  elapsedMs: number;
  done: boolean;
}

export interface ImportReport {
  importId: string;
  source: string;
  file: string;
  fileHash: string;
  /** Data rows skipped because an earlier run had committed them. */
  resumedAfter: number;
  /** Data rows of the file handled so far (this run and the one it resumed). */
  rows: number;
  /** Totals of the run, including the part before a resume. */
  imported: number;
  duplicates: number;
  rejected: number;
  completed: boolean;
  seconds: number;
}

export async function importRequests(ctx: Ctx, opts: ImportRequestsOptions): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = opts.batch ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw new AppError('bad_request', 'work_order.import.batch_invalid', { max: MAX_BATCH });
  await importJurisdiction(ctx, opts.jurisdictionId);
  const { mapping, hash: mappingHash } = loadMapping(opts.format, opts.mappingFile);
  const categories = await repo.categoryCodes(ctx.db, opts.jurisdictionId);
  const departments = await checkTargets(ctx, opts.jurisdictionId, mapping, categories);
  const { hash: fileHash, bytes: totalBytes } = await hashFile(opts.file);

  const previous = opts.resume === false ? undefined : await repo.findUnfinishedRun(ctx.db, opts.jurisdictionId, fileHash, mappingHash);
  const run =
    previous ??
    (await repo.insertRun(ctx.db, { jurisdictionId: opts.jurisdictionId, source: mapping.source, format: opts.format, fileName: path.basename(opts.file), fileHash, mappingHash, fileBytes: totalBytes }));
  const resumedAfter = previous?.rows_done ?? 0;
  const totals = { imported: previous?.imported ?? 0, duplicates: previous?.duplicates ?? 0, rejected: previous?.rejected ?? 0 };
  const rejects = opts.rejectFile ? await openRejectFile(opts.rejectFile, resumedAfter > 0) : null;
  const locale = opts.locale ?? 'en';
  const prefix = (await findTicketPrefix(ctx.db, opts.jurisdictionId)) ?? DEFAULT_TICKET_PREFIX;
  const grids = await locatorFor(ctx.db).indexFor(opts.jurisdictionId);

  let bytesRead = 0;
  const input = createReadStream(opts.file);
  input.on('data', (chunk) => (bytesRead += chunk.length));
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        const missing = mappedColumns(mapping).filter((c) => !header.includes(c));
        if (missing.length > 0) throw new AppError('bad_request', 'work_order.import.columns_missing', { columns: missing.join(', ') });
        return header;
      },
    }),
  );

  let n = 0; // data rows of the file seen
  let pending: { rows: ImportRow[]; rejected: Rejection[] } = { rows: [], rejected: [] };
  let handled = 0; // rows in `pending`
  const progress = (done: boolean) =>
    opts.onProgress?.({ rows: n, bytes: Math.min(bytesRead, totalBytes), totalBytes, ...totals, elapsedMs: Date.now() - started, done });

  const flush = async (done: boolean) => {
    const batch = pending;
    pending = { rows: [], rejected: [] };
    handled = 0;
    if (batch.rows.length === 0 && batch.rejected.length === 0) {
      // Nothing left after the last full batch: only the run's end to record.
      if (done) await repo.advanceRun(ctx.db, run.id, n, { imported: 0, duplicates: 0, rejected: 0 }, true);
      progress(done);
      return;
    }
    const counts = await commitBatch(ctx, { run: run.id, jurisdictionId: opts.jurisdictionId, source: mapping.source, prefix, rowsDone: n, done, actor: opts.actor }, batch, departments, grids);
    totals.imported += counts.imported;
    totals.duplicates += counts.duplicates;
    totals.rejected += batch.rejected.length;
    if (rejects && batch.rejected.length > 0) await appendFile(rejects, batch.rejected.map((r) => rejectLine(r, locale)).join(''));
    progress(done);
  };

  let stopped = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: CsvRecord; info: Info & { error?: { code: string } } }>) {
      n++;
      if (n <= resumedAfter) {
        if (n % 5000 === 0) progress(false);
        continue;
      }
      if (opts.limit !== undefined && n > opts.limit) {
        n--;
        stopped = true;
        break;
      }
      const line = info.lines - Object.values(record).reduce((a, v) => a + (v ? countNewlines(v) : 0), 0);
      if (info.error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
        pending.rejected.push({ line, externalId: record[mapping.columns.id]?.trim() ?? '', code: 'work_order.import.column_count', params: {} });
      } else {
        const result = mapRecord(mapping, record, line, categories);
        if (result.ok) pending.rows.push(result.row);
        else pending.rejected.push(result.rejection);
      }
      if (++handled >= batchSize) await flush(false);
    }
  } catch (err) {
    input.destroy();
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; lines?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw new AppError('bad_request', 'work_order.import.csv_invalid', { line: e.lines ?? n + 1, reason: e.message?.split('\n')[0] ?? e.code });
    }
    throw err;
  }
  input.destroy();
  await flush(!stopped);
  return {
    importId: run.id,
    source: mapping.source,
    file: opts.file,
    fileHash,
    resumedAfter,
    rows: n,
    ...totals,
    completed: !stopped,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The jurisdiction named (it must exist), or the only one the server hosts. */
export async function importJurisdiction(ctx: Ctx, id: string | undefined): Promise<string> {
  if (id !== undefined) {
    if (!(await repo.jurisdictionExists(ctx.db, id))) throw new AppError('not_found', 'work_order.jurisdiction_not_found', { id });
    return id;
  }
  const only = await repo.onlyJurisdiction(ctx.db);
  if (!only) throw new AppError('bad_request', 'work_order.import.jurisdiction_required');
  return only;
}

function countNewlines(s: string): number {
  let k = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) k++;
  return k;
}

/** Every category and department the mapping names must exist in the jurisdiction: a mapping error is not a row's. */
async function checkTargets(ctx: Ctx, jurisdictionId: string, m: Mapping, categories: ReadonlySet<string>): Promise<Map<string, string>> {
  const wanted = new Set([...Object.values(m.categories), ...(m.defaultCategory ? [m.defaultCategory] : [])]);
  const unknown = [...wanted].filter((c) => !categories.has(c));
  if (unknown.length > 0) throw new AppError('bad_request', 'work_order.import.category_unknown', { codes: unknown.sort().join(', ') });
  const codes = [...new Set(Object.values(m.departments))];
  const ids = await repo.departmentIds(ctx.db, jurisdictionId, codes);
  const missing = codes.filter((c) => !ids.has(c));
  if (missing.length > 0) throw new AppError('bad_request', 'work_order.import.department_unknown', { codes: missing.sort().join(', ') });
  return ids;
}

async function hashFile(file: string): Promise<{ hash: string; bytes: number }> {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch (err) {
    throw new AppError('bad_request', 'work_order.import.file_unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  }
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return { hash: h.digest('hex'), bytes };
}

const REJECT_HEADER = 'line,external_id,code,reason\n';

async function openRejectFile(file: string, resuming: boolean): Promise<string> {
  try {
    if (!resuming || !existsSync(file)) await writeFile(file, REJECT_HEADER);
  } catch (err) {
    throw new AppError('bad_request', 'work_order.import.file_unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  }
  return file;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function rejectLine(r: Rejection, locale: Locale): string {
  return `${[r.line, r.externalId, r.code, translate(locale, r.code, r.params)].map(csvField).join(',')}\n`;
}

interface BatchMeta {
  run: string;
  jurisdictionId: string;
  source: string;
  prefix: string;
  rowsDone: number;
  done: boolean;
  actor: Actor;
}

type GridIndex = Awaited<ReturnType<ReturnType<typeof locatorFor>['indexFor']>>;

/** One transaction: the batch's new orders and their timeline, the checkpoint, one audit entry. */
async function commitBatch(
  ctx: Ctx,
  meta: BatchMeta,
  batch: { rows: ImportRow[]; rejected: Rejection[] },
  departments: ReadonlyMap<string, string>,
  grids: GridIndex,
): Promise<{ imported: number; duplicates: number }> {
  return ctx.db.transaction().execute(async (tx) => {
    const existing = await repo.existingExternalIds(tx, meta.jurisdictionId, meta.source, batch.rows.map((r) => r.externalId));
    // The first row with an id wins; later ones (repeated rows, earlier imports) are duplicates.
    const fresh: ImportRow[] = [];
    const seen = new Set(existing);
    for (const r of batch.rows) {
      if (seen.has(r.externalId)) continue;
      seen.add(r.externalId);
      fresh.push(r);
    }
    const perDay = new Map<string, number>();
    for (const r of fresh) perDay.set(shanghaiDay(r.createdAt), (perDay.get(shanghaiDay(r.createdAt)) ?? 0) + 1);
    const first = await repo.reserveDailySequences(tx, meta.jurisdictionId, perDay);
    const next = new Map<string, number>();
    const orders = fresh.map((r): repo.ImportedOrder => {
      const day = shanghaiDay(r.createdAt);
      const start = first.get(day);
      if (start === undefined) throw new AppError('unavailable', 'work_order.codes_exhausted', { day });
      const k = next.get(day) ?? 0;
      next.set(day, k + 1);
      const grid = r.location ? (grids.locate(r.location.lng, r.location.lat)?.value ?? null) : null;
      const phone = r.reporter?.phone ?? null;
      const name = r.reporter?.name ?? null;
      return {
        code: formatTicketCode(meta.prefix, day, start + k),
        jurisdictionId: meta.jurisdictionId,
        source: meta.source,
        externalId: r.externalId,
        requestType: r.requestType,
        categoryCode: r.categoryCode,
        title: r.title,
        description: r.description,
        location: r.location,
        address: r.address,
        gridCode: grid?.code ?? null,
        districtCode: grid?.district.code ?? null,
        reporterNameEnc: name === null ? null : sealPersonal(ctx.config.secretKey, name),
        reporterPhoneEnc: phone === null ? null : sealPersonal(ctx.config.secretKey, phone),
        reporterPhoneLast4: phone === null ? null : phone.replace(/\D/g, '').slice(-4).padStart(4, '0'),
        reporterPhoneHmac: phone === null ? null : phoneLookup(ctx.config.secretKey, phone),
        status: r.status,
        departmentId: r.departmentCode ? (departments.get(r.departmentCode) ?? null) : null,
        closedAt: r.closedAt,
        searchText: searchText(`${r.title} ${r.description} ${r.address ?? ''}`),
        createdAt: r.createdAt,
      };
    });
    const inserted = await repo.insertImportedOrders(tx, orders, new Date());
    const idOf = new Map(inserted.map((x) => [x.external_id, x.id]));
    const entries: repo.ImportedEntry[] = [];
    for (const r of fresh) {
      const id = idOf.get(r.externalId);
      if (!id) continue;
      entries.push(...timelineOf(r, id, meta));
    }
    await repo.insertImportedEntries(tx, entries);
    const duplicates = batch.rows.length - inserted.length;
    await repo.advanceRun(tx, meta.run, meta.rowsDone, { imported: inserted.length, duplicates, rejected: batch.rejected.length }, meta.done);
    const lines = [...batch.rows.map((r) => r.line), ...batch.rejected.map((r) => r.line)];
    await recordAudit(tx, {
      actor: meta.actor,
      request: noRequest,
      action: 'work_order.import_batch',
      jurisdictionId: meta.jurisdictionId,
      objectType: 'work_order_import',
      objectId: meta.run,
      details: {
        source: meta.source,
        rowsDone: meta.rowsDone,
        firstLine: lines.length ? Math.min(...lines) : 0,
        lastLine: lines.length ? Math.max(...lines) : 0,
        imported: inserted.length,
        duplicates,
        rejected: batch.rejected.length,
        completed: meta.done,
      },
    });
    return { imported: inserted.length, duplicates };
  });
}

/**
 * "imported" at the original creation time (what the source said in `data`); an order that ended there gets its
 * ending entry at the closing time, its note the public answer (as a live close or answer would show it).
 */
function timelineOf(r: ImportRow, workOrderId: string, meta: BatchMeta): repo.ImportedEntry[] {
  const ending = ENDING_STATUSES.has(r.status);
  const data: Record<string, string | number> = { source: meta.source, externalId: r.externalId, importId: meta.run, line: r.line };
  for (const [k, v] of Object.entries(r.original)) data[`original${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
  const imported: repo.ImportedEntry = {
    jurisdictionId: meta.jurisdictionId,
    workOrderId,
    at: r.createdAt,
    action: 'imported',
    from: null,
    to: ending ? 'received' : r.status,
    // An open order's last word from the source (e.g. "assigned to …") stays internal.
    note: ending ? null : r.answer,
    data,
  };
  if (!ending) return [imported];
  const action = r.status === 'closed' ? 'close' : r.status === 'answered' ? 'answer' : r.status === 'rejected' ? 'reject' : 'cancel';
  return [imported, { jurisdictionId: meta.jurisdictionId, workOrderId, at: r.closedAt ?? r.createdAt, action, from: 'received', to: r.status, note: r.answer, data: { imported: 1 } }];
}
