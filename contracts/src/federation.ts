/**
 * Cross-jurisdiction transfer (跨域转办, /federation): neighbouring cities' Open311 endpoints (peers) and the orders
 * handed to them. Built in server/src/modules/federation/federation.service.ts, described by federation.schema.ts.
 */

export const PEER_FORMATS = ['json', 'xml'] as const;
export type PeerFormat = (typeof PEER_FORMATS)[number];

/** pending → token (the peer answered with a token first) → sent; done once the peer closed it; failed if refused. */
export const TRANSFER_STATES = ['pending', 'token', 'sent', 'done', 'failed'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** What an administrator writes for a peer (POST /federation/peers; PUT adds the version). */
export interface PeerInput {
  name: string;
  baseUrl: string;
  remoteJurisdictionId?: string | null;
  /** Required when creating; absent when updating keeps the stored key. */
  apiKey?: string;
  format: PeerFormat;
  /** Our category code (a prefix) → their service code. */
  serviceMap: Record<string, string>;
  defaultServiceCode: string;
  sendPersonalData: boolean;
  active: boolean;
}

/** A peer as administrators see it: the key never, only its last 4 characters. */
export interface PeerView {
  id: string;
  name: string;
  baseUrl: string;
  remoteJurisdictionId: string | null;
  apiKeyLast4: string;
  format: PeerFormat;
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

/** What a dispatcher needs to choose a peer (GET /federation/peer-choices); nothing about keys or endpoints. */
export interface PeerChoice {
  id: string;
  name: string;
}

/** One of the peer's Open311 services, as the connection test lists them. */
export interface RemoteServiceSummary {
  code: string;
  name: string;
  group: string | null;
  description: string | null;
}

/** POST /federation/peers/:id/test: the peer's services list (also what our categories are mapped to). */
export interface ConnectionTest {
  ok: boolean;
  services: RemoteServiceSummary[];
  error: string | null;
}

/** GET /federation/transfers/:workOrderId: a transferred order at the peer. */
export interface TransferView {
  peer: { id: string; name: string };
  state: TransferState;
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
  mirrored: Array<{ at: string; remoteStatus: string; mirroredStatus: string; note: string | null }>;
}
