import { describe, expect, it } from 'vitest';
import { categoryCovers, compareRules, completeFacts, matchRules, ruleMatches, specificity, type OrderFacts, type ResponsibilityRule } from './responsibility-rules.js';

let n = 0;
const rule = (over: Partial<ResponsibilityRule>): ResponsibilityRule => ({
  id: `r${String(n++).padStart(4, '0')}`,
  categoryPrefix: null,
  districtCode: null,
  gridPrefix: null,
  componentClassPrefix: null,
  departmentId: 'dept',
  priority: 0,
  fallback: false,
  ...over,
});

const order: OrderFacts = { categoryCode: 'component.01.0102', districtCode: '510104', gridCode: '51010400100101', componentSubclass: '0102' };

describe('ruleMatches', () => {
  it('a rule without conditions matches every order, even one with no facts', () => {
    expect(ruleMatches(rule({}), order)).toBe(true);
    expect(ruleMatches(rule({}), { categoryCode: null, districtCode: null, gridCode: null, componentSubclass: null })).toBe(true);
  });

  it.each([
    ['category: the code itself', { categoryPrefix: 'component.01.0102' }, true],
    ['category: an ancestor', { categoryPrefix: 'component.01' }, true],
    ['category: the root', { categoryPrefix: 'component' }, true],
    ['category: another subtree', { categoryPrefix: 'event' }, false],
    ['category: a sibling', { categoryPrefix: 'component.01.0103' }, false],
    ['category: a descendant of the order category', { categoryPrefix: 'component.01.0102.01' }, false],
    ['category: a character prefix that is not a segment', { categoryPrefix: 'component.0' }, false],
    ['district: equal', { districtCode: '510104' }, true],
    ['district: other', { districtCode: '510105' }, false],
    ['grid: the whole code', { gridPrefix: '51010400100101' }, true],
    ['grid: street prefix', { gridPrefix: '510104001' }, true],
    ['grid: other community', { gridPrefix: '510104001002' }, false],
    ['component: subclass', { componentClassPrefix: '0102' }, true],
    ['component: class', { componentClassPrefix: '01' }, true],
    ['component: other class', { componentClassPrefix: '02' }, false],
    ['all four holding', { categoryPrefix: 'component', districtCode: '510104', gridPrefix: '5101040', componentClassPrefix: '01' }, true],
    ['three holding, one not', { categoryPrefix: 'component', districtCode: '510104', gridPrefix: '5101040', componentClassPrefix: '03' }, false],
  ])('%s', (_name, conditions, expected) => {
    expect(ruleMatches(rule(conditions), order)).toBe(expected);
  });

  it('a condition on an unknown fact does not match', () => {
    const unknown: OrderFacts = { categoryCode: null, districtCode: null, gridCode: null, componentSubclass: null };
    for (const c of [{ categoryPrefix: 'event' }, { districtCode: '510104' }, { gridPrefix: '5' }, { componentClassPrefix: '0' }]) {
      expect(ruleMatches(rule(c), unknown)).toBe(false);
    }
  });

  it('categoryCovers compares whole segments', () => {
    expect(categoryCovers('event.1', 'event.10')).toBe(false);
    expect(categoryCovers('event.1', 'event.1.2')).toBe(true);
    expect(categoryCovers('utilities', 'utilities')).toBe(true);
    expect(categoryCovers('utilities.water', 'utilities')).toBe(false);
  });
});

describe('specificity', () => {
  it('counts conditions, then category depth, grid prefix length and component prefix length', () => {
    expect(specificity(rule({}))).toEqual([0, 0, 0, 0]);
    expect(specificity(rule({ categoryPrefix: 'component.01.0102', districtCode: '510104', gridPrefix: '510104001', componentClassPrefix: '01' }))).toEqual([4, 3, 9, 2]);
  });
});

describe('matchRules: ordering', () => {
  it('returns null when nothing matches', () => {
    expect(matchRules([rule({ categoryPrefix: 'event' }), rule({ districtCode: '510105' })], order)).toBeNull();
    expect(matchRules([], order)).toBeNull();
  });

  // Every subset of conditions (2^4), all holding for the order: a rule with more conditions always wins, whatever
  // the priorities and whatever the lengths of the others' prefixes.
  const all = { categoryPrefix: 'component', districtCode: '510104', gridPrefix: '5', componentClassPrefix: '0' } as const;
  const long = { categoryPrefix: 'component.01.0102', districtCode: '510104', gridPrefix: '51010400100101', componentClassPrefix: '0102' } as const;
  const keys = Object.keys(all) as (keyof typeof all)[];
  const subsets = Array.from({ length: 16 }, (_, mask) => keys.filter((_k, i) => mask & (1 << i)));
  it.each(subsets.flatMap((a) => subsets.filter((b) => b.length > a.length).map((b) => [a, b] as const)))('%j (long, high priority) loses to %j (short)', (fewer, more) => {
    const few = rule({ ...Object.fromEntries(fewer.map((k) => [k, long[k]])), departmentId: 'few', priority: 1000 });
    const many = rule({ ...Object.fromEntries(more.map((k) => [k, all[k]])), departmentId: 'many', priority: -1000 });
    const m = matchRules([few, many], order)!;
    expect(m.rule).toBe(many);
    expect(m.unique).toBe(true);
    expect(m.candidates).toEqual([many, few]);
  });

  it('with as many conditions, the deeper category wins over a longer grid prefix', () => {
    const byCategory = rule({ categoryPrefix: 'component.01', departmentId: 'a' });
    const byGrid = rule({ gridPrefix: '51010400100101', departmentId: 'b', priority: 5 });
    expect(matchRules([byGrid, byCategory], order)!.departmentId).toBe('a');
  });

  it('then the longer grid prefix, then the longer component class prefix', () => {
    const street = rule({ categoryPrefix: 'component', gridPrefix: '510104001', departmentId: 'street' });
    const grid = rule({ categoryPrefix: 'component', gridPrefix: '51010400100101', departmentId: 'grid' });
    expect(matchRules([street, grid], order)!.departmentId).toBe('grid');
    const cls = rule({ gridPrefix: '510104', componentClassPrefix: '01', departmentId: 'class', priority: 9 });
    const sub = rule({ gridPrefix: '510104', componentClassPrefix: '0102', departmentId: 'subclass' });
    expect(matchRules([cls, sub], order)!.departmentId).toBe('subclass');
    // Category depth outranks the component prefix length.
    const deepCat = rule({ categoryPrefix: 'component.01', componentClassPrefix: '01', departmentId: 'deep' });
    const longSub = rule({ categoryPrefix: 'component', componentClassPrefix: '0102', departmentId: 'long' });
    expect(matchRules([longSub, deepCat], order)!.departmentId).toBe('deep');
    // Grid length outranks the component prefix length.
    const longGrid = rule({ gridPrefix: '510104001001', componentClassPrefix: '01', departmentId: 'g' });
    const shortGrid = rule({ gridPrefix: '510104', componentClassPrefix: '0102', departmentId: 'c' });
    expect(matchRules([shortGrid, longGrid], order)!.departmentId).toBe('g');
  });

  it('equally specific rules are decided by priority', () => {
    const low = rule({ categoryPrefix: 'component', departmentId: 'low', priority: 1 });
    const high = rule({ categoryPrefix: 'component', departmentId: 'high', priority: 2 });
    const m = matchRules([low, high], order)!;
    expect(m).toMatchObject({ departmentId: 'high', unique: true, fallback: false });
    expect(m.candidates.map((r) => r.departmentId)).toEqual(['high', 'low']);
  });

  it('with as many conditions, a category beats a district (a district has no length), and district rules tie on priority', () => {
    const district = rule({ districtCode: '510104', departmentId: 'district', priority: 9 });
    const category = rule({ categoryPrefix: 'component', departmentId: 'category', priority: 0 });
    expect(matchRules([district, category], order)).toMatchObject({ departmentId: 'category', unique: true });
    const withDistrict = rule({ districtCode: '510104', categoryPrefix: 'component', departmentId: 'district-category' });
    expect(matchRules([district, category, withDistrict], order)!.departmentId).toBe('district-category');
    const twin = rule({ districtCode: '510104', departmentId: 'other', priority: 9 });
    expect(matchRules([district, twin], order)!.unique).toBe(false);
    const preferred = rule({ districtCode: '510104', departmentId: 'preferred', priority: 10 });
    expect(matchRules([district, twin, preferred], order)).toMatchObject({ departmentId: 'preferred', unique: true });
  });

  it('fallback rules answer only when no ordinary rule matches, however specific they are', () => {
    const fb = rule({ ...long, departmentId: 'fallback', fallback: true, priority: 100 });
    const plain = rule({ districtCode: '510104', departmentId: 'plain' });
    const m = matchRules([fb, plain], order)!;
    expect(m).toMatchObject({ departmentId: 'plain', fallback: false, unique: true });
    expect(m.candidates).toEqual([plain, fb]);
    const other = rule({ districtCode: '510105', departmentId: 'other' });
    expect(matchRules([fb, other], order)).toMatchObject({ departmentId: 'fallback', fallback: true, unique: true, candidates: [fb] });
  });

  it('fallback rules are ranked among themselves like the others', () => {
    const anyFb = rule({ fallback: true, departmentId: 'hotline' });
    const districtFb = rule({ fallback: true, districtCode: '510104', departmentId: 'district-office' });
    expect(matchRules([anyFb, districtFb], { ...order, categoryCode: 'utilities' })!.departmentId).toBe('district-office');
    const tieA = rule({ fallback: true, departmentId: 'a' });
    expect(matchRules([anyFb, tieA], order)!.unique).toBe(false);
  });
});

describe('matchRules: ties and uniqueness', () => {
  it('a tie between rules naming the same department is still unique', () => {
    const a = rule({ categoryPrefix: 'component', departmentId: 'same' });
    const b = rule({ districtCode: '510104', departmentId: 'same' });
    expect(matchRules([a, b], order)).toMatchObject({ departmentId: 'same', unique: true });
  });

  it('a tie between different departments is not unique; the answer is deterministic (by rule id) whatever the input order', () => {
    const a = rule({ id: 'rule-a', categoryPrefix: 'component', departmentId: 'A' });
    const b = rule({ id: 'rule-b', categoryPrefix: 'component', departmentId: 'B' });
    for (const rules of [[a, b], [b, a]]) {
      const m = matchRules(rules, order)!;
      expect(m).toMatchObject({ departmentId: 'A', unique: false });
      expect(m.candidates.map((r) => r.id)).toEqual(['rule-a', 'rule-b']);
    }
  });

  it('rules below the best do not make it ambiguous', () => {
    const best = rule({ categoryPrefix: 'component.01', departmentId: 'best' });
    const worse1 = rule({ categoryPrefix: 'component', departmentId: 'x' });
    const worse2 = rule({ categoryPrefix: 'component', departmentId: 'y' });
    expect(matchRules([worse1, worse2, best], order)).toMatchObject({ departmentId: 'best', unique: true });
  });

  it('a three-way tie with two departments is not unique', () => {
    const rules = [rule({ departmentId: 'A' }), rule({ departmentId: 'A' }), rule({ departmentId: 'B' })];
    expect(matchRules(rules, order)!.unique).toBe(false);
  });

  it('random rule sets: the best rule is never outranked, and the result does not depend on input order', () => {
    let seed = 42;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)]!;
    for (let round = 0; round < 300; round++) {
      const rules = Array.from({ length: 1 + rnd(8) }, () =>
        rule({
          categoryPrefix: pick([null, 'component', 'component.01', 'component.01.0102', 'event']),
          districtCode: pick([null, '510104', '510105']),
          gridPrefix: pick([null, '510104', '510104001', '51010400100101', '5101050']),
          componentClassPrefix: pick([null, '01', '0102', '02']),
          departmentId: pick(['A', 'B', 'C']),
          priority: rnd(3),
          fallback: rnd(4) === 0,
        }),
      );
      const m = matchRules(rules, order);
      const matching = rules.filter((r) => ruleMatches(r, order));
      if (matching.length === 0) {
        expect(m).toBeNull();
        continue;
      }
      expect(m!.candidates).toHaveLength(matching.length);
      for (const r of matching) expect(compareRules(m!.rule, r)).toBeLessThanOrEqual(0);
      if (matching.some((r) => !r.fallback)) expect(m!.rule.fallback).toBe(false);
      const reversed = matchRules([...rules].reverse(), order)!;
      expect(reversed.rule).toBe(m!.rule);
      expect(reversed.unique).toBe(m!.unique);
      const best = specificity(m!.rule).join() + m!.rule.priority + m!.rule.fallback;
      const tiedDepartments = new Set(matching.filter((r) => specificity(r).join() + r.priority + r.fallback === best).map((r) => r.departmentId));
      expect(m!.unique).toBe(tiedDepartments.size === 1);
    }
  });
});

describe('completeFacts', () => {
  it('derives the district from the grid code and the subclass from a component category', () => {
    expect(completeFacts({ gridCode: '51010400100101', categoryCode: 'component.01.0102' })).toEqual(order);
    expect(completeFacts({ categoryCode: 'event.01.01' })).toEqual({ categoryCode: 'event.01.01', districtCode: null, gridCode: null, componentSubclass: null });
  });

  it('keeps what was given over what it would derive', () => {
    expect(completeFacts({ gridCode: '51010400100101', districtCode: '510105', categoryCode: 'component.01.0102', componentSubclass: '0103' })).toMatchObject({ districtCode: '510105', componentSubclass: '0103' });
  });
});
