/** Who may read the outbound message record. */
import { definePolicy } from '../identity/index.js';

export const messagesPolicy = definePolicy({
  'message.read': ['admin'],
});
