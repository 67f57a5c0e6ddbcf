/** Request and response shapes for the city component endpoints. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';
import { COMPONENT_STATUSES } from './component-codes.js';

const status = z.enum(COMPONENT_STATUSES);

export const componentCodeParams = z.strictObject({ code: z.string().regex(/^[0-9]{16}$/, check('component_code')) });

const classView = z.object({ code: z.string(), parentCode: z.string().nullable(), nameZh: z.string(), nameEn: z.string().nullable(), source: z.string() });
export const classesResponse = z.object({ items: z.array(classView) });
export const classResponse = z.object({ class: classView });
export const createClassBody = z.strictObject({
  code: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, check('component_class_code')),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100).nullish(),
});
export const seedResponse = z.object({ added: z.number() });

const componentView = z.object({
  id: z.string(),
  code: z.string(),
  countyCode: z.string(),
  classCode: z.string(),
  name: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  gridCode: z.string().nullable(),
  ownerDepartmentId: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const componentResponse = z.object({ component: componentView });
export const componentDetailResponse = z.object({
  component: componentView.extend({
    className: z.object({ zh: z.string(), en: z.string().nullable() }).nullable(),
    history: z.array(
      z.object({
        at: z.string(),
        action: z.string(),
        fromStatus: z.string().nullable(),
        toStatus: z.string(),
        actor: z.string().nullable(),
        note: z.string().nullable(),
        workOrderId: z.string().nullable(),
        workOrderCode: z.string().nullable(),
      }),
    ),
    orders: z.array(z.object({ id: z.string(), code: z.string(), problem: z.string(), status: z.string(), how: z.string(), distanceM: z.number().nullable(), linkedAt: z.string() })),
    photos: z.array(z.object({ attachmentId: z.string(), workOrderId: z.string() })),
  }),
});
export const componentsResponse = z.object({ items: z.array(componentView), next: z.string().nullable() });

export const createComponentBody = z.strictObject({
  classCode: z.string().regex(/^[0-9]{4}$/, check('component_subclass')),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  name: z.string().trim().min(1).max(200).nullish(),
  ownerDepartmentId: uuid.nullish(),
  countyCode: z.string().regex(/^[0-9]{6}$/, check('county_code')).nullish(),
  code: z.string().regex(/^[0-9]{16}$/, check('component_code')).nullish(),
});

export const statusBody = z.strictObject({ status, note: z.string().trim().max(500).nullish() });

export const componentsQuery = z.strictObject({
  classCode: z.string().regex(/^[0-9]{2}([0-9]{2})?$/).optional(),
  gridCode: z.string().regex(/^[0-9]{1,14}$/).optional(),
  status: status.optional(),
  after: z.string().regex(/^[0-9]{16}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const mapQuery = z.strictObject({
  classCode: z.string().regex(/^[0-9]{2}([0-9]{2})?$/).optional(),
  status: status.optional(),
});
export const mapResponse = z.object({
  truncated: z.boolean(),
  items: z.array(z.object({ code: z.string(), classCode: z.string(), status: z.string(), lng: z.number(), lat: z.number() })),
});

export const settingsBody = z.strictObject({ linkDistanceM: z.number().int().min(1).max(1000) });
export const settingsResponse = z.object({ linkDistanceM: z.number() });

export const importComponentsBody = z.strictObject({
  format: z.enum(['csv', 'geojson']),
  content: z.string().min(1),
  dryRun: z.boolean().default(false),
  skipRejected: z.boolean().default(false),
});
