import { describe, expect, it } from 'vitest';
import type { ArticleVersionView, ArticleView } from '@civicgrid/contracts/knowledge';
import {
  changedFields,
  cleanTags,
  compactParts,
  compareContent,
  createBody,
  DIFF_MAX_CELLS,
  diffText,
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
  versionChange,
  versionRows,
  type ArticleForm,
  type DiffPart,
  type StatusAction,
} from './model';

const ARTICLE: ArticleView = {
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

/** A kept version with ARTICLE's content, changed by `patch`. */
const kept = (version: number, patch: Partial<ArticleVersionView> = {}): ArticleVersionView => ({
  version,
  title: ARTICLE.title,
  question: ARTICLE.question,
  answer: ARTICLE.answer,
  categoryCode: ARTICLE.categoryCode,
  agency: ARTICLE.agency,
  tags: ARTICLE.tags,
  validFrom: ARTICLE.validFrom,
  validTo: ARTICLE.validTo,
  internal: ARTICLE.internal,
  editedBy: '李四',
  editedAt: '2026-11-01T08:00:00.000Z',
  status: 'published',
  ...patch,
});

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
  const latest: ArticleView = { ...ARTICLE, version: 4, agency: '市医保局', tags: ['社保卡', '补办', '挂失'], answer: '他人修改后的答复。' };

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
        { ...kept(2), title: 'b', editedBy: '李四', editedAt: '2026-11-02T08:00:00.000Z', status: 'published' as const },
        { ...kept(1), title: 'a', editedBy: null, editedAt: '2026-11-01T08:00:00.000Z', status: null },
      ],
    };
    expect(versionRows(detail)).toEqual([
      { version: 3, by: '王五', at: ARTICLE.updatedAt, status: 'archived', current: true },
      { version: 2, by: '李四', at: '2026-11-02T08:00:00.000Z', status: 'published', current: false },
      { version: 1, by: null, at: '2026-11-01T08:00:00.000Z', status: null, current: false },
    ]);
    expect(versionRows({ ...ARTICLE })).toHaveLength(1);
    // Written by one person, published by another: the current version is the writer's.
    expect(versionRows({ ...detail, contentBy: '李四', contentAt: '2026-11-03T08:00:00.000Z' })[0]).toEqual({ version: 3, by: '李四', at: '2026-11-03T08:00:00.000Z', status: 'archived', current: true });
  });
});

/** The old and the new text a difference describes. */
const sides = (parts: readonly DiffPart[]) => ({
  before: parts.filter((p) => p.op !== 'ins').map((p) => p.text).join(''),
  after: parts.filter((p) => p.op !== 'del').map((p) => p.text).join(''),
});
const marked = (parts: readonly DiffPart[]) => parts.map((p) => (p.op === 'same' ? p.text : p.op === 'del' ? `[-${p.text}-]` : `{+${p.text}+}`)).join('');

describe('what a version changed (版本记录)', () => {
  it('marks a changed number within a sentence, character by character', () => {
    const d = diffText('请拨打 96511 查询停水计划。', '请拨打 12345 查询停水计划。');
    expect(marked(d.parts)).toBe('请拨打 [-96511-]{+12345+} 查询停水计划。');
    expect(d.coarse).toBe(false);
  });

  it('keeps unchanged lines and marks only the changed one, a line break included', () => {
    const before = '第一步：关闭阀门。\n第二步：更换电池。\n第三步：打开阀门。';
    const after = '第一步：关闭阀门。\n第二步：更换两节 5 号电池。\n第三步：打开阀门。\n如仍有问题请来电。';
    const d = diffText(before, after);
    expect(sides(d.parts)).toEqual({ before, after });
    expect(marked(d.parts)).toBe('第一步：关闭阀门。\n第二步：更换{+两节 5 号+}电池。\n第三步：打开阀门。{+\n如仍有问题请来电。+}');
  });

  it('folds characters two unrelated sentences happen to share into the change (no scattered ，的)', () => {
    const d = diffText('可拨打供水公司热线查询计划停水，或关注公众号。', '请到社区服务中心的窗口办理，带上身份证。');
    expect(d.parts).toEqual([
      { op: 'del', text: '可拨打供水公司热线查询计划停水，或关注公众号' },
      { op: 'ins', text: '请到社区服务中心的窗口办理，带上身份证' },
      { op: 'same', text: '。' },
    ]);
  });

  it('gives both texts back from its parts, for added, removed, emptied and unchanged text', () => {
    const cases: [string, string][] = [
      ['', '新增的答复'],
      ['删掉的答复', ''],
      ['一样', '一样'],
      ['', ''],
      ['甲乙丙丁\n戊己', '乙丙丁戊\n己庚'],
      ['𠀀生僻字𠀁', '𠀀生僻字𠀂'],
    ];
    for (const [before, after] of cases) {
      const d = diffText(before, after);
      expect(sides(d.parts), `${before} → ${after}`).toEqual({ before, after });
      // No character outside the BMP is split into halves.
      for (const p of d.parts) expect(p.text, p.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    expect(diffText('一样', '一样').parts).toEqual([{ op: 'same', text: '一样' }]);
    expect(diffText('', '').parts).toEqual([]);
  });

  it('compares long texts by line, and shows a stretch too long to compare removed and added whole', () => {
    // 20,000 characters (the answer's limit) with two lines changed far apart: too big for one character table.
    const para = (i: number) => `第${i}段：${'按规定办理相关手续。'.repeat(9)}\n`;
    const lines = Array.from({ length: 200 }, (_, i) => para(i));
    const before = lines.join('');
    const after = lines.map((l, i) => (i === 10 ? l.replace('办理', '尽快办理') : i === 190 ? '第190段：已取消。\n' : l)).join('');
    expect(before.length * after.length).toBeGreaterThan(DIFF_MAX_CELLS);
    const started = performance.now();
    const d = diffText(before, after);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(sides(d.parts)).toEqual({ before, after });
    expect(d.coarse).toBe(false);
    expect(d.parts.filter((p) => p.op === 'ins').map((p) => p.text)).toEqual(['尽快', '已取消']);

    // One line of 5,000 characters rewritten: its table would be too big, so it is replaced whole.
    const long = (c: string) => `${c.repeat(2_500)}${'甲乙'.repeat(1_250)}`;
    const whole = diffText(`前言\n${long('丙')}\n结语`, `前言\n${long('丁')}x\n结语`);
    expect(whole.coarse).toBe(true);
    expect(whole.parts.map((p) => p.op)).toEqual(['same', 'del', 'ins', 'same']);
    expect(sides(whole.parts)).toEqual({ before: `前言\n${long('丙')}\n结语`, after: `前言\n${long('丁')}x\n结语` });
  });

  it('shortens long unchanged stretches around the changes for display', () => {
    const a = '甲'.repeat(300);
    const parts: DiffPart[] = [
      { op: 'same', text: a },
      { op: 'del', text: '旧' },
      { op: 'ins', text: '新' },
      { op: 'same', text: a },
      { op: 'ins', text: '再加' },
      { op: 'same', text: a },
    ];
    expect(compactParts(parts, 10)).toEqual([
      { op: 'skip', count: 290 },
      { op: 'same', text: '甲'.repeat(10) },
      { op: 'del', text: '旧' },
      { op: 'ins', text: '新' },
      { op: 'same', text: '甲'.repeat(10) },
      { op: 'skip', count: 280 },
      { op: 'same', text: '甲'.repeat(10) },
      { op: 'ins', text: '再加' },
      { op: 'same', text: '甲'.repeat(10) },
      { op: 'skip', count: 290 },
    ]);
    // Short stretches, and a text without changes, are shown as they are.
    expect(compactParts([{ op: 'same', text: '短' }, { op: 'ins', text: '加' }], 10)).toEqual([{ op: 'same', text: '短' }, { op: 'ins', text: '加' }]);
    expect(compactParts([{ op: 'same', text: a }], 10)).toEqual([{ op: 'same', text: a }]);
  });

  it('lists each changed field: texts as a difference, tags removed and added, the rest before → after', () => {
    const before = { ...ARTICLE, tags: ['社保卡', '补办'], internal: false };
    const after = { ...ARTICLE, title: '社保卡挂失补办', answer: `${ARTICLE.answer}也可在线办理。`, tags: ['补办', '挂失'], categoryCode: null, validTo: '2026-12-31', internal: true };
    const changes = compareContent(before, after);
    expect(changes.map((c) => c.field)).toEqual(['title', 'answer', 'categoryCode', 'tags', 'validTo', 'internal']);
    expect(changes).toContainEqual({ field: 'title', kind: 'value', before: '社保卡补办', after: '社保卡挂失补办' });
    expect(changes).toContainEqual({ field: 'categoryCode', kind: 'value', before: 'social.insurance', after: null });
    expect(changes).toContainEqual({ field: 'tags', kind: 'tags', removed: ['社保卡'], added: ['挂失'] });
    expect(changes).toContainEqual({ field: 'validTo', kind: 'value', before: null, after: '2026-12-31' });
    expect(changes).toContainEqual({ field: 'internal', kind: 'flag', before: false, after: true });
    const answer = changes.find((c) => c.field === 'answer');
    expect(answer?.kind === 'text' && marked(answer.diff.parts)).toBe(`${ARTICLE.answer}{+也可在线办理。+}`);
    expect(compareContent(before, before)).toEqual([]);
  });

  it('compares each version with the one before it: the current with the newest kept, the first with nothing', () => {
    const detail = {
      ...ARTICLE,
      version: 3,
      answer: '请到任一社保经办网点办理。',
      versions: [kept(2, { answer: '携带身份证到任一社保经办网点办理。' }), kept(1, { answer: '携带身份证到任一社保经办网点办理。', agency: null })],
    };
    const current = versionChange(detail, 3);
    expect(current.kind === 'changed' && current.previous).toBe(2);
    expect(current.kind === 'changed' && current.fields.map((f) => (f.kind === 'text' ? marked(f.diff.parts) : f.field))).toEqual(['[-携带身份证-]{+请+}到任一社保经办网点办理。']);
    expect(versionChange(detail, 2)).toEqual({ kind: 'changed', previous: 1, fields: [{ field: 'agency', kind: 'value', before: null, after: '市人社局' }] });
    expect(versionChange(detail, 1)).toEqual({ kind: 'first' });
    // The server lists the newest 100 kept versions: the oldest listed may have no predecessor to compare with.
    expect(versionChange({ ...detail, versions: [kept(2)] }, 2)).toEqual({ kind: 'missing', previous: 1 });
    expect(versionChange({ ...ARTICLE }, 3)).toEqual({ kind: 'missing', previous: 2 });
  });
});
