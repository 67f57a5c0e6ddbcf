/**
 * Pure helpers of the category and responsibility-list administration (unit-tested in model.test.ts): the
 * category tree with search, moving a category among its siblings, the code of a new child, the rule form ⇄ the
 * request body, and which preview candidates tie with the best rule (the order of server/src/modules/work-orders/
 * responsibility-rules.ts).
 */
import type { CategoryView, ResponsibilityRuleView, SuggestionCandidate } from '@civicgrid/contracts/categories';
import type { RuleBody } from './api';

export const CODE_SEGMENT = /^[a-z0-9]+$/;
export const CATEGORY_CODE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;

export function categoryName(c: Pick<CategoryView, 'nameZh' | 'nameEn'>, language: string): string {
  return language === 'en' && c.nameEn ? c.nameEn : c.nameZh;
}

/** Siblings by sort order then code — the order the server lists them in. */
function bySortOrder(a: CategoryView, b: CategoryView): number {
  return a.sortOrder - b.sortOrder || a.code.localeCompare(b.code);
}

export interface CategoryTreeNode {
  key: string;
  category: CategoryView;
  children: CategoryTreeNode[];
}

/** The category tree; a category whose parent is missing becomes a root. */
export function buildCategoryTree(items: readonly CategoryView[]): CategoryTreeNode[] {
  const nodes = new Map(items.map((c) => [c.code, { key: c.code, category: c, children: [] as CategoryTreeNode[] }]));
  const roots: CategoryTreeNode[] = [];
  for (const c of [...items].sort(bySortOrder)) {
    const node = nodes.get(c.code)!;
    const parent = c.parentCode ? nodes.get(c.parentCode) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/**
 * The tree cut down to the categories matching a search (code, Chinese or English name, case-insensitive) and the
 * path to each; `expanded` opens the paths. An empty search keeps everything (and opens nothing).
 */
export function searchCategoryTree(tree: readonly CategoryTreeNode[], query: string): { tree: CategoryTreeNode[]; expanded: string[]; matches: number } {
  const q = query.trim().toLowerCase();
  if (!q) return { tree: [...tree], expanded: [], matches: 0 };
  const expanded: string[] = [];
  let matches = 0;
  const walk = (nodes: readonly CategoryTreeNode[]): CategoryTreeNode[] => {
    const out: CategoryTreeNode[] = [];
    for (const n of nodes) {
      const c = n.category;
      const hit = c.code.toLowerCase().includes(q) || c.nameZh.toLowerCase().includes(q) || (c.nameEn ?? '').toLowerCase().includes(q);
      if (hit) matches++;
      const children = walk(n.children);
      if (hit || children.length > 0) {
        if (children.length > 0) expanded.push(n.key);
        out.push({ ...n, children: hit && children.length === 0 ? n.children : children });
      }
    }
    return out;
  };
  return { tree: walk(tree), expanded, matches };
}

/**
 * Moves a category one place up or down among its siblings: the siblings are numbered 10, 20, 30 … in the new
 * order and only the categories whose sort order changes are answered (nothing at either end).
 */
export function moveAmongSiblings(items: readonly CategoryView[], code: string, direction: -1 | 1): { code: string; sortOrder: number }[] {
  const me = items.find((c) => c.code === code);
  if (!me) return [];
  const siblings = items.filter((c) => c.parentCode === me.parentCode).sort(bySortOrder);
  const i = siblings.findIndex((c) => c.code === code);
  const j = i + direction;
  if (j < 0 || j >= siblings.length) return [];
  const order = [...siblings];
  [order[i], order[j]] = [order[j]!, order[i]!];
  return order.map((c, k) => ({ code: c.code, sortOrder: (k + 1) * 10 })).filter((x, k) => order[k]!.sortOrder !== x.sortOrder);
}

/** The code of a new category: the parent's code and one more segment (a top-level category is the segment). */
export function childCode(parentCode: string | null, segment: string): string {
  const s = segment.trim().toLowerCase();
  return parentCode ? `${parentCode}.${s}` : s;
}

// ---- Rules ---------------------------------------------------------------------------------------------------

export interface RuleForm {
  categoryPrefix?: string | null;
  districtCode?: string | null;
  gridPrefix?: string | null;
  componentClassPrefix?: string | null;
  departmentId?: string;
  priority?: number | null;
  fallback?: boolean;
  active?: boolean;
  note?: string | null;
}

const blank = (v: string | null | undefined): string | null => {
  const s = (v ?? '').trim();
  return s === '' ? null : s;
};

/** The request body of a rule form: empty conditions mean "any" (null), priority defaults to 0, active to true. */
export function ruleBody(f: RuleForm): RuleBody {
  return {
    categoryPrefix: blank(f.categoryPrefix),
    districtCode: blank(f.districtCode),
    gridPrefix: blank(f.gridPrefix),
    componentClassPrefix: blank(f.componentClassPrefix),
    departmentId: f.departmentId ?? '',
    priority: f.priority ?? 0,
    fallback: f.fallback ?? false,
    active: f.active ?? true,
    note: blank(f.note),
  };
}

export function ruleForm(r: ResponsibilityRuleView): RuleForm {
  return {
    categoryPrefix: r.categoryPrefix,
    districtCode: r.districtCode,
    gridPrefix: r.gridPrefix ?? '',
    componentClassPrefix: r.componentClassPrefix ?? '',
    departmentId: r.department.id,
    priority: r.priority,
    fallback: r.fallback,
    active: r.active,
    note: r.note ?? '',
  };
}

/** How specific a rule is, most significant first (responsibility-rules.ts `specificity`). */
function specificity(c: Pick<SuggestionCandidate, 'categoryPrefix' | 'districtCode' | 'gridPrefix' | 'componentClassPrefix'>): number[] {
  const conditions = [c.categoryPrefix, c.districtCode, c.gridPrefix, c.componentClassPrefix].filter((x) => x !== null).length;
  return [conditions, c.categoryPrefix === null ? 0 : c.categoryPrefix.split('.').length, c.gridPrefix?.length ?? 0, c.componentClassPrefix?.length ?? 0];
}

function sameRank(a: SuggestionCandidate, b: SuggestionCandidate): boolean {
  if (a.fallback !== b.fallback) return false;
  const sa = specificity(a);
  const sb = specificity(b);
  return sa.every((v, i) => v === sb[i]) && a.priority === b.priority;
}

/** The ids of the candidates (best first, as the server answers) that rank equal with the best one, itself included. */
export function tiedWithBest(candidates: readonly SuggestionCandidate[]): Set<string> {
  const best = candidates[0];
  if (!best) return new Set();
  return new Set(candidates.filter((c) => sameRank(c, best)).map((c) => c.ruleId));
}
