/**
 * Knowledge articles from CSV (pure: text in, article rows and a reject report out). The columns are those of
 * the 12345 mailbox export (../shared/data/12345/shangluo-mayor-mailbox.csv), so a city can load its own
 * letters and replies; see data/README.md for the full description:
 *
 *   mail_id        optional; the row's id in the source — rows already imported with this id are skipped
 *   title          required, ≤ 200 characters
 *   query          required: the citizen's question (the letter), ≤ 10,000
 *   query_date     optional, ignored (kept for compatibility with the export)
 *   reply          required: the answer, ≤ 20,000
 *   reply_date     optional, ignored
 *   reply_agency   optional: the responsible agency, ≤ 200
 *   url            optional: the source page (http/https)
 *   category       optional (extension): a work-order category code such as utilities.water
 *   tags           optional (extension): tags separated by ; 、 or ,
 *   valid_from, valid_to   optional (extension): YYYY-MM-DD, for policies that expire
 *
 * Personal data is removed from title and question (and mobile numbers, IDs and names from the answer; agency
 * service numbers stay) with redactPersonalData.
 */
import { AppError } from '../../shared/errors.js';
import { redactPersonalData } from './redact.js';

export const CSV_MAX_ROWS = 100_000;
const CSV_MAX_COLUMNS = 50;

export const LIMITS = { title: 200, question: 10_000, answer: 20_000, agency: 200, url: 2000, ref: 100, tags: 20, tag: 32 } as const;
export const CATEGORY_RE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const REQUIRED = ['title', 'query', 'reply'] as const;

/** A small RFC 4180 reader (quoted fields with "" escapes, CRLF or LF, optional BOM), bounded. */
export function parseCsv(text: string, maxRows = CSV_MAX_ROWS + 1): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
    if (row.length > CSV_MAX_COLUMNS) throw new AppError('bad_request', 'knowledge.csv_too_wide', { row: rows.length + 1, max: CSV_MAX_COLUMNS });
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) {
      if (rows.length >= maxRows) throw new AppError('bad_request', 'knowledge.csv_too_long', { max: maxRows - 1 });
      rows.push(row);
    }
    row = [];
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n') endRow();
    else if (ch === '\r') {
      if (text[i + 1] !== '\n') endRow();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new AppError('bad_request', 'knowledge.csv_unterminated', { row: rows.length + 1 });
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

export interface ArticleDraft {
  /** The CSV record number (the header is 1). */
  row: number;
  sourceRef: string | null;
  title: string;
  question: string;
  answer: string;
  agency: string | null;
  sourceUrl: string | null;
  categoryCode: string | null;
  tags: string[];
  validFrom: string | null;
  validTo: string | null;
}

export interface RowReject {
  row: number;
  code: string;
  params: Record<string, string | number>;
}

/** Tags from free text: split on ; ； 、 , ， | and whitespace-trimmed, deduplicated. */
export function splitTags(text: string): string[] {
  return [...new Set(text.split(/[;；、,，|]/).map((t) => t.trim()).filter(Boolean))];
}

/** Text a database can store: no NUL, no lone surrogates; trimmed. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').trim();
}

const isDate = (s: string) => DATE_RE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export function readArticlesCsv(text: string): { total: number; drafts: ArticleDraft[]; rejected: RowReject[] } {
  const table = parseCsv(text);
  if (table.length === 0) throw new AppError('bad_request', 'knowledge.csv_empty');
  const header = table[0]!.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new AppError('bad_request', 'knowledge.csv_header_missing', { columns: missing.join(', ') });
  const col = (name: string) => header.indexOf(name);
  const idx = {
    ref: col('mail_id'), title: col('title'), query: col('query'), reply: col('reply'), agency: col('reply_agency'), url: col('url'),
    category: col('category'), tags: col('tags'), validFrom: col('valid_from'), validTo: col('valid_to'),
  };
  const drafts: ArticleDraft[] = [];
  const rejected: RowReject[] = [];
  const seenRefs = new Set<string>();
  for (let r = 1; r < table.length; r++) {
    const cells = table[r]!;
    const row = r + 1;
    const get = (i: number) => (i >= 0 ? cleanText(cells[i] ?? '') : '');
    const reject = (code: string, params: Record<string, string | number> = {}) => rejected.push({ row, code, params });
    if (cells.length !== header.length) {
      reject('knowledge.row_columns', { count: cells.length, expected: header.length });
      continue;
    }
    const title = redactPersonalData(get(idx.title).replace(/\s+/g, ' '));
    const question = redactPersonalData(get(idx.query));
    const answer = redactPersonalData(get(idx.reply), { landlines: false });
    const ref = get(idx.ref) || null;
    const agency = get(idx.agency) || null;
    const url = get(idx.url) || null;
    const category = get(idx.category) || null;
    const tags = splitTags(get(idx.tags));
    const validFrom = get(idx.validFrom) || null;
    const validTo = get(idx.validTo) || null;
    const emptyField = !title ? 'title' : !question ? 'query' : !answer ? 'reply' : null;
    if (emptyField) reject('knowledge.row_field_missing', { field: emptyField });
    else if (title.length > LIMITS.title) reject('knowledge.row_too_long', { field: 'title', max: LIMITS.title });
    else if (question.length > LIMITS.question) reject('knowledge.row_too_long', { field: 'query', max: LIMITS.question });
    else if (answer.length > LIMITS.answer) reject('knowledge.row_too_long', { field: 'reply', max: LIMITS.answer });
    else if (agency && agency.length > LIMITS.agency) reject('knowledge.row_too_long', { field: 'reply_agency', max: LIMITS.agency });
    else if (ref && ref.length > LIMITS.ref) reject('knowledge.row_too_long', { field: 'mail_id', max: LIMITS.ref });
    else if (url && (!/^https?:\/\/\S+$/i.test(url) || url.length > LIMITS.url)) reject('knowledge.row_url_invalid', { url: url.slice(0, 100) });
    else if (category && !CATEGORY_RE.test(category)) reject('knowledge.row_category_invalid', { code: category.slice(0, 100) });
    else if (tags.length > LIMITS.tags || tags.some((t) => t.length > LIMITS.tag)) reject('knowledge.row_tags_invalid', { max: LIMITS.tags, length: LIMITS.tag });
    else if (validFrom && !isDate(validFrom)) reject('knowledge.row_date_invalid', { field: 'valid_from', value: validFrom.slice(0, 40) });
    else if (validTo && !isDate(validTo)) reject('knowledge.row_date_invalid', { field: 'valid_to', value: validTo.slice(0, 40) });
    else if (validFrom && validTo && validTo < validFrom) reject('knowledge.validity_invalid', { from: validFrom, to: validTo });
    else if (ref && seenRefs.has(ref)) reject('knowledge.row_duplicate', { ref });
    else {
      if (ref) seenRefs.add(ref);
      drafts.push({ row, sourceRef: ref, title, question, answer, agency, sourceUrl: url, categoryCode: category, tags, validFrom, validTo });
    }
  }
  return { total: table.length - 1, drafts, rejected };
}
