/**
 * An indicator system as stored: a flat list of nodes, each naming its parent (easy to edit in a table, to import
 * and to diff between versions), plus scoring settings. Pure: validates the list and turns it into the tree the
 * engine scores, taking weights from a node's AHP matrix when it has one.
 */
import { badRequest } from '../../shared/errors.js';
import { ahp } from './methods/ahp.js';
import type { AhpCheck, EvalNode, EvalSettings } from '@civicgrid/contracts/evaluation';
import { compileTree, type CompiledTree, type TreeNodeSpec } from './methods/engine.js';
import { checkTiers, type Tier } from './methods/stats.js';

export { PLATFORM_METRICS, type AhpCheck, type DataSource, type PlatformMetric } from '@civicgrid/contracts/evaluation';
/** A node as stored: the API's EvalNode. */
export type SystemNode = EvalNode;
/** Scoring settings as stored: the API's EvalSettings. */
export type SystemSettings = EvalSettings;

export interface BuiltSystem {
  tree: CompiledTree;
  /** Leaves in scoring order, with their definitions. */
  leaves: SystemNode[];
  ahp: AhpCheck[];
  tiers: Tier[];
}

export const MAX_SYSTEM_NODES = 2000;

export function buildSystem(nodes: readonly SystemNode[], settings: SystemSettings): BuiltSystem {
  if (nodes.length === 0) throw badRequest('evaluation.system_empty');
  if (nodes.length > MAX_SYSTEM_NODES) throw badRequest('evaluation.tree_too_large', { max: MAX_SYSTEM_NODES });
  const byCode = new Map<string, SystemNode>();
  const children = new Map<string | null, SystemNode[]>();
  for (const n of nodes) {
    if (byCode.has(n.code)) throw badRequest('evaluation.code_duplicate', { code: n.code });
    byCode.set(n.code, n);
  }
  for (const n of nodes) {
    if (n.parent !== null && !byCode.has(n.parent)) throw badRequest('evaluation.parent_unknown', { code: n.code, parent: n.parent });
    const list = children.get(n.parent) ?? [];
    list.push(n);
    children.set(n.parent, list);
  }
  const checks: AhpCheck[] = [];
  const reached = new Set<string>();
  const toSpec = (n: SystemNode): TreeNodeSpec => {
    reached.add(n.code);
    const kids = children.get(n.code) ?? [];
    if (kids.length === 0) {
      if (n.pairwise) throw badRequest('evaluation.pairwise_size', { code: n.code, n: 0 });
      return { code: n.code, weight: n.weight, ...(n.direction ? { direction: n.direction } : {}), ...(n.normalization ? { normalization: n.normalization } : {}) };
    }
    let weights = kids.map((k) => k.weight);
    if (n.pairwise) {
      if (n.pairwise.length !== kids.length) throw badRequest('evaluation.pairwise_size', { code: n.code, n: kids.length });
      const r = ahp(n.pairwise);
      weights = r.weights;
      const worst = r.mostInconsistent;
      checks.push({
        node: n.code,
        weights: r.weights,
        CR: r.CR,
        consistent: r.consistent,
        mostInconsistent: worst && { a: kids[worst.i]!.code, b: kids[worst.j]!.code, judgement: worst.judgement, implied: worst.implied },
      });
    }
    return { code: n.code, weight: n.weight, children: kids.map((k, i) => ({ ...toSpec(k), weight: weights[i]! })) };
  };
  const top = (children.get(null) ?? []).map(toSpec);
  // Nodes not reachable from a root sit on a parent cycle.
  const cyclic = nodes.find((n) => !reached.has(n.code));
  if (cyclic) throw badRequest('evaluation.parent_cycle', { code: cyclic.code });
  const tree = compileTree(top);
  return { tree, leaves: tree.leaves.map((l) => byCode.get(l.code)!), ahp: checks, tiers: checkTiers(settings.tiers) };
}
