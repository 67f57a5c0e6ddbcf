import { describe, expect, it } from 'vitest';
import { childPath, depthOf, preorder, rebase, wouldCycle } from './tree.js';

describe('department paths', () => {
  it('are the chain of ids', () => {
    expect(childPath(null, 'a')).toBe('/a/');
    expect(childPath('/a/', 'b')).toBe('/a/b/');
    expect(depthOf('/a/b/c/')).toBe(2);
  });
  it('refuse moving under oneself or a descendant', () => {
    expect(wouldCycle('/a/b/', '/a/b/')).toBe(true);
    expect(wouldCycle('/a/b/', '/a/b/c/')).toBe(true);
    expect(wouldCycle('/a/b/', '/a/')).toBe(false);
    expect(wouldCycle('/a/b/', '/a/bb/')).toBe(false);
    expect(wouldCycle('/a/b/', null)).toBe(false);
  });
  it('rebase a subtree onto a new prefix', () => {
    expect(rebase('/a/b/c/', '/a/b/', '/x/b/')).toBe('/x/b/c/');
    expect(() => rebase('/a/c/', '/a/b/', '/x/b/')).toThrow();
  });
  it('lists depth-first with siblings by code; orphans of the visible set are roots', () => {
    const rows = [
      { id: 'c', parentId: 'a', path: '/a/c/', code: 'z' },
      { id: 'a', parentId: null, path: '/a/', code: 'root' },
      { id: 'b', parentId: 'a', path: '/a/b/', code: 'm' },
      { id: 'd', parentId: 'b', path: '/a/b/d/', code: 'k' },
      { id: 'x', parentId: 'hidden', path: '/hidden/x/', code: 'x' },
    ];
    expect(preorder(rows).map((r) => `${r.id}:${r.depth}`)).toEqual(['a:0', 'b:1', 'd:2', 'c:1', 'x:0']);
  });
});
