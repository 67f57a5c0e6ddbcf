/** Request and response shapes for the work-order category endpoints. */
import { z } from 'zod';
import { check } from '../../http/validation-messages.js';

export const CATEGORY_CODE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
const code = z.string().max(64).regex(CATEGORY_CODE, check('category_path'));
const kind = z.enum(['component', 'event', 'hotline']);
const nameZh = z.string().trim().min(1).max(100);
const nameEn = z.string().trim().min(1).max(100);
const sortOrder = z.number().int().min(-1_000_000).max(1_000_000);

export const categoryCodeParams = z.strictObject({ code });

const categoryView = z.object({
  code: z.string(),
  parentCode: z.string().nullable(),
  kind,
  nameZh: z.string(),
  nameEn: z.string().nullable(),
  componentSubclass: z.string().nullable(),
  sortOrder: z.number(),
  active: z.boolean(),
  source: z.enum(['standard', 'local']),
  updatedAt: z.string(),
});
export type CategoryViewShape = z.infer<typeof categoryView>;
const categoryNode = categoryView.extend({
  get children() {
    return z.array(categoryNode);
  },
});

export const categoriesQuery = z.strictObject({
  view: z.enum(['flat', 'tree']).default('flat'),
  includeInactive: z.enum(['true', 'false']).default('true'),
});
export const categoriesResponse = z.object({ items: z.array(categoryView).optional(), tree: z.array(categoryNode).optional() });
export const categoryResponse = z.object({ category: categoryView });

const publicCategory = z.object({ code: z.string(), parentCode: z.string().nullable(), kind, nameZh: z.string(), nameEn: z.string().nullable() });
export const publicCategoriesQuery = z.strictObject({ jurisdiction: z.string().min(1).max(100).optional() });
export const publicCategoriesResponse = z.object({ jurisdictionId: z.string(), items: z.array(publicCategory) });

export const createCategoryBody = z.strictObject({
  code,
  nameZh,
  nameEn: nameEn.nullish(),
  /** Required for a top-level category; a child has its parent's kind. */
  kind: kind.optional(),
  componentSubclass: z.string().regex(/^[0-9]{4}$/, check('component_subclass')).nullish(),
  sortOrder: sortOrder.optional(),
});

export const updateCategoryBody = z
  .strictObject({
    nameZh: nameZh.optional(),
    nameEn: nameEn.nullable().optional(),
    sortOrder: sortOrder.optional(),
    active: z.boolean().optional(),
    /** With `active: false`, deactivate the categories below it too (otherwise refused while they are active). */
    includeChildren: z.boolean().optional(),
  })
  .refine((b) => b.nameZh !== undefined || b.nameEn !== undefined || b.sortOrder !== undefined || b.active !== undefined, check('nothing_to_change'));

export const updateCategoryResponse = z.object({ category: categoryView, changed: z.array(z.string()) });
export const seedCategoriesResponse = z.object({ added: z.number() });
