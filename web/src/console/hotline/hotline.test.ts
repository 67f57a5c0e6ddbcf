import { describe, expect, it } from 'vitest';
import { catalogs, type Tree } from '../../shared/locale-catalog';
import {
  answeredCall,
  answerNote,
  CALL_TYPES,
  callTypeForKey,
  canAnswerFromKnowledge,
  categoryOptions,
  classifyText,
  cleanPhone,
  createBody,
  effectiveTitle,
  EMPTY_CALL,
  isValidPhone,
  knowledgeQuery,
  lookupTiming,
  matchesCategory,
  newIdempotencyKey,
  NOTE_MAX,
  parseTally,
  problemsOf,
  shortcutOf,
  STATUSES,
  tally,
  URGENCIES,
  worthClassifying,
  type CategoryItem,
  type KeyLike,
} from './hotline';

const key = (k: Partial<KeyLike>): KeyLike => ({ key: '', code: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...k });

describe('request type keys', () => {
  it('maps 1–5 to 咨询/求助/投诉/举报/建议 and nothing else', () => {
    expect(['1', '2', '3', '4', '5'].map(callTypeForKey)).toEqual(['enquiry', 'help', 'complaint', 'report', 'suggestion']);
    for (const k of ['0', '6', '9', 'a', 'Enter', '12', ' ', '']) expect(callTypeForKey(k), k).toBeNull();
  });
});

describe('shortcuts', () => {
  it('Ctrl+Enter or ⌘+Enter submits; plain Enter and Alt+Enter do not', () => {
    expect(shortcutOf(key({ key: 'Enter', code: 'Enter', ctrlKey: true }))).toBe('submit');
    expect(shortcutOf(key({ key: 'Enter', code: 'Enter', metaKey: true }))).toBe('submit');
    expect(shortcutOf(key({ key: 'Enter', code: 'Enter' }))).toBeNull();
    expect(shortcutOf(key({ key: 'Enter', code: 'Enter', ctrlKey: true, altKey: true }))).toBeNull();
  });

  it('Alt shortcuts follow the physical key (Alt+S types ß on a Mac)', () => {
    expect(shortcutOf(key({ key: 'ß', code: 'KeyS', altKey: true }))).toBe('acceptSuggestion');
    expect(shortcutOf(key({ key: 'k', code: 'KeyK', altKey: true }))).toBe('knowledge');
    expect(shortcutOf(key({ key: 'p', code: 'KeyP', altKey: true }))).toBe('phone');
    expect(shortcutOf(key({ key: 's', code: 'KeyS' }))).toBeNull();
    expect(shortcutOf(key({ key: 's', code: 'KeyS', altKey: true, ctrlKey: true }))).toBeNull();
  });
});

describe('caller phone', () => {
  it('drops the separators people type or paste', () => {
    expect(cleanPhone(' 138-0000 1234 ')).toBe('13800001234');
    expect(cleanPhone('(028) 8888.1234')).toBe('02888881234');
    expect(cleanPhone('（028）88881234')).toBe('02888881234');
  });

  it('accepts what the server accepts', () => {
    expect(isValidPhone('138 0000 1234')).toBe(true);
    expect(isValidPhone('+8613800001234')).toBe(true);
    expect(isValidPhone('12345')).toBe(true);
    expect(isValidPhone('1234')).toBe(false);
    expect(isValidPhone('138abc')).toBe(false);
    expect(isValidPhone('1'.repeat(21))).toBe(false);
  });

  it('looks a complete mobile up at once, a long enough other number after a pause, a short one never', () => {
    expect(lookupTiming('13800001234')).toBe('now');
    expect(lookupTiming('+86 138 0000 1234')).toBe('now');
    expect(lookupTiming('8613800001234')).toBe('now');
    expect(lookupTiming('1380000123')).toBe('pause'); // one digit short of a mobile: may be a landline
    expect(lookupTiming('12800001234')).toBe('pause'); // not a mobile prefix
    expect(lookupTiming('028-8888-1234')).toBe('pause');
    expect(lookupTiming('138000')).toBe('no');
    expect(lookupTiming('')).toBe('no');
  });
});

describe('idempotency key', () => {
  it('is new per call and matches the server pattern', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).not.toBe(b);
    for (const k of [a, b]) expect(k).toMatch(/^[A-Za-z0-9._:-]{8,200}$/);
    expect(newIdempotencyKey(() => 'x')).toBe('hotline-x');
  });
});

const tree: CategoryItem[] = [
  { code: 'utilities', parentCode: null, nameZh: '水电气暖', nameEn: 'Utilities', active: true },
  { code: 'utilities.water', parentCode: 'utilities', nameZh: '供水', nameEn: 'Water supply', active: true },
  { code: 'utilities.gas', parentCode: 'utilities', nameZh: '燃气', nameEn: null, active: false },
  { code: 'event', parentCode: null, nameZh: '事件', nameEn: 'Events', active: true },
  { code: 'event.01', parentCode: 'event', nameZh: '市容环境', nameEn: 'City appearance', active: true },
  { code: 'event.01.01', parentCode: 'event.01', nameZh: '暴露垃圾', nameEn: 'Exposed rubbish', active: true },
];

describe('category options', () => {
  it('label each active category with its full path in the UI language', () => {
    const zh = categoryOptions(tree, 'zh-CN');
    expect(zh.map((o) => o.value)).toEqual(['utilities', 'utilities.water', 'event', 'event.01', 'event.01.01']);
    expect(zh.find((o) => o.value === 'event.01.01')?.label).toBe('事件 / 市容环境 / 暴露垃圾');
    expect(categoryOptions(tree, 'en').find((o) => o.value === 'utilities.water')?.label).toBe('Utilities / Water supply');
  });

  it('match typed words in either language or the code', () => {
    const opts = categoryOptions(tree, 'zh-CN');
    const hits = (q: string) => opts.filter((o) => matchesCategory(q, o)).map((o) => o.value);
    expect(hits('供水')).toEqual(['utilities.water']);
    expect(hits('WATER')).toEqual(['utilities.water']);
    expect(hits('垃圾')).toEqual(['event.01.01']);
    expect(hits('市容 垃圾')).toEqual(['event.01.01']);
    expect(hits('event.01')).toEqual(['event.01', 'event.01.01']);
    expect(hits('燃气')).toEqual([]); // inactive
    expect(hits('供水 垃圾')).toEqual([]);
  });
});

describe('texts sent along', () => {
  it('search the knowledge base with the own box first, else the call text, bounded', () => {
    expect(knowledgeQuery('  社保卡 ', '标题', '描述')).toBe('社保卡');
    expect(knowledgeQuery('', ' 社保卡补办 ', ' 在哪里办 ')).toBe('社保卡补办 在哪里办');
    expect(knowledgeQuery('', '', '')).toBe('');
    expect(knowledgeQuery('', '', '字'.repeat(900))).toHaveLength(500);
  });

  it('classify once there are a few characters', () => {
    expect(worthClassifying(classifyText('', '停水'))).toBe(false);
    expect(worthClassifying(classifyText('', '家里停水'))).toBe(true);
    expect(classifyText(' 停水 ', ' 三天了 ')).toBe('停水\n三天了');
  });

  it('cut an article answer to the note limit', () => {
    expect(answerNote('  请到社保中心办理。 ')).toBe('请到社保中心办理。');
    const long = answerNote('答'.repeat(5000));
    expect(long).toHaveLength(NOTE_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('the call form', () => {
  it('takes the title from the description when none is typed', () => {
    expect(effectiveTitle(' 小区停水 ', '长描述')).toBe('小区停水');
    expect(effectiveTitle('', '家里停水三天了。自来水公司电话打不通')).toBe('家里停水三天了');
    expect(effectiveTitle('', '一'.repeat(50))).toBe(`${'一'.repeat(29)}…`);
    expect(effectiveTitle('', '   ')).toBe('');
  });

  it('lists what must be fixed before sending', () => {
    expect(problemsOf(EMPTY_CALL)).toEqual(['requestType', 'title']);
    expect(problemsOf({ ...EMPTY_CALL, phone: '12', requestType: 'help', description: '路灯不亮' })).toEqual(['phone']);
    expect(problemsOf({ ...EMPTY_CALL, requestType: 'help', description: '路灯不亮' })).toEqual([]);
  });

  it('builds the create body; a call with neither number nor name is anonymous', () => {
    const body = createBody({ ...EMPTY_CALL, phone: '138 0000 1234', name: ' 张三 ', requestType: 'complaint', description: '噪音扰民。晚上施工', address: '  ', urgency: 'urgent' });
    expect(body).toEqual({
      requestType: 'complaint',
      title: '噪音扰民',
      description: '噪音扰民。晚上施工',
      categoryCode: null,
      address: null,
      districtCode: null,
      urgency: 'urgent',
      reporter: { name: '张三', phone: '13800001234' },
    });
    expect(createBody({ ...EMPTY_CALL, requestType: 'help', title: 't' }).reporter).toBeNull();
  });

  it('answers from an article as an enquiry, filling only what the agent left empty', () => {
    const article = { title: '社保卡办理', question: '社保卡在哪里办？', categoryCode: 'labour' };
    const known = new Set(['labour', 'utilities.water']);
    const filled = answeredCall({ ...EMPTY_CALL, phone: '13800001234' }, article, known);
    expect(filled).toMatchObject({ requestType: 'enquiry', title: '社保卡办理', description: '社保卡在哪里办？', categoryCode: 'labour', phone: '13800001234' });
    const kept = answeredCall({ ...EMPTY_CALL, title: '我的标题', description: '我的描述', categoryCode: 'utilities.water' }, article, known);
    expect(kept).toMatchObject({ title: '我的标题', description: '我的描述', categoryCode: 'utilities.water' });
    expect(answeredCall(EMPTY_CALL, { ...article, categoryCode: 'not.in.tree' }, known).categoryCode).toBeNull();
  });

  it('answers from the knowledge base only for enquiries (or before a type is chosen)', () => {
    expect(canAnswerFromKnowledge(null)).toBe(true);
    expect(canAnswerFromKnowledge('enquiry')).toBe(true);
    for (const t of CALL_TYPES.filter((x) => x !== 'enquiry')) expect(canAnswerFromKnowledge(t)).toBe(false);
  });
});

describe('session tally', () => {
  it('counts handled calls and first-contact answers, surviving a reload and refusing damage', () => {
    let s = parseTally(null);
    s = tally(tally(tally(s, false), true), true);
    expect(s).toEqual({ handled: 3, answered: 2 });
    expect(parseTally(JSON.stringify(s))).toEqual(s);
    for (const bad of ['nope', '{"handled":1,"answered":2}', '{"handled":-1,"answered":0}', '{"handled":1.5,"answered":0}']) {
      expect(parseTally(bad), bad).toEqual({ handled: 0, answered: 0 });
    }
  });
});

describe('labels', () => {
  it('exist in both languages for every type, urgency and status the page shows', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const h = catalogs[lang].hotline as Tree;
      const types = h.types as Tree;
      const urgencies = h.urgencies as Tree;
      const statuses = h.statuses as Tree;
      for (const x of [...CALL_TYPES, 'component', 'event']) expect(types[x], `${lang} types.${x}`).toBeTypeOf('string');
      for (const x of URGENCIES) expect(urgencies[x], `${lang} urgencies.${x}`).toBeTypeOf('string');
      for (const x of STATUSES) expect(statuses[x], `${lang} statuses.${x}`).toBeTypeOf('string');
    }
  });
});
