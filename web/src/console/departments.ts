/** Departments from the org module, and the tree the console shows and edits. */
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../shared/api';
import type { DepartmentView as Department } from '@civicgrid/contracts/org';

export const departmentsApi = {
  list: () => api.get<{ items: Department[] }>('/api/v1/departments').then((r) => r.items),
};

export interface DepartmentNode {
  key: string;
  value: string;
  title: string;
  department: Department;
  children?: DepartmentNode[];
}

export function departmentName(d: Pick<Department, 'nameZh' | 'nameEn'>, language: string): string {
  return language === 'en' && d.nameEn ? d.nameEn : d.nameZh;
}

/** Builds the tree (roots are departments without a parent, or whose parent is not visible to the caller). */
export function departmentTree(items: readonly Department[], language: string): DepartmentNode[] {
  const byId = new Map(items.map((d) => [d.id, d]));
  const nodes = new Map<string, DepartmentNode>(
    items.map((d) => [d.id, { key: d.id, value: d.id, title: departmentName(d, language), department: d }]),
  );
  const roots: DepartmentNode[] = [];
  for (const d of items) {
    const node = nodes.get(d.id)!;
    const parent = d.parentId && byId.has(d.parentId) ? nodes.get(d.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  const sort = (list: DepartmentNode[]) => {
    list.sort((a, b) => a.department.code.localeCompare(b.department.code));
    list.forEach((n) => n.children && sort(n.children));
  };
  sort(roots);
  return roots;
}

export function useDepartments(): { items: Department[] | null; error: string | null; reload: () => void } {
  const [items, setItems] = useState<Department[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    departmentsApi.list().then(
      (d) => live && (setItems(d), setError(null)),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [n]);
  return { items, error, reload: useCallback(() => setN((x) => x + 1), []) };
}
