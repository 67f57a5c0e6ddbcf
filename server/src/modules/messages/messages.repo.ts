/** SQL for the outbound message record. */
import type { Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { OutboundMessagesTable } from '../../db/schema.js';

export type OutboundMessageRow = Selectable<OutboundMessagesTable>;

export async function insertMessage(
  tx: Db,
  values: { jurisdictionId: string; channel: 'sms'; purpose: string; recipientEnc: string; recipientMasked: string; body: string },
): Promise<string> {
  const row = await tx
    .insertInto('outbound_messages')
    .values({
      jurisdiction_id: values.jurisdictionId,
      channel: values.channel,
      purpose: values.purpose,
      recipient_enc: values.recipientEnc,
      recipient_masked: values.recipientMasked,
      body: values.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listMessages(db: Db, jurisdictionId: string, limit: number): Promise<OutboundMessageRow[]> {
  return db
    .selectFrom('outbound_messages')
    .selectAll()
    .where('jurisdiction_id', '=', jurisdictionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
