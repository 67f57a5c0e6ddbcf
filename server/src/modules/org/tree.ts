/**
 * Pure rules of the department tree. `path` is the chain of ids from the root, '/a/b/c/', so a subtree is
 * every path with a given prefix and moving a subtree is rewriting that prefix.
 */
export function childPath(parentPath: string | null, id: string): string {
  return `${parentPath ?? '/'}${id}/`;
}

export function depthOf(path: string): number {
  return path.split('/').filter(Boolean).length - 1;
}

/** Moving `node` under `newParent` would make it its own ancestor. */
export function wouldCycle(nodePath: string, newParentPath: string | null): boolean {
  return newParentPath !== null && newParentPath.startsWith(nodePath);
}

/** Where a descendant's path goes when its ancestor's path changes from `from` to `to`. */
export function rebase(path: string, from: string, to: string): string {
  if (!path.startsWith(from)) throw new Error(`${path} is not under ${from}`);
  return to + path.slice(from.length);
}

export interface TreeRow {
  id: string;
  parentId: string | null;
  path: string;
  code: string;
}

/**
 * Depth-first order with siblings by code, each with its depth relative to the visible roots (a row whose
 * parent is not in the list is a root — a handler sees their own subtree as a tree).
 */
export function preorder<T extends TreeRow>(rows: readonly T[]): (T & { depth: number })[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, T[]>();
  for (const r of rows) {
    const key = r.parentId !== null && ids.has(r.parentId) ? r.parentId : null;
    const list = children.get(key) ?? [];
    list.push(r);
    children.set(key, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  const out: (T & { depth: number })[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      out.push({ ...r, depth });
      visit(r.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}
