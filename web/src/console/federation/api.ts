/** The federation API as the console uses it (server/src/modules/federation/federation.schema.ts). */
import { api } from '../../shared/api';

export interface Peer {
  id: string;
  name: string;
  baseUrl: string;
  remoteJurisdictionId: string | null;
  apiKeyLast4: string;
  format: 'json' | 'xml';
  serviceMap: Record<string, string>;
  defaultServiceCode: string | null;
  sendPersonalData: boolean;
  active: boolean;
  lastPolledAt: string | null;
  lastError: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PeerInput {
  name: string;
  baseUrl: string;
  remoteJurisdictionId?: string | null;
  apiKey?: string;
  format: 'json' | 'xml';
  serviceMap: Record<string, string>;
  defaultServiceCode: string;
  sendPersonalData: boolean;
  active: boolean;
}

export interface RemoteService {
  code: string;
  name: string;
  group: string | null;
  description: string | null;
}

export interface Transfer {
  peer: { id: string; name: string };
  state: 'pending' | 'token' | 'sent' | 'done' | 'failed';
  serviceCode: string;
  remoteId: string | null;
  remoteStatus: string | null;
  remoteNotes: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  lastPolledAt: string | null;
  /** The peer's updates mirrored into the timeline, newest first. */
  mirrored: { at: string; remoteStatus: string; mirroredStatus: string; note: string | null }[];
}

const base = '/api/v1/federation';
const id = (s: string) => encodeURIComponent(s);

export const federationApi = {
  peers: () => api.get<{ items: Peer[] }>(`${base}/peers`).then((r) => r.items),
  choices: () => api.get<{ items: { id: string; name: string }[] }>(`${base}/peer-choices`).then((r) => r.items),
  create: (input: PeerInput) => api.post<{ peer: Peer }>(`${base}/peers`, input).then((r) => r.peer),
  update: (peerId: string, version: number, input: PeerInput) => api.put<{ peer: Peer }>(`${base}/peers/${id(peerId)}`, { ...input, version }).then((r) => r.peer),
  remove: (peerId: string) => api.del<void>(`${base}/peers/${id(peerId)}`),
  test: (peerId: string) => api.post<{ ok: boolean; error: string | null; services: RemoteService[] }>(`${base}/peers/${id(peerId)}/test`, {}),
  poll: (peerId: string) => api.post<void>(`${base}/peers/${id(peerId)}/poll`, {}),
  transfer: (workOrderId: string) => api.get<{ transfer: Transfer }>(`${base}/transfers/${id(workOrderId)}`).then((r) => r.transfer),
};

/** "component.01=S0301" lines ⇄ the service map (blank lines ignored). */
export function parseServiceMap(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const m = /^([a-z0-9]+(?:\.[a-z0-9]+)*)\s*=\s*(\S.*)$/.exec(line);
    if (!m) return null;
    out[m[1]!] = m[2]!.trim();
  }
  return out;
}

export function formatServiceMap(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
