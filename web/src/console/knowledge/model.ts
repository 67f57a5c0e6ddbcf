/**
 * Pure helpers of 知识库管理 (unit-tested in model.test.ts): an article ⇄ the form's values ⇄ the request body,
 * the form's validation — the same lengths and formats as server/src/modules/knowledge/knowledge.schema.ts (and
 * LIMITS / CATEGORY_RE in import-csv.ts), so nothing the server would refuse is sent — the three-way merge that
 * keeps what an editor typed when someone else saved first (409), list paging by cursor, an article's validity
 * on a given day, and what each kept version changed (版本记录: a bounded line-then-character difference).
 */
import type { ArticleContent, ArticleDetailView, ArticleView } from '@civicgrid/contracts/knowledge';
import type { CreateArticleBody, UpdateArticleBody } from './api';

export const LIMITS = { title: 200, question: 10_000, answer: 20_000, agency: 200, url: 2000, category: 100, tags: 20, tag: 32 } as const;
export const CATEGORY_RE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
const URL_RE = /^https?:\/\/\S+$/i;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What the form holds: text as typed, empty text for none. */
export interface ArticleForm {
  title: string;
  question: string;
  answer: string;
  categoryCode: string | null;
  agency: string;
  tags: string[];
  validFrom: string | null;
  validTo: string | null;
  internal: boolean;
  /** Only when writing a new article (the API does not change it afterwards). */
  sourceUrl: string;
}

export type FormField = keyof ArticleForm;
/** The fields an edit can change (PATCH), in the form's order. */
export const CONTENT_FIELDS = ['title', 'question', 'answer', 'categoryCode', 'agency', 'tags', 'validFrom', 'validTo', 'internal'] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

export const EMPTY_FORM: ArticleForm = {
  title: '',
  question: '',
  answer: '',
  categoryCode: null,
  agency: '',
  tags: [],
  validFrom: null,
  validTo: null,
  internal: false,
  sourceUrl: '',
};

/** The form's values may come back from antd partly undefined (a cleared select): read them leniently. */
export type FormInput = { [K in FormField]?: ArticleForm[K] | null | undefined };

export function formFromArticle(a: ArticleView): ArticleForm {
  return {
    title: a.title,
    question: a.question,
    answer: a.answer,
    categoryCode: a.categoryCode,
    agency: a.agency ?? '',
    tags: [...a.tags],
    validFrom: a.validFrom,
    validTo: a.validTo,
    internal: a.internal,
    sourceUrl: a.sourceUrl ?? '',
  };
}

const trimmed = (s: string | null | undefined) => (s ?? '').trim();
const orNull = (s: string | null | undefined) => trimmed(s) || null;

/** Trimmed, without empty ones or repeats — as the server stores them. */
export function cleanTags(tags: readonly (string | null | undefined)[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => trimmed(t)).filter(Boolean))];
}

/** The content as the server would store it from these form values. */
export function formContent(f: FormInput): ArticleContent {
  return {
    title: trimmed(f.title),
    question: trimmed(f.question),
    answer: trimmed(f.answer),
    categoryCode: orNull(f.categoryCode),
    agency: orNull(f.agency),
    tags: cleanTags(f.tags),
    validFrom: orNull(f.validFrom),
    validTo: orNull(f.validTo),
    internal: f.internal ?? false,
  };
}

export function articleContent(a: ArticleContent): ArticleContent {
  return {
    title: a.title,
    question: a.question,
    answer: a.answer,
    categoryCode: a.categoryCode,
    agency: a.agency,
    tags: a.tags,
    validFrom: a.validFrom,
    validTo: a.validTo,
    internal: a.internal,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function differing(x: ArticleContent, y: ArticleContent): ContentField[] {
  return CONTENT_FIELDS.filter((k) => !same(x[k], y[k]));
}

/** The fields whose value in the form differs from the article's (what saving would change). */
export function changedFields(f: FormInput, a: ArticleView): ContentField[] {
  return differing(formContent(f), articleContent(a));
}

/** POST body of a new article: a draft, or published at once. */
export function createBody(f: FormInput, publish: boolean): CreateArticleBody {
  return { ...formContent(f), sourceUrl: orNull(f.sourceUrl), publish };
}

/** PATCH body: the version the editor started from and only the fields that changed (null when nothing did). */
export function updateBody(f: FormInput, a: ArticleView): UpdateArticleBody | null {
  const content = formContent(f);
  const changed = differing(content, articleContent(a));
  if (changed.length === 0) return null;
  const body: UpdateArticleBody = { version: a.version };
  for (const k of changed) (body as Record<string, unknown>)[k] = content[k];
  return body;
}

export interface Rebased {
  /** The latest article's values, with what the editor changed on top. */
  form: ArticleForm;
  /** Fields the other editor changed since this editor opened the article. */
  theirs: ContentField[];
  /** Fields both changed, to different values: the form shows this editor's value. */
  overlapping: ContentField[];
}

/**
 * After a 409 (someone else saved first): the form moves onto the latest version without losing what this editor
 * typed — the fields they changed (against the version they started from) keep their value, every other field
 * takes the latest one, so saving again does not undo the other editor's changes to fields this one left alone.
 */
export function rebase(f: FormInput, started: ArticleView, latest: ArticleView): Rebased {
  const mine = new Set(changedFields(f, started));
  const typed = formContent(f);
  const latestContent = articleContent(latest);
  const theirs = differing(latestContent, articleContent(started));
  const form = formFromArticle(latest);
  const formValues = { ...EMPTY_FORM, ...(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Partial<ArticleForm>) };
  for (const k of mine) (form as unknown as Record<string, unknown>)[k] = formValues[k] ?? EMPTY_FORM[k];
  form.sourceUrl = formValues.sourceUrl ?? form.sourceUrl;
  const overlapping = theirs.filter((k) => mine.has(k) && !same(typed[k], latestContent[k]));
  return { form, theirs, overlapping };
}

// ---- Validation -------------------------------------------------------------------------------------------------

/** An i18n key under knowledge.error and its parameters. */
export interface FieldError {
  key: 'required' | 'tooLong' | 'unstorable' | 'url' | 'category' | 'date' | 'validity' | 'tagTooLong' | 'tooManyTags';
  params?: Record<string, string | number>;
}

export type FormErrors = Partial<Record<FormField, FieldError>>;

function isCalendarDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

function checkText(value: string | null | undefined, max: number, required: boolean): FieldError | undefined {
  const s = trimmed(value);
  if (s === '') return required ? { key: 'required' } : undefined;
  if (s.length > max) return { key: 'tooLong', params: { max, length: s.length } };
  if (UNSTORABLE.test(s)) return { key: 'unstorable' };
  return undefined;
}

/**
 * What the server would refuse, field by field (knowledge.schema.ts): required texts, lengths after trimming (in
 * UTF-16 units, as zod counts), characters PostgreSQL cannot store, the category code and URL formats, calendar days
 * with the last not before the first, at most 20 tags of at most 32 characters. `sourceUrl` only for a new article.
 */
export function validateForm(f: FormInput, mode: 'create' | 'edit'): FormErrors {
  const errors: FormErrors = {};
  const set = (field: FormField, e: FieldError | undefined) => {
    if (e) errors[field] = e;
  };
  set('title', checkText(f.title, LIMITS.title, true));
  set('question', checkText(f.question, LIMITS.question, true));
  set('answer', checkText(f.answer, LIMITS.answer, true));
  set('agency', checkText(f.agency, LIMITS.agency, false));
  const category = trimmed(f.categoryCode);
  if (category && (category.length > LIMITS.category || !CATEGORY_RE.test(category))) set('categoryCode', { key: 'category' });
  const tags = cleanTags(f.tags);
  const longTag = tags.find((t) => t.length > LIMITS.tag || UNSTORABLE.test(t));
  if (longTag !== undefined) set('tags', longTag.length > LIMITS.tag ? { key: 'tagTooLong', params: { tag: longTag, max: LIMITS.tag } } : { key: 'unstorable' });
  else if (tags.length > LIMITS.tags) set('tags', { key: 'tooManyTags', params: { max: LIMITS.tags, n: tags.length } });
  const from = trimmed(f.validFrom);
  const to = trimmed(f.validTo);
  if (from && !isCalendarDay(from)) set('validFrom', { key: 'date' });
  if (to && !isCalendarDay(to)) set('validTo', { key: 'date' });
  else if (from && to && isCalendarDay(from) && to < from) set('validTo', { key: 'validity', params: { from, to } });
  if (mode === 'create') {
    const url = trimmed(f.sourceUrl);
    if (url && url.length > LIMITS.url) set('sourceUrl', { key: 'tooLong', params: { max: LIMITS.url, length: url.length } });
    else if (url && !URL_RE.test(url)) set('sourceUrl', { key: 'url' });
  }
  return errors;
}

// ---- List -------------------------------------------------------------------------------------------------------

/** Where each page of the list starts (the API's `after`): page 1 has none. */
export interface Paging {
  starts: (string | undefined)[];
  index: number;
}

export const FIRST_PAGE: Paging = { starts: [undefined], index: 0 };

export function nextPage(p: Paging, next: string | null): Paging {
  if (!next) return p;
  return { starts: [...p.starts.slice(0, p.index + 1), next], index: p.index + 1 };
}

export function previousPage(p: Paging): Paging {
  return p.index === 0 ? p : { starts: p.starts, index: p.index - 1 };
}

export type Validity = 'always' | 'notYet' | 'valid' | 'expired';

/** An article's validity on `today` (YYYY-MM-DD, the jurisdiction's day): both ends inclusive, as the server reads them. */
export function validityOn(a: Pick<ArticleView, 'validFrom' | 'validTo'>, today: string): Validity {
  if (!a.validFrom && !a.validTo) return 'always';
  if (a.validFrom && today < a.validFrom) return 'notYet';
  if (a.validTo && today > a.validTo) return 'expired';
  return 'valid';
}

/**
 * The status actions offered for an article in this status: publish a draft, archive, and for an archived one
 * restore (publish again) or take it back to draft (to rework it first).
 */
export type StatusAction = 'publish' | 'archive' | 'restore' | 'unarchive';
export function statusActions(status: ArticleView['status']): StatusAction[] {
  if (status === 'draft') return ['publish', 'archive'];
  if (status === 'published') return ['archive'];
  return ['unarchive', 'restore'];
}

/** The API call of a status action (restoring is publishing again). */
export function statusEndpoint(action: StatusAction): 'publish' | 'archive' | 'unarchive' {
  return action === 'restore' ? 'publish' : action;
}

export interface VersionRow {
  version: number;
  by: string | null;
  at: string;
  status: ArticleView['status'] | null;
  current: boolean;
}

/** 版本记录: the current version first, then the kept ones (newest first), as the drawer lists them. */
export function versionRows(article: ArticleDetailView): VersionRow[] {
  const kept = (article.versions ?? []).map((v): VersionRow => ({ version: v.version, by: v.editedBy, at: v.editedAt, status: v.status, current: false }));
  // The current version was written by contentBy (a later publish or archive changed only updatedBy).
  const by = article.contentAt === undefined ? article.updatedBy : (article.contentBy ?? null);
  return [{ version: article.version, by, at: article.contentAt ?? article.updatedAt, status: article.status, current: true }, ...kept];
}

// ---- What a version changed (版本记录) -----------------------------------------------------------------------------

export type DiffOp = 'same' | 'del' | 'ins';
export interface DiffPart {
  op: DiffOp;
  text: string;
}

export interface TextDiff {
  /** The old text is the `same` and `del` parts in order, the new one the `same` and `ins` parts. */
  parts: DiffPart[];
  /** Some changed stretch was too long to compare in detail: it is shown removed, then added, whole. */
  coarse: boolean;
}

/**
 * The largest LCS table compared (cells: the two lengths multiplied, plus one each). At 4 million 16-bit cells it is
 * 8 MB and some tens of milliseconds in the browser; the answer may hold 20,000 characters, whose full table would
 * not fit, so longer stretches are compared by line first and, failing that, shown replaced whole.
 */
export const DIFF_MAX_CELLS = 4_000_000;

function push(out: DiffPart[], op: DiffOp, text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/**
 * The edit script of a longest common subsequence of two token lists (classic table, filled from the end so the
 * script is read forwards). Callers keep the table within DIFF_MAX_CELLS; the common length is then at most 2,000,
 * so 16 bits hold it.
 */
function lcsScript(a: readonly string[], b: readonly string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const table = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push(out, 'same', a[i++]!);
      j++;
    } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) push(out, 'del', a[i++]!);
    else push(out, 'ins', b[j++]!);
  }
  while (i < n) push(out, 'del', a[i++]!);
  while (j < m) push(out, 'ins', b[j++]!);
  return out;
}

const fits = (n: number, m: number) => (n + 1) * (m + 1) <= DIFF_MAX_CELLS;

/** Adjacent parts of one kind joined; between two unchanged stretches, all the removed text first, then the added. */
function normalise(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    push(out, 'del', del);
    push(out, 'ins', ins);
    del = '';
    ins = '';
  };
  for (const p of parts) {
    if (p.op === 'del') del += p.text;
    else if (p.op === 'ins') ins += p.text;
    else {
      flush();
      push(out, 'same', p.text);
    }
  }
  flush();
  return out;
}

/** Removed plus added length of the changed stretch next to parts[k] (dir -1: before it, +1: after it). */
function changeAround(parts: readonly DiffPart[], k: number, dir: -1 | 1): number {
  let del = 0;
  let ins = 0;
  for (let i = k + dir; i >= 0 && i < parts.length && parts[i]!.op !== 'same'; i += dir) {
    if (parts[i]!.op === 'del') del += parts[i]!.text.length;
    else ins += parts[i]!.text.length;
  }
  return Math.max(del, ins);
}

/**
 * A character-level LCS of two different sentences matches scattered common characters (，的 电池), which reads as
 * noise: an unchanged stretch no longer than the changes on both sides of it is folded into them (the rule of
 * diff-match-patch's semantic clean-up), until none is left.
 */
function foldSmallEqualities(parts: readonly DiffPart[]): DiffPart[] {
  let cur = normalise(parts);
  for (let pass = 0; pass < 100; pass++) {
    let folded = false;
    const next: DiffPart[] = [];
    for (const [k, p] of cur.entries()) {
      const before = k > 0 ? changeAround(cur, k, -1) : 0;
      const after = k < cur.length - 1 ? changeAround(cur, k, 1) : 0;
      if (p.op === 'same' && before > 0 && after > 0 && p.text.length <= before && p.text.length <= after) {
        next.push({ op: 'del', text: p.text }, { op: 'ins', text: p.text });
        folded = true;
      } else next.push(p);
    }
    if (!folded) return cur;
    cur = normalise(next);
  }
  return cur;
}

const PUNCTUATION = /[。，、；：！？…,.;:!?\s]/;

/** How well an edit between `before` and `after` falls on sentence and line boundaries (higher: reads better). */
function boundaryScore(before: string | undefined, first: string, last: string, after: string | undefined): number {
  const start = before === undefined || before === '\n' ? 2 : PUNCTUATION.test(before) || first === '\n' ? 1 : 0;
  const end = after === undefined || after === '\n' ? 2 : PUNCTUATION.test(last) ? 1 : 0;
  return start + end;
}

/**
 * A lone insertion or removal between unchanged text can often sit in several places (a sentence added after one
 * ending in 。 matches from either 。): it is moved to where it starts and ends on a sentence or line boundary, as a
 * person would have typed it (diff-match-patch's "lossless" clean-up, simplified).
 */
function slideToBoundaries(parts: readonly DiffPart[]): DiffPart[] {
  const out = parts.map((p) => ({ ...p }));
  for (let k = 1; k < out.length - 1; k++) {
    const [x, e, y] = [out[k - 1]!, out[k]!, out[k + 1]!];
    if (x.op !== 'same' || e.op === 'same' || y.op !== 'same') continue;
    const all = Array.from(x.text + e.text + y.text);
    const len = Array.from(e.text).length;
    let start = Array.from(x.text).length;
    while (start > 0 && all[start - 1] === all[start + len - 1]) start--;
    let best = start;
    let bestScore = -1;
    for (let s = start; s + len <= all.length; s++) {
      if (s > start && all[s - 1] !== all[s + len - 1]) break;
      const score = boundaryScore(all[s - 1], all[s]!, all[s + len - 1]!, all[s + len]);
      if (score > bestScore) [best, bestScore] = [s, score];
    }
    out[k - 1] = { op: 'same', text: all.slice(0, best).join('') };
    out[k] = { op: e.op, text: all.slice(best, best + len).join('') };
    out[k + 1] = { op: 'same', text: all.slice(best + len).join('') };
  }
  return normalise(out);
}

/** Lines with their line break, so that joining them gives the text back. */
const lines = (s: string) => s.match(/[^\n]*\n|[^\n]+/g) ?? [];

/**
 * What changed between two texts, for a person to read: the common beginning and end are cut off first (most edits
 * touch one place), the rest is compared line by line, and each changed run of lines character by character
 * (Chinese has no spaces to compare words by). Anything whose table would exceed DIFF_MAX_CELLS is shown removed
 * and added whole, with `coarse` set.
 */
export function diffText(before: string, after: string): TextDiff {
  if (before === after) return { parts: before ? [{ op: 'same', text: before }] : [], coarse: false };
  // By code point, so no change splits a character outside the BMP (rare CJK ideographs) in two.
  const a = Array.from(before);
  const b = Array.from(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  let coarse = false;
  const middle: DiffPart[] = [];
  const byChar = (x: string[], y: string[]) => {
    if (x.length > 0 && y.length > 0 && fits(x.length, y.length)) middle.push(...lcsScript(x, y));
    else {
      if (x.length > 0 && y.length > 0) coarse = true;
      middle.push({ op: 'del', text: x.join('') }, { op: 'ins', text: y.join('') });
    }
  };
  const la = lines(midA.join(''));
  const lb = lines(midB.join(''));
  if (fits(midA.length, midB.length) || !fits(la.length, lb.length)) byChar(midA, midB);
  else {
    const byLine = normalise(lcsScript(la, lb));
    for (let k = 0; k < byLine.length; k++) {
      const p = byLine[k]!;
      if (p.op === 'same') middle.push(p);
      // Normalised: a removed run of lines is directly followed by the added one, if there is one.
      else if (p.op === 'ins') byChar([], Array.from(p.text));
      else byChar(Array.from(p.text), byLine[k + 1]?.op === 'ins' ? Array.from(byLine[++k]!.text) : []);
    }
  }
  const parts = slideToBoundaries(foldSmallEqualities([{ op: 'same', text: a.slice(0, head).join('') }, ...middle, { op: 'same', text: a.slice(a.length - tail).join('') }]));
  return { parts, coarse };
}

/** An unchanged stretch shortened for display: its ends kept, how many characters were left out between them. */
export type ShownPart = DiffPart | { op: 'skip'; count: number };

/**
 * Long unchanged stretches shortened to `keep` characters next to each change (a 2,000-character answer with one
 * changed number should not fill the panel); the first keeps only its end, the last only its beginning.
 */
export function compactParts(parts: readonly DiffPart[], keep = 80): ShownPart[] {
  const out: ShownPart[] = [];
  for (const [k, p] of parts.entries()) {
    const chars = Array.from(p.text);
    const first = k === 0;
    const last = k === parts.length - 1;
    const room = (first ? 0 : keep) + (last ? 0 : keep);
    if (p.op !== 'same' || chars.length <= room + 20 || parts.length === 1) {
      out.push(p);
      continue;
    }
    if (!first) out.push({ op: 'same', text: chars.slice(0, keep).join('') });
    out.push({ op: 'skip', count: chars.length - room });
    if (!last) out.push({ op: 'same', text: chars.slice(chars.length - keep).join('') });
  }
  return out;
}

/** One changed field of a version: long texts as a difference, tags as removed and added, the rest as before → after. */
export type FieldChange =
  | { field: 'question' | 'answer'; kind: 'text'; diff: TextDiff }
  | { field: 'tags'; kind: 'tags'; removed: string[]; added: string[] }
  | { field: 'title' | 'agency' | 'categoryCode' | 'validFrom' | 'validTo'; kind: 'value'; before: string | null; after: string | null }
  | { field: 'internal'; kind: 'flag'; before: boolean; after: boolean };

/** The fields that differ between two contents, in the form's order. */
export function compareContent(before: ArticleContent, after: ArticleContent): FieldChange[] {
  return differing(before, after).map((field): FieldChange => {
    switch (field) {
      case 'question':
      case 'answer':
        return { field, kind: 'text', diff: diffText(before[field], after[field]) };
      case 'tags':
        return { field, kind: 'tags', removed: before.tags.filter((t) => !after.tags.includes(t)), added: after.tags.filter((t) => !before.tags.includes(t)) };
      case 'internal':
        return { field, kind: 'flag', before: before.internal, after: after.internal };
      default:
        return { field, kind: 'value', before: before[field], after: after[field] };
    }
  });
}

/**
 * What version `version` changed from the one before it: `first` for version 1, `missing` when the one before is not
 * among the versions the server listed (it lists the newest 100), else the changed fields (empty: same content).
 */
export type VersionChange = { kind: 'first' } | { kind: 'missing'; previous: number } | { kind: 'changed'; previous: number; fields: FieldChange[] };

/** The content of a version of the article: the current one, or a kept one (undefined when not listed). */
export function versionContent(article: ArticleDetailView, version: number): ArticleContent | undefined {
  if (version === article.version) return articleContent(article);
  const kept = article.versions?.find((v) => v.version === version);
  return kept ? articleContent(kept) : undefined;
}

export function versionChange(article: ArticleDetailView, version: number): VersionChange {
  if (version <= 1) return { kind: 'first' };
  const previous = version - 1;
  const before = versionContent(article, previous);
  const after = versionContent(article, version);
  if (!before || !after) return { kind: 'missing', previous };
  return { kind: 'changed', previous, fields: compareContent(before, after) };
}
