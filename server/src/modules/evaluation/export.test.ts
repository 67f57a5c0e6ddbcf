/**
 * Exports read back: the XLSX's sheets hold the ranking, node scores, raw values, weights, sensitivity and
 * statistics of the run; the PDF's text (extracted with pdf.js through the embedded font's ToUnicode map) holds the
 * Chinese city names, tier names and class names, and the font is embedded.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { demoCities } from './demo-data.js';
import { reportFromRun, runToPdf, runToXlsx } from './export.js';
import { computeRun } from './run.js';
import { pdfText } from '../../../test/pdf-text.js';

const cities = demoCities(3, 60);
const run = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities, { sensitivity: { draws: 50, seed: 2, concentration: 100 } });
const report = reportFromRun(run, cities, {
  systemNameZh: DEFAULT_TEMPLATE.nameZh,
  systemNameEn: DEFAULT_TEMPLATE.nameEn,
  versionLabel: 'v1',
  synthetic: true,
  createdAt: '2026-05-01T00:00:00.000Z',
  nodes: DEFAULT_TEMPLATE.nodes,
  settings: DEFAULT_TEMPLATE.settings,
});

const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('evaluation export', () => {
  it('XLSX: ranking, node scores, raw values, weights, sensitivity and statistics', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(arrayBuffer(await runToXlsx(report, 'zh-CN')));
    expect(book.worksheets.map((w) => w.name)).toEqual(['排名', '各级指标得分', '指标原始值', '权重', '敏感性分析', '统计']);
    const ranking = book.getWorksheet('排名')!;
    expect(String(ranking.getCell('A1').value)).toContain('合成数据');
    expect(ranking.rowCount).toBe(2 + 60);
    const best = run.results.find((r) => r.rank === 1)!;
    expect(ranking.getRow(3).getCell(1).value).toBe(1);
    expect(ranking.getRow(3).getCell(2).value).toBe(best.code);
    expect(ranking.getRow(3).getCell(3).value).toBe(best.name);
    expect(ranking.getRow(3).getCell(7).value).toBe(best.total);

    const values = book.getWorksheet('指标原始值')!;
    const header = (values.getRow(2).values as unknown[]).slice(1);
    const d11 = header.findIndex((h) => String(h).startsWith('D11 ')) + 1;
    const city = cities.find((c) => c.code === best.code)!;
    expect(values.getRow(3).getCell(d11).value).toBe(city.values.D11 ?? null);

    const scores = book.getWorksheet('各级指标得分')!;
    const g = (scores.getRow(2).values as unknown[]).slice(1).findIndex((h) => String(h) === 'G 精准治理') + 1;
    expect(scores.getRow(3).getCell(g).value).toBe(best.nodeScores.G);

    const weights = book.getWorksheet('权重')!;
    expect(weights.rowCount).toBe(2 + 42);
    let gRow = weights.getRow(3);
    weights.eachRow((row) => {
      if (row.getCell(1).value === 'G') gRow = row;
    });
    expect(gRow.getCell(3).value).toBe('精准治理');
    expect(gRow.getCell(4).value).toBeCloseTo(0.3, 9);

    const sens = book.getWorksheet('敏感性分析')!;
    expect(sens.rowCount).toBe(3 + 27);
    expect(sens.getRow(4).getCell(1).value).toBe(run.sensitivity!.influence[0]!.code);
    const stats = book.getWorksheet('统计')!;
    expect(stats.getRow(3).getCell(2).value).toBe(60);
  });

  it('XLSX in English names its sheets in English', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(arrayBuffer(await runToXlsx({ ...report, sensitivity: null }, 'en')));
    expect(book.worksheets[0]!.name).toBe('Ranking');
    expect(book.getWorksheet('Sensitivity')!.getRow(2).getCell(1).value).toBe('This run has no sensitivity analysis');
  });

  it('PDF: Chinese text extractable through the embedded CJK font', async () => {
    const bytes = await runToPdf(report, 'zh-CN');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const raw = bytes.toString('latin1');
    expect(raw).toMatch(/\/FontFile3|\/FontFile2/);
    expect(raw).toMatch(/NotoSansHans/);
    expect(raw).toContain('/ToUnicode');
    const text = await pdfText(bytes);
    const best = run.results.find((r) => r.rank === 1)!;
    expect(text).toContain(best.name);
    expect(text).toContain('合成城市');
    expect(text).toContain('档次分布');
    expect(text).toContain('地级市');
    expect(text).toContain('华东');
    expect(text).toContain('合成数据集');
    for (const tier of DEFAULT_TEMPLATE.settings.tiers) expect(text).toContain(tier.nameZh);
  });
});
