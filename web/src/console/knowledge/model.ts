/**
 * Pure helpers of 知识库管理 (unit-tested in model.test.ts): an article ⇄ the form's values ⇄ the request body,
 * the form's validation — the same lengths and formats as server/src/modules/knowledge/knowledge.schema.ts (and
 * LIMITS / CATEGORY_RE in import-csv.ts), so nothing the server would refuse is sent — the three-way merge that
 * keeps what an editor typed when someone else saved first (409), list paging by cursor, and an article's validity
 * on a given day.
 */
import type { Article, ArticleContent, ArticleDetail, CreateArticleBody, UpdateArticleBody } from './api';

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

export function formFromArticle(a: Article): ArticleForm {
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

export function articleContent(a: Article): ArticleContent {
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
export function changedFields(f: FormInput, a: Article): ContentField[] {
  return differing(formContent(f), articleContent(a));
}

/** POST body of a new article: a draft, or published at once. */
export function createBody(f: FormInput, publish: boolean): CreateArticleBody {
  return { ...formContent(f), sourceUrl: orNull(f.sourceUrl), publish };
}

/** PATCH body: the version the editor started from and only the fields that changed (null when nothing did). */
export function updateBody(f: FormInput, a: Article): UpdateArticleBody | null {
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
export function rebase(f: FormInput, started: Article, latest: Article): Rebased {
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
export function validityOn(a: Pick<Article, 'validFrom' | 'validTo'>, today: string): Validity {
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
export function statusActions(status: Article['status']): StatusAction[] {
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
  status: Article['status'] | null;
  current: boolean;
}

/** 版本记录: the current version first, then the kept ones (newest first), as the drawer lists them. */
export function versionRows(article: ArticleDetail): VersionRow[] {
  const kept = (article.versions ?? []).map((v): VersionRow => ({ version: v.version, by: v.editedBy, at: v.editedAt, status: v.status, current: false }));
  return [{ version: article.version, by: article.updatedBy, at: article.updatedAt, status: article.status, current: true }, ...kept];
}
