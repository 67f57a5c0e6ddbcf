/** SQL for the outbound message record. */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { OutboundMessagesTable } from '../../db/schema.js';

export type OutboundMessageRow = Selectable<OutboundMessagesTable>;

/** Returns the new row's id, or null when a message with the same dedupe key exists already. */
export async function insertMessage(
  tx: Db,
  values: {
    jurisdictionId: string;
    channel: OutboundMessagesTable['channel'];
    purpose: string;
    recipientEnc: string;
    recipientMasked: string;
    body: string;
    subject?: string | null;
    dedupeKey?: string | null;
    status?: 'recorded' | 'queued';
  },
): Promise<string | null> {
  const row = await tx
    .insertInto('outbound_messages')
    .values({
      jurisdiction_id: values.jurisdictionId,
      channel: values.channel,
      purpose: values.purpose,
      recipient_enc: values.recipientEnc,
      recipient_masked: values.recipientMasked,
      body: values.body,
      subject: values.subject ?? null,
      dedupe_key: values.dedupeKey ?? null,
      status: values.status ?? 'recorded',
    })
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function lockMessage(tx: Db, id: string): Promise<OutboundMessageRow | undefined> {
  return tx.selectFrom('outbound_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markSent(tx: Db, id: string, attempts: number, providerRef: string | null): Promise<void> {
  await tx
    .updateTable('outbound_messages')
    .set({ status: 'sent', attempts, provider_ref: providerRef?.slice(0, 200) ?? null, last_error: null, sent_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function markAttemptFailed(tx: Db, id: string, attempts: number, error: string, final: boolean): Promise<void> {
  await tx
    .updateTable('outbound_messages')
    .set({ attempts, last_error: error, ...(final ? { status: 'failed' as const } : {}) })
    .where('id', '=', id)
    .execute();
}

export interface MessageFilter {
  channel?: OutboundMessagesTable['channel'] | undefined;
  status?: 'recorded' | 'queued' | 'sent' | 'failed' | undefined;
}

export async function listMessages(db: Db, jurisdictionId: string, limit: number, filter: MessageFilter = {}): Promise<OutboundMessageRow[]> {
  let q = db.selectFrom('outbound_messages').selectAll().where('jurisdiction_id', '=', jurisdictionId);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
