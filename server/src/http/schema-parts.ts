/**
 * Schema parts many modules' request schemas share. Zod's own `z.uuid()` accepts only RFC 9562 versions and
 * variants; ids here are any 8-4-4-4-12 hex string, as PostgreSQL's uuid type accepts them (ids made outside —
 * imports, federation peers — need not be version 4), and a failure is named by request.check.uuid.
 */
import { z } from 'zod';
import { check } from './validation-messages.js';

/** A uuid in its usual text form, any case. */
export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, check('uuid'));
