/**
 * Federation permissions. Administrators register and maintain peers (their keys never leave the server);
 * dispatchers see the list of peers to transfer to and the state of a transfer.
 */
import { definePolicy } from '../identity/index.js';

export const federationPolicy = definePolicy({
  'federation.peer.read': ['admin', 'dispatcher'],
  'federation.peer.manage': ['admin'],
});
