/** An Open311 client for a stored peer (its sealed key opened only here, for the call). */
import { openPersonal } from '../identity/index.js';
import { Open311Client } from './open311-client.js';
import type { PeerRow } from './federation.repo.js';

export function clientFor(secretKey: string, p: PeerRow, timeoutMs?: number): Open311Client {
  return new Open311Client({ baseUrl: p.base_url, jurisdictionId: p.remote_jurisdiction_id, apiKey: openPersonal(secretKey, p.api_key_enc), format: p.format, ...(timeoutMs ? { timeoutMs } : {}) });
}
