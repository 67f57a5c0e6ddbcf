/** The only SQL for the work-order tables. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';

export async function findTicketPrefix(db: Db, jurisdictionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('work_order_settings').select('ticket_prefix').where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return row?.ticket_prefix;
}

export async function upsertTicketPrefix(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  await tx
    .insertInto('work_order_settings')
    .values({ jurisdiction_id: jurisdictionId, ticket_prefix: prefix })
    .onConflict((oc) => oc.column('jurisdiction_id').doUpdateSet({ ticket_prefix: prefix, updated_at: sql<Date>`now()` }))
    .execute();
}

/**
 * The next number of the day for this jurisdiction, or undefined when the day's 999,999 are used up. The row lock
 * taken by the upsert is held until the caller's transaction ends, so callers must allocate inside the transaction
 * that stores the order: two creates never see the same number, and a rollback returns it.
 */
export async function nextDailySequence(tx: Db, jurisdictionId: string, day: string): Promise<number | undefined> {
  const row = await tx
    .insertInto('work_order_code_counters')
    .values({ jurisdiction_id: jurisdictionId, day, last_seq: 1 })
    .onConflict((oc) =>
      oc
        .columns(['jurisdiction_id', 'day'])
        .doUpdateSet({ last_seq: sql<number>`work_order_code_counters.last_seq + 1` })
        .where('work_order_code_counters.last_seq', '<', 999_999),
    )
    .returning('last_seq')
    .executeTakeFirst();
  return row?.last_seq;
}
