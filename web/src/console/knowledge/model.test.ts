import { describe, expect, it } from 'vitest';
import type { Article } from './api';
import {
  changedFields,
  cleanTags,
  createBody,
  EMPTY_FORM,
  FIRST_PAGE,
  formFromArticle,
  LIMITS,
  nextPage,
  previousPage,
  rebase,
  statusActions,
  statusEndpoint,
  updateBody,
  validateForm,
  validityOn,
  versionRows,
  type ArticleForm,
  type StatusAction,
} from './model';

const ARTICLE: Article = {
  id: '5b0c7a52-3c1e-4d57-9a4f-1f2e3d4c5b6a',
  title: '社保卡补办',
  question: '社保卡丢了怎么补办？',
  answer: '携带身份证到任一社保经办网点或合作银行网点办理挂失补办。',
  categoryCode: 'social.insurance',
  agency: '市人社局',
  source: 'manual',
  sourceUrl: 'https://rsj.example.gov.cn/faq/1',
  status: 'published',
  internal: false,
  tags: ['社保卡', '补办'],
  validFrom: '2026-01-01',
  validTo: null,
  current: true,
  version: 3,
  useCount: 12,
  lastUsedAt: '2026-11-20T02:00:00.000Z',
  createdBy: '数据管理员',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedBy: '数据管理员',
  updatedAt: '2026-10-01T00:00:00.000Z',
  publishedAt: '2026-01-01T00:00:00.000Z',
};

const form = (patch: Partial<ArticleForm> = {}): ArticleForm => ({ ...formFromArticle(ARTICLE), ...patch });

describe('article ⇄ form ⇄ request body', () => {
  it('fills the form from the API answer, empty text for none', () => {
    expect(formFromArticle(ARTICLE)).toEqual({
      title: '社保卡补办',
      question: '社保卡丢了怎么补办？',
      answer: '携带身份证到任一社保经办网点或合作银行网点办理挂失补办。',
      categoryCode: 'social.insurance',
      agency: '市人社局',
      tags: ['社保卡', '补办'],
      validFrom: '2026-01-01',
      validTo: null,
      internal: false,
      sourceUrl: 'https://rsj.example.gov.cn/faq/1',
    });
    expect(formFromArticle({ ...ARTICLE, agency: null, sourceUrl: null })).toMatchObject({ agency: '', sourceUrl: '' });
  });

  it('builds the POST body: trimmed text, empty → null, tags cleaned, draft or published', () => {
    const f: ArticleForm = {
      ...EMPTY_FORM,
      title: '  居住证办理 ',
      question: '外地户籍怎么办居住证？\n',
      answer: ' 到居住地派出所申领。 ',
      agency: '   ',
      tags: [' 居住证', '', '户籍 ', '居住证'],
      sourceUrl: ' https://ga.example.gov.cn/jzz ',
    };
    expect(createBody(f, false)).toEqual({
      title: '居住证办理',
      question: '外地户籍怎么办居住证？',
      answer: '到居住地派出所申领。',
      categoryCode: null,
      agency: null,
      tags: ['居住证', '户籍'],
      validFrom: null,
      validTo: null,
      internal: false,
      sourceUrl: 'https://ga.example.gov.cn/jzz',
      publish: false,
    });
    expect(createBody({ ...f, categoryCode: 'public.household', validFrom: '2026-12-01', internal: true }, true)).toMatchObject({
      categoryCode: 'public.household',
      validFrom: '2026-12-01',
      internal: true,
      publish: true,
    });
    // antd leaves a cleared select undefined.
    expect(createBody({ title: 'a', question: 'b', answer: 'c', categoryCode: undefined, tags: undefined }, false)).toMatchObject({ categoryCode: null, tags: [], agency: null, internal: false, sourceUrl: null });
  });

  it('sends only what changed, with the version the editor started from', () => {
    expect(updateBody(form(), ARTICLE)).toBeNull();
    // Whitespace the server trims away is no change.
    expect(updateBody(form({ title: ' 社保卡补办 ', tags: ['社保卡', '补办', ' '] }), ARTICLE)).toBeNull();
    expect(updateBody(form({ answer: '线上：市民云 App 办理；线下：社保经办网点。', agency: '', validTo: '2026-12-31' }), ARTICLE)).toEqual({
      version: 3,
      answer: '线上：市民云 App 办理；线下：社保经办网点。',
      agency: null,
      validTo: '2026-12-31',
    });
    expect(updateBody(form({ categoryCode: null, tags: ['补办', '社保卡'], internal: true }), ARTICLE)).toEqual({ version: 3, categoryCode: null, tags: ['补办', '社保卡'], internal: true });
    // The source URL cannot be changed by an edit: not part of the body.
    expect(updateBody(form({ sourceUrl: 'https://other.example/' }), ARTICLE)).toBeNull();
    expect(changedFields(form({ question: '社保卡丢了在哪补办？', validFrom: null }), ARTICLE)).toEqual(['question', 'validFrom']);
  });

  it('cleans tags as the server stores them', () => {
    expect(cleanTags([' a ', 'a', '', 'b', undefined, null])).toEqual(['a', 'b']);
    expect(cleanTags(undefined)).toEqual([]);
  });
});

describe('a stale save (409): the form moves onto the latest version, keeping what was typed', () => {
  const latest: Article = { ...ARTICLE, version: 4, agency: '市医保局', tags: ['社保卡', '补办', '挂失'], answer: '他人修改后的答复。' };

  it('keeps the fields this editor changed and takes the rest from the latest version', () => {
    const typed = form({ title: '社保卡丢失补办', answer: '我的新答复。' });
    const r = rebase(typed, ARTICLE, latest);
    expect(r.form).toEqual({ ...formFromArticle(latest), title: '社保卡丢失补办', answer: '我的新答复。' });
    expect(r.theirs).toEqual(['answer', 'agency', 'tags']);
    expect(r.overlapping).toEqual(['answer']);
    // Saving now sends this editor's changes against the latest version, and does not undo the agency and tags.
    expect(updateBody(r.form, latest)).toEqual({ version: 4, title: '社保卡丢失补办', answer: '我的新答复。' });
  });

  it('does not count a field both changed to the same value as overlapping', () => {
    const r = rebase(form({ agency: '市医保局' }), ARTICLE, latest);
    expect(r.overlapping).toEqual([]);
    expect(updateBody(r.form, latest)).toBeNull();
  });

  it('keeps a field this editor cleared', () => {
    const r = rebase(form({ categoryCode: undefined as unknown as null, agency: '' }), ARTICLE, latest);
    expect(r.form.categoryCode).toBeNull();
    expect(r.form.agency).toBe('');
    expect(r.overlapping).toEqual(['agency']);
  });
});

describe('validation (what knowledge.schema.ts refuses)', () => {
  it('accepts a complete article', () => {
    expect(validateForm(form(), 'edit')).toEqual({});
    expect(validateForm(form(), 'create')).toEqual({});
    expect(validateForm({ ...EMPTY_FORM, title: 'a', question: 'b', answer: 'c' }, 'create')).toEqual({});
  });

  it('requires title, question and answer (blank is empty)', () => {
    expect(validateForm({ ...EMPTY_FORM, title: '   ', question: '', answer: '\n' }, 'create')).toEqual({ title: { key: 'required' }, question: { key: 'required' }, answer: { key: 'required' } });
  });

  it('limits lengths after trimming, in the units zod counts', () => {
    const at = (n: number, ch = '字') => ch.repeat(n);
    expect(validateForm(form({ title: ` ${at(LIMITS.title)} ` }), 'edit')).toEqual({});
    expect(validateForm(form({ title: at(LIMITS.title + 1) }), 'edit').title).toEqual({ key: 'tooLong', params: { max: 200, length: 201 } });
    expect(validateForm(form({ question: at(LIMITS.question + 1) }), 'edit').question?.key).toBe('tooLong');
    expect(validateForm(form({ answer: at(LIMITS.answer) }), 'edit')).toEqual({});
    expect(validateForm(form({ answer: at(LIMITS.answer + 1) }), 'edit').answer?.key).toBe('tooLong');
    expect(validateForm(form({ agency: at(LIMITS.agency + 1) }), 'edit').agency?.key).toBe('tooLong');
    // An emoji is two UTF-16 units, as the server counts it.
    expect(validateForm(form({ title: at(100, '😀') }), 'edit')).toEqual({});
    expect(validateForm(form({ title: `${at(100, '😀')}a` }), 'edit').title?.key).toBe('tooLong');
  });

  it('refuses characters PostgreSQL cannot store', () => {
    expect(validateForm(form({ answer: 'a\u0000b' }), 'edit').answer).toEqual({ key: 'unstorable' });
    expect(validateForm(form({ title: 'a\ud800b' }), 'edit').title).toEqual({ key: 'unstorable' });
    expect(validateForm(form({ tags: ['x\udc00'] }), 'edit').tags).toEqual({ key: 'unstorable' });
  });

  it('checks the category code, tags, days and their order', () => {
    expect(validateForm(form({ categoryCode: 'Utilities.Water' }), 'edit').categoryCode).toEqual({ key: 'category' });
    expect(validateForm(form({ categoryCode: 'event.01.01' }), 'edit')).toEqual({});
    expect(validateForm(form({ categoryCode: `a${'.b'.repeat(50)}` }), 'edit').categoryCode).toEqual({ key: 'category' });
    expect(validateForm(form({ tags: ['x'.repeat(33)] }), 'edit').tags).toEqual({ key: 'tagTooLong', params: { tag: 'x'.repeat(33), max: 32 } });
    expect(validateForm(form({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'edit').tags).toEqual({ key: 'tooManyTags', params: { max: 20, n: 21 } });
    // Repeats do not count twice.
    expect(validateForm(form({ tags: [...Array.from({ length: 20 }, (_, i) => `t${i}`), 't0'] }), 'edit')).toEqual({});
    expect(validateForm(form({ validFrom: '2026-02-30' }), 'edit').validFrom).toEqual({ key: 'date' });
    expect(validateForm(form({ validTo: '26-1-1' }), 'edit').validTo).toEqual({ key: 'date' });
    expect(validateForm(form({ validFrom: '2026-03-01', validTo: '2026-02-28' }), 'edit').validTo).toEqual({ key: 'validity', params: { from: '2026-03-01', to: '2026-02-28' } });
    expect(validateForm(form({ validFrom: '2026-03-01', validTo: '2026-03-01' }), 'edit')).toEqual({});
  });

  it('checks the source URL of a new article only', () => {
    expect(validateForm(form({ sourceUrl: 'ftp://x.example/' }), 'create').sourceUrl).toEqual({ key: 'url' });
    expect(validateForm(form({ sourceUrl: 'https://x.example/a b' }), 'create').sourceUrl).toEqual({ key: 'url' });
    expect(validateForm(form({ sourceUrl: ' HTTP://x.example/a ' }), 'create')).toEqual({});
    expect(validateForm(form({ sourceUrl: `https://x.example/${'a'.repeat(2000)}` }), 'create').sourceUrl?.key).toBe('tooLong');
    expect(validateForm(form({ sourceUrl: 'not a url' }), 'edit')).toEqual({});
  });
});

describe('list', () => {
  it('pages forward by the cursor the server answered and back by the ones kept', () => {
    const p2 = nextPage(FIRST_PAGE, 'c1');
    expect(p2).toEqual({ starts: [undefined, 'c1'], index: 1 });
    const p3 = nextPage(p2, 'c2');
    expect(p3.starts[p3.index]).toBe('c2');
    expect(nextPage(p3, null)).toBe(p3);
    const back = previousPage(p3);
    expect(back.starts[back.index]).toBe('c1');
    // Forward again from page 2 with a different cursor replaces what followed.
    expect(nextPage(back, 'c2b')).toEqual({ starts: [undefined, 'c1', 'c2b'], index: 2 });
    expect(previousPage(FIRST_PAGE)).toBe(FIRST_PAGE);
  });

  it('says whether an article is within its validity on a day (both ends inclusive)', () => {
    expect(validityOn({ validFrom: null, validTo: null }, '2026-11-24')).toBe('always');
    expect(validityOn({ validFrom: '2026-11-25', validTo: null }, '2026-11-24')).toBe('notYet');
    expect(validityOn({ validFrom: '2026-11-24', validTo: '2026-11-24' }, '2026-11-24')).toBe('valid');
    expect(validityOn({ validFrom: null, validTo: '2026-11-23' }, '2026-11-24')).toBe('expired');
  });

  it('offers publish / archive / back to draft or restore by status; restoring publishes', () => {
    expect(statusActions('draft')).toEqual(['publish', 'archive']);
    expect(statusActions('published')).toEqual(['archive']);
    expect(statusActions('archived')).toEqual(['unarchive', 'restore']);
    expect(['publish', 'archive', 'unarchive', 'restore'].map((a) => statusEndpoint(a as StatusAction))).toEqual(['publish', 'archive', 'unarchive', 'publish']);
  });

  it('lists the versions with the current one first', () => {
    const detail = {
      ...ARTICLE,
      version: 3,
      status: 'archived' as const,
      updatedBy: '王五',
      versions: [
        { version: 2, title: 'b', editedBy: '李四', editedAt: '2026-11-02T08:00:00.000Z', status: 'published' as const },
        { version: 1, title: 'a', editedBy: null, editedAt: '2026-11-01T08:00:00.000Z', status: null },
      ],
    };
    expect(versionRows(detail)).toEqual([
      { version: 3, by: '王五', at: ARTICLE.updatedAt, status: 'archived', current: true },
      { version: 2, by: '李四', at: '2026-11-02T08:00:00.000Z', status: 'published', current: false },
      { version: 1, by: null, at: '2026-11-01T08:00:00.000Z', status: null, current: false },
    ]);
    expect(versionRows({ ...ARTICLE })).toHaveLength(1);
  });
});
