/** Request and response shapes of the attachment endpoints (the upload body itself is the raw image). */
import { z } from 'zod';
import { check } from '../../http/validation-messages.js';
import { IMAGE_TYPES } from './image-sniff.js';

export const attachmentIdParams = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, check('uuid')),
});

export const uploadQuery = z.strictObject({
  /** The public portal names the jurisdiction it reports to (optional when the server hosts only one). */
  jurisdiction: z.string().min(1).max(100).optional(),
});

export const attachmentResponse = z.object({
  id: z.string(),
  contentType: z.enum(IMAGE_TYPES),
  size: z.number().int(),
  sha256: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});

export const downloadQuery = z.strictObject({
  size: z.enum(['full', 'thumb']).default('full').describe('thumb: a JPEG within 320 × 320 (the full photo when none was made, e.g. HEIC)'),
});
