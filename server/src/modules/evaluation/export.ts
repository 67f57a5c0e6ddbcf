/**
 * A run as files, pure (data in, bytes out; the API and `civicgrid evaluate --out` both use it):
 * - XLSX: ranking (rank, tier, coverage, change, sensitivity interval), every node's score, the indicator values as
 *   imported, the weights (nominal within the parent and effective), the sensitivity (influence per indicator) and
 *   the statistics (overall, by class, by region, tier counts).
 * - PDF: ranking, tier distribution and the statistics by class and region, with Chinese text rendered from an
 *   embedded Noto Sans (Simplified Chinese, GB2312 coverage, from the @embedpdf/fonts-sc package; pdfkit embeds
 *   only the glyphs used, with a ToUnicode map so the text can be searched and copied).
 * Headers come from the locale catalogs (zh-CN by default, en).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { translate, type Locale } from '../../shared/i18n.js';
import { effectiveWeights } from './methods/engine.js';
import type { Summary } from './methods/stats.js';
import type { EntityInput, EntityResult, RunOutput, RunSummary } from './run.js';
import { buildSystem, type SystemNode, type SystemSettings } from './system.js';

/** A result as run.ts gives it (change and sensitivity optional, flags not needed) with the entity's raw values. */
export type ReportEntity = Omit<EntityResult, 'flags' | 'change' | 'sensitivity'> & {
  values: Record<string, number | null | undefined>;
  change?: EntityResult['change'];
  sensitivity?: EntityResult['sensitivity'] | null;
};

export interface RunReport {
  systemNameZh: string;
  systemNameEn: string;
  /** e.g. "gov-index v3" or the file name of the definition. */
  versionLabel: string;
  synthetic: boolean;
  createdAt: string;
  nodes: SystemNode[];
  settings: SystemSettings;
  /** In rank order. */
  entities: ReportEntity[];
  summary: RunSummary;
  sensitivity: { draws: number; seed: number; concentration: number; influence: { code: string; influence: number }[] } | null;
}

/** A computed run (run.ts) with the data it scored, as a report (the CLI's case; the API builds it from rows). */
export function reportFromRun(
  run: RunOutput,
  entities: readonly EntityInput[],
  meta: Pick<RunReport, 'systemNameZh' | 'systemNameEn' | 'versionLabel' | 'synthetic' | 'createdAt' | 'nodes' | 'settings'>,
): RunReport {
  const values = new Map(entities.map((e) => [e.code, e.values]));
  const ordered = [...run.results].sort((a, b) => (a.rank || Infinity) - (b.rank || Infinity) || a.code.localeCompare(b.code));
  return { ...meta, entities: ordered.map((r) => ({ ...r, nodeScores: r.nodeScores, values: values.get(r.code) ?? {} })), summary: run.summary, sensitivity: run.sensitivity };
}

const FONT = (() => {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
})();

const num = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const fixed = (x: number | null | undefined, digits = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');

function labels(report: RunReport, locale: Locale) {
  const t = (k: string, p?: Record<string, string | number>) => translate(locale, `evaluation.export.${k}`, p);
  const name = (n: { nameZh: string; nameEn: string }) => (locale === 'en' ? n.nameEn : n.nameZh);
  const tierName = new Map(report.settings.tiers.map((x) => [x.code, name(x)]));
  const title = `${locale === 'en' ? report.systemNameEn : report.systemNameZh} · ${report.versionLabel}`;
  return { t, name, tierName, title };
}

function summaryRow(label: string, s: Summary) {
  return [label, s.count, num(s.mean), num(s.median), num(s.sd), num(s.min), num(s.max), num(s.iqr)];
}

export async function runToXlsx(report: RunReport, locale: Locale): Promise<Buffer> {
  const { t, name, tierName, title } = labels(report, locale);
  const { tree } = buildSystem(report.nodes, report.settings);
  const byCode = new Map(report.nodes.map((n) => [n.code, n]));
  const codes = tree.codes.slice(1);
  const leaves = tree.leaves.map((l) => l.code);
  const book = new ExcelJS.Workbook();
  book.creator = 'CivicGrid';
  book.created = new Date(report.createdAt);
  const head = (sheet: ExcelJS.Worksheet, columns: string[]) => {
    sheet.addRow([report.synthetic ? `${title} — ${t('synthetic')}` : title]).font = { bold: true };
    sheet.addRow(columns).font = { bold: true };
  };
  const sheetOf = (key: string) => book.addWorksheet(t(key), { views: [{ state: 'frozen', ySplit: 2 }] });
  const ident = (e: ReportEntity) => [e.code, e.name];

  const ranking = sheetOf('sheet_ranking');
  head(ranking, [t('rank'), t('code'), t('name'), t('class'), t('province'), t('region'), t('total'), t('tier'), t('coverage'), t('change_total'), t('change_rank'), t('rank_p05'), t('rank_p95'), t('tier_stability')]);
  for (const e of report.entities) {
    ranking.addRow([
      e.rank || null, ...ident(e), e.class, e.province, e.region, num(e.total), e.tier ? (tierName.get(e.tier) ?? e.tier) : null, e.coverage,
      num(e.change?.total), num(e.change?.rank), e.sensitivity?.rankP05 ?? null, e.sensitivity?.rankP95 ?? null, num(e.sensitivity?.tierStability),
    ]);
  }
  ranking.getColumn(9).numFmt = '0.0%';
  ranking.getColumn(14).numFmt = '0.0%';

  const scores = sheetOf('sheet_scores');
  head(scores, [t('code'), t('name'), t('total'), ...codes.map((c) => `${c} ${name(byCode.get(c)!)}`)]);
  for (const e of report.entities) scores.addRow([...ident(e), num(e.total), ...codes.map((c) => num(e.nodeScores[c]))]);

  const values = sheetOf('sheet_values');
  head(values, [t('code'), t('name'), ...leaves.map((c) => `${c} ${name(byCode.get(c)!)}${byCode.get(c)!.unit ? ` (${byCode.get(c)!.unit})` : ''}`)]);
  for (const e of report.entities) values.addRow([...ident(e), ...leaves.map((c) => num(e.values[c]))]);

  const weights = sheetOf('sheet_weights');
  head(weights, [t('code'), t('parent'), t('name'), t('weight'), t('effective_weight'), t('direction'), t('normalization'), t('unit'), t('source')]);
  const eff = effectiveWeights(tree);
  for (let k = 1; k < tree.size; k++) {
    const n = byCode.get(tree.codes[k]!)!;
    const p = tree.parent[k]!;
    weights.addRow([
      n.code, p === 0 ? null : tree.codes[p], name(n), tree.weight[k], eff[k],
      n.direction ? t(`direction_${n.direction}`) : null, n.normalization?.method ?? null, n.unit ?? null,
      n.direction ? (n.source?.kind === 'platform' ? n.source.metric : t('source_import')) : null,
    ]);
  }
  weights.getColumn(4).numFmt = '0.0000';
  weights.getColumn(5).numFmt = '0.0000';

  const sens = sheetOf('sheet_sensitivity');
  if (report.sensitivity) {
    head(sens, [t('code'), t('name'), t('influence')]);
    sens.addRow([t('sensitivity_settings', { draws: report.sensitivity.draws, seed: report.sensitivity.seed, concentration: report.sensitivity.concentration })]);
    for (const i of report.sensitivity.influence) sens.addRow([i.code, name(byCode.get(i.code) ?? { nameZh: i.code, nameEn: i.code }), i.influence]);
  } else head(sens, [t('no_sensitivity')]);

  const stats = sheetOf('sheet_stats');
  head(stats, [t('group'), t('count'), t('mean'), t('median'), t('sd'), t('min'), t('max'), t('iqr')]);
  stats.addRow(summaryRow(t('overall'), report.summary.overall));
  for (const [k, s] of Object.entries(report.summary.byClass)) stats.addRow(summaryRow(`${t('class')}: ${k}`, s));
  for (const [k, s] of Object.entries(report.summary.byRegion)) stats.addRow(summaryRow(`${t('region')}: ${k}`, s));
  stats.addRow([]);
  stats.addRow([t('tier'), t('count')]).font = { bold: true };
  for (const tier of report.settings.tiers) stats.addRow([name(tier), report.summary.tierCounts[tier.code] ?? 0]);
  for (const ws of [stats, scores]) for (let c = 2; c <= ws.columnCount; c++) ws.getColumn(c).numFmt = '0.00';
  for (const ws of book.worksheets) ws.getColumn(ws === stats ? 1 : 2).width = 24;
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function runToPdf(report: RunReport, locale: Locale): Promise<Buffer> {
  const { t, name, tierName, title } = labels(report, locale);
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title, Creator: 'CivicGrid' }, bufferPages: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', FONT);
  doc.font('cjk');
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  /** A table with fixed column widths (fractions of the page width); repeats the header on a new page. */
  const table = (columns: { label: string; width: number; align?: 'left' | 'right' }[], rows: (string | number)[][]) => {
    const rowHeight = 15;
    const drawRow = (cells: (string | number)[], bold: boolean) => {
      if (doc.y + rowHeight > bottom()) {
        doc.addPage();
        drawRow(columns.map((c) => c.label), true);
      }
      const y = doc.y;
      let x = left;
      doc.fontSize(8.5).fillColor(bold ? '#000000' : '#222222');
      cells.forEach((cell, i) => {
        const w = columns[i]!.width * width;
        doc.text(String(cell), x + 2, y + 3, { width: w - 4, align: columns[i]!.align ?? 'left', lineBreak: false, ellipsis: true });
        x += w;
      });
      doc.moveTo(left, y + rowHeight).lineTo(left + width, y + rowHeight).lineWidth(bold ? 0.8 : 0.3).strokeColor('#999999').stroke();
      doc.x = left;
      doc.y = y + rowHeight;
    };
    drawRow(columns.map((c) => c.label), true);
    for (const r of rows) drawRow(r, false);
    doc.moveDown(1);
  };
  const heading = (text: string) => {
    if (doc.y + 60 > bottom()) doc.addPage();
    doc.x = left;
    doc.fontSize(13).fillColor('#000000').text(text, left, doc.y, { width });
    doc.moveDown(0.4);
  };

  doc.fontSize(17).text(title, { width });
  doc.moveDown(0.3);
  doc.fontSize(9.5).fillColor('#444444').text(t('pdf_meta', { entities: report.summary.entities, date: report.createdAt.slice(0, 10), aggregation: report.settings.aggregation, missing: report.settings.missing }), { width });
  if (report.synthetic) doc.fillColor('#b42318').text(t('synthetic_note'), { width });
  doc.moveDown(0.8);

  heading(t('tier_distribution'));
  const n = Math.max(1, report.summary.entities);
  const barLeft = left + 0.3 * width;
  const barWidth = 0.5 * width;
  for (const tier of report.settings.tiers) {
    const count = report.summary.tierCounts[tier.code] ?? 0;
    const y = doc.y;
    doc.fontSize(9.5).fillColor('#000000').text(name(tier), left, y, { width: 0.3 * width - 6, lineBreak: false, ellipsis: true });
    doc.rect(barLeft, y + 1, Math.max(0.5, (barWidth * count) / n), 10).fill('#3b6fb6');
    doc.fillColor('#000000').text(`${count} (${((100 * count) / n).toFixed(1)}%)`, barLeft + barWidth + 6, y, { width: 0.2 * width - 6, lineBreak: false });
    doc.x = left;
    doc.y = y + 16;
  }
  doc.moveDown(1);

  const statColumns = [
    { label: t('group'), width: 0.3 },
    ...(['count', 'mean', 'median', 'sd', 'min', 'max'] as const).map((k) => ({ label: t(k), width: 0.7 / 6, align: 'right' as const })),
  ];
  const statRows = (by: Record<string, Summary>) =>
    Object.entries(by).map(([k, s]) => [k, s.count, fixed(s.mean), fixed(s.median), fixed(s.sd), fixed(s.min), fixed(s.max)]);
  heading(t('by_class'));
  table(statColumns, [[t('overall'), ...statRows({ x: report.summary.overall })[0]!.slice(1)], ...statRows(report.summary.byClass)]);
  heading(t('by_region'));
  table(statColumns, statRows(report.summary.byRegion));

  heading(t('sheet_ranking'));
  table(
    [
      { label: t('rank'), width: 0.08, align: 'right' },
      { label: t('name'), width: 0.3 },
      { label: t('class'), width: 0.24 },
      { label: t('region'), width: 0.1 },
      { label: t('total'), width: 0.1, align: 'right' },
      { label: t('tier'), width: 0.18 },
    ],
    report.entities.map((e) => [e.rank || '—', e.name, e.class ?? '', e.region ?? '', fixed(e.total), e.tier ? (tierName.get(e.tier) ?? e.tier) : '—']),
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin pdfkit would start a new page: lift the margin while writing the footer.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor('#888888').text(`${i + 1} / ${range.count}`, left, doc.page.height - 30, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
