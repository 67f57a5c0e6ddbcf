import { describe, expect, it } from 'vitest';
import { Classifier, evaluate, splitHoldout, tokenize, type Example } from './model.js';
import { agencyByName, mailboxLabel } from './mailbox-labels.js';

const DATA: Example[] = [
  ...['路灯不亮', '路灯坏了晚上很黑', '这条街的路灯一直不亮', '路灯闪烁', '小区门口路灯熄灭', '桥上路灯不亮了'].map((text) => ({ text, label: 'component.01.0118' })),
  ...['井盖丢失', '井盖破损很危险', '路中间井盖被盗', '井盖松动', '人行道井盖缺失', '井盖下沉'].map((text) => ({ text, label: 'component.01.0102' })),
  ...['停水三天了', '自来水水压太低', '家里没有自来水', '水管停水没有通知', '小区停水', '自来水发黄'].map((text) => ({ text, label: 'utilities.water' })),
];

describe('classifier model', () => {
  for (const kind of ['softmax', 'nb'] as const) {
    it(`${kind}: learns separable classes, probabilities sum to 1`, () => {
      const m = Classifier.train(DATA, { kind, minDf: 1 });
      expect(m.predict('我家门前的路灯不亮', 1)[0]!.label).toBe('component.01.0118');
      expect(m.predict('井盖不见了', 1)[0]!.label).toBe('component.01.0102');
      expect(m.predict('今天又停水了', 1)[0]!.label).toBe('utilities.water');
      const all = m.predict('路灯', 10);
      expect(all).toHaveLength(3);
      expect(all.reduce((a, p) => a + p.probability, 0)).toBeCloseTo(1, 9);
      expect(all[0]!.probability).toBeGreaterThan(all[1]!.probability);
      expect(evaluate(m, DATA).accuracy).toBe(1);
    });

    it(`${kind}: training is deterministic and the model round-trips through JSON`, () => {
      const a = Classifier.train(DATA, { kind, minDf: 1, seed: 7 });
      const b = Classifier.train([...DATA], { kind, minDf: 1, seed: 7 });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      const back = Classifier.fromJSON(JSON.parse(JSON.stringify(a)));
      for (const text of ['路灯不亮', '井盖丢了', '停水', '完全无关的句子']) expect(back.predict(text, 3)).toEqual(a.predict(text, 3));
    });
  }

  it('a different seed shuffles differently (softmax weights change)', () => {
    const a = Classifier.train(DATA, { minDf: 1, seed: 1 });
    const b = Classifier.train(DATA, { minDf: 1, seed: 2 });
    expect(JSON.stringify(a.json.weights)).not.toBe(JSON.stringify(b.json.weights));
  });

  it('rejects a model whose weights do not match its vocabulary, and training on one category', () => {
    const json = Classifier.train(DATA, { minDf: 1 }).toJSON();
    expect(() => Classifier.fromJSON({ ...json, vocab: json.vocab.slice(1) })).toThrow(/match/);
    expect(() => Classifier.fromJSON({ format: 'other' })).toThrow(/model/);
    expect(() => Classifier.train(DATA.filter((e) => e.label === 'utilities.water'))).toThrow(/two categories/);
  });

  it('tokens: jieba words, plus character bigrams of Chinese runs when asked', () => {
    const words = tokenize('路灯不亮！', false);
    expect(words.join('')).toBe('路灯不亮'); // punctuation dropped
    expect(words.some((t) => t.startsWith('#'))).toBe(false);
    expect(tokenize('路灯不亮', true)).toEqual(expect.arrayContaining(['#路灯', '#灯不', '#不亮']));
  });

  it('splitHoldout is stratified and repeatable', () => {
    const s1 = splitHoldout(DATA, 0.34, 5);
    const s2 = splitHoldout(DATA, 0.34, 5);
    expect(s1).toEqual(s2);
    expect(s1.test).toHaveLength(6);
    for (const label of ['component.01.0118', 'component.01.0102', 'utilities.water']) expect(s1.test.filter((e) => e.label === label)).toHaveLength(2);
    expect(new Set([...s1.train, ...s1.test].map((e) => e.text)).size).toBe(DATA.length);
  });
});

describe('mailbox proxy labels', () => {
  it('maps a line agency by the most specific unit in its name', () => {
    expect(agencyByName('商洛市公安局交通警察支队')).toBe('transport');
    expect(agencyByName('商洛市公安局')).toBe('security');
    expect(mailboxLabel('商洛市人力资源和社会保障局', '')).toBe('labour');
    expect(mailboxLabel('商洛市水务局', '')).toBe('utilities.water');
    expect(mailboxLabel('彭珊', '')).toBeNull();
  });

  it('a general office: the first agency its answer names, after the forwarding note', () => {
    const reply = '网友你好，你反映的问题已转商州区人民政府阅处。现回复如下：立即责成区水务局核查，区住建局配合。';
    expect(mailboxLabel('商州区人民政府办公室', reply)).toBe('utilities.water');
    expect(mailboxLabel('市信息中心', '建议你向商州区人社局咨询具体政策')).toBe('labour');
    expect(mailboxLabel('市信息中心', '网友你好，建议你向所报驾校咨询。')).toBeNull();
  });
});
