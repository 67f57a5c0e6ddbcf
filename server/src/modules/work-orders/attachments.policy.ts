/**
 * Who may upload and read work-order photos. Uploading is open to every signed-in role that reports or handles
 * (residents and enterprises through the portal, staff in the field) and to API keys with the scope; the public
 * portal uploads anonymously, within per-address and hourly limits (attachments.service.ts).
 *
 * Reading a photo follows the work order it is linked to (`work_order.read` on the order's jurisdiction, department
 * subtree, grid and reporter, or a resident who filed it with the phone they have since verified, as for reading the
 * order); an uploader may always read their own upload. The check lives in one function,
 * `mayReadLinkedOrder` in attachments.service.ts.
 */
import { definePolicy } from '../identity/index.js';
// Declares work_order.read, which reading a linked photo is decided by.
import './work-orders.policy.js';

export const attachmentPolicy = definePolicy({
  'attachment.upload': ['resident', 'enterprise', 'agent', 'dispatcher', 'handler', 'inspector', 'operator', 'steward', 'leader', 'admin'],
});
