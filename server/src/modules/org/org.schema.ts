/** Request and response shapes for the organisation endpoints. */
import { DEPARTMENT_KINDS } from '@civicgrid/contracts/org';
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';

const kind = z.enum(DEPARTMENT_KINDS);
const name = z.string().trim().min(1).max(100);
const divisionCode = z.string().regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/, check('division_code'));

export const idParams = z.strictObject({ id: uuid });

export const departmentView = z.object({
  id: z.string(),
  jurisdictionId: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  kind,
  nameZh: z.string(),
  nameEn: z.string(),
  divisionCode: z.string().nullable(),
  active: z.boolean(),
  path: z.string(),
  depth: z.number(),
});

export const treeQuery = z.strictObject({ includeInactive: z.enum(['true', 'false']).default('false') });
export const treeResponse = z.object({ items: z.array(departmentView) });
export const departmentResponse = z.object({ department: departmentView });

export const createDepartmentBody = z.strictObject({
  parentId: uuid.nullish(),
  code: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, check('department_code')),
  kind,
  nameZh: name,
  nameEn: name,
  divisionCode: divisionCode.nullish(),
});
export const renameDepartmentBody = z
  .strictObject({ nameZh: name.optional(), nameEn: name.optional() })
  .refine((b) => b.nameZh !== undefined || b.nameEn !== undefined, check('name_required'));
export const moveDepartmentBody = z.strictObject({ parentId: uuid.nullable() });

export const divisionsQuery = z.strictObject({
  jurisdiction: z.string().min(1).max(100).optional(),
  level: z.enum(['province', 'city', 'district', 'street', 'community']).optional(),
  parentCode: divisionCode.optional(),
  withBoundary: z.enum(['true', 'false']).default('false'),
});
export const jurisdictionsResponse = z.object({
  items: z.array(z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string(), divisionCode: z.string() })),
});
export const divisionsResponse = z.object({
  jurisdictionId: z.string(),
  items: z.array(
    z.object({
      code: z.string(),
      parentCode: z.string().nullable(),
      level: z.string(),
      nameZh: z.string(),
      nameEn: z.string().nullable(),
      boundary: z.unknown().optional(),
    }),
  ),
});
