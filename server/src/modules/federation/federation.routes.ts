/** /api/v1/federation: peers (administrators; dispatchers list active ones) and the transfer of an order. Thin. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './federation.policy.js';
import { choicesResponse, createPeerBody, idParams, orderParams, peerResponse, peersResponse, testResponse, transferResponse, updatePeerBody } from './federation.schema.js';
import { createPeer, deletePeer, getPeer, getTransfer, listPeerChoices, listPeers, pollPeerNow, testPeer, updatePeer, type FederationContext } from './federation.service.js';

const tags = ['federation'];

export function federationRoutes(app: FastifyInstance, ctx: FederationContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const manage = requirePermission('federation.peer.manage');
  r.get('/federation/peers', { preHandler: manage, schema: { tags, summary: 'Peers (neighbouring Open311 endpoints) of the jurisdiction', response: { 200: peersResponse } } }, async (request) => ({
    items: await listPeers(ctx, principalOf(request)),
  }));
  r.get(
    '/federation/peer-choices',
    { preHandler: requirePermission('federation.peer.read'), schema: { tags, summary: 'Active peers an order can be transferred to (id and name)', response: { 200: choicesResponse } } },
    async (request) => ({ items: await listPeerChoices(ctx, principalOf(request)) }),
  );
  r.post('/federation/peers', { preHandler: manage, schema: { tags, summary: 'Register a peer (its API key is stored encrypted)', body: createPeerBody, response: { 201: peerResponse } } }, async (request, reply) => {
    const b = request.body;
    const peer = await createPeer(ctx, principalOf(request), { ...b, remoteJurisdictionId: b.remoteJurisdictionId ?? null }, actorOf(request), requestMeta(request));
    return reply.status(201).send({ peer });
  });
  r.get('/federation/peers/:id', { preHandler: manage, schema: { tags, summary: 'A peer', params: idParams, response: { 200: peerResponse } } }, async (request) => ({
    peer: await getPeer(ctx, principalOf(request), request.params.id),
  }));
  r.put('/federation/peers/:id', { preHandler: manage, schema: { tags, summary: 'Replace a peer (version from the last read; apiKey omitted keeps the key)', params: idParams, body: updatePeerBody, response: { 200: peerResponse } } }, async (request) => {
    const { version, ...b } = request.body;
    return { peer: await updatePeer(ctx, principalOf(request), request.params.id, version, { ...b, remoteJurisdictionId: b.remoteJurisdictionId ?? null }, actorOf(request), requestMeta(request)) };
  });
  r.delete('/federation/peers/:id', { preHandler: manage, schema: { tags, summary: 'Delete a peer that has no transfers (deactivate one that has)', params: idParams } }, async (request, reply) => {
    await deletePeer(ctx, principalOf(request), request.params.id, actorOf(request), requestMeta(request));
    return reply.status(204).send();
  });
  r.post('/federation/peers/:id/test', { preHandler: manage, schema: { tags, summary: "Test the connection: fetch the peer's services (to map categories to)", params: idParams, response: { 200: testResponse } } }, async (request) => {
    const t = await testPeer(ctx, principalOf(request), request.params.id, actorOf(request), requestMeta(request));
    return { ok: t.ok, error: t.error, services: t.services.map((s) => ({ code: s.code, name: s.name, group: s.group, description: s.description })) };
  });
  r.post('/federation/peers/:id/poll', { preHandler: manage, schema: { tags, summary: 'Poll the peer for updates now', params: idParams } }, async (request, reply) => {
    await pollPeerNow(ctx, principalOf(request), request.params.id);
    return reply.status(202).send();
  });
  r.get(
    '/federation/transfers/:workOrderId',
    { preHandler: requirePermission('federation.peer.read'), schema: { tags, summary: "The transfer of an order: the peer, the remote id and the peer's last status", params: orderParams, response: { 200: transferResponse } } },
    async (request) => ({ transfer: await getTransfer(ctx, principalOf(request), request.params.workOrderId) }),
  );
}
