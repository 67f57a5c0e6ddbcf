/** Request and response shapes of /api/v1/federation. */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';

const serviceCode = z.string().trim().min(1).max(100);

const peerFields = {
  name: z.string().trim().min(1).max(100),
  baseUrl: z.string().trim().min(1).max(500).describe("The peer's GeoReport v2 base, e.g. https://311.example.gov/open311/v2"),
  remoteJurisdictionId: z.string().trim().max(200).nullish().describe('jurisdiction_id sent on every call'),
  format: z.enum(['json', 'xml']).default('json'),
  serviceMap: z.record(z.string().max(100), serviceCode).default({}).describe('Our category code (or a prefix of codes) → their service_code; the longest prefix wins'),
  defaultServiceCode: serviceCode.describe('Their service_code for categories not in serviceMap'),
  sendPersonalData: z.boolean().default(false).describe("Send the reporter's name and phone with a transfer"),
  active: z.boolean().default(true),
};

export const createPeerBody = z.strictObject({ ...peerFields, apiKey: z.string().min(1).max(500).describe('Stored encrypted; never shown again') });
export const updatePeerBody = z.strictObject({
  ...peerFields,
  version: z.number().int().min(1),
  apiKey: z.string().min(1).max(500).optional().describe('Omit to keep the stored key'),
});

export const peerView = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  remoteJurisdictionId: z.string().nullable(),
  apiKeyLast4: z.string(),
  format: z.enum(['json', 'xml']),
  serviceMap: z.record(z.string(), z.string()),
  defaultServiceCode: z.string().nullable(),
  sendPersonalData: z.boolean(),
  active: z.boolean(),
  lastPolledAt: z.string().nullable(),
  lastError: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const peerResponse = z.object({ peer: peerView });
export const peersResponse = z.object({ items: z.array(peerView) });
export const choicesResponse = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });
export const idParams = z.strictObject({ id: uuid });
export const orderParams = z.strictObject({ workOrderId: uuid });

export const testResponse = z.object({
  ok: z.boolean(),
  error: z.string().nullable(),
  services: z.array(z.object({ code: z.string(), name: z.string(), group: z.string().nullable(), description: z.string().nullable() })),
});

export const transferResponse = z.object({
  transfer: z.object({
    peer: z.object({ id: z.string(), name: z.string() }),
    state: z.enum(['pending', 'token', 'sent', 'done', 'failed']),
    serviceCode: z.string(),
    remoteId: z.string().nullable(),
    remoteStatus: z.string().nullable(),
    remoteNotes: z.string().nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    lastPolledAt: z.string().nullable().describe("When the peer was last polled (null: not yet)"),
    mirrored: z
      .array(z.object({ at: z.string(), remoteStatus: z.string(), mirroredStatus: z.string(), note: z.string().nullable() }))
      .describe("The peer's updates mirrored into the order's timeline, newest first (at most 20)"),
  }),
});
