/**
 * Reading the message record as an operator. With the default recording notifier nothing reaches a phone, so
 * whoever runs the server (the demo, a test city before its SMS gateway is connected) needs to read what would
 * have been sent — from the machine (the CLI), never through the web API, and every read is audited with its purpose.
 */
import type { AppContext } from '../../app-context.js';
import type { Actor } from '../../shared/actor.js';
import { badRequest, notFound } from '../../shared/errors.js';
import { noRequest } from '../../shared/actor.js';
import { recordAudit } from '../audit/index.js';
import { normalisePhone, openPersonal } from '../identity/index.js';
import * as repo from './messages.repo.js';

/** How far back an operator lookup searches (recipients are sealed, so matching happens after decryption). */
const LOOKUP_WINDOW = 500;

export async function latestMessageTo(
  ctx: Pick<AppContext, 'db' | 'config'>,
  input: { jurisdictionId: string; phone: string },
  actor: Actor,
): Promise<{ body: string; createdAt: Date; purpose: string }> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw badRequest('message.phone_invalid');
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await repo.listMessages(tx, input.jurisdictionId, LOOKUP_WINDOW);
    const found = rows.find((r) => openPersonal(ctx.config.secretKey, r.recipient_enc) === phone);
    if (!found) throw notFound('message.not_found');
    await recordAudit(tx, {
      actor,
      request: noRequest,
      action: 'message.read',
      jurisdictionId: input.jurisdictionId,
      objectType: 'outbound_message',
      objectId: found.id,
      purpose: 'operator relays a message the recording notifier did not send',
      details: { recipient: found.recipient_masked, via: 'cli' },
    });
    return { body: found.body, createdAt: new Date(found.created_at), purpose: found.purpose };
  });
}
