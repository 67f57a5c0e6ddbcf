/**
 * The responsibility list (清单化定责), pure: which rule answers for an order.
 *
 * A rule matches when every condition it sets holds — category subtree (the rule's category code or below it, by
 * whole dotted segments: 'event.1' does not cover 'event.10'), district code (exact), grid code prefix and component
 * class prefix (character prefixes of the 14-digit grid code and the 4-digit subclass). Among matching rules:
 *   1. fallback rules only when no other rule matches;
 *   2. more conditions first;
 *   3. then longer conditions, compared in this order: category depth (segments), grid prefix length, component
 *      class prefix length (what the problem is decides first, then where, then which kind of component);
 *   4. then higher priority.
 * Rules equal on all of that are a tie; the suggestion is `unique` unless the tied best rules name different
 * departments. Order among tied rules is by id, so the answer is deterministic.
 */

export interface RuleConditions {
  categoryPrefix: string | null;
  districtCode: string | null;
  gridPrefix: string | null;
  componentClassPrefix: string | null;
}

export interface ResponsibilityRule extends RuleConditions {
  id: string;
  departmentId: string;
  priority: number;
  fallback: boolean;
}

/** What is known about an order. A rule with a condition on an unknown fact does not match. */
export interface OrderFacts {
  categoryCode: string | null;
  districtCode: string | null;
  gridCode: string | null;
  componentSubclass: string | null;
}

export interface RuleMatch<R extends ResponsibilityRule = ResponsibilityRule> {
  departmentId: string;
  rule: R;
  /** False when the best rules tie and name different departments: a person must choose. */
  unique: boolean;
  /** The best rule is a fallback (no ordinary rule matched). */
  fallback: boolean;
  /** Every matching rule, best first (fallback rules after the others). */
  candidates: R[];
}

/** `code` is `prefix` or lies below it in the dotted tree. */
export function categoryCovers(prefix: string, code: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

export function ruleMatches(rule: RuleConditions, facts: OrderFacts): boolean {
  if (rule.categoryPrefix !== null && (facts.categoryCode === null || !categoryCovers(rule.categoryPrefix, facts.categoryCode))) return false;
  if (rule.districtCode !== null && facts.districtCode !== rule.districtCode) return false;
  if (rule.gridPrefix !== null && (facts.gridCode === null || !facts.gridCode.startsWith(rule.gridPrefix))) return false;
  if (rule.componentClassPrefix !== null && (facts.componentSubclass === null || !facts.componentSubclass.startsWith(rule.componentClassPrefix))) return false;
  return true;
}

/** How specific a rule is, most significant first: [conditions, category depth, grid prefix length, component class prefix length]. */
export function specificity(rule: RuleConditions): [number, number, number, number] {
  const conditions = [rule.categoryPrefix, rule.districtCode, rule.gridPrefix, rule.componentClassPrefix].filter((c) => c !== null).length;
  return [conditions, rule.categoryPrefix === null ? 0 : rule.categoryPrefix.split('.').length, rule.gridPrefix?.length ?? 0, rule.componentClassPrefix?.length ?? 0];
}

/** Negative when `a` ranks before `b` on everything but the tie-break by id. */
function rank(a: ResponsibilityRule, b: ResponsibilityRule): number {
  if (a.fallback !== b.fallback) return a.fallback ? 1 : -1;
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i]! - sa[i]!;
  return b.priority - a.priority;
}

/** Sort order of rules: best first; ties by id. */
export function compareRules(a: ResponsibilityRule, b: ResponsibilityRule): number {
  return rank(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The best rule for the facts and whether it is unambiguous, or null when no rule matches. */
export function matchRules<R extends ResponsibilityRule>(rules: readonly R[], facts: OrderFacts): RuleMatch<R> | null {
  const candidates = rules.filter((r) => ruleMatches(r, facts)).sort(compareRules);
  const best = candidates[0];
  if (!best) return null;
  const tied = candidates.filter((r) => rank(r, best) === 0);
  return {
    departmentId: best.departmentId,
    rule: best,
    unique: tied.every((r) => r.departmentId === best.departmentId),
    fallback: best.fallback,
    candidates,
  };
}

/**
 * Fills in what follows from other facts: the district is the first six digits of a grid code, and a component
 * category `component.CC.CCSS` names its subclass.
 */
export function completeFacts(facts: Partial<OrderFacts>): OrderFacts {
  const gridCode = facts.gridCode ?? null;
  const categoryCode = facts.categoryCode ?? null;
  const fromCategory = categoryCode ? /^component\.[0-9]{2}\.([0-9]{4})(\.|$)/.exec(categoryCode)?.[1] ?? null : null;
  return {
    categoryCode,
    districtCode: facts.districtCode ?? (gridCode && /^[0-9]{6}/.test(gridCode) ? gridCode.slice(0, 6) : null),
    gridCode,
    componentSubclass: facts.componentSubclass ?? fromCategory,
  };
}
