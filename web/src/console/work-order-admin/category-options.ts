/**
 * The category picker's data for the administration pages (清单化定责, 工单设置): every category, inactive ones
 * included and marked, as a TreeSelect tree titled "name (code)", and a category's text from its code.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryView } from '@civicgrid/contracts/categories';
import { categoriesAdminApi } from './api';
import { buildCategoryTree, categoryName, type CategoryTreeNode } from './model';

export type CategoryOption = { value: string; title: string; children: CategoryOption[] };

export function useAdminCategories(): CategoryView[] {
  const [items, setItems] = useState<CategoryView[]>([]);
  useEffect(() => {
    let live = true;
    categoriesAdminApi.list().then(
      (c) => live && setItems(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return items;
}

/** The tree for a TreeSelect, and "name (code)" of a code (the code alone when it is not in the tree). */
export function useCategoryOptions(categories: readonly CategoryView[]): { options: CategoryOption[]; text: (code: string) => string; known: (code: string) => boolean } {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const options = useMemo(() => {
    const toOptions = (nodes: CategoryTreeNode[]): CategoryOption[] =>
      nodes.map((n) => ({ value: n.key, title: `${categoryName(n.category, lang)} (${n.key})${n.category.active ? '' : ` · ${t('woAdmin.category.inactive')}`}`, children: toOptions(n.children) }));
    return toOptions(buildCategoryTree(categories));
  }, [categories, lang, t]);
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories]);
  return {
    options,
    text: (code) => {
      const c = byCode.get(code);
      return c ? `${categoryName(c, lang)} (${code})` : code;
    },
    known: (code) => byCode.has(code),
  };
}
