/**
 * `civicgrid evaluate --system FILE.json|default --data FILE.csv|FILE.xlsx|demo --out results.json|.xlsx|.pdf`: a
 * whole evaluation on files, without a database — the same computation the server stores (run.ts), so an analyst
 * can reproduce a published result from the version's definition and the data. An XLSX of 256 KiB or more reports
 * its reading progress; .xlsx and .pdf outputs are the same reports the API exports (export.ts).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { translate, type Locale } from '../../shared/i18n.js';
import { badRequest } from '../../shared/errors.js';
import { datasetToCsv, parseDatasetCsv, type ParsedDataset } from './dataset.js';
import { parseDatasetXlsx } from './dataset-xlsx.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { demoCities } from './demo-data.js';
import { definitionSchema } from './evaluation.schema.js';
import { MAX_DRAWS } from './methods/sensitivity.js';
import { reportFromRun, runToPdf, runToXlsx } from './export.js';
import { computeRun } from './run.js';
import type { SystemNode, SystemSettings } from './system.js';

const MAX_FILE_BYTES = 256 * 1024 * 1024;

function read(file: string): string {
  if (!existsSync(file)) throw badRequest('evaluation.file_unreadable', { file });
  if (statSync(file).size > MAX_FILE_BYTES) throw badRequest('evaluation.file_too_large', { file, max: MAX_FILE_BYTES });
  return readFileSync(file, 'utf8');
}

export interface EvaluateOptions {
  system: string;
  data: string;
  out: string;
  draws?: number;
  seed?: number;
  concentration?: number;
  locale?: Locale;
  /** Progress lines (for stderr) while a big file is read. */
  progress?: (line: string) => void;
}

const PROGRESS_FROM_BYTES = 256 * 1024;

async function readDataset(o: EvaluateOptions): Promise<ParsedDataset> {
  if (o.data === 'demo') return parseDatasetCsv(datasetToCsv(DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code), demoCities()));
  if (!o.data.toLowerCase().endsWith('.xlsx')) return parseDatasetCsv(read(o.data));
  if (!existsSync(o.data)) throw badRequest('evaluation.file_unreadable', { file: o.data });
  const size = statSync(o.data).size;
  if (size > MAX_FILE_BYTES) throw badRequest('evaluation.file_too_large', { file: o.data, max: MAX_FILE_BYTES });
  const report = size >= PROGRESS_FROM_BYTES && o.progress;
  let last = 0;
  const dataset = await parseDatasetXlsx(o.data, report ? (p) => {
    // At most one line a second, and the last one.
    const now = Date.now();
    if (!p.done && now - last < 1000) return;
    last = now;
    const params = { file: path.basename(o.data), rows: p.rows, percent: Math.floor((100 * p.bytes) / Math.max(1, p.totalBytes)) };
    report(`${translate(o.locale ?? 'zh-CN', p.done ? 'evaluation.progress_done' : 'evaluation.progress_reading', params)}\n`);
  } : undefined);
  return dataset;
}

const OUT_FORMATS = ['.json', '.xlsx', '.pdf'];

export async function evaluateFiles(o: EvaluateOptions): Promise<{ entities: number; rejected: number; tierCounts: Record<string, number> }> {
  const format = path.extname(o.out).toLowerCase();
  if (!OUT_FORMATS.includes(format)) throw badRequest('evaluation.out_format', { file: o.out });
  if (o.draws !== undefined && !(Number.isInteger(o.draws) && o.draws >= 0 && o.draws <= MAX_DRAWS)) throw badRequest('evaluation.draws_invalid', { max: MAX_DRAWS });
  let definition: { nodes: SystemNode[]; settings: SystemSettings };
  if (o.system === 'default') definition = { nodes: DEFAULT_TEMPLATE.nodes, settings: DEFAULT_TEMPLATE.settings };
  else {
    let raw: unknown;
    try {
      raw = JSON.parse(read(o.system));
    } catch (err) {
      if (err instanceof SyntaxError) throw badRequest('evaluation.json_invalid', { file: o.system });
      throw err;
    }
    const parsed = definitionSchema.safeParse(raw);
    if (!parsed.success) throw badRequest('evaluation.system_file_invalid', { file: o.system, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ') });
    definition = parsed.data;
  }
  const dataset = await readDataset(o);
  const sensitivity = o.draws ? { draws: o.draws, seed: o.seed ?? 1, concentration: o.concentration ?? 100 } : undefined;
  const run = computeRun(definition.nodes, definition.settings, dataset.entities, sensitivity ? { sensitivity } : {});
  const synthetic = o.data === 'demo';
  const generatedAt = new Date().toISOString();
  if (format === '.json') {
    writeFileSync(o.out, `${JSON.stringify({ generatedAt, synthetic, definition, rejects: dataset.rejects, rejected: dataset.rejectCount, ...run }, null, 1)}\n`);
  } else {
    const named = o.system === 'default' ? DEFAULT_TEMPLATE : { nameZh: path.basename(o.system), nameEn: path.basename(o.system) };
    const report = reportFromRun(run, dataset.entities, { systemNameZh: named.nameZh, systemNameEn: named.nameEn, versionLabel: o.system === 'default' ? DEFAULT_TEMPLATE.code : path.basename(o.system), synthetic, createdAt: generatedAt, ...definition });
    const locale = o.locale ?? 'zh-CN';
    writeFileSync(o.out, format === '.xlsx' ? await runToXlsx(report, locale) : await runToPdf(report, locale));
  }
  return { entities: run.summary.entities, rejected: dataset.rejectCount, tierCounts: run.summary.tierCounts };
}
