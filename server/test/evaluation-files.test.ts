/**
 * Evaluation files through the HTTP API: XLSX dataset import (same validation and reject report as CSV, with the
 * spreadsheet's row numbers; not-an-XLSX and both-or-neither refused with stable codes) and run exports as XLSX
 * and PDF (read back; audited; leaders may export, other roles and jurisdictions not).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, demoCities } from '../src/modules/evaluation/index.js';
import { createTestApp, type TestApp } from './app.js';
import { makeEvaluationPeople, type Session } from './factories.js';
import { pdfText } from './pdf-text.js';

let t: TestApp;
let analyst: Session;
let leader: Session;
let handler: Session;
let otherAnalyst: Session;
let versionId = '';

const LEAF_CODES = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);

const api = (who: Session, method: 'GET' | 'POST', url: string, payload?: object, lang = 'en') =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...who.bearer, 'accept-language': lang }, ...(payload ? { payload } : {}) });

/** A workbook like an analyst's: header, cities, one blank row, a bad row, a formula cell; a second sheet ignored. */
async function workbook(count: number): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('数据');
  sheet.addRow(['code', 'name', 'class', 'province', 'region', ...LEAF_CODES]);
  const cities = demoCities(9, count);
  for (const c of cities) sheet.addRow([c.code, c.name, c.class, c.province, c.region, ...LEAF_CODES.map((k) => c.values[k] ?? null)]);
  sheet.addRow([]);
  sheet.addRow(['BAD1', '坏行', '地级市', '四川', '西南', 'n/a', ...LEAF_CODES.slice(1).map(() => 1)]);
  // A formula with its cached result counts as the number.
  sheet.getCell(2, 6).value = { formula: '1+1', result: 77000 };
  book.addWorksheet('notes').addRow(['ignored']);
  return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}

beforeAll(async () => {
  t = await createTestApp();
  ({ analyst, leader, handler, otherAnalyst } = await makeEvaluationPeople(t.ctx.db, t.app));
  const system = await api(analyst, 'POST', '/evaluation/systems', { code: 'idx', nameZh: '治理指数', nameEn: 'Governance index', template: 'default' });
  versionId = (await api(analyst, 'POST', `/evaluation/systems/${system.json().system.id}/publish`)).json().version.id;
});
afterAll(async () => {
  await t?.close();
});

describe('evaluation files', () => {
  let runId = '';

  it('imports XLSX with the same validation and reject report as CSV', async () => {
    const res = await api(analyst, 'POST', '/evaluation/datasets', { name: 'xlsx 30', xlsx: await workbook(30) });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json().dataset;
    expect(d).toMatchObject({ rowCount: 30, indicatorCodes: LEAF_CODES, rejectsTruncated: false });
    // Header row 1, cities rows 2–31, blank row 32, the bad row is the sheet's row 33.
    expect(d.rejects).toEqual([{ line: 33, reasons: ['D11: "n/a" is not a number'] }]);
    const rows = await t.ctx.db.selectFrom('evaluation_dataset_rows').select(['entity_code', 'values', 'class']).where('dataset_id', '=', d.id).orderBy('entity_code').execute();
    expect(rows[0]).toMatchObject({ entity_code: 'SYN001', class: demoCities(9, 30)[0]!.class });
    expect(rows[0]!.values.D11).toBe(77000);

    const run = await api(analyst, 'POST', '/evaluation/runs', { systemVersionId: versionId, datasetId: d.id, sensitivity: { draws: 50, seed: 1, concentration: 100 } });
    expect(run.statusCode, run.body).toBe(201);
    runId = run.json().run.id;
  });

  it('refuses what is not an XLSX, and neither or both sources, with stable codes', async () => {
    const notXlsx = await api(analyst, 'POST', '/evaluation/datasets', { name: 'x', xlsx: Buffer.from('code,name\nA,B\n').toString('base64') });
    expect(notXlsx.statusCode).toBe(400);
    expect(notXlsx.json()).toMatchObject({ code: 'evaluation.xlsx_invalid', message: 'The file is not a readable XLSX workbook' });
    const brokenZip = await api(analyst, 'POST', '/evaluation/datasets', { name: 'x', xlsx: Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.alloc(200, 7)]).toString('base64') }, 'zh-CN');
    expect(brokenZip.statusCode).toBe(400);
    expect(brokenZip.json()).toMatchObject({ code: 'evaluation.xlsx_invalid', message: '文件不是可读取的 XLSX 工作簿' });
    const neither = await api(analyst, 'POST', '/evaluation/datasets', { name: 'x' });
    expect(neither.json()).toMatchObject({ code: 'evaluation.dataset_source' });
    const both = await api(analyst, 'POST', '/evaluation/datasets', { name: 'x', csv: 'code,name\nA,B\n', xlsx: await workbook(1) });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('evaluation.dataset_source');
    const notBase64 = await api(analyst, 'POST', '/evaluation/datasets', { name: 'x', xlsx: '***' });
    expect(notBase64.statusCode).toBe(400);
  });

  it('exports the run as XLSX and PDF, audited; leaders may, others may not', async () => {
    const xlsx = await api(leader, 'GET', `/evaluation/runs/${runId}/export.xlsx`, undefined, 'zh-CN');
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.headers['content-disposition']).toMatch(/attachment; filename="evaluation-idx-v1-.*\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload.buffer.slice(xlsx.rawPayload.byteOffset, xlsx.rawPayload.byteOffset + xlsx.rawPayload.byteLength) as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['排名', '各级指标得分', '指标原始值', '权重', '敏感性分析', '统计']);
    const results = (await api(leader, 'GET', `/evaluation/runs/${runId}/results?limit=1`)).json().items[0];
    const ranking = book.getWorksheet('排名')!;
    expect(ranking.getRow(3).getCell(2).value).toBe(results.code);
    expect(ranking.getRow(3).getCell(7).value).toBe(results.total);
    expect(ranking.getRow(3).getCell(12).value).toBe(results.flags.sensitivity.rankP05);
    expect(ranking.rowCount).toBe(2 + 30);

    const pdf = await api(leader, 'GET', `/evaluation/runs/${runId}/export.pdf`, undefined, 'zh-CN');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('治理指数 · idx v1');
    expect(text).toContain(results.name);
    expect(text).toContain('按区域统计');

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'evaluation_run.export').orderBy('seq').execute();
    expect(audit.map((a) => (a.details as { format: string }).format)).toEqual(['xlsx', 'pdf']);

    expect((await api(handler, 'GET', `/evaluation/runs/${runId}/export.pdf`)).statusCode).toBe(403);
    const foreign = await api(otherAnalyst, 'GET', `/evaluation/runs/${runId}/export.xlsx`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('evaluation.run_not_found');
  });
});
