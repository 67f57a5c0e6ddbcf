/**
 * CSV and XLSX export of a work-order list: exactly the rows the viewer may see (the same scope and filters as the
 * list), reporters masked as on screen, at most EXPORT_MAX_ROWS rows (the answer says when it was cut), column
 * headings in the viewer's language. Every export is audited with its filters and row count.
 */
import ExcelJS from 'exceljs';
import { recordAudit } from '../audit/index.js';
import { effectiveScope, scopeCondition, type Principal } from '../identity/index.js';
import { noRequest } from '../../shared/actor.js';
import { searchWords } from '../../shared/chinese-text.js';
import { badRequest } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';
import { listDivisions } from '../org/index.js';
import { listCategories } from './categories.repo.js';
import { maskedReporterFields } from './work-orders.presenter.js';
import type { Caller, WorkOrderContext } from './work-orders.service.js';
import * as repo from './work-orders.repo.js';

export const EXPORT_MAX_ROWS = 50_000;
const PAGE = 1000;

const COLUMNS = [
  'code',
  'title',
  'requestType',
  'category',
  'channel',
  'urgency',
  'status',
  'district',
  'grid',
  'address',
  'department',
  'reporter',
  'phone',
  'createdAt',
  'dueAt',
  'closedAt',
  'overdue',
  'supervised',
  'rating',
] as const;

export interface ExportResult {
  contentType: string;
  filename: string;
  body: Buffer;
  rows: number;
  truncated: boolean;
}

const shanghai = (d: Date | null) => (d === null ? '' : new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' '));

function csvCell(v: string): string {
  // Cells starting with = + - @ would be formulas in a spreadsheet: neutralise them (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function exportWorkOrders(
  ctx: WorkOrderContext,
  caller: Caller & { principal: Principal },
  input: { filters: repo.ListFilters; q?: string; format: 'csv' | 'xlsx'; locale: Locale },
  now = new Date(),
): Promise<ExportResult> {
  const scope = scopeCondition(effectiveScope(caller.principal, 'work_order.read'), repo.ORDER_SCOPE_COLUMNS);
  const filters = { ...input.filters };
  if (input.q?.trim()) {
    const words = searchWords(input.q);
    if (words.length === 0) throw badRequest('work_order.search_empty');
    filters.searchWords = words;
  }
  const rows: repo.WorkOrderListRow[] = [];
  let after: repo.ListCursor | null = null;
  let truncated = false;
  for (;;) {
    const page = await repo.listWorkOrders(ctx.db, scope, filters, 'created', PAGE, after);
    for (const r of page) {
      if (rows.length === EXPORT_MAX_ROWS) {
        truncated = true;
        break;
      }
      rows.push(r);
    }
    if (truncated || page.length < PAGE) break;
    const last = page.at(-1)!;
    after = { key: new Date(last.created_at).toISOString(), id: last.id };
  }

  const t = (k: string) => translate(input.locale, k);
  // Categories and districts by name, as the console shows them (the file carried component.01.0101 and 510104).
  const named = (n: { name_zh: string; name_en: string | null }) => (input.locale === 'en' ? (n.name_en ?? n.name_zh) : n.name_zh);
  const [categoryRows, districtRows] = await Promise.all([
    listCategories(ctx.db, caller.principal.jurisdictionId),
    listDivisions(ctx, caller.principal.jurisdictionId, { level: 'district' }),
  ]);
  const categories = new Map(categoryRows.map((c) => [c.code, c]));
  const categoryLabel = (code: string | null): string => {
    const c = code === null ? undefined : categories.get(code);
    if (!c) return code ?? '';
    const parent = c.parent_code ? categories.get(c.parent_code) : undefined;
    return parent ? `${named(parent)} / ${named(c)}` : named(c);
  };
  const districts = new Map(districtRows.map((d) => [d.code, input.locale === 'en' ? (d.nameEn ?? d.nameZh) : d.nameZh]));
  const header = COLUMNS.map((c) => t(`work_order.export.${c}`));
  const values = rows.map((r) => {
    const reporter = maskedReporterFields(ctx.config.secretKey, r);
    return [
      r.code,
      r.title,
      t(`work_order.type.${r.request_type}`),
      categoryLabel(r.category_code),
      t(`work_order.channel.${r.channel}`),
      t(`work_order.urgency.${r.urgency}`),
      t(`work_order.status.${r.status}`),
      r.district_code ? (districts.get(r.district_code) ?? r.district_code) : '',
      r.grid_code ?? '',
      r.address ?? '',
      (input.locale === 'en' ? r.department_name_en : r.department_name_zh) ?? '',
      r.anonymous ? t('work_order.export.anonymous') : (reporter.name ?? ''),
      reporter.phone ?? '',
      shanghai(r.created_at),
      shanghai(r.due_at),
      shanghai(r.closed_at),
      r.overdue ? t('work_order.export.yes') : '',
      r.supervised ? t('work_order.export.yes') : '',
      r.rating ? t(`work_order.rating.${r.rating}`) + (r.rating_default ? t('work_order.export.rating_default') : '') : '',
    ];
  });

  let body: Buffer;
  if (input.format === 'csv') {
    // With a BOM, so spreadsheet programs read the Chinese text as UTF-8.
    const text = [header, ...values].map((line) => line.map(csvCell).join(',')).join('\r\n');
    body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`, 'utf8')]);
  } else {
    const book = new ExcelJS.Workbook();
    book.creator = 'CivicGrid';
    book.created = now;
    const sheet = book.addWorksheet(t('work_order.export.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(header).font = { bold: true };
    for (const v of values) sheet.addRow(v);
    sheet.columns.forEach((col, i) => (col.width = [18, 30, 8, 20, 8, 8, 10, 10, 16, 30, 24, 10, 14, 17, 17, 17, 6, 6, 10][i] ?? 12));
    if (truncated) sheet.addRow([t('work_order.export.truncated')]);
    body = Buffer.from(await book.xlsx.writeBuffer());
  }

  await ctx.db.transaction().execute(async (tx) => {
    await recordAudit(tx, {
      actor: caller.audit,
      request: caller.request ?? noRequest,
      action: 'work_order.export',
      jurisdictionId: caller.principal.jurisdictionId,
      objectType: 'work_order',
      objectId: null,
      details: { format: input.format, rows: rows.length, truncated, filters: JSON.parse(JSON.stringify({ ...input.filters, q: input.q ?? null })) },
    });
  });
  const stamp = shanghai(now).replace(/[-: ]/g, '').slice(0, 12);
  return {
    contentType: input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename: `work-orders-${stamp}.${input.format}`,
    body,
    rows: rows.length,
    truncated,
  };
}
