/**
 * `civicgrid evaluate` through the real binary, without storage: XLSX data in (progress on stderr for a big file,
 * the reject report in the summary), XLSX and PDF reports out (read back), and a wrong output type refused (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, demoCities } from '../src/modules/evaluation/index.js';
import { pdfText } from './pdf-text.js';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(SERVER, 'bin/civicgrid.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-evaluate-'));
const LEAVES = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);
const ENTITIES = 8000;

function cli(args: string[], lang = 'en_US.UTF-8') {
  const r = spawnSync(process.execPath, [BIN, 'evaluate', ...args], {
    env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATA_DIR: path.join(dir, 'data'), LANG: lang, LC_ALL: '' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path.join(dir, 'cities.xlsx') });
  const sheet = book.addWorksheet('cities');
  sheet.addRow(['code', 'name', 'class', 'province', 'region', ...LEAVES]).commit();
  for (const c of demoCities(4, ENTITIES)) sheet.addRow([c.code, c.name, c.class, c.province, c.region, ...LEAVES.map((k) => c.values[k] ?? null)]).commit();
  sheet.addRow(['X1', '', '', '', '', ...LEAVES.map(() => 1)]).commit();
  sheet.commit();
  await book.commit();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('civicgrid evaluate', () => {
  it('reads a big XLSX with progress and writes an XLSX report', async () => {
    const data = path.join(dir, 'cities.xlsx');
    expect(statSync(data).size).toBeGreaterThan(256 * 1024);
    const out = path.join(dir, 'results.xlsx');
    const r = cli(['--system', 'default', '--data', data, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ entities: ENTITIES, rejected: 1 });
    // Progress lines (at most one a second, so how many depends on speed) with growing row counts, then the total.
    const lines = r.err.trim().split('\n');
    expect(lines.at(-1)).toBe(`Read cities.xlsx: ${ENTITIES + 2} rows`);
    const counts = lines.map((l) => Number(/: (\d+) rows/.exec(l)![1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^Reading cities\.xlsx: \d+000 rows \(\d+% of the file read\)$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets[0]!.rowCount).toBe(2 + ENTITIES);
    expect(book.worksheets[0]!.getRow(3).getCell(1).value).toBe(1);
  }, 240_000);

  it('writes a PDF report with Chinese text, in the user language', async () => {
    const out = path.join(dir, 'results.pdf');
    const r = cli(['--system', 'default', '--data', 'demo', '--out', out], 'zh_CN.UTF-8');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const text = await pdfText(readFileSync(out));
    expect(text).toContain('城市治理现代化评估指标体系');
    expect(text).toContain('合成城市');
    expect(text).toContain('合成数据集');
  }, 120_000);

  it('refuses another output type with exit 2', () => {
    const r = cli(['--system', 'default', '--data', 'demo', '--out', path.join(dir, 'results.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Write results to a .json, .xlsx or .pdf file');
  }, 120_000);
});
