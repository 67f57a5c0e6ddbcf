/** The federation API as the console uses it (the shapes are @civicgrid/contracts' federation.ts). */
import type { ConnectionTest, PeerChoice, PeerInput, PeerView, TransferView } from '@civicgrid/contracts/federation';
import { api } from '../../shared/api';

const base = '/api/v1/federation';
const id = (s: string) => encodeURIComponent(s);

export const federationApi = {
  peers: () => api.get<{ items: PeerView[] }>(`${base}/peers`).then((r) => r.items),
  choices: () => api.get<{ items: PeerChoice[] }>(`${base}/peer-choices`).then((r) => r.items),
  create: (input: PeerInput) => api.post<{ peer: PeerView }>(`${base}/peers`, input).then((r) => r.peer),
  update: (peerId: string, version: number, input: PeerInput) => api.put<{ peer: PeerView }>(`${base}/peers/${id(peerId)}`, { ...input, version }).then((r) => r.peer),
  remove: (peerId: string) => api.del<void>(`${base}/peers/${id(peerId)}`),
  test: (peerId: string) => api.post<ConnectionTest>(`${base}/peers/${id(peerId)}/test`, {}),
  poll: (peerId: string) => api.post<void>(`${base}/peers/${id(peerId)}/poll`, {}),
  transfer: (workOrderId: string) => api.get<{ transfer: TransferView }>(`${base}/transfers/${id(workOrderId)}`).then((r) => r.transfer),
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
