/**
 * Who did something and from where — what the audit log records. Identity builds an Actor from the
 * authenticated principal; background work and the CLI use system actors.
 */
import type { ActorKind } from '@civicgrid/contracts/audit';

export interface Actor {
  kind: ActorKind;
  id: string | null;
  name: string | null;
  /** The actor's jurisdiction, when it has one. */
  jurisdictionId: string | null;
}

export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
}

export const systemActor = (name: string, jurisdictionId: string | null = null): Actor => ({
  kind: 'system',
  id: null,
  name,
  jurisdictionId,
});

export const noRequest: RequestMeta = { ip: null, requestId: null };
