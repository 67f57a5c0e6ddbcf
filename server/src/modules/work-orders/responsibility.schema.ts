/** Request and response shapes for the responsibility list (清单化定责) endpoints. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';

const categoryCode = z.string().max(64).regex(/^[a-z0-9]+(\.[a-z0-9]+)*$/, check('category_code_example'));
const districtCode = z.string().regex(/^[0-9]{6}$/, check('district_code'));
const gridPrefix = z.string().regex(/^[0-9]{1,14}$/, check('grid_prefix'));
const componentClassPrefix = z.string().regex(/^[0-9]{1,4}$/, check('component_class_prefix'));
const priority = z.number().int().min(-1_000_000).max(1_000_000);
const note = z.string().trim().max(500);

export const ruleIdParams = z.strictObject({ id: uuid });

const departmentRef = z.object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string(), active: z.boolean() });
const ruleView = z.object({
  id: z.string(),
  categoryPrefix: z.string().nullable(),
  districtCode: z.string().nullable(),
  gridPrefix: z.string().nullable(),
  componentClassPrefix: z.string().nullable(),
  department: departmentRef,
  priority: z.number(),
  fallback: z.boolean(),
  active: z.boolean(),
  note: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ruleResponse = z.object({ rule: ruleView });
export const rulesResponse = z.object({ items: z.array(ruleView) });

export const rulesQuery = z.strictObject({
  departmentId: uuid.optional(),
  /** Rules whose category condition lies in this subtree. */
  categoryPrefix: categoryCode.optional(),
  districtCode: districtCode.optional(),
  active: z.enum(['true', 'false']).optional(),
});

export const createRuleBody = z
  .strictObject({
    categoryPrefix: categoryCode.nullish(),
    districtCode: districtCode.nullish(),
    gridPrefix: gridPrefix.nullish(),
    componentClassPrefix: componentClassPrefix.nullish(),
    departmentId: uuid.optional(),
    departmentCode: z.string().min(1).max(100).optional(),
    priority: priority.optional(),
    fallback: z.boolean().optional(),
    active: z.boolean().optional(),
    note: note.nullish(),
  })
  .refine((b) => (b.departmentId === undefined) !== (b.departmentCode === undefined), { ...check('department_one'), path: ['departmentId'] });

export const updateRuleBody = z
  .strictObject({
    categoryPrefix: categoryCode.nullable().optional(),
    districtCode: districtCode.nullable().optional(),
    gridPrefix: gridPrefix.nullable().optional(),
    componentClassPrefix: componentClassPrefix.nullable().optional(),
    departmentId: uuid.optional(),
    departmentCode: z.string().min(1).max(100).optional(),
    priority: priority.optional(),
    fallback: z.boolean().optional(),
    active: z.boolean().optional(),
    note: note.nullable().optional(),
  })
  .refine((b) => !(b.departmentId !== undefined && b.departmentCode !== undefined), { ...check('department_not_both'), path: ['departmentId'] })
  .refine((b) => Object.values(b).some((v) => v !== undefined), check('nothing_to_change'));

export const previewBody = z
  .strictObject({
    categoryCode: categoryCode.nullish(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    gridCode: z.string().regex(/^[0-9]{14}$/, check('grid_code_14')).nullish(),
    districtCode: districtCode.nullish(),
    componentSubclass: z.string().regex(/^[0-9]{4}$/, check('component_subclass')).nullish(),
  })
  .refine((b) => (b.lat === undefined) === (b.lng === undefined), { ...check('lat_lng_together'), path: ['lat'] });

const candidate = z.object({
  ruleId: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  departmentNameEn: z.string(),
  priority: z.number(),
  fallback: z.boolean(),
  categoryPrefix: z.string().nullable(),
  districtCode: z.string().nullable(),
  gridPrefix: z.string().nullable(),
  componentClassPrefix: z.string().nullable(),
});
export const departmentSuggestion = z.object({
  departmentId: z.string(),
  departmentName: z.string(),
  departmentNameEn: z.string(),
  ruleId: z.string(),
  unique: z.boolean(),
  fallback: z.boolean(),
  candidates: z.array(candidate),
});
export const previewResponse = z.object({
  facts: z.object({ categoryCode: z.string().nullable(), districtCode: z.string().nullable(), gridCode: z.string().nullable(), componentSubclass: z.string().nullable() }),
  suggestion: departmentSuggestion.nullable(),
});
