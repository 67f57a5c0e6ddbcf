import { describe, expect, it } from 'vitest';
import type { CategoryView, ResponsibilityRuleView, SuggestionCandidate } from '@civicgrid/contracts/categories';
import { buildCategoryTree, childCode, moveAmongSiblings, ruleBody, ruleForm, searchCategoryTree, tiedWithBest } from './model';

const cat = (code: string, sortOrder: number, nameZh: string, nameEn: string | null = null): CategoryView => ({
  code,
  parentCode: code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null,
  kind: 'hotline',
  nameZh,
  nameEn,
  componentSubclass: null,
  sortOrder,
  active: true,
  source: 'standard',
  updatedAt: '2026-03-01T00:00:00Z',
});

const ITEMS = [
  cat('utilities', 10, '水电气暖', 'Utilities'),
  cat('utilities.water', 20, '供水', 'Water'),
  cat('utilities.power', 10, '供电', 'Power'),
  cat('utilities.gas', 30, '燃气', 'Gas'),
  cat('transport', 20, '交通出行', 'Transport'),
  cat('transport.bus', 10, '公交', null),
];

describe('category tree', () => {
  it('nests by parent code and orders siblings by sort order', () => {
    const tree = buildCategoryTree(ITEMS);
    expect(tree.map((n) => n.key)).toEqual(['utilities', 'transport']);
    expect(tree[0]!.children.map((n) => n.key)).toEqual(['utilities.power', 'utilities.water', 'utilities.gas']);
  });

  it('keeps the matches of a search (code, Chinese or English name) and the path to them, opened', () => {
    const tree = buildCategoryTree(ITEMS);
    const water = searchCategoryTree(tree, '供水');
    expect(water.matches).toBe(1);
    expect(water.tree.map((n) => n.key)).toEqual(['utilities']);
    expect(water.tree[0]!.children.map((n) => n.key)).toEqual(['utilities.water']);
    expect(water.expanded).toEqual(['utilities']);
    expect(searchCategoryTree(tree, 'GAS').tree[0]!.children.map((n) => n.key)).toEqual(['utilities.gas']);
    expect(searchCategoryTree(tree, 'transport.b').tree[0]!.children.map((n) => n.key)).toEqual(['transport.bus']);
    // A matching parent keeps its whole subtree.
    expect(searchCategoryTree(tree, '交通').tree[0]!.children.map((n) => n.key)).toEqual(['transport.bus']);
    expect(searchCategoryTree(tree, 'nothing-like-this').tree).toEqual([]);
    expect(searchCategoryTree(tree, '  ').tree).toHaveLength(2);
  });

  it('moves a category among its siblings, renumbering only what changes', () => {
    // power 10, water 20, gas 30 → water up: water 10, power 20.
    expect(moveAmongSiblings(ITEMS, 'utilities.water', -1)).toEqual([
      { code: 'utilities.water', sortOrder: 10 },
      { code: 'utilities.power', sortOrder: 20 },
    ]);
    expect(moveAmongSiblings(ITEMS, 'utilities.water', 1)).toEqual([
      { code: 'utilities.gas', sortOrder: 20 },
      { code: 'utilities.water', sortOrder: 30 },
    ]);
    expect(moveAmongSiblings(ITEMS, 'utilities.power', -1)).toEqual([]);
    expect(moveAmongSiblings(ITEMS, 'transport', 1)).toEqual([]);
    expect(moveAmongSiblings(ITEMS, 'transport', -1)).toEqual([
      { code: 'transport', sortOrder: 10 },
      { code: 'utilities', sortOrder: 20 },
    ]);
  });

  it('makes a child code from the parent and a segment', () => {
    expect(childCode('utilities', ' Well ')).toBe('utilities.well');
    expect(childCode(null, 'tourism')).toBe('tourism');
  });
});

describe('rules', () => {
  it('sends empty conditions as "any" (null) and keeps the rest', () => {
    expect(ruleBody({ categoryPrefix: 'utilities', districtCode: undefined, gridPrefix: '  ', componentClassPrefix: '01', departmentId: 'd1', priority: null, note: ' 说明 ' })).toEqual({
      categoryPrefix: 'utilities',
      districtCode: null,
      gridPrefix: null,
      componentClassPrefix: '01',
      departmentId: 'd1',
      priority: 0,
      fallback: false,
      active: true,
      note: '说明',
    });
  });

  it('fills the form from a rule and back to the same body', () => {
    const rule: ResponsibilityRuleView = {
      id: 'r1',
      categoryPrefix: 'event.01',
      districtCode: '110101',
      gridPrefix: null,
      componentClassPrefix: null,
      department: { id: 'd9', code: 'cgj', nameZh: '城管局', nameEn: 'Urban Management', active: true },
      priority: 5,
      fallback: true,
      active: false,
      note: null,
      createdAt: '',
      updatedAt: '',
    };
    expect(ruleBody(ruleForm(rule))).toEqual({ categoryPrefix: 'event.01', districtCode: '110101', gridPrefix: null, componentClassPrefix: null, departmentId: 'd9', priority: 5, fallback: true, active: false, note: null });
  });

  it('marks the candidates that tie with the best one (same conditions, depth, lengths and priority)', () => {
    const c = (ruleId: string, over: Partial<SuggestionCandidate>): SuggestionCandidate => ({ ruleId, departmentId: `d-${ruleId}`, departmentName: ruleId, departmentNameEn: ruleId, priority: 0, fallback: false, categoryPrefix: 'utilities', districtCode: null, gridPrefix: null, componentClassPrefix: null, ...over });
    const best = c('a', {});
    expect([...tiedWithBest([best, c('b', {}), c('c', { priority: -1 }), c('d', { categoryPrefix: 'other' })])]).toEqual(['a', 'b', 'd']);
    expect([...tiedWithBest([c('a', { categoryPrefix: 'utilities.water' }), c('b', {})])]).toEqual(['a']);
    expect([...tiedWithBest([c('a', { districtCode: '110101' }), c('b', { gridPrefix: '1101' })])]).toEqual(['a']);
    expect([...tiedWithBest([c('a', {}), c('b', { fallback: true })])]).toEqual(['a']);
    expect(tiedWithBest([]).size).toBe(0);
  });
});
